/**
 * Findings through the local server over the demo seed: reporting with routing, idempotent retries
 * (same key and body → the same finding, nothing written twice; another body → 422; ten parallel
 * twins → one finding), the walk around the loop to closed, optimistic versions (409), illegal
 * steps (422 listing the allowed ones), per-area reads (404 outside), and counters that equal a
 * recount of the findings.
 */
import { randomUUID } from 'node:crypto';
import { type Finding, pruneCounters, recount } from '@gridpatrol/core';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { applyActionTx, getCounters, getFinding } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedRecords } from '../support/database';
import { reportBody as report } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

let api: TestApi;
/** A point inside worker-liu's first cell (also volunteer-zhou's), and one inside worker-sun's. */
let pointA: { lon: number; lat: number; cell: string };
let pointB: { lon: number; lat: number; cell: string };
/** A point whose cell's responsible zone is officer-li's, so that he acts on what is found there. */
let pointZ1: { lon: number; lat: number; cell: string };
/** Every finding this file created, for the counter check at the end. */
const created = new Set<string>();

const USCC = '91330100716105852F';
const DAY = 86_400_000;

type Resolved = { lon: number; lat: number; cell: string; primaryZone: string | null };

/** A point the API resolves inside the cell (test/support/points.ts). */
async function pointIn(cellId: string): Promise<Resolved> {
  const p = await pointInCell(async (path) => (await api.call('GET', path, { as: 'admin' })).body, cellId);
  if (!p) throw new Error(`no inside point found for ${cellId}`);
  return p;
}

async function post(as: string, body: unknown, key?: string) {
  const res = await api.call('POST', '/findings', {
    as,
    body,
    ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
  });
  if (res.status === 201) created.add(res.body.id);
  return res;
}

const act = (as: string, id: string, body: Record<string, unknown>) =>
  api.call('POST', `/findings/${id}/actions`, { as, body });
const history = async (id: string, as = 'admin') =>
  (await api.call('GET', `/findings/${id}/history`, { as })).body.items as {
    action: string;
    version: number;
  }[];

