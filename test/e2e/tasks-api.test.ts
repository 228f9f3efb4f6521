/**
 * Doing a patrol task through the local server: my tasks, check-in on site (inside, outside, out of
 * the window, by a stranger), completion (joint vs solo, bad checks, unknown findings), idempotent
 * retries and racing requests, the missed-task job, and counters that equal a recount of the tasks.
 * Published tasks are written straight into the store (test/support/tasks.ts); the routes' clock is
 * set through `setTasksClock`, so nothing here depends on the wall clock.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  cellCentroid,
  distanceToCellM,
  type PatrolTask,
  type PolygonGeometry,
  pruneCounters,
  recountTasks,
  shiftWindow,
  visitingOrder,
} from '@gridpatrol/core';
import { metresPerDegreeLon } from '@gridpatrol/core/geo/measure';
import { runJob } from '@gridpatrol/functions/jobs/run';
import {
  documentClient,
  getCounters,
  getPatrolTask,
  keys,
  listTaskHistory,
  tableName,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedRecords } from '../support/database';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;
let setClock: (fn?: () => Date) => void;
let now = new Date();
const MIN = 60_000;

interface CellInfo {
  id: string;
  name: string;
  zoneId: string;
  geometry: PolygonGeometry;
  inside: { lon: number; lat: number };
}
const cells = new Map<string, CellInfo>();
/** worker-liu's cells (leader-chen serves them too), then worker-sun's. */
let liuCells: string[];
let sunCells: string[];
const created: string[] = [];
let seq = 0;

const DATE = '2026-12-01';

async function cellInfo(id: string): Promise<CellInfo> {
  const hit = cells.get(id);
  if (hit) return hit;
  const get = async (path: string) => (await api.call('GET', path, { as: 'admin' })).body;
  const feature = await get(`/cells/${id}`);
  const inside = await pointInCell(get, id);
  if (!inside) throw new Error(`no point inside ${id}`);
  const info: CellInfo = {
    id,
    name: feature.properties.name,
    zoneId: feature.properties.primaryZone,
    geometry: feature.geometry,
    inside: { lon: inside.lon, lat: inside.lat },
  };
  cells.set(id, info);
  return info;
}

async function task(
  opts: { cell?: string; officer?: string; partner?: string; date?: string; shift?: 'am' | 'pm' } = {},
): Promise<PatrolTask> {
  const date = opts.date ?? DATE;
  const shift = opts.shift ?? 'am';
  const times = api.config.patrols.shiftTimes[shift];
  if (!times) throw new Error(`no shift ${shift}`);
  const w = shiftWindow(date, times, api.config.timeZone);
  const cell = await cellInfo(opts.cell ?? (liuCells[0] as string));
  const t = await writePublishedTask({
    planId: `P-e2e${String(++seq).padStart(4, '0')}`,
    cellId: cell.id,
    zoneId: cell.zoneId,
    officeId: 'office-east',
    officerId: opts.officer ?? 'officer-li',
    partnerId: opts.partner ?? 'worker-liu',
    date,
    shift,
    shiftStart: w.start,
    shiftEnd: w.end,
  });
  created.push(t.id);
  return t;
}

/** The clock inside the task's shift. */
const during = (t: PatrolTask) => {
  now = new Date(Date.parse(t.shiftStart) + 30 * MIN);
};

const checkIn = (as: string, id: string, body: Record<string, unknown>, key: string = randomUUID()) =>
  api.call('POST', `/tasks/${id}/check-in`, { as, body, headers: { 'idempotency-key': key } });
const complete = (as: string, id: string, body: Record<string, unknown>, key: string = randomUUID()) =>
  api.call('POST', `/tasks/${id}/complete`, { as, body, headers: { 'idempotency-key': key } });
const at = (cellId: string) => ({ ...(cells.get(cellId)?.inside as { lon: number; lat: number }) });
const CHECKS = { safety: 'ok', food: 'issue', license: 'not_applicable' };
const history = async (id: string) => (await listTaskHistory(id)).items;

