/**
 * Statistics through the local server (issue 7, "Done means"): after a scripted workload, every
 * number of GET /stats/summary, /stats/series and /stats/assessment equals an independent recount
 * made here from the findings and tasks themselves, with this file's own date arithmetic.
 *
 * The workload: a history of findings over the past 70 days, each moved along its loop at chosen
 * instants (reported, verified, ordered, transferred, gone overdue, resolved, revisited, crossed
 * off, reopened, rejected) through the store's own transactions and counter deltas, as the routes
 * and jobs write them; a baseline census; then reports and actions through the API and the overdue
 * job with the clock moved; and patrol tasks published, completed jointly or solo, and missed.
 */
import { randomUUID } from 'node:crypto';
import {
  Action,
  type Actor,
  allowedActions,
  applyAction,
  checkIn,
  completeTask,
  createFinding,
  dueForRevisit,
  type Finding,
  type FindingRouting,
  markOverdue,
  missTask,
  type PatrolTask,
  type PolygonGeometry,
  ReportInput,
  type Scope,
  shiftWindow,
} from '@gridpatrol/core';
import { runJob } from '@gridpatrol/functions/jobs/run';
import {
  applyActionTx,
  createFindingTx,
  getFinding,
  getPatrolTask,
  writeTaskChange,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedRecords } from '../support/database';
import { randomActionBody, seeded } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { type CellPoint, pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

const DAY = 86_400_000;
const HOUR = 3_600_000;
let api: TestApi;
let TZ = '';
const NOW = Date.now();

const random = seeded(20_261_124);
const { rand, pick } = random;

const get = async (p: string, as = 'admin'): Promise<Json> => {
  // Statistics and coverage read counters, which follow the stream: fold what was written first.
  await api.settle();
  const res = await api.call('GET', p, { as });
  expect(res.status, `${p}: ${res.text}`).toBe(200);
  return res.body;
};

const admin: Actor = { id: 'admin', role: 'city_admin' };
const cityScope: Scope = { kind: 'city', personId: 'admin', role: 'city_admin' };
const findingIds: string[] = [];
const taskIds: string[] = [];
/** Points inside cells of each office, for reports. */
const points: CellPoint[] = [];
let routings: FindingRouting[] = [];
let baselineCensus = new Map<string, number>();
let liZones: string[] = [];
let eastZones: string[] = [];
let eastCells: string[] = [];

// ---------------------------------------------------------------------------------------------
// The independent recount: this file's own reading of the findings and tasks.

const localDay = (instant: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(instant));
const today = () => localDay(new Date(NOW).toISOString());
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const between = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

interface Range {
  from: string;
  to: string;
}
const within = (instant: string | undefined, r: Range) =>
  instant !== undefined && localDay(instant) >= r.from && localDay(instant) <= r.to;
const count = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length;
const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 10 : null);

const OPEN = ['reported', 'verified', 'rectifying', 'transferred', 'resolved', 'revisit_due'];
const UNRESOLVED = ['reported', 'verified', 'rectifying', 'transferred'];
const RESOLVED = ['resolved', 'revisit_due', 'closed'];

/** Unlicensed businesses still operating: unresolved, and not an open possible duplicate. */
const remaining = (fs: readonly Finding[]) =>
  count(fs, (f) => UNRESOLVED.includes(f.status) && f.possibleDuplicateOf === undefined);

function results(fs: readonly Finding[], r: Range, census: number | null) {
  const left = remaining(fs);
  return {
    verified: count(fs, (f) => within(f.verifiedAt, r)),
    resolved: count(fs, (f) => RESOLVED.includes(f.status) && within(f.resolvedAt, r)),
    closed: count(fs, (f) => f.status === 'closed' && within(f.closedAt, r)),
    wentOverdue: count(fs, (f) => within(f.firstOverdueAt, r)),
    overdueNow: count(fs, (f) => OPEN.includes(f.status) && f.overdue),
    reduction: {
      baseline: census,
      remaining: left,
      count: census === null ? null : census - left,
      percent: census === null ? null : pct(census - left, census),
    },
  };
}