beforeAll(async () => {
  api = await startTestApi('demo');
  const categories = api.config.findingCategories.map((c) => c.id);
  if (!categories.includes('restaurant')) throw new Error(`demo categories: ${categories.join(', ')}`);
  const liu = (await api.call('GET', '/me', { as: 'worker-liu' })).body;
  const sun = (await api.call('GET', '/me', { as: 'worker-sun' })).body;
  const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
  pointA = await pointIn(liu.cells[0]);
  pointB = await pointIn(sun.cells[0]);
  const z1 = li.zones[0];
  const zone = await api.call('GET', `/zones/${z1}`, { as: 'admin' });
  const cells = [...zone.body.properties.cells].sort(
    (a: { share: number }, b: { share: number }) => b.share - a.share,
  );
  for (const c of cells) {
    const p = await pointIn(c.id);
    if (p.primaryZone === z1) {
      pointZ1 = p;
      break;
    }
  }
  if (!pointZ1) throw new Error(`no cell with primary zone ${z1}`);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('reporting', () => {
  it('answers 201 with the finding and its routing', async () => {
    const res = await post('worker-liu', report(pointA), randomUUID());
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      status: 'reported',
      version: 1,
      cellId: pointA.cell,
      gridVersion: expect.any(Number),
      reporterId: 'worker-liu',
      reporterRole: 'grid_worker',
    });
    expect(res.body).toHaveProperty('zoneId');
    expect(res.body).toHaveProperty('officeId');
    expect(res.body.allowedActions).toEqual([]);
  });

  it('answers a retry with the same key and body with the first answer, writing nothing', async () => {
    const key = randomUUID();
    const first = await post('worker-liu', report(pointA, '李四杂货铺'), key);
    expect(first.status).toBe(201);
    await api.settle();
    const before = await getCounters(['city']);
    // The same body with its fields in another order is the same submission.
    const { lat, lon, ...rest } = report(pointA, '李四杂货铺');
    const again = await post('worker-liu', { ...rest, lat, lon }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await history(first.body.id)).toHaveLength(1);
    await api.settle();
    expect(await getCounters(['city'])).toEqual(before);
  });

  it('refuses the same key with another body (422), and another reporter’s same key is theirs', async () => {
    const key = randomUUID();
    const first = await post('worker-liu', report(pointA, '王五理发店'), key);
    expect(first.status).toBe(201);
    const other = await post('worker-liu', report(pointA, '王五美发'), key);
    expect(other.status).toBe(422);
    expect(other.body.error.details[0].path).toBe('headers.idempotency-key');
    const leader = await post('leader-chen', report(pointA, '王五美发'), key);
    expect(leader.status).toBe(201);
    expect(leader.body.id).not.toBe(first.body.id);
  });

  it('creates exactly one finding from ten parallel identical submissions', async () => {
    const key = randomUUID();
    const body = report(pointA, '赵六网吧');
    await api.settle();
    const before = (await getCounters(['city'])).city?.total ?? 0;
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('worker-liu', body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const id = answers[0]?.body.id;
    expect(await history(id)).toHaveLength(1);
    await api.settle();
    expect((await getCounters(['city'])).city?.total).toBe(before + 1);
  });

  it('requires an Idempotency-Key of field roles, not of office roles', async () => {
    const res = await post('worker-liu', report(pointA, '无钥匙'));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('headers.idempotency-key');
    expect((await post('volunteer-zhou', report(pointA, '无钥匙'))).status).toBe(400);
    expect((await post('worker-liu', report(pointA), 'short')).status).toBe(400);
    expect((await post('admin', report(pointA, '管理员上报'))).status).toBe(201);
  });

  it('refuses a report outside the reporter’s cells with a 403 naming the cell', async () => {
    const res = await post('worker-liu', report(pointB, '越界'), randomUUID());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(pointB.cell);
  });

  it('flags a report near an open finding with a similar name as a possible duplicate', async () => {
    const first = await post('worker-liu', report(pointA, '钱七水果店'), randomUUID());
    const twin = await post('leader-chen', report(pointA, '钱七 水果店（分店）'), randomUUID());
    expect(twin.status).toBe(201);
    expect(twin.body.possibleDuplicateOf).toBe(first.body.id);
  });

  it('refuses server-owned fields and unknown ones', async () => {
    const owned = await post('admin', { ...report(pointA), status: 'closed' });
    expect(owned.status).toBe(422);
    const unknown = await post('admin', { ...report(pointA), businesName: 'x' });
    expect(unknown.status).toBe(400);
  });
});

describe('the loop', () => {
  let id: string;

  it('walks verify → order_rectification → resolve → (revisit job) → confirm_revisit to closed', async () => {
    const rep = await post('officer-li', report(pointZ1, '孙八烧烤'));
    expect(rep.status, rep.text).toBe(201);
    id = rep.body.id;
    expect(rep.body.allowedActions).toEqual(expect.arrayContaining(['verify', 'reject']));

    const verified = await act('officer-li', id, { action: 'verify', expectedVersion: 1 });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body).toMatchObject({ status: 'verified', version: 2 });

    const deadline = new Date(Date.now() + 14 * DAY).toISOString();
    const ordered = await act('officer-li', id, {
      action: 'order_rectification',
      expectedVersion: 2,
      deadline,
    });
    expect(ordered.body).toMatchObject({ status: 'rectifying', version: 3 });

    const resolved = await act('officer-li', id, {
      action: 'resolve',
      expectedVersion: 3,
      outcome: 'licensed',
      uscc: USCC,
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', version: 4, uscc: USCC });

    // The revisit job, with the clock moved past the revisit date (findings-jobs.test.ts has more).
    const revisitDueAt = Date.parse(resolved.body.revisitDueAt);
    expect(await runJob('revisit', new Date(revisitDueAt + 1000))).toMatchObject({
      changed: 1,
      conflicts: 0,
    });

    const closed = await act('officer-li', id, { action: 'confirm_revisit', expectedVersion: 5 });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', version: 6, allowedActions: [] });

    const steps = await history(id);
    expect(steps.map((e) => e.action)).toEqual([
      'report',
      'verify',
      'order_rectification',
      'resolve',
      'revisit_due',
      'confirm_revisit',
    ]);
    expect(steps.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('answers a stale expectedVersion with 409 and writes nothing', async () => {
    const rep = await post('officer-li', report(pointZ1, '周九修车'));
    const fid = rep.body.id;
    expect((await act('officer-li', fid, { action: 'verify', expectedVersion: 1 })).status).toBe(200);
    const stale = await act('admin', fid, { action: 'reject', expectedVersion: 1, reason: 'not_found' });
    expect(stale.status).toBe(409);
    expect(await history(fid)).toHaveLength(2);
  });

  it('lets one of two parallel steps from the same version through; the other is a 409', async () => {
    const rep = await post('officer-li', report(pointZ1, '褚记粮油'));
    const fid = rep.body.id;
    const before = (await getFinding(fid)) as Finding;
    const answers = await Promise.all([
      act('officer-li', fid, { action: 'verify', expectedVersion: 1 }),
      act('admin', fid, { action: 'reject', expectedVersion: 1, reason: 'not_found' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await history(fid)).toHaveLength(2);
    // The store's own guard, whatever the handler checked first: a write from a stale read is refused.
    const stale = { ...before, status: 'verified' as const, version: 2 };
    const event = { ...(await api.call('GET', `/findings/${fid}/history`, { as: 'admin' })).body.items[1] };
    await expect(applyActionTx(before, stale, event)).rejects.toMatchObject({ code: 'conflict' });
    expect(await history(fid)).toHaveLength(2);
  });

  it('answers a retried action (same person, same body) with the finding, writing one step', async () => {
    const rep = await post('officer-li', report(pointZ1, '冯记面馆'));
    const fid = rep.body.id;
    const step = { action: 'verify', expectedVersion: 1, note: '现场核实' };
    // Twins racing, then a late retry: every answer is the verified finding, one event in all.
    const answers = await Promise.all([act('officer-li', fid, step), act('officer-li', fid, step)]);
    const late = await act('officer-li', fid, step);
    for (const a of [...answers, late]) {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ id: fid, status: 'verified', version: 2 });
    }
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect((await history(fid)).map((e) => e.action)).toEqual(['report', 'verify']);
    // Another body from the same version, or the same body from someone else, is stale.
    expect((await act('officer-li', fid, { ...step, note: '另一个' })).status).toBe(409);
    expect((await act('admin', fid, step)).status).toBe(409);
    expect(await history(fid)).toHaveLength(2);
  });

  it('answers an illegal action with 422 listing the allowed ones', async () => {
    const rep = await post('officer-li', report(pointZ1, '吴十早餐'));
    const res = await act('officer-li', rep.body.id, { action: 'confirm_revisit', expectedVersion: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].message).toBe('allowed actions: verify, reject');
  });

  it('refuses acting roles it does not have: 403 for field roles', async () => {
    for (const as of ['worker-liu', 'volunteer-zhou'])
      expect((await act(as, id, { action: 'verify', expectedVersion: 6 })).status).toBe(403);
  });
});

describe('reading is per area', () => {
  it('a grid worker of cell A cannot read a finding of cell B (404), nor its history', async () => {
    const inB = await post('worker-sun', report(pointB, '郑记小炒'), randomUUID());
    expect(inB.status).toBe(201);
    expect((await api.call('GET', `/findings/${inB.body.id}`, { as: 'worker-sun' })).status).toBe(200);
    const liu = await api.call('GET', `/findings/${inB.body.id}`, { as: 'worker-liu' });
    const none = await api.call('GET', '/findings/F-doesnotexist', { as: 'worker-liu' });
    expect(liu.status).toBe(404);
    expect(none.status).toBe(404);
    expect(liu.body.error.code).toBe(none.body.error.code);
    expect((await api.call('GET', `/findings/${inB.body.id}/history`, { as: 'worker-liu' })).status).toBe(
      404,
    );
  });

  it('names the people of a history only to a caller who may read them (GET /people/{id})', async () => {
    const rep = await post('volunteer-zhou', report(pointA, '钱记烟酒'), randomUUID());
    expect(rep.status, rep.text).toBe(201);
    const fid = rep.body.id;
    expect((await act('admin', fid, { action: 'verify', expectedVersion: 1 })).status).toBe(200);
    const named: Record<string, (string | undefined)[]> = {};
    for (const as of ['admin', 'worker-liu', 'volunteer-zhou']) {
      const res = await api.call('GET', `/findings/${fid}/history`, { as });
      expect(res.status, res.text).toBe(200);
      const steps = res.body.items as { actorId: string; actorName?: string }[];
      // Each name is the one the caller's own GET /people/{id} answers; a 404 there, none here.
      const readable = await Promise.all(
        steps.map(async (e) => {
          const person = await api.call('GET', `/people/${e.actorId}`, { as });
          return person.status === 200 ? (person.body.name as string) : undefined;
        }),
      );
      expect(
        steps.map((e) => e.actorName),
        as,
      ).toEqual(readable);
      named[as] = readable;
    }
    const name = async (id: string) => (await api.call('GET', `/people/${id}`, { as: 'admin' })).body.name;
    const [zhou, admin] = [await name('volunteer-zhou'), await name('admin')];
    expect(named).toEqual({
      admin: [zhou, admin],
      'worker-liu': [zhou, undefined],
      'volunteer-zhou': [zhou, undefined],
    });
  });

  it('a volunteer reads their own report but not another’s in the same cell (404)', async () => {
    const own = await post('volunteer-zhou', report(pointA, '冯记副食'), randomUUID());
    expect(own.status, own.text).toBe(201);
    expect((await api.call('GET', `/findings/${own.body.id}`, { as: 'volunteer-zhou' })).status).toBe(200);
    const other = await post('worker-liu', report(pointA, '陈记五金'), randomUUID());
    expect((await api.call('GET', `/findings/${other.body.id}`, { as: 'volunteer-zhou' })).status).toBe(404);
    // The grid worker of the cell reads the volunteer's report.
    expect((await api.call('GET', `/findings/${own.body.id}`, { as: 'worker-liu' })).status).toBe(200);
  });
});

describe('counters', () => {
  it('equal a recount of the findings, in every area they touch', async () => {
    const findings = await storedRecords(created, getFinding);
    expect(findings.length).toBe(created.size);
    // Live items and day buckets alike: every area the recount names.
    const counted = recount(findings, api.config.timeZone);
    await api.settle();
    const stored = pruneCounters(await getCounters(Object.keys(counted)));
    expect(stored).toEqual(counted);
    expect(stored.city?.total).toBe(findings.length);
    expect(stored.city?.['status:closed']).toBe(1);
  });
});

describe('lists', () => {
  it('lists the findings of the caller’s zones by state, paged, and 404s a zone outside them', async () => {
    const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
    const z1 = li.zones[0];
    const all = await api.call('GET', '/findings?limit=500', { as: 'officer-li' });
    expect(all.status, all.text).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(0);
    for (const f of all.body.items) expect(f.zoneId).toBe(z1);
    // Open ones first: nothing closed comes before something open.
    const statuses: string[] = all.body.items.map((f: { status: string }) => f.status);
    const firstDone = statuses.findIndex((st) => st === 'closed' || st === 'rejected');
    if (firstDone >= 0)
      for (const st of statuses.slice(firstDone)) expect(['closed', 'rejected']).toContain(st);

    const reported = await api.call('GET', '/findings?status=reported', { as: 'officer-li' });
    expect(reported.body.items.every((f: { status: string }) => f.status === 'reported')).toBe(true);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call('GET', `/findings?limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
        as: 'officer-li',
      });
      ids.push(...page.body.items.map((f: { id: string }) => f.id));
      cursor = page.body.cursor;
    } while (cursor);
    expect(ids).toEqual(all.body.items.map((f: { id: string }) => f.id));

    const wang = (await api.call('GET', '/me', { as: 'officer-wang' })).body;
    expect((await api.call('GET', `/findings?zone=${wang.zones[0]}`, { as: 'officer-li' })).status).toBe(404);
    // Issue 15.4 changed this on purpose: the admin lists the whole city without naming a zone.
    expect((await api.call('GET', '/findings', { as: 'admin' })).status).toBe(200);
    expect((await api.call('GET', '/findings', { as: 'volunteer-zhou' })).status).toBe(403);
  });

  it('lists by cell: grid people their own cells, anyone a cell of their area; 404 outside', async () => {
    const liu = (await api.call('GET', '/me', { as: 'worker-liu' })).body;
    const own = await api.call('GET', '/findings?limit=500', { as: 'worker-liu' });
    expect(own.status, own.text).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    for (const f of own.body.items) expect(liu.cells).toContain(f.cellId);
    const inA = await api.call('GET', `/findings?cell=${pointA.cell}&limit=500`, { as: 'admin' });
    expect(inA.body.items.length).toBeGreaterThan(0);
    for (const f of inA.body.items) expect(f.cellId).toBe(pointA.cell);
    // A cell filter and a zone filter together: the cell's findings routed to that zone.
    const zoneOfA = inA.body.items[0].zoneId;
    const both = await api.call('GET', `/findings?cell=${pointA.cell}&zone=${zoneOfA}&limit=500`, {
      as: 'admin',
    });
    expect(both.body.items.length).toBe(
      inA.body.items.filter((f: { zoneId: string }) => f.zoneId === zoneOfA).length,
    );
    expect(liu.cells).not.toContain(pointB.cell);
    expect((await api.call('GET', `/findings?cell=${pointB.cell}`, { as: 'worker-liu' })).status).toBe(404);
    expect((await api.call('GET', '/findings?cell=nope', { as: 'officer-li' })).status).toBe(404);
  });

  it('narrows by report time (dates are whole days in the city) and pages across states', async () => {
    const rep = await post('officer-li', report(pointZ1, '时间范围'));
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: api.config.timeZone }).format(new Date());
    const today = await api.call('GET', `/findings?from=${day}&to=${day}&limit=500`, { as: 'officer-li' });
    expect(today.status, today.text).toBe(200);
    expect(today.body.items.map((f: { id: string }) => f.id)).toContain(rep.body.id);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/findings?from=${day}&to=${day}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { as: 'officer-li' },
      );
      ids.push(...page.body.items.map((f: { id: string }) => f.id));
      cursor = page.body.cursor;
    } while (cursor);
    expect(ids).toEqual(today.body.items.map((f: { id: string }) => f.id));
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const none = await api.call('GET', `/findings?from=${encodeURIComponent(later)}`, { as: 'officer-li' });
    expect(none.body.items).toEqual([]);
    const backwards = await api.call('GET', '/findings?from=2026-11-02&to=2026-11-01', { as: 'officer-li' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0].path).toBe('query.to');
    expect((await api.call('GET', '/findings?from=soon', { as: 'officer-li' })).status).toBe(400);
    const maybe = await api.call('GET', '/findings?overdue=maybe', { as: 'officer-li' });
    expect(maybe.status).toBe(400);
    expect(maybe.body.error.details[0].path).toBe('query.overdue');
    const view = await api.call('GET', '/me/findings?view=everything', { as: 'officer-li' });
    expect(view.status).toBe(400);
    expect(view.body.error.details[0].path).toBe('query.view');
  });

  it('lists overdue cases, and what waits on each person (view=todo) up to the admins', async () => {
    const rep = await post('officer-li', report(pointZ1, '逾期案件'));
    const fid = rep.body.id;
    await act('officer-li', fid, { action: 'verify', expectedVersion: 1 });
    const deadline = new Date(Date.now() + DAY).toISOString();
    await act('officer-li', fid, { action: 'order_rectification', expectedVersion: 2, deadline });
    const ids = async (path: string, as: string) =>
      ((await api.call('GET', path, { as })).body.items as { id: string }[]).map((f) => f.id);

    expect(await ids('/me/findings?view=todo&limit=500', 'officer-li')).toContain(fid);
    expect(await ids('/me/findings?view=todo&limit=500', 'sup-east')).not.toContain(fid);
    expect(await ids('/findings?overdue=true&limit=500', 'officer-li')).not.toContain(fid);

    // Past the deadline: overdue, and the supervisor is told.
    await runJob('deadline', new Date(Date.parse(deadline) + 60_000));
    const overdue = await api.call('GET', '/findings?overdue=true&limit=500', { as: 'officer-li' });
    expect(overdue.body.items.map((f: { id: string }) => f.id)).toContain(fid);
    for (const f of overdue.body.items) expect(f.overdue).toBe(true);
    expect(await ids('/findings?overdue=false&limit=500', 'officer-li')).not.toContain(fid);
    expect(await ids('/me/findings?view=todo&limit=500', 'sup-east')).toContain(fid);
    expect(await ids('/me/findings?view=todo&limit=500', 'admin')).not.toContain(fid);

    // Past the further delay: the city admins are told.
    const later = Date.parse(deadline) + (api.config.findings.escalateToAdminAfterDays + 1) * DAY;
    await runJob('deadline', new Date(later));
    expect((await getFinding(fid))?.escalation).toBe('admin');
    expect(await ids('/me/findings?view=todo&limit=500', 'admin')).toContain(fid);
    expect(await ids('/me/findings?view=todo', 'worker-liu')).toEqual([]);

    // Resolved: off every to-do list.
    const now = (await getFinding(fid)) as Finding;
    await act('officer-li', fid, { action: 'resolve', expectedVersion: now.version, outcome: 'ceased' });
    expect(await ids('/me/findings?view=todo&limit=500', 'admin')).not.toContain(fid);
    expect(await ids('/me/findings?view=todo&limit=500', 'officer-li')).not.toContain(fid);
  });

  it('lists what I reported, newest first, and only that', async () => {
    const mine = await api.call('GET', '/me/findings?limit=500', { as: 'volunteer-zhou' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    for (const f of mine.body.items) expect(f.reporterId).toBe('volunteer-zhou');
    const times = mine.body.items.map((f: { reportedAt: string }) => f.reportedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('keeps a GCJ-02 point’s original beside the converted one', async () => {
    const res = await post('admin', { ...report(pointA, '坐标转换'), coordSys: 'gcj02' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.lon).not.toBe(pointA.lon);
    const [first] = (await api.call('GET', `/findings/${res.body.id}/history`, { as: 'admin' })).body.items;
    expect(first.data.input).toEqual({ lon: pointA.lon, lat: pointA.lat, coordSys: 'gcj02' });
  });
});