beforeAll(async () => {
  api = await startTestApi('demo');
  // The handler module the server loaded: the same instance, so its clock is the server's.
  const mod = await import('@gridpatrol/functions/handlers/tasks');
  setClock = mod.setTasksClock;
  setClock(() => now);
  liuCells = (await api.call('GET', '/me', { as: 'worker-liu' })).body.cells;
  sunCells = (await api.call('GET', '/me', { as: 'worker-sun' })).body.cells;
}, 120_000);
afterAll(async () => {
  setClock?.();
  await api?.close();
});

describe('check-in', () => {
  it('is accepted inside the cell with distance 0; a retry under the same key answers the same', async () => {
    const t = await task();
    during(t);
    const key = randomUUID();
    const first = await checkIn('worker-liu', t.id, { ...at(t.cellId), accuracyM: 8 }, key);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ id: t.id, status: 'assigned', version: 2 });
    expect(first.body.checkIns).toEqual([
      expect.objectContaining({ personId: 'worker-liu', role: 'grid_worker', distanceM: 0, accuracyM: 8 }),
    ]);
    const retry = await checkIn('worker-liu', t.id, { ...at(t.cellId), accuracyM: 8 }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    // Same key, another body: refused, naming the header.
    const other = await checkIn('worker-liu', t.id, { ...at(t.cellId), accuracyM: 9 }, key);
    expect(other.status, other.text).toBe(422);
    expect(other.body.error.details).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    // A new key: the first check-in stands, nothing is written.
    const again = await checkIn('worker-liu', t.id, at(t.cellId));
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    expect((await history(t.id)).map((e) => e.action)).toEqual(['publish', 'check_in']);
  });

  it('is refused 500 m outside the cell with the distance in the message', async () => {
    const t = await task();
    during(t);
    const cell = cells.get(t.cellId) as CellInfo;
    const ring =
      JSON.stringify(cell.geometry.coordinates)
        .match(/-?\d+(\.\d+)?/g)
        ?.map(Number) ?? [];
    const lons = ring.filter((_, i) => i % 2 === 0);
    const lats = ring.filter((_, i) => i % 2 === 1);
    const west = Math.min(...lons);
    const lat = lats[lons.indexOf(west)] as number;
    const lon = west - 500 / metresPerDegreeLon(lat);
    const expected = Math.round(distanceToCellM(lon, lat, cell.geometry));
    expect(expected).toBeGreaterThanOrEqual(499);
    const res = await checkIn('worker-liu', t.id, { lon, lat });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.message).toBe(
      `${expected} m outside cell ${cell.name} (${cell.id}); at most 100 m allowed.`,
    );
    expect(await history(t.id)).toHaveLength(1);
  });

  it('is refused outside the shift window and its grace', async () => {
    const t = await task();
    const grace = api.config.patrols.graceMinutes;
    now = new Date(Date.parse(t.shiftStart) - (grace + 1) * MIN);
    const early = await checkIn('officer-li', t.id, at(t.cellId));
    expect(early.status, early.text).toBe(422);
    expect(early.body.error.message).toMatch(/opens at/);
    now = new Date(Date.parse(t.shiftEnd) + (grace + 1) * MIN);
    const late = await checkIn('officer-li', t.id, at(t.cellId));
    expect(late.status).toBe(422);
    expect(late.body.error.message).toMatch(/closed at/);
    now = new Date(Date.parse(t.shiftStart) - (grace - 1) * MIN);
    expect((await checkIn('officer-li', t.id, at(t.cellId))).status).toBe(200);
  });

  it('is only for the pair: 404 for a stranger (even one serving the cell), 403 for a manager', async () => {
    const t = await task();
    during(t);
    for (const who of ['worker-he', 'leader-chen', 'officer-zhao'])
      expect((await checkIn(who, t.id, at(t.cellId))).status, who).toBe(404);
    expect((await checkIn('sup-east', t.id, at(t.cellId))).status).toBe(403);
    expect((await checkIn('worker-liu', 'P-none.2026-12-01.am.X', at(t.cellId))).status).toBe(404);
    // Field roles must send a key.
    const keyless = await api.call('POST', `/tasks/${t.id}/check-in`, {
      as: 'worker-liu',
      body: at(t.cellId),
    });
    expect(keyless.status).toBe(400);
    expect(await history(t.id)).toHaveLength(1);
  });

  it('lets parallel twins under one key check in once', async () => {
    const t = await task();
    during(t);
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => checkIn('worker-liu', t.id, at(t.cellId), key)),
    );
    for (const a of answers) expect(a.status, a.text).toBe(200);
    for (const a of answers) expect(a.body).toEqual(answers[0]?.body);
    expect((await history(t.id)).map((e) => e.version)).toEqual([1, 2]);
  });
});

