/**
 * GET /stats/cells (issue 13, the console's area map): each cell of the caller's area with its open
 * and overdue findings, baseline reduction, last joint patrol and manual priority, scoped as the
 * exports (an officer's own cells by default, a worker's own cells), paged with a sealed cursor, and
 * an area of another office answered 404, not data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

let api: TestApi;

const get = async (path: string, as: string): Promise<Json> => {
  await api.settle();
  const res = await api.call('GET', path, { as });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
};

/** Every page of a paged route. */
async function all(path: string, as: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, as);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  api = await startTestApi('demo');
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('GET /stats/cells', () => {
  it('gives an officer each cell of their area, with a new report and a set priority counted', async () => {
    const liCells = (await all('/cells?limit=500', 'officer-li')).map((c) => c.id).sort();
    expect(liCells.length).toBeGreaterThan(1);
    const cell = liCells[0] as string;
    const before = (await all('/stats/cells', 'officer-li')).find((c) => c.id === cell);

    const point = await pointInCell(async (p) => (await api.call('GET', p, { as: 'admin' })).body, cell);
    if (!point) throw new Error(`no point inside ${cell}`);
    const report = await api.call('POST', '/findings', {
      as: 'officer-li',
      body: reportBody(point, `地图小店 ${randomUUID().slice(0, 6)}`),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(report.status, report.text).toBe(201);
    const priority = await api.call('PUT', `/cells/${cell}/priority`, {
      as: 'sup-east',
      body: { priority: 4 },
    });
    expect(priority.status, priority.text).toBe(200);

    const rows = await all('/stats/cells', 'officer-li');
    expect(rows.map((r) => r.id)).toEqual(liCells);
    const row = rows.find((r) => r.id === cell);
    expect(row).toMatchObject({ open: (before?.open ?? 0) + 1, manualPriority: 4 });
    expect(row.remaining).toBe((before?.remaining ?? 0) + 1);
    for (const r of rows) {
      expect(r.overdue).toBeLessThanOrEqual(r.open);
      if (r.lastJointPatrolDate === null) expect(r.daysSinceJointPatrol).toBeNull();
      else expect(r.daysSinceJointPatrol).toBeGreaterThanOrEqual(0);
    }
  });

  it('pages with a cursor bound to the request', async () => {
    const whole = await all('/stats/cells', 'officer-li');
    const paged = await all('/stats/cells?limit=2', 'officer-li');
    expect(paged.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    const first = await get('/stats/cells?limit=2', 'officer-li');
    // Another person cannot follow the officer's cursor.
    const stolen = await api.call('GET', `/stats/cells?limit=2&cursor=${encodeURIComponent(first.cursor)}`, {
      as: 'sup-east',
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.code).toBe('invalid_cursor');
  });

  it("gives a grid worker only their own cells, and refuses another office's area as missing", async () => {
    const liu = (await get('/me', 'worker-liu')).cells as string[];
    const rows = await all('/stats/cells', 'worker-liu');
    expect(rows.map((r) => r.id)).toEqual([...liu].sort());

    const eastCell = liu[0] as string;
    const foreign = await api.call('GET', `/stats/cells?scope=cell:${eastCell}`, { as: 'sup-west' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.items).toBeUndefined();
    const westZones = (await all('/zones?limit=500', 'sup-west')).map((z) => z.id);
    const byWorker = await api.call('GET', `/stats/cells?scope=zone:${westZones[0]}`, { as: 'worker-liu' });
    expect(byWorker.status).toBe(404);
  });

  it('names a malformed scope', async () => {
    const bad = await api.call('GET', '/stats/cells?scope=street:1', { as: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.scope');
  });
});
