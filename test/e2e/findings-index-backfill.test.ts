/**
 * Findings written before the city-wide index (gsi5) existed (issue 15.4 follow-up, decision 0027):
 * findings reported through the local server are turned into what an older version left behind (no
 * gsi5 keys; a zone-less one not counted in `unzoned`). They are missing from the city admin's
 * city-wide list and `stats verify` names the `unzoned` counter. `gridpatrol findings backfill-index`
 * gives them their keys and counts; the list shows them, verify agrees, and a second run changes
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, getCounters, keys, tableName } from '@gridpatrol/store';
import { describe, expect, it } from 'vitest';
import { demoApiWithCli } from '../support/cli';
import { reportBody } from '../support/findings';
import { type CellPoint, pointInCell, unzonedPoint } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

const demo = demoApiWithCli('backfill');
const { cli } = demo;

const get = async (p: string): Promise<Json> => {
  // Coverage reads counters, which follow the stream: fold what was written first.
  await demo.api.settle();
  const res = await demo.api.call('GET', p, { as: 'admin' });
  expect(res.status, `${p}: ${res.text}`).toBe(200);
  return res.body;
};

/** Every id of the city admin's city-wide list (no zone=, no cell=), page by page. */
async function cityWideIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const body = await get(`/findings?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...body.items.map((f: { id: string }) => f.id));
    cursor = body.cursor;
    if (!cursor) return ids;
  }
  throw new Error('more than 50 pages');
}

async function zonedPoint(): Promise<CellPoint> {
  const zones = (await get('/zones')).items as { id: string }[];
  for (const z of zones) {
    const zone = await get(`/zones/${z.id}`);
    for (const c of (zone.properties.cells as { id: string }[]).slice(0, 3)) {
      const p = await pointInCell(get, c.id, (r) => r.primaryZone === z.id);
      if (p) return p;
    }
  }
  throw new Error('the demo grid has no point with a primary zone');
}

async function report(point: CellPoint, name: string): Promise<string> {
  const res = await demo.api.call('POST', '/findings', {
    as: 'admin',
    body: reportBody(point, name),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/**
 * What a version before gsi5 and the no-zone bucket wrote: no gsi5 keys, no `unzoned` counts. Taking
 * the keys away is enough: the counter fold counts an image's no-zone share only while it has them
 * (docs/decisions/0028), so this change takes the share out of `unzoned` as the old version never put it in.
 */
async function makeOld(id: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.findingById(id),
      UpdateExpression: 'REMOVE gsi5pk, gsi5sk',
    }),
  );
}

const backfill = () => cli.run(['findings', 'backfill-index', '--json']);
const verify = () => cli.run(['stats', 'verify', '--json']);

describe('findings written before the city-wide index', () => {
  const old: string[] = [];
  let fresh: string;
  let zoneless: string;

  it('are missing from the city-wide list, and verify names the unzoned counter', async () => {
    zoneless = await report(await unzonedPoint(get), '旧版无主小吃店');
    const zoned = await report(await zonedPoint(), '旧版无照摊点');
    old.push(zoneless, zoned);
    for (const id of old) await makeOld(id);
    fresh = await report(await zonedPoint(), '新版无照摊点');

    const listed = await cityWideIds();
    expect(listed).toContain(fresh);
    for (const id of old) expect(listed).not.toContain(id);

    const res = verify();
    expect(res.status, res.stderr + res.stdout).toBe(1);
    const areas = new Set(JSON.parse(res.stdout).disagreements.map((d: { area: string }) => d.area));
    expect(areas.has('unzoned')).toBe(true);
  }, 120_000);

  it('get their keys and counts from `gridpatrol findings backfill-index`', async () => {
    const res = backfill();
    expect(res.status, res.stderr + res.stdout).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      found: 2,
      updated: 2,
      unzonedCounted: 1,
      changedMeanwhile: 0,
      unreadable: 0,
      complete: true,
    });
    const listed = await cityWideIds();
    for (const id of [...old, fresh]) expect(listed).toContain(id);
    await demo.api.settle();
    expect((await getCounters(['unzoned'])).unzoned).toMatchObject({ total: 1, open: 1 });

    const check = verify();
    expect(check.status, check.stderr + check.stdout).toBe(0);
    expect(JSON.parse(check.stdout).disagreements).toEqual([]);
  }, 120_000);

  it('are left alone by a second run', async () => {
    await demo.api.settle();
    const before = await getCounters(['unzoned', 'city']);
    const res = backfill();
    expect(res.status, res.stderr + res.stdout).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ found: 0, updated: 0, unzonedCounted: 0, complete: true });
    await demo.api.settle();
    expect(await getCounters(['unzoned', 'city'])).toEqual(before);
  }, 120_000);
});