describe('completion', () => {
  it('is solo when only one partner checked in, naming who was missing', async () => {
    const t = await task();
    during(t);
    const notYet = await complete('officer-li', t.id, { checks: CHECKS });
    expect(notYet.status, notYet.text).toBe(422);
    expect(notYet.body.error.message).toMatch(/Check in on site/);
    expect((await checkIn('officer-li', t.id, at(t.cellId))).status).toBe(200);
    const res = await complete('officer-li', t.id, { checks: CHECKS, note: '店铺已关门' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', version: 3 });
    expect(res.body.completion).toMatchObject({
      by: 'officer-li',
      joint: false,
      missing: ['worker-liu'],
      checks: CHECKS,
      note: '店铺已关门',
      findingIds: [],
    });
    // Done: a partner's late check-in or a second completion is a conflict.
    expect((await checkIn('worker-liu', t.id, at(t.cellId))).status).toBe(409);
    expect((await complete('officer-li', t.id, { checks: CHECKS })).status).toBe(409);
  });

  it('is joint when both checked in, and moves the cell’s last joint patrol forward only', async () => {
    const t = await task({ date: '2026-12-03' });
    during(t);
    expect((await checkIn('officer-li', t.id, at(t.cellId))).status).toBe(200);
    expect((await checkIn('worker-liu', t.id, at(t.cellId))).status).toBe(200);
    const key = randomUUID();
    const res = await complete('worker-liu', t.id, { checks: CHECKS }, key);
    expect(res.status, res.text).toBe(200);
    expect(res.body.completion).toMatchObject({ by: 'worker-liu', joint: true, missing: [] });
    const retry = await complete('worker-liu', t.id, { checks: CHECKS }, key);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(res.body);
    expect((await history(t.id)).map((e) => e.action)).toEqual([
      'publish',
      'check_in',
      'check_in',
      'complete',
    ]);
    const planning = async () =>
      (
        await documentClient().send(
          new GetCommand({ TableName: tableName(), Key: keys.cellPlanning(t.cellId), ConsistentRead: true }),
        )
      ).Item?.lastJointPatrolDate;
    expect(await planning()).toBe('2026-12-03');
    // An earlier task of the same cell completed later does not move it back.
    const older = await task({ date: '2026-12-02' });
    during(older);
    await checkIn('officer-li', older.id, at(older.cellId));
    await checkIn('worker-liu', older.id, at(older.cellId));
    expect((await complete('officer-li', older.id, { checks: CHECKS })).body.completion.joint).toBe(true);
    expect(await planning()).toBe('2026-12-03');
  });

  it('refuses a bad check value (400 naming the field) and unknown findings (422 naming the id)', async () => {
    const t = await task();
    during(t);
    await checkIn('worker-liu', t.id, at(t.cellId));
    const bad = await complete('worker-liu', t.id, { checks: { ...CHECKS, safety: 'maybe' } });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'body.checks.safety' })]);

    const report = await api.call('POST', '/findings', {
      as: 'worker-liu',
      headers: { 'idempotency-key': randomUUID() },
      body: {
        ...at(t.cellId),
        address: '巡查路 1 号',
        businessName: '巡查发现小吃',
        businessType: 'food_stall',
        kind: 'unlicensed',
      },
    });
    expect(report.status, report.text).toBe(201);
    const fid: string = report.body.id;
    const unknown = await complete('worker-liu', t.id, {
      checks: CHECKS,
      findingIds: [fid, 'F-doesnotexist'],
    });
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.body.error.details).toEqual([
      expect.objectContaining({
        path: 'body.findingIds[1]',
        message: expect.stringContaining('F-doesnotexist'),
      }),
    ]);
    const ok = await complete('worker-liu', t.id, { checks: CHECKS, findingIds: [fid] });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.completion.findingIds).toEqual([fid]);
  });

  it('lets exactly one of racing completions win; the others are 409 and history has no gaps', async () => {
    const t = await task();
    during(t);
    await checkIn('officer-li', t.id, at(t.cellId));
    await checkIn('worker-liu', t.id, at(t.cellId));
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        complete(i % 2 === 0 ? 'officer-li' : 'worker-liu', t.id, { checks: CHECKS, note: `try ${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses, answers.map((a) => a.text).join('\n')).toEqual([200, 409, 409, 409, 409, 409]);
    const steps = await history(t.id);
    expect(steps.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(steps.at(-1)?.action).toBe('complete');
    expect((await getPatrolTask(t.id))?.version).toBe(4);
  });
});

describe('GET /me/tasks', () => {
  it("lists the caller's tasks of the week with cell, partner, shift, reasons, open findings and order", async () => {
    const date = '2027-01-05';
    const c0 = liuCells[0] as string;
    const c1 = liuCells[1] as string;
    const c2 = liuCells[2] as string;
    const c3 = sunCells[0] as string;
    const am = [
      await task({ date, cell: c0, partner: 'worker-liu' }),
      await task({ date, cell: c3, partner: 'worker-sun' }),
      await task({ date, cell: c1, partner: 'leader-chen' }),
    ];
    const pm = await task({ date, cell: c2, partner: 'worker-liu', shift: 'pm' });
    now = new Date('2027-01-06T02:00:00Z');
    const report = await api.call('POST', '/findings', {
      as: 'worker-liu',
      headers: { 'idempotency-key': randomUUID() },
      body: {
        ...at(c0),
        address: '名单路 2 号',
        businessName: '名单小店',
        businessType: 'grocery',
        kind: 'unlicensed',
      },
    });
    expect(report.status, report.text).toBe(201);

    const li = await api.call('GET', '/me/tasks', { as: 'officer-li' });
    expect(li.status, li.text).toBe(200);
    expect(li.body).toMatchObject({ from: '2027-01-04', to: '2027-01-10' });
    expect(li.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [...am, pm].map((t) => t.id).sort(),
    );
    const first = li.body.items.find((i: { id: string }) => i.id === am[0]?.id);
    const liu = (await api.call('GET', '/people/worker-liu', { as: 'admin' })).body;
    expect(first).toMatchObject({
      status: 'assigned',
      as: 'officer',
      cell: { id: c0, name: cells.get(c0)?.name, geometry: { type: cells.get(c0)?.geometry.type } },
      partner: { id: 'worker-liu', name: liu.name, role: 'grid_worker' },
      shift: { date, name: 'am', start: am[0]?.shiftStart, end: am[0]?.shiftEnd },
      reasons: { pair: ['primary_zone', 'rotated'] },
    });
    expect(first.openFindings).toEqual(
      expect.arrayContaining([
        {
          id: report.body.id,
          businessName: '名单小店',
          address: '名单路 2 号',
          status: 'reported',
          overdue: false,
          lon: report.body.lon,
          lat: report.body.lat,
        },
      ]),
    );
    // The officer's shifts, each in visiting order (nearest neighbour from the westmost cell).
    const expectedOrder = visitingOrder(
      am.map((t) => ({ id: t.id, centroid: cellCentroid(cells.get(t.cellId)?.geometry as PolygonGeometry) })),
    );
    expect(li.body.shifts).toEqual([
      { date, name: 'am', start: am[0]?.shiftStart, end: am[0]?.shiftEnd, taskIds: expectedOrder },
      { date, name: 'pm', start: pm.shiftStart, end: pm.shiftEnd, taskIds: [pm.id] },
    ]);

    const worker = await api.call('GET', '/me/tasks', { as: 'worker-liu' });
    expect(worker.body.items.map((i: { id: string }) => i.id)).toEqual([am[0]?.id, pm.id]);
    expect(worker.body.items[0]).toMatchObject({
      as: 'partner',
      partner: { id: 'officer-li', role: 'zone_officer' },
    });
    expect(worker.body.shifts).toEqual([]);
    // The partner walks the officer's round: the same place in it as the officer sees (issue 12).
    const liVisit = li.body.items.find((i: { id: string }) => i.id === am[0]?.id).visit;
    expect(liVisit).toEqual({ position: expectedOrder.indexOf(am[0]?.id as string) + 1, of: am.length });
    expect(worker.body.items[0].visit).toEqual(liVisit);
    expect(worker.body.items[1].visit).toEqual({ position: 1, of: 1 });
    expect((await api.call('GET', '/me/tasks', { as: 'worker-he' })).body.items).toEqual([]);
    // Another week: nothing; a range too long: 400 naming the field; a manager: 403.
    expect(
      (await api.call('GET', '/me/tasks?from=2027-01-11&to=2027-01-17', { as: 'officer-li' })).body.items,
    ).toEqual([]);
    const long = await api.call('GET', '/me/tasks?from=2027-01-01&to=2027-02-15', { as: 'officer-li' });
    expect(long.status).toBe(400);
    expect(long.body.error.details).toEqual([expect.objectContaining({ path: 'query.to' })]);
    expect((await api.call('GET', '/me/tasks', { as: 'sup-east' })).status).toBe(403);
  });
});

describe('the missed-task job', () => {
  it('marks a task still assigned after its shift and grace as missed, once', async () => {
    const t = await task({ date: '2026-11-02' });
    const done = await task({ date: '2026-11-02', cell: liuCells[1] });
    during(done);
    await checkIn('officer-li', done.id, at(done.cellId));
    await complete('officer-li', done.id, { checks: CHECKS });
    const closes = Date.parse(t.shiftEnd) + api.config.patrols.graceMinutes * MIN;

    expect((await runJob('missed-tasks', new Date(closes - MIN))).changed).toBe(0);
    expect((await getPatrolTask(t.id))?.status).toBe('assigned');
    const late = new Date(closes + MIN);
    expect(await runJob('missed-tasks', late)).toMatchObject({ changed: 1, conflicts: 0 });
    expect(await getPatrolTask(t.id)).toMatchObject({ status: 'missed', version: 2 });
    expect(await getPatrolTask(done.id)).toMatchObject({ status: 'completed' });
    expect((await history(t.id)).map((e) => [e.action, e.actor.id])).toEqual([
      ['publish', 'sup-east'],
      ['miss', 'system'],
    ]);
    expect(await runJob('missed-tasks', late)).toMatchObject({ changed: 0, conflicts: 0 });
    expect(await history(t.id)).toHaveLength(2);
  });

  it('pages through more tasks than one page, and two racing runs miss each once', async () => {
    const ts = [];
    for (let i = 0; i < 5; i++)
      ts.push(
        await task({ date: '2026-11-09', cell: liuCells[i % 3] as string, shift: i < 3 ? 'am' : 'pm' }),
      );
    const late = new Date(Date.parse('2026-11-10T00:00:00Z'));
    const runs = await Promise.all([
      runJob('missed-tasks', late, { limit: 2 }),
      runJob('missed-tasks', late, { limit: 2 }),
    ]);
    expect(runs[0].changed + runs[1].changed).toBe(5);
    for (const t of ts) expect((await history(t.id)).map((e) => e.version)).toEqual([1, 2]);
  });
});

describe('the draft-plans job', () => {
  it('runs draftNextWeekPlans: every office once, a second run skips them', async () => {
    const at = new Date('2027-02-03T02:00:00Z');
    const first = await runJob('draft-plans', at);
    expect(first.scanned).toBe(api.config.offices.length);
    expect(first.conflicts).toBe(0);
    expect(await runJob('draft-plans', at)).toEqual({
      scanned: api.config.offices.length,
      changed: 0,
      conflicts: 0,
    });
  });
});

describe('counters', () => {
  it('equal a recount of the tasks', async () => {
    const tasks = await storedRecords(created, getPatrolTask);
    const counted = recountTasks(tasks);
    // Live items and day buckets alike (every area the recount names); findings share the items.
    await api.settle();
    const stored = await getCounters(Object.keys(counted));
    const onlyTasks = Object.fromEntries(
      Object.entries(stored).map(([area, row]) => [
        area,
        Object.fromEntries(Object.entries(row).filter(([m]) => /^tasks[:_]/.test(m))),
      ]),
    );
    expect(Object.keys(counted)).toContain(`officer#${tasks[0]?.officerId}`);
    expect(pruneCounters(onlyTasks)).toEqual(counted);
    expect(counted.city?.['tasks:completed']).toBeGreaterThanOrEqual(5);
    expect(counted.city?.['tasks:missed']).toBeGreaterThanOrEqual(6);
    expect(counted.city?.['tasks:solo']).toBeGreaterThanOrEqual(1);
  });
});
