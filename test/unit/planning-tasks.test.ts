/** The pure rules of doing a patrol task (core planning/tasks.ts). */
import {
  applyDeltas,
  type CheckInBody,
  ConflictError,
  checkIn,
  checkInAllowanceM,
  completeTask,
  distanceToCellM,
  MAX_ACCURACY_ALLOWANCE_M,
  missTask,
  PatrolConfig,
  type PatrolTask,
  type PolygonGeometry,
  recountTasks,
  taskCounterDeltas,
  taskMetrics,
  taskRange,
  taskWindow,
  UnprocessableError,
  visitingOrder,
} from '@gridpatrol/core';
import { metresPerDegreeLon } from '@gridpatrol/core/geo/measure';
import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { publishedTask } from '../support/tasks';

const config = PatrolConfig.parse({});
const M_PER_DEG_LAT = 111_195;
/** A square cell of about 1 km around (120.2, 30.25). */
const W = 120.195;
const E = 120.205;
const S = 30.245;
const N = 30.255;
const square: PolygonGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [W, S],
      [E, S],
      [E, N],
      [W, N],
      [W, S],
    ],
  ],
};
const cell = { name: '示范一格', geometry: square };
const westOf = (metres: number): [number, number] => [W - metres / metresPerDegreeLon(30.25), 30.25];

const task = publishedTask({
  planId: 'P-unit0001',
  cellId: 'C-1',
  zoneId: 'Z-1',
  officeId: 'office-east',
  officerId: 'officer-li',
  partnerId: 'worker-liu',
  date: '2026-11-30',
  shift: 'am',
  shiftStart: '2026-11-30T00:30:00.000Z',
  shiftEnd: '2026-11-30T04:00:00.000Z',
});
const during = new Date('2026-11-30T01:00:00Z');
const officer = { id: 'officer-li', role: 'zone_officer' as const };
const worker = { id: 'worker-liu', role: 'grid_worker' as const };
const at = (lon: number, lat: number, extra: Partial<CheckInBody> = {}): CheckInBody => ({
  lon,
  lat,
  coordSys: 'wgs84',
  ...extra,
});
const checks = { safety: 'ok', food: 'issue', license: 'not_applicable' } as const;
/** The task checked in to inside the cell during its shift: by the worker, then the officer (version 3). */
const checkedInByBoth = () =>
  checkIn(
    checkIn(task, worker, at(120.2, 30.25), cell, during, config).task,
    officer,
    at(120.2, 30.25),
    cell,
    during,
    config,
  ).task;

describe('distance to a cell', () => {
  it('is 0 inside and on the boundary, the distance to the nearest edge outside', () => {
    expect(distanceToCellM(120.2, 30.25, square)).toBe(0);
    expect(distanceToCellM(W, 30.25, square)).toBe(0);
    expect(distanceToCellM(...westOf(500), square)).toBeCloseTo(500, 0);
    expect(distanceToCellM(120.2, N + 200 / M_PER_DEG_LAT, square)).toBeCloseTo(200, 0);
  });

  it('counts a point in a hole as outside', () => {
    const holed: PolygonGeometry = {
      type: 'Polygon',
      coordinates: [
        square.type === 'Polygon' ? (square.coordinates[0] ?? []) : [],
        [
          [120.199, 30.249],
          [120.199, 30.251],
          [120.201, 30.251],
          [120.201, 30.249],
          [120.199, 30.249],
        ],
      ],
    };
    expect(distanceToCellM(120.2, 30.25, holed)).toBeGreaterThan(90);
  });
});

describe('the range of GET /me/tasks', () => {
  it('defaults to the planning week holding now, in the city', () => {
    // Sunday 2026-11-29 17:00 UTC is Monday 01:00 in Shanghai.
    const r = taskRange({}, new Date('2026-11-29T17:00:00Z'), 'Asia/Shanghai');
    expect(r).toEqual({
      from: '2026-11-30',
      to: '2026-12-06',
      startsFrom: '2026-11-29T16:00:00.000Z',
      startsBefore: '2026-12-06T16:00:00.000Z',
    });
  });

  it('refuses more than 31 days and an end before the start, naming query.to', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    expect(taskRange({ from: '2026-11-01', to: '2026-12-01' }, now, 'Asia/Shanghai')).toMatchObject({
      from: '2026-11-01',
      to: '2026-12-01',
    });
    expect(taskRange({ from: '2026-11-01', to: '2026-12-02' }, now, 'Asia/Shanghai')).toMatchObject({
      path: 'query.to',
      error: expect.stringContaining('at most 31 days'),
    });
    expect(taskRange({ from: '2026-11-05', to: '2026-11-04' }, now, 'Asia/Shanghai')).toMatchObject({
      path: 'query.to',
    });
  });

  it('refuses a date more than 10 years away, naming the field the caller gave (year 0000 was a 500)', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    expect(taskRange({ from: '0000-01-01' }, now, 'Asia/Shanghai')).toMatchObject({
      path: 'query.from',
      error: "'from' (0000-01-01) is more than 10 years from today",
    });
    expect(taskRange({ to: '9999-12-31' }, now, 'Asia/Shanghai')).toMatchObject({ path: 'query.to' });
    // Only 'to' given: 'from' is derived from it, and the refusal names 'to'.
    expect(taskRange({ to: '0000-01-07' }, now, 'Asia/Shanghai')).toMatchObject({ path: 'query.to' });
    expect(taskRange({ from: '2017-01-01' }, now, 'Asia/Shanghai')).toMatchObject({ from: '2017-01-01' });
  });
});