function activity(ts: readonly PatrolTask[], r: Range) {
  const dated = ts.filter((t) => t.date >= r.from && t.date <= r.to);
  const completed = count(dated, (t) => t.status === 'completed');
  const joint = count(dated, (t) => t.status === 'completed' && t.completion?.joint === true);
  return {
    planned: count(dated, (t) => ['assigned', 'completed', 'missed'].includes(t.status)),
    completed,
    joint,
    solo: completed - joint,
    missed: count(dated, (t) => t.status === 'missed'),
    jointRate: pct(joint, completed),
  };
}

function expectedSummary(fs: readonly Finding[], ts: readonly PatrolTask[], r: Range, census: number) {
  const closedDays = fs
    .filter((f) => f.status === 'closed' && within(f.closedAt, r))
    .map((f) => between(localDay(f.reportedAt), localDay(f.closedAt as string)))
    .sort((a, b) => a - b);
  const n = closedDays.length;
  const at = (i: number) => closedDays[i] as number;
  const byOutcome: Record<string, number> = { licensed: 0, ceased: 0, moved_away: 0 };
  const byDepartment: Record<string, number> = {};
  for (const f of fs) {
    if (RESOLVED.includes(f.status) && within(f.resolvedAt, r) && f.outcome)
      byOutcome[f.outcome] = (byOutcome[f.outcome] ?? 0) + 1;
    if (f.department && within(f.transferredAt, r))
      byDepartment[f.department] = (byDepartment[f.department] ?? 0) + 1;
  }
  const open = fs.filter((f) => OPEN.includes(f.status));
  const res = results(fs, r, census);
  return {
    now: {
      open: open.length,
      openByState: Object.fromEntries(OPEN.map((s) => [s, count(fs, (f) => f.status === s)])),
      overdue: res.overdueNow,
      escalated: {
        supervisor: count(open, (f) => f.overdue && f.escalation === 'supervisor'),
        admin: count(open, (f) => f.overdue && f.escalation === 'admin'),
      },
    },
    period: {
      reported: count(fs, (f) => within(f.reportedAt, r)),
      verified: res.verified,
      rejected: count(fs, (f) => f.status === 'rejected' && within(f.updatedAt, r)),
      resolved: { total: res.resolved, byOutcome },
      closed: res.closed,
      wentOverdue: res.wentOverdue,
      transfers: { total: Object.values(byDepartment).reduce((a, b) => a + b, 0), byDepartment },
      daysToClose: {
        closed: n,
        median: n === 0 ? null : n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2,
        p90: n === 0 ? null : at(Math.ceil(0.9 * n) - 1),
      },
      patrols: activity(ts, r),
    },
    reduction: res.reduction,
  };
}

// ---------------------------------------------------------------------------------------------
// The workload

/** A well-formed action body for `action` on `f` at instant `t`, with random choices. */
const actionBody = (action: string, f: Finding, t: number): Action =>
  Action.parse(
    randomActionBody(action, f.version, {
      at: t,
      maxDays: 12,
      transferDeadlineChance: 0.8,
      departments: api.config.departments,
      random,
    }),
  );

/** Rejecting or reopening often would end or loop most histories; prefer moving the case along. */
function chooseAction(allowed: readonly string[]): string {
  const weighted = allowed.flatMap((a) =>
    ['reject', 'reopen', 'extend_deadline'].includes(a) ? [a] : [a, a, a, a],
  );
  return pick(weighted);
}

/**
 * A finding reported at `start` and moved along its loop at later instants (never past NOW), each
 * step written by the store's transaction with its counter deltas, the time rules applied first.
 */
