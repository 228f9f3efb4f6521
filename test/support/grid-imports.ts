/**
 * API grid imports are asynchronous (docs/decisions/0021): POST answers 202 with the version and
 * where to poll; the job turns it into a draft or a failed version. These helpers post and poll.
 */
import { randomUUID } from 'node:crypto';
import { syntheticCity } from '@gridpatrol/local';
import { beginGridImport, type GridVersionMeta } from '@gridpatrol/store';
import { expect } from 'vitest';
import type { TestApi, TestResponse } from './local-api';

/** A FeatureCollection of these features, as an import's `cells` or `zones`. */
export const featureCollection = (features: readonly unknown[]) => ({ type: 'FeatureCollection', features });

/** A ring about 100 m square in Hangzhou, for imports whose geometry is beside the point. */
export const SMALL_SQUARE = [
  [120.1, 30.2],
  [120.101, 30.2],
  [120.101, 30.201],
  [120.1, 30.201],
  [120.1, 30.2],
];

/** A layer of one feature, SMALL_SQUARE, with these properties. */
export const squareLayer = (properties: object) =>
  featureCollection([
    { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [SMALL_SQUARE] } },
  ]);

/** The body of an import of these cells and zones. */
export const importBody = (cells: readonly unknown[], zones: readonly unknown[]) => ({
  cells: featureCollection(cells),
  zones: featureCollection(zones),
});

/**
 * A synthetic city of `cells` cells over the riverside offices, and the body that imports it.
 *
 * @example const { body } = syntheticImport(40, 11); await importGrid(api, body)
 */
export function syntheticImport(cells: number, seed: number) {
  const city = syntheticCity({ cells, seed, offices: ['office-north', 'office-south'] });
  return { city, body: importBody(city.cells, city.zones) };
}

/**
 * Begins a version straight in the store, as POST /grid/imports does before its job runs: a
 * 'writing' version whose job never comes, for tests of what the sweep does with it.
 */
export async function beginWritingVersion(): Promise<GridVersionMeta> {
  const started = await beginGridImport({
    createdBy: 'admin',
    inputOf: (v) => ({ key: `grid-imports/${String(v).padStart(6, '0')}-${randomUUID()}.json` }),
  });
  if (!('meta' in started)) throw new Error('no version begun');
  return started.meta;
}

export interface ImportOptions {
  readonly as?: string;
  /** e.g. '?strict=true' */
  readonly query?: string;
  readonly idempotencyKey?: string;
}

/** Polls a version until its import is no longer 'writing'; returns the last GET answer. */
export async function pollImport(api: TestApi, version: number, as = 'admin', timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await api.call('GET', `/grid/imports/${version}`, { as });
    if (got.status !== 200 || got.body.status !== 'writing' || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * POSTs an import, checks the 202 and its Location, and polls until the job is done.
 *
 * @example const { version, done } = await importGrid(api, { cells, zones }); // done.body.status === 'draft'
 */
export async function importGrid(
  api: TestApi,
  body: unknown,
  opts: ImportOptions = {},
): Promise<{ accepted: TestResponse; acceptedMs: number; version: number; done: TestResponse }> {
  const as = opts.as ?? 'admin';
  const started = Date.now();
  const accepted = await api.call('POST', `/grid/imports${opts.query ?? ''}`, {
    as,
    body,
    headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
  });
  const acceptedMs = Date.now() - started;
  expect(accepted.status, JSON.stringify(accepted.body).slice(0, 500)).toBe(202);
  const version: number = accepted.body.version;
  expect(accepted.headers.get('location')).toBe(`/grid/imports/${version}`);
  const done = await pollImport(api, version, as);
  return { accepted, acceptedMs, version, done };
}