describe('check-in', () => {
  it('is accepted inside the cell with distance 0, once per person', () => {
    const { task: after, event } = checkIn(task, worker, at(120.2, 30.25), cell, during, config);
    expect(after).toMatchObject({ version: 2, status: 'assigned' });
    expect(after.checkIns).toEqual([
      {
        personId: 'worker-liu',
        role: 'grid_worker',
        at: during.toISOString(),
        lon: 120.2,
        lat: 30.25,
        distanceM: 0,
      },
    ]);
    expect(event).toMatchObject({ action: 'check_in', version: 2, from: 'assigned', to: 'assigned' });
    // Again: the first check-in stands, nothing to write.
    const again = checkIn(after, worker, at(...westOf(900)), cell, during, config);
    expect(again.event).toBeNull();
    expect(again.task).toBe(after);
  });

  it('accepts a point within the tolerance, refuses one 500 m outside with the distance', () => {
    expect(
      checkIn(task, worker, at(...westOf(90)), cell, during, config).task.checkIns[0]?.distanceM,
    ).toBeCloseTo(90, 0);
    expect(() => checkIn(task, worker, at(...westOf(500)), cell, during, config)).toThrow(
      /^500 m outside cell 示范一格 \(C-1\); at most 100 m allowed\.$/,
    );
  });

  it('lets the GPS accuracy widen the tolerance, up to a cap', () => {
    expect(checkInAllowanceM(config, 40)).toBe(140);
    expect(checkInAllowanceM(config, 5000)).toBe(100 + MAX_ACCURACY_ALLOWANCE_M);
    expect(
      checkIn(task, worker, at(...westOf(130), { accuracyM: 40 }), cell, during, config).event,
    ).not.toBeNull();
    expect(() =>
      checkIn(task, worker, at(...westOf(500), { accuracyM: 5000 }), cell, during, config),
    ).toThrow(/at most 200 m allowed/);
  });

  it('converts GCJ-02 and BD-09 positions to WGS-84 first, and keeps the original in the event', () => {
    for (const coordSys of ['gcj02', 'bd09'] as const) {
      const [lon, lat] = gcoord.transform<[number, number]>(
        [120.2, 30.25],
        gcoord.WGS84,
        coordSys === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09,
      );
      const { task: after, event } = checkIn(task, worker, at(lon, lat, { coordSys }), cell, during, config);
      expect(after.checkIns[0]?.lon).toBeCloseTo(120.2, 5);
      expect(after.checkIns[0]?.distanceM).toBe(0);
      expect(event?.detail).toMatchObject({ input: { lon, lat, coordSys } });
    }
  });

  it('opens and closes with the grace around the shift', () => {
    expect(taskWindow(task, config)).toEqual({
      opensAt: '2026-11-30T00:00:00.000Z',
      closesAt: '2026-11-30T04:30:00.000Z',
    });
    const inside = at(120.2, 30.25);
    expect(
      checkIn(task, worker, inside, cell, new Date('2026-11-30T00:00:00Z'), config).event,
    ).not.toBeNull();
    expect(
      checkIn(task, worker, inside, cell, new Date('2026-11-30T04:30:00Z'), config).event,
    ).not.toBeNull();
    expect(() => checkIn(task, worker, inside, cell, new Date('2026-11-29T23:59:59Z'), config)).toThrow(
      /opens at 2026-11-30T00:00:00.000Z/,
    );
    expect(() => checkIn(task, worker, inside, cell, new Date('2026-11-30T04:30:01Z'), config)).toThrow(
      UnprocessableError,
    );
  });
});

describe('completion', () => {
  const both = checkedInByBoth();
  const solo = checkIn(task, officer, at(120.2, 30.25), cell, during, config).task;
  const input = { checks, findingIds: [] };

  it('is joint when both partners checked in, solo naming who was missing otherwise', () => {
    const joint = completeTask(both, worker, input, during, config);
    expect(joint.task).toMatchObject({ status: 'completed', version: 4 });
    expect(joint.task.completion).toMatchObject({ by: 'worker-liu', joint: true, missing: [], checks });
    expect(joint.event).toMatchObject({ action: 'complete', from: 'assigned', to: 'completed' });
    const alone = completeTask(solo, officer, { ...input, note: '店主不在' }, during, config);
    expect(alone.task.completion).toMatchObject({ joint: false, missing: ['worker-liu'], note: '店主不在' });
  });

  it('needs the completing partner to have checked in, inside the window, once', () => {
    expect(() => completeTask(solo, worker, input, during, config)).toThrow(/Check in on site/);
    expect(() => completeTask(both, worker, input, new Date('2026-11-30T05:00:00Z'), config)).toThrow(
      /closed at/,
    );
    const done = completeTask(both, worker, input, during, config).task;
    expect(() => completeTask(done, officer, input, during, config)).toThrow(ConflictError);
    expect(() => checkIn(done, officer, at(120.2, 30.25), cell, during, config)).toThrow(ConflictError);
  });
});