async function history(routing: FindingRouting, start: number): Promise<void> {
  const config = api.config;
  const id = `F-hist-${randomUUID().slice(0, 12)}`;
  const input = ReportInput.parse({
    lon: routing.lon,
    lat: routing.lat,
    address: `历史路 ${findingIds.length} 号`,
    businessName: `历史店铺${randomUUID().slice(0, 6)}`,
    businessType: pick(config.findingCategories).id,
    kind: pick(['unlicensed', 'unpermitted', 'both'] as const),
  });
  const created = createFinding({
    id,
    input,
    routing,
    reporter: admin,
    scope: cityScope,
    now: new Date(start),
    config,
  });
  await createFindingTx(created.finding, created.event);
  findingIds.push(id);
  let f = created.finding;
  let t = start;
  for (let i = 0; i < 14; i++) {
    t += (0.3 + rand() * 9) * DAY;
    if (t > NOW - HOUR) return;
    for (const rule of [markOverdue, dueForRevisit]) {
      const change = rule(f, new Date(t), config);
      if (change) {
        await applyActionTx(f, change.finding, change.event);
        f = change.finding;
      }
    }
    if (f.status === 'rejected' || f.status === 'closed') return;
    // Resolved: nothing to do until the revisit falls due.
    const allowed = allowedActions(f, admin, cityScope);
    if (allowed.length === 0) continue;
    const step = applyAction(
      f,
      actionBody(chooseAction(allowed), f, t),
      admin,
      cityScope,
      new Date(t),
      config,
    );
    await applyActionTx(f, step.finding, step.event);
    f = step.finding;
  }
}

