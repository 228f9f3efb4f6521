/**
 * A grid version as the API shows it (issue 21.4 follow-up): who started it, when, its size, its
 * options and status, never where its body was kept or how its items are chunked (`input.key`,
 * `artifact`, `reportParts`, `failureParts`). Checked on every route that answers a version: the
 * 202, its replay, GET while writing and once done, GET of a failed one, the list, activation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBody, importGrid, pollImport, syntheticImport } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('riverside');
});
afterAll(async () => {
  await api?.close();
});

const STORAGE = ['key', 'artifact', 'reportParts', 'failureParts', 'pk', 'sk', 'gsi1pk', 'gsi1sk', 'entity'];

/** Fails naming the first storage detail found anywhere in a version's record (not its report). */
function expectNoInternals(version: Record<string, unknown>) {
  const { report: _report, errors: _errors, ...record } = version;
  const text = JSON.stringify(record);
  expect(text).not.toContain('grid-imports/');
  for (const name of STORAGE) expect(text, `${name} in ${text}`).not.toContain(`"${name}"`);
}

describe('a grid version record', () => {
  it('shows who started an import, when, its size and status, and no storage keys, on every route', async () => {
    const { city, body } = syntheticImport(30, 4);
    const idempotencyKey = randomUUID();
    const { accepted, version, done } = await importGrid(api, body, { idempotencyKey });
    const bytes = Buffer.byteLength(JSON.stringify(body));

    expect(accepted.body).toMatchObject({ version, status: 'writing', createdBy: 'admin', input: { bytes } });
    expect(typeof accepted.body.createdAt).toBe('string');
    expectNoInternals(accepted.body);

    expect(done.body).toMatchObject({ version, status: 'draft', createdBy: 'admin', input: { bytes } });
    expect(done.body.counts).toEqual({ cells: 30, zones: city.zones.length, warnings: expect.any(Number) });
    expectNoInternals(done.body);

    const replay = await api.call('POST', '/grid/imports', {
      as: 'admin',
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ version, status: 'draft' });
    expectNoInternals(replay.body);

    const list = await api.call('GET', '/grid/imports?limit=50', { as: 'admin' });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((v: { version: number }) => v.version === version);
    expect(listed).toMatchObject({ status: 'draft', createdBy: 'admin', input: { bytes } });
    for (const item of list.body.items) expectNoInternals(item);

    const activated = await api.call('POST', `/grid/imports/${version}/activate`, {
      as: 'admin',
      body: { force: true, reason: 'version record test' },
    });
    expect(activated.status, activated.text.slice(0, 300)).toBe(200);
    expect(activated.body).toMatchObject({ version, status: 'active', activatedBy: 'admin' });
    expectNoInternals(activated.body);
  });

  it('shows a failed import with its reason and errors, and no storage keys', async () => {
    const { city } = syntheticImport(3, 9);
    const bad = city.cells.map((c) => ({ ...c, properties: { ...c.properties, id: 'not#an#id' } }));
    const { version } = await importGrid(api, importBody(bad, city.zones));
    const got = await pollImport(api, version);
    expect(got.body.status).toBe('failed');
    expect(got.body.failure).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(got.body.errors.length).toBeGreaterThan(0);
    expectNoInternals(got.body);
  });
});