describe('missed tasks', () => {
  it('are those still assigned after the shift and the grace; a second look changes nothing', () => {
    expect(missTask(task, new Date('2026-11-30T04:30:00Z'), config)).toBeNull();
    const missed = missTask(task, new Date('2026-11-30T04:30:01Z'), config);
    expect(missed?.task).toMatchObject({ status: 'missed', version: 2 });
    expect(missed?.event).toMatchObject({ action: 'miss', actor: { id: 'system', role: 'system' } });
    expect(missTask(missed?.task as PatrolTask, new Date('2026-12-01T00:00:00Z'), config)).toBeNull();
  });
});

describe('task counters', () => {
  const joint = completeTask(checkedInByBoth(), officer, { checks, findingIds: [] }, during, config).task;
  const solo = completeTask(
    checkIn(task, officer, at(120.2, 30.25), cell, during, config).task,
    officer,
    { checks, findingIds: [] },
    during,
    config,
  ).task;
  const missed = missTask(task, new Date('2026-12-01T00:00:00Z'), config)?.task as PatrolTask;

  it('count a task by its current state only', () => {
    expect(taskMetrics(task)).toEqual({});
    expect(taskMetrics(joint)).toEqual({ 'tasks:completed': 1, 'tasks:joint': 1 });
    expect(taskMetrics(solo)).toEqual({ 'tasks:completed': 1, 'tasks:solo': 1 });
    expect(taskMetrics(missed)).toEqual({ 'tasks:missed': 1 });
  });

  it('move by after − before in the city, cell, zone, office and officer, live and by day', () => {
    expect(
      taskCounterDeltas(task, checkIn(task, officer, at(120.2, 30.25), cell, during, config).task),
    ).toEqual({});
    const d = taskCounterDeltas(task, joint);
    const month = task.date.slice(0, 7);
    const live = ['cell#C-1', 'city', 'office#office-east', `officer#${task.officerId}`, 'zone#Z-1'];
    expect(Object.keys(d).sort()).toEqual([...live, ...live.map((a) => `${a}#${month}`)].sort());
    expect(d.city).toEqual({ 'tasks:completed': 1, 'tasks:joint': 1 });
    // Published already: the completion adds its outcome on the task's date, not a second "planned".
    expect(d[`city#${month}`]).toEqual({
      [`tasks_completed:${task.date}`]: 1,
      [`tasks_joint:${task.date}`]: 1,
    });
    const noOffice = { ...task, officeId: null };
    expect(
      Object.keys(taskCounterDeltas(noOffice, { ...missed, officeId: null }))
        .filter((a) => !a.endsWith(month))
        .sort(),
    ).toEqual(['cell#C-1', 'city', `officer#${task.officerId}`, 'zone#Z-1']);
    // Summing the deltas of every step of two tasks gives the recount of their final states.
    const other = { ...task, id: `${task.id}-2` };
    const steps = [
      taskCounterDeltas(null, task),
      taskCounterDeltas(task, joint),
      taskCounterDeltas(null, other),
      taskCounterDeltas(other, { ...missed, id: other.id }),
    ];
    const summed = steps.reduce((c, s) => applyDeltas(c, s), {});
    expect(summed).toEqual(recountTasks([joint, missed]));
    expect(summed.city).toEqual({ 'tasks:completed': 1, 'tasks:joint': 1, 'tasks:missed': 1 });
  });
});

describe('visiting order', () => {
  it('starts westmost and goes to the nearest next, deterministically', () => {
    const cells = [
      { id: 'C', centroid: [120.3, 30.2] as [number, number] },
      { id: 'A', centroid: [120.1, 30.2] as [number, number] },
      { id: 'D', centroid: [120.12, 30.2] as [number, number] },
      { id: 'B', centroid: [120.2, 30.2] as [number, number] },
    ];
    expect(visitingOrder(cells)).toEqual(['A', 'D', 'B', 'C']);
    expect(visitingOrder([...cells].reverse())).toEqual(['A', 'D', 'B', 'C']);
    expect(visitingOrder([])).toEqual([]);
    // Ties go to the lower id.
    expect(
      visitingOrder([
        { id: 'Y', centroid: [120, 30] },
        { id: 'X', centroid: [120, 30] },
      ]),
    ).toEqual(['X', 'Y']);
  });
});