async function report(as: string, at: { lon: number; lat: number }): Promise<string> {
  const res = await api.call('POST', '/findings', {
    as,
    body: {
      lon: at.lon + (rand() - 0.5) * 1e-5,
      lat: at.lat + (rand() - 0.5) * 1e-5,
      address: `统计路 ${findingIds.length} 号`,
      businessName: `统计店${randomUUID().slice(0, 6)}`,
      businessType: pick(api.config.findingCategories).id,
      kind: 'unlicensed',
      photos: [],
    },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, res.text).toBe(201);
  findingIds.push(res.body.id);
  return res.body.id;
}

async function act(id: string, action: string): Promise<void> {
  const f = (await api.call('GET', `/findings/${id}`, { as: 'admin' })).body;
  if (!(f.allowedActions as string[]).includes(action)) return;
  const body = actionBody(action, f as Finding, NOW);
  const res = await api.call('POST', `/findings/${id}/actions`, { as: 'admin', body });
  expect(res.status, res.text).toBe(200);
}

/** Published tasks of officer-li and worker-liu on past dates: done jointly, solo, or missed. */
async function patrols(): Promise<void> {
  const config = api.config;
  const liu = await get('/me', 'worker-liu');
  const cells: string[] = liu.cells;
  const shiftName = config.patrols.planner.shifts[0] as string;
  const times = config.patrols.shiftTimes[shiftName];
  if (!times) throw new Error(`no times for shift ${shiftName}`);
  for (let d = 1; d <= 9; d++) {
    const date = shift(today(), -d);
    const cellId = cells[d % cells.length] as string;
    const cell = await get(`/cells/${cellId}`);
    const w = shiftWindow(date, times, TZ);
    const task = await writePublishedTask({
      planId: `P-stats${String(d).padStart(3, '0')}`,
      cellId,
      zoneId: cell.properties.primaryZone,
      officeId: 'office-east',
      officerId: 'officer-li',
      partnerId: 'worker-liu',
      date,
      shift: shiftName,
      shiftStart: w.start,
      shiftEnd: w.end,
    });
    taskIds.push(task.id);
    const during = new Date(Date.parse(w.start) + 30 * 60_000);
    const outcome = d % 3; // 0 joint, 1 solo, 2 missed
    if (outcome === 2) {
      const miss = missTask(task, new Date(Date.parse(w.end) + 3 * HOUR), config.patrols);
      if (!miss) throw new Error('expected a missed task');
      expect(await writeTaskChange(task, miss.task, miss.event)).toBe('written');
      continue;
    }
    const inside = await pointInCell(get, cellId);
    if (!inside) throw new Error(`no point inside ${cellId}`);
    const geometry = {
      name: String(cell.properties?.name ?? cellId),
      geometry: cell.geometry as PolygonGeometry,
    };
    let current = task;
    const people = outcome === 0 ? (['officer-li', 'worker-liu'] as const) : (['officer-li'] as const);
    for (const who of people) {
      const role = who === 'officer-li' ? 'zone_officer' : 'grid_worker';
      const c = checkIn(
        current,
        { id: who, role },
        { lon: inside.lon, lat: inside.lat, coordSys: 'wgs84' },
        geometry,
        during,
        config.patrols,
      );
      if (!c.event) throw new Error('expected a check-in');
      expect(await writeTaskChange(current, c.task, c.event)).toBe('written');
      current = c.task;
    }
    const done = completeTask(
      current,
      { id: 'officer-li', role: 'zone_officer' },
      { checks: { safety: 'ok', food: 'ok', license: 'issue' }, findingIds: [] },
      new Date(during.getTime() + HOUR),
      config.patrols,
    );
    expect(await writeTaskChange(current, done.task, done.event)).toBe('written');
  }
}

const allFindings = (): Promise<Finding[]> => storedRecords(findingIds, getFinding);
const allTasks = (): Promise<PatrolTask[]> => storedRecords(taskIds, getPatrolTask);

beforeAll(async () => {
  api = await startTestApi('demo');
  TZ = api.config.timeZone;
  const li = await get('/me', 'officer-li');
  liZones = li.zones;
  eastZones = (await get('/zones?limit=500')).items
    .filter((z: Json) => z.office === 'office-east')
    .map((z: Json) => z.id);
  const eastCellSet = new Set<string>();
  for (const z of eastZones)
    for (const c of (await get(`/zones/${z}`)).properties.cells as { id: string }[]) eastCellSet.add(c.id);
  eastCells = [...eastCellSet].sort();
  // Points in a few east cells and one west cell; routings from findings reported there.
  const west = (await get('/me', 'officer-zhao')).cells as string[];
  for (const c of [...eastCells.slice(0, 4), ...(west ?? []).slice(0, 1)]) {
    const p = await pointInCell(get, c);
    if (p) points.push(p);
  }
  for (const p of points) {
    const id = await report('admin', p);
    const f = (await get(`/findings/${id}`)) as Finding;
    routings.push({
      lon: f.lon,
      lat: f.lat,
      gridVersion: f.gridVersion,
      cellId: f.cellId,
      zoneId: f.zoneId,
      zones: f.zones,
      officeId: f.officeId,
    });
  }
  routings = routings.filter((r) => r.cellId !== null);
  for (let i = 0; i < 36; i++) await history(pick(routings), NOW - (2 + rand() * 68) * DAY);

  // The census, counted independently before the baseline freezes it.
  const before = await allFindings();
  const census = (p: (f: Finding) => boolean) =>
    count(
      before,
      (f) =>
        p(f) && f.status !== 'rejected' && !(OPEN.includes(f.status) && f.possibleDuplicateOf !== undefined),
    );
  await api.settle();
  const made = await api.call('POST', '/baselines', {
    as: 'admin',
    body: { label: 'stats e2e', asOf: today() },
  });
  expect(made.status, made.text).toBe(201);
  baselineCensus = new Map([['city', census(() => true)]]);
  for (const z of eastZones)
    baselineCensus.set(
      `zone#${z}`,
      census((f) => f.zoneId === z),
    );
  for (const c of eastCells)
    baselineCensus.set(
      `cell#${c}`,
      census((f) => f.cellId === c),
    );
  baselineCensus.set(
    'office#office-east',
    census((f) => f.officeId === 'office-east'),
  );

  // After the census: reports and actions through the API, and the overdue job a week on.
  const fresh: string[] = [];
  for (let i = 0; i < 8; i++) fresh.push(await report('admin', pick(points)));
  await act(fresh[0] as string, 'verify');
  await act(fresh[1] as string, 'verify');
  await act(fresh[1] as string, 'order_rectification');
  await act(fresh[2] as string, 'reject');
  await act(fresh[3] as string, 'verify');
  await act(fresh[3] as string, 'transfer');
  await runJob('overdue', new Date(NOW + 20 * DAY));
  await patrols();
}, 300_000);
afterAll(async () => {
  await api?.close();
});

describe('GET /stats/summary', () => {
  const ranges = (): (Range & { query: string })[] => [
    { from: shift(today(), -29), to: today(), query: '' },
    { from: shift(today(), -6), to: today(), query: `&from=${shift(today(), -6)}&to=${today()}` },
    {
      from: shift(today(), -80),
      to: shift(today(), 30),
      query: `&from=${shift(today(), -80)}&to=${shift(today(), 30)}`,
    },
    {
      from: shift(today(), -40),
      to: shift(today(), -20),
      query: `&from=${shift(today(), -40)}&to=${shift(today(), -20)}`,
    },
  ];

  it('equals an independent recount for the city, an office, a zone and a cell, over several ranges', async () => {
    const fs = await allFindings();
    const ts = await allTasks();
    expect(fs.length).toBeGreaterThan(40);
    expect(count(fs, (f) => f.status === 'closed')).toBeGreaterThan(0);
    expect(count(fs, (f) => f.firstOverdueAt !== undefined)).toBeGreaterThan(0);
    const busyCell = routings[0]?.cellId as string;
    const busyZone = routings[0]?.zoneId as string;
    const scopes: [
      string,
      string,
      (x: { cellId: string | null; zoneId: string | null; officeId: string | null }) => boolean,
    ][] = [
      ['city', 'city', () => true],
      ['office:office-east', 'office#office-east', (x) => x.officeId === 'office-east'],
      [`zone:${busyZone}`, `zone#${busyZone}`, (x) => x.zoneId === busyZone],
      [`cell:${busyCell}`, `cell#${busyCell}`, (x) => x.cellId === busyCell],
    ];
    let compared = 0;
    for (const [scope, area, has] of scopes)
      for (const r of ranges()) {
        const body = await get(`/stats/summary?scope=${scope}${r.query}`);
        const want = expectedSummary(fs.filter(has), ts.filter(has), r, baselineCensus.get(area) ?? 0);
        expect({ from: body.from, to: body.to }).toEqual({ from: r.from, to: r.to });
        expect(body.baseline).toMatchObject({ label: 'stats e2e', census: baselineCensus.get(area) ?? 0 });
        expect(
          { now: body.now, period: body.period, reduction: body.reduction },
          `${scope} ${r.from}..${r.to}`,
        ).toEqual(want);
        compared++;
      }
    expect(compared).toBe(16);
    // The workload reaches every measure somewhere, so no number above is trivially zero.
    const city = await get(`/stats/summary?scope=city${ranges()[2]?.query}`);
    expect(city.period.reported).toBe(fs.length);
    expect(city.period.resolved.total).toBeGreaterThan(0);
    expect(city.period.transfers.total).toBeGreaterThan(0);
    expect(city.period.daysToClose.median).not.toBeNull();
    expect(city.period.patrols).toMatchObject({
      planned: 9,
      completed: 6,
      joint: 3,
      solo: 3,
      missed: 3,
      jointRate: 50,
    });
  });

  it('is scoped by the People policy: a supervisor their office, an officer their zones', async () => {
    const sup = await api.call('GET', '/stats/summary', { as: 'sup-east' });
    expect(sup.status).toBe(200);
    expect(sup.body.scope).toBe('office:office-east');
    expect(
      (await api.call('GET', '/stats/summary?scope=office:office-west', { as: 'sup-east' })).status,
    ).toBe(404);
    expect((await api.call('GET', '/stats/summary?scope=city', { as: 'sup-east' })).status).toBe(404);
    expect(
      (await api.call('GET', `/stats/summary?scope=zone:${liZones[0]}`, { as: 'officer-li' })).status,
    ).toBe(200);
    const other = eastZones.find((z) => !liZones.includes(z));
    if (other)
      expect((await api.call('GET', `/stats/summary?scope=zone:${other}`, { as: 'officer-li' })).status).toBe(
        404,
      );
    expect((await api.call('GET', '/stats/summary', { as: 'officer-li' })).status).toBe(400);
    expect((await api.call('GET', '/stats/summary?scope=city', { as: 'volunteer-zhou' })).status).toBe(403);
  });

  it('refuses bad dates and ranges with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2026-13-01', 'query.from'],
      ['to=2026-11-01T00:00:00Z', 'query.to'],
      ['from=2026-11-10&to=2026-11-01', 'query.to'],
      ['from=2020-01-01&to=2026-11-01', 'query.from'],
      ['scope=street:1', 'query.scope'],
    ];
    for (const [q, path] of cases) {
      const res = await api.call('GET', `/stats/summary?${q}`, { as: 'admin' });
      expect(res.status, q).toBe(400);
      expect(
        res.body.error.details.map((d: Json) => d.path),
        q,
      ).toContain(path);
    }
  });
});

describe('GET /stats/series', () => {
  it('sums to the summary, day by day and week by week', async () => {
    const from = shift(today(), -45);
    const to = today();
    const summary = await get(`/stats/summary?scope=city&from=${from}&to=${to}`);
    const fs = await allFindings();
    for (const [metric, want] of [
      ['reported', summary.period.reported],
      ['resolved', summary.period.resolved.total],
      ['closed', summary.period.closed],
      ['transferred', summary.period.transfers.total],
      ['tasks_completed', summary.period.patrols.completed],
    ] as const)
      for (const interval of ['day', 'week']) {
        const s = await get(
          `/stats/series?scope=city&metric=${metric}&interval=${interval}&from=${from}&to=${to}`,
        );
        expect(s.total, `${metric} ${interval}`).toBe(want);
        expect(s.points.reduce((a: number, p: Json) => a + p.value, 0)).toBe(want);
        if (interval === 'day') expect(s.points).toHaveLength(46);
        expect(s.points[0].from).toBe(from);
        expect(s.points.at(-1).to).toBe(to);
      }
    // Each day's reports, counted here.
    const daily = await get(`/stats/series?scope=city&metric=reported&interval=day&from=${from}&to=${to}`);
    for (const p of daily.points)
      expect(p.value, p.from).toBe(count(fs, (f) => localDay(f.reportedAt) === p.from));
    const bad = await api.call('GET', '/stats/series?scope=city&metric=profit', { as: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.metric');
  });
});

describe('GET /stats/assessment', () => {
  it('rates officers over their zones and cells, results first, activity second', async () => {
    const fs = await allFindings();
    const ts = await allTasks();
    const r = { from: shift(today(), -60), to: today() };
    const body = await get(`/stats/assessment?scope=office:office-east&from=${r.from}&to=${r.to}`);
    expect(Object.keys(body.officers[0] ?? {}).indexOf('results')).toBeLessThan(
      Object.keys(body.officers[0] ?? {}).indexOf('activity'),
    );
    const li = body.officers.find((o: Json) => o.id === 'officer-li');
    const ownZones = liZones.filter((z) => eastZones.includes(z));
    const census = ownZones.reduce((s, z) => s + (baselineCensus.get(`zone#${z}`) ?? 0), 0);
    expect(li.zones.sort()).toEqual([...ownZones].sort());
    expect(li.results).toEqual(
      results(
        fs.filter((f) => f.zoneId !== null && ownZones.includes(f.zoneId)),
        r,
        census,
      ),
    );
    expect(li.activity).toEqual(
      activity(
        ts.filter((t) => t.officerId === 'officer-li'),
        r,
      ),
    );
    expect(li.activity.completed).toBe(6);
    expect(body.cells.map((c: Json) => c.id).sort()).toEqual(eastCells);
    for (const c of body.cells) {
      expect(c.results, c.id).toEqual(
        results(
          fs.filter((f) => f.cellId === c.id),
          r,
          baselineCensus.get(`cell#${c.id}`) ?? 0,
        ),
      );
      expect(c.activity, c.id).toEqual(
        activity(
          ts.filter((t) => t.cellId === c.id),
          r,
        ),
      );
    }
    // Ordered by results: the reduction never increases down the list.
    const reductions = body.cells.map((c: Json) => c.results.reduction.count as number);
    expect(reductions).toEqual([...reductions].sort((a, b) => b - a));
  });

  it('is for managers, of one office', async () => {
    expect((await api.call('GET', '/stats/assessment', { as: 'sup-east' })).status).toBe(200);
    expect(
      (await api.call('GET', '/stats/assessment?scope=office:office-west', { as: 'sup-east' })).status,
    ).toBe(404);
    expect((await api.call('GET', '/stats/assessment', { as: 'officer-li' })).status).toBe(403);
    const zone = await api.call('GET', `/stats/assessment?scope=zone:${liZones[0]}`, { as: 'admin' });
    expect(zone.status).toBe(400);
    expect(zone.body.error.details[0].path).toBe('query.scope');
  });
});
