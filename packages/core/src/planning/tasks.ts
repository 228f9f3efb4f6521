/**
 * Doing a published patrol task (DOMAIN.md "Dual-track joint patrol", "Integrity", "Assessment on
 * results"): who may check in where and when, what a completion records (joint only when both
 * partners were there), when a task is missed, what one task adds to the counters, and in which
 * order an officer visits the cells of one shift. Pure: the caller passes the clock, the cell's
 * geometry and the city's patrol settings; nothing here reads a database or a clock.
 * See docs/decisions/0011-patrol-execution.md.
 */

import * as z from 'zod';
import { PhotoIds } from '../attachments/schema';
import { addDays, daysBetween, planningWeekStart } from '../calendar';
import { ConflictError, detail, UnprocessableError } from '../errors';
import {
  type Contribution,
  type CounterMetric,
  type Counters,
  counterArea,
  counterAreas,
  dayContributions,
  deltasOf,
  recountOf,
} from '../findings/counters';
import { toWgs84 } from '../geo/coords';
import { METRES_PER_DEGREE, metresPerDegreeLon, segmentDistanceSqFromOrigin } from '../geo/measure';
import type { CoordSys, PolygonGeometry, Position, Ring } from '../geo/types';
import { lazySchema } from '../lazy-schema';
import { inEnglish, localTime, type Message, message } from '../messages';
import type { Role } from '../roles';
import { Text } from '../text';
import { schemaText, storableNumber } from '../validation';
import type { PatrolConfig } from './patrol-config';
import {
  type CheckIn,
  CheckValue,
  type PatrolTask,
  shiftWindow,
  type TaskCompletion,
  type TaskEvent,
} from './records';

const IsoDate = lazySchema(() => z.iso.date());
const MINUTE = 60_000;

/**
 * GPS accuracy widens the check-in tolerance by the accuracy the phone reports, up to this much: a
 * fix "±40 m" 130 m outside the cell is accepted with a 100 m tolerance, but a fix claiming ±2 km
 * does not turn the check into a formality.
 */
export const MAX_ACCURACY_ALLOWANCE_M = 100;
/** The longest range GET /me/tasks answers (from and to inclusive). */
export const MAX_TASK_RANGE_DAYS = 31;
/**
 * How far from today (either way) GET /me/tasks may look: nobody's tasks lie decades away (year
 * 0000 once reached DynamoDB as a reversed key range, a 500).
 */
export const MAX_TASK_RANGE_YEARS_AWAY = 10;

// ---------------------------------------------------------------------------------------------
// Requests and answers of the tasks routes
// ---------------------------------------------------------------------------------------------

/** Task ids are `<planId>.<date>.<shift>.<cellId>` (patrolTaskId). */
export const TaskIdParam = lazySchema(() =>
  z.object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, schemaText(message('schema.taskId'))),
  }),
);

/** GET /me/tasks: local calendar dates of the city, both inclusive; the current planning week by default. */
export const MyTasksQuery = lazySchema(() =>
  z.strictObject({
    from: IsoDate.optional(),
    to: IsoDate.optional(),
  }),
);
export type MyTasksQuery = z.infer<typeof MyTasksQuery>;

export const CheckInBody = lazySchema(() =>
  z.strictObject({
    lon: storableNumber(z.number().min(-180).max(180)),
    lat: storableNumber(z.number().min(-90).max(90)),
    /** The accuracy radius the phone reports (metres). */
    accuracyM: storableNumber(z.number().min(0).max(10_000)).optional(),
    coordSys: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84'),
  }),
);
export type CheckInBody = z.infer<typeof CheckInBody>;

export const CompleteBody = lazySchema(() =>
  z.strictObject({
    checks: z.strictObject({ safety: CheckValue, food: CheckValue, license: CheckValue }),
    note: Text(2000, { multiline: true }).optional(),
    /** Findings reported or handled on this patrol. */
    findingIds: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, schemaText(message('schema.findingIdShort'))))
      .max(50)
      .default([])
      .refine((ids) => new Set(ids).size === ids.length, schemaText(message('schema.findingIdsUnique'))),
    /** Photos of this patrol, uploaded for this task (POST /tasks/{id}/attachments, docs/decisions/0051). */
    photos: PhotoIds.optional(),
  }),
);
export type CompleteBody = z.infer<typeof CompleteBody>;

/** A task as the routes answer it (the stored record; loose, so that added fields pass). */
export const TaskOut = lazySchema(() =>
  z.looseObject({
    id: z.string(),
    status: z.string(),
    version: z.number(),
    cellId: z.string(),
    officerId: z.string(),
    partnerId: z.string(),
    shiftStart: z.string(),
    shiftEnd: z.string(),
    checkIns: z.array(z.looseObject({ personId: z.string() })),
  }),
);

export const MyTaskOut = lazySchema(() =>
  z.looseObject({
    id: z.string(),
    status: z.string(),
    cell: z.looseObject({ id: z.string(), name: z.string() }),
    partner: z.looseObject({ id: z.string(), role: z.string() }),
    shift: z.object({ date: z.string(), name: z.string(), start: z.string(), end: z.string() }),
    /** Why this cell, day and pair, in the reader's language, with the reason codes in brackets. */
    explanation: z.string(),
    openFindings: z.array(z.looseObject({ id: z.string() })),
  }),
);

export const MyTasksOut = lazySchema(() =>
  z.object({
    from: z.string(),
    to: z.string(),
    items: z.array(MyTaskOut),
    /** An officer's shifts with the cells in visiting order; empty for grid partners. */
    shifts: z.array(
      z.object({
        date: z.string(),
        name: z.string(),
        start: z.string(),
        end: z.string(),
        taskIds: z.array(z.string()),
      }),
    ),
  }),
);

// ---------------------------------------------------------------------------------------------
// Ranges and windows
// ---------------------------------------------------------------------------------------------

/**
 * The dates GET /me/tasks covers and the UTC instants bounding their shift starts: the current
 * planning week (Monday to Sunday in the city) unless given; refuses to > from + 30 days and
 * to < from (400 naming the field).
 *
 * @example taskRange({}, new Date('2026-11-25T03:00:00Z'), 'Asia/Shanghai')
 *   // { from: '2026-11-23', to: '2026-11-29', startsFrom: '2026-11-22T16:00:00.000Z', startsBefore: '2026-11-29T16:00:00.000Z' }
 */
export function taskRange(
  query: MyTasksQuery,
  now: Date,
  timeZone: string,
):
  | { from: string; to: string; startsFrom: string; startsBefore: string }
  | { error: string; text: Message; path: string } {
  const week = planningWeekStart(now, timeZone);
  const from = query.from ?? (query.to !== undefined ? addDays(query.to, -6) : week);
  const to = query.to ?? addDays(from, 6);
  const refused = (text: Message, path = 'query.to') => ({ error: inEnglish(text), text, path });
  for (const [field, date] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (Math.abs(daysBetween(week, date)) > MAX_TASK_RANGE_YEARS_AWAY * 366)
      return refused(
        message('task.range.tooFarAway', { field, date, years: MAX_TASK_RANGE_YEARS_AWAY }),
        // The field the caller gave: a derived end is named by the one it came from.
        `query.${query[field] !== undefined ? field : field === 'to' ? 'from' : 'to'}`,
      );
  if (daysBetween(from, to) < 0) return refused(message('task.range.toBeforeFrom', { to, from }));
  if (daysBetween(from, to) >= MAX_TASK_RANGE_DAYS)
    return refused(
      message('task.range.tooLong', { max: MAX_TASK_RANGE_DAYS, from, days: daysBetween(from, to) + 1 }),
    );
  const day = { start: '00:00', end: '00:00' };
  return {
    from,
    to,
    startsFrom: shiftWindow(from, day, timeZone).start,
    startsBefore: shiftWindow(to, day, timeZone).end,
  };
}

/** When check-in and completion are accepted: the shift, widened by the grace at both ends. */
export function taskWindow(
  task: Pick<PatrolTask, 'shiftStart' | 'shiftEnd'>,
  config: Pick<PatrolConfig, 'graceMinutes'>,
): { opensAt: string; closesAt: string } {
  const grace = config.graceMinutes * MINUTE;
  return {
    opensAt: new Date(Date.parse(task.shiftStart) - grace).toISOString(),
    closesAt: new Date(Date.parse(task.shiftEnd) + grace).toISOString(),
  };
}

/** Check-in or completion, as the messages name it. */
type Step = 'checkIn' | 'completion';
const STEP_NAME = { checkIn: 'task.checkIn', completion: 'task.completion' } as const;
const STEP_NOUN = { checkIn: 'task.checkInLower', completion: 'task.completionLower' } as const;

/** Times in these messages are instants rendered in the city's time zone with its offset (issue 16). */
function assertInWindow(task: PatrolTask, now: Date, config: PatrolConfig, step: Step): void {
  const { opensAt, closesAt } = taskWindow(task, config);
  const t = now.getTime();
  const what = message(STEP_NAME[step]);
  const grace = config.graceMinutes;
  if (t < Date.parse(opensAt))
    throw new UnprocessableError(
      message('task.tooEarly', {
        what,
        opensAt: localTime(opensAt),
        grace,
        shiftStart: localTime(task.shiftStart),
      }),
      [
        detail('task.shiftStart', message('task.tooEarlyDetail', { opensAt: localTime(opensAt) }), {
          step,
          opensAt: localTime(opensAt),
          closesAt: localTime(closesAt),
          graceMinutes: grace,
        }),
      ],
    );
  if (t > Date.parse(closesAt))
    throw new UnprocessableError(
      message('task.tooLate', {
        what,
        closesAt: localTime(closesAt),
        grace,
        shiftEnd: localTime(task.shiftEnd),
      }),
      [
        detail('task.shiftEnd', message('task.tooLateDetail', { closesAt: localTime(closesAt) }), {
          step,
          opensAt: localTime(opensAt),
          closesAt: localTime(closesAt),
          graceMinutes: grace,
        }),
      ],
    );
}

function assertOpen(task: PatrolTask, step: Step): void {
  if (task.status === 'assigned') return;
  const what = message(STEP_NOUN[step]);
  const status = message(`task.status.${task.status}`);
  throw new ConflictError(
    task.completion
      ? message('task.closedBy', {
          id: task.id,
          status,
          by: task.completion.by,
          at: localTime(task.completion.at),
          what,
        })
      : message('task.closed', { id: task.id, status, what }),
  );
}

/** Whether a person is one of the task's pair. */
export const isPartnerOf = (task: Pick<PatrolTask, 'officerId' | 'partnerId'>, personId: string): boolean =>
  task.officerId === personId || task.partnerId === personId;

// ---------------------------------------------------------------------------------------------
// Geometry: how far a point lies outside a cell, a cell's centroid
// ---------------------------------------------------------------------------------------------

function polygonsOf(g: PolygonGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Even-odd ray test over all rings of one polygon (holes included); boundary counts as inside via distance 0. */
function insidePolygon(rings: readonly Ring[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Position;
      const [xj, yj] = ring[j] as Position;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  return inside;
}

/**
 * Metres from a WGS-84 point to a cell: 0 inside or on its boundary, else the distance to its
 * nearest edge (local equirectangular projection around the point: exact to well under a metre at
 * the hundreds of metres a check-in cares about).
 *
 * @example distanceToCellM(120.1, 30.2, cell.geometry) // 0 (inside)
 */
export function distanceToCellM(lon: number, lat: number, geometry: PolygonGeometry): number {
  const polygons = polygonsOf(geometry);
  if (polygons.some((rings) => insidePolygon(rings, lon, lat))) return 0;
  const kx = metresPerDegreeLon(lat);
  const ky = METRES_PER_DEGREE;
  let best = Number.POSITIVE_INFINITY;
  for (const rings of polygons)
    for (const ring of rings)
      for (let i = 1; i < ring.length; i++) {
        const [ax, ay] = ring[i - 1] as Position;
        const [bx, by] = ring[i] as Position;
        const d = segmentDistanceSqFromOrigin(
          (ax - lon) * kx,
          (ay - lat) * ky,
          (bx - lon) * kx,
          (by - lat) * ky,
        );
        if (d < best) best = d;
      }
  return Math.sqrt(best);
}

/**
 * The area-weighted centroid of a cell's outer rings ([lon, lat]); planar in degrees, which is
 * plenty for ordering visits between cells a few hundred metres wide.
 */
export function cellCentroid(geometry: PolygonGeometry): Position {
  let a = 0;
  let cx = 0;
  let cy = 0;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (const rings of polygonsOf(geometry)) {
    const ring = rings[0] ?? [];
    for (let i = 1; i < ring.length; i++) {
      const [x0, y0] = ring[i - 1] as Position;
      const [x1, y1] = ring[i] as Position;
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
      sx += x1;
      sy += y1;
      n += 1;
    }
  }
  if (Math.abs(a) < 1e-18) return n > 0 ? [sx / n, sy / n] : [0, 0];
  return [cx / (3 * a), cy / (3 * a)];
}

/**
 * The order in which an officer visits the cells of one shift: start at the westmost cell (ties by
 * id), then always the nearest not yet visited (ties by id). Deterministic for the same input.
 *
 * @example visitingOrder([{ id: 'B', centroid: [120.2, 30] }, { id: 'A', centroid: [120.1, 30] }]) // ['A', 'B']
 */
export function visitingOrder(cells: readonly { id: string; centroid: Position }[]): string[] {
  const left = [...cells].sort(
    (p, q) => p.centroid[0] - q.centroid[0] || (p.id < q.id ? -1 : p.id > q.id ? 1 : 0),
  );
  const order: string[] = [];
  let at = left.shift();
  while (at) {
    order.push(at.id);
    const from = at.centroid;
    let bestI = -1;
    let bestD = Number.POSITIVE_INFINITY;
    left.forEach((c, i) => {
      const dx = (c.centroid[0] - from[0]) * metresPerDegreeLon(from[1]);
      const dy = (c.centroid[1] - from[1]) * METRES_PER_DEGREE;
      const d = dx * dx + dy * dy;
      const best = left[bestI];
      if (d < bestD || (d === bestD && best !== undefined && c.id < best.id)) {
        bestD = d;
        bestI = i;
      }
    });
    at = bestI >= 0 ? left.splice(bestI, 1)[0] : undefined;
  }
  return order;
}

// ---------------------------------------------------------------------------------------------
// Changes: check-in, completion, missed
// ---------------------------------------------------------------------------------------------

export interface TaskActor {
  readonly id: string;
  readonly role: Role;
}

export interface TaskChange {
  readonly task: PatrolTask;
  /** Null when nothing changes (a repeated check-in). */
  readonly event: TaskEvent | null;
}

function step(
  before: PatrolTask,
  patch: Partial<PatrolTask>,
  now: Date,
  actor: TaskEvent['actor'],
  action: TaskEvent['action'],
  detail: Record<string, unknown>,
  note?: string,
): { task: PatrolTask; event: TaskEvent } {
  const at = now.toISOString();
  const task: PatrolTask = { ...before, ...patch, version: before.version + 1, updatedAt: at };
  const event: TaskEvent = {
    taskId: before.id,
    version: task.version,
    at,
    actor,
    action,
    from: before.status,
    to: task.status,
    ...(note !== undefined ? { note } : {}),
    detail,
  };
  return { task, event };
}

/** The metres a check-in may lie outside the cell: the city's tolerance plus the GPS accuracy, capped. */
export function checkInAllowanceM(
  config: Pick<PatrolConfig, 'checkInToleranceM'>,
  accuracyM?: number,
): number {
  return config.checkInToleranceM + Math.min(accuracyM ?? 0, MAX_ACCURACY_ALLOWANCE_M);
}

/**
 * A partner checks in on site. Accepted only while the task is assigned, inside its window (shift ±
 * grace) and within the allowance of the cell (422 naming the distance otherwise). A partner who
 * already checked in gets the task back unchanged (event null): the first check-in stands.
 * Callers check first that `actor` is one of the pair (anyone else: 404).
 *
 * @example checkIn(task, { id: 'worker-liu', role: 'grid_worker' }, { lon, lat, coordSys: 'wgs84' }, cell, now, config)
 */
export function checkIn(
  before: PatrolTask,
  actor: TaskActor,
  input: CheckInBody,
  cell: { readonly name: string; readonly geometry: PolygonGeometry },
  now: Date,
  config: PatrolConfig,
): TaskChange {
  assertOpen(before, 'checkIn');
  if (before.checkIns.some((c) => c.personId === actor.id)) return { task: before, event: null };
  assertInWindow(before, now, config, 'checkIn');
  const coordSys: CoordSys = input.coordSys ?? 'wgs84';
  const [lon, lat] = toWgs84([input.lon, input.lat], coordSys);
  const distance = distanceToCellM(lon, lat, cell.geometry);
  const allowed = checkInAllowanceM(config, input.accuracyM);
  if (distance > allowed)
    throw new UnprocessableError(
      message('task.tooFar', { distance: Math.round(distance), name: cell.name, id: before.cellId, allowed }),
      [
        detail('body', message('task.tooFarDetail', { distance: Math.round(distance), allowed }), {
          distanceM: Math.round(distance),
          allowanceM: allowed,
        }),
      ],
    );
  const distanceM = Math.round(distance * 10) / 10;
  const entry: CheckIn = {
    personId: actor.id,
    role: actor.role,
    at: now.toISOString(),
    lon,
    lat,
    ...(input.accuracyM !== undefined ? { accuracyM: input.accuracyM } : {}),
    distanceM,
  };
  return step(before, { checkIns: [...before.checkIns, entry] }, now, actor, 'check_in', {
    distanceM,
    allowedM: allowed,
    ...(coordSys !== 'wgs84' ? { input: { lon: input.lon, lat: input.lat, coordSys } } : {}),
  });
}

/**
 * A partner who checked in completes the task, inside its window. It counts as a joint patrol only
 * when both partners checked in; otherwise it is recorded solo, naming who was missing. The caller
 * has checked the finding ids (they exist and belong to the task's cell).
 */
export function completeTask(
  before: PatrolTask,
  actor: TaskActor,
  input: CompleteBody,
  now: Date,
  config: PatrolConfig,
): { task: PatrolTask; event: TaskEvent } {
  assertOpen(before, 'completion');
  if (!before.checkIns.some((c) => c.personId === actor.id))
    throw new UnprocessableError(message('task.checkInFirst', { id: before.id }), [
      detail('checkIns', message('task.notCheckedIn', { person: actor.id }), { personId: actor.id }),
    ]);
  assertInWindow(before, now, config, 'completion');
  const missing = [before.officerId, before.partnerId].filter(
    (p) => !before.checkIns.some((c) => c.personId === p),
  );
  const completion: TaskCompletion = {
    at: now.toISOString(),
    by: actor.id,
    checks: input.checks,
    ...(input.note !== undefined && input.note !== '' ? { note: input.note } : {}),
    findingIds: input.findingIds,
    ...(input.photos !== undefined && input.photos.length > 0 ? { photos: input.photos } : {}),
    joint: missing.length === 0,
    missing,
  };
  return step(
    before,
    { status: 'completed', completion },
    now,
    actor,
    'complete',
    {
      joint: completion.joint,
      missing,
      checks: input.checks,
      findingIds: input.findingIds,
      ...(completion.photos ? { photos: completion.photos } : {}),
    },
    completion.note,
  );
}

/**
 * The missed-task rule: a task still assigned once its shift ended and the grace passed is missed.
 * Null when nothing is to change (so a job run twice writes nothing the second time).
 */
export function missTask(
  before: PatrolTask,
  now: Date,
  config: Pick<PatrolConfig, 'graceMinutes'>,
): { task: PatrolTask; event: TaskEvent } | null {
  if (before.status !== 'assigned') return null;
  if (now.getTime() <= Date.parse(taskWindow(before, config).closesAt)) return null;
  return step(before, { status: 'missed' }, now, { id: 'system', role: 'system' }, 'miss', {
    checkedIn: before.checkIns.map((c) => c.personId),
  });
}

/** Why a finding may not be listed on a completion, or null when it may. */
export function findingMismatch(
  task: Pick<PatrolTask, 'id' | 'cellId'>,
  finding: { readonly cellId: string | null; readonly taskId?: string | undefined } | undefined,
): string | null {
  if (finding === undefined) return 'no such finding';
  if (finding.taskId === task.id || finding.cellId === task.cellId) return null;
  return `lies in cell ${finding.cellId ?? '(none)'}, not in the task's cell ${task.cellId}`;
}

// ---------------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------------

/** Metric names the tasks move (beside the findings' metrics, in the same counter items). */
export const TASK_METRICS = ['tasks:completed', 'tasks:joint', 'tasks:solo', 'tasks:missed'] as const;

/**
 * What one task adds to each of its areas in its current state: a completed task counts once in
 * `tasks:completed` and once in `tasks:joint` or `tasks:solo`; a missed one in `tasks:missed`; any
 * other state adds nothing (a planned task is not yet a result: DOMAIN.md "Assessment on results").
 *
 * @example taskMetrics(completedJoint) // { 'tasks:completed': 1, 'tasks:joint': 1 }
 */
export function taskMetrics(task: Pick<PatrolTask, 'status' | 'completion'>): Record<CounterMetric, number> {
  if (task.status === 'completed')
    return { 'tasks:completed': 1, [task.completion?.joint ? 'tasks:joint' : 'tasks:solo']: 1 };
  if (task.status === 'missed') return { 'tasks:missed': 1 };
  return {};
}

/**
 * The areas a task counts in: the city, its cell, its zone, its office (when it has one) and its
 * officer (`officer#<id>`: activity is assessed per officer; findings are not, they count by area).
 */
export const taskCounterAreas = (task: Pick<PatrolTask, 'cellId' | 'zoneId' | 'officeId' | 'officerId'>) => [
  ...counterAreas({ cellId: task.cellId, zoneId: task.zoneId, officeId: task.officeId }),
  counterArea.officer(task.officerId),
];

/** Published: the task is in the week's plan as people see it (not a draft, not cancelled). */
const PLANNED: readonly PatrolTask['status'][] = ['assigned', 'completed', 'missed'];

/**
 * The day measures of a task, all on the task's own date: planned once published, and its outcome.
 *
 * @example taskDays(completedJoint) // [['tasks_planned', '2026-11-24'], ['tasks_completed', '2026-11-24'], ['tasks_joint', '2026-11-24']]
 */
export function taskDays(task: Pick<PatrolTask, 'status' | 'completion' | 'date'>): [string, string][] {
  if (!PLANNED.includes(task.status)) return [];
  return [
    ['tasks_planned', task.date],
    ...Object.keys(taskMetrics(task)).map((m): [string, string] => [
      m.replace('tasks:', 'tasks_'),
      task.date,
    ]),
  ];
}

const taskContributions = (task: PatrolTask): Contribution[] => {
  const areas = taskCounterAreas(task);
  return [{ areas, metrics: taskMetrics(task) }, ...dayContributions(areas, taskDays(task))];
};

/**
 * The counter increments of a task change, after − before (before null for a new task); zeros
 * left out, so a check-in gives `{}`.
 */
export function taskCounterDeltas(before: PatrolTask | null, after: PatrolTask): Counters {
  return deltasOf(before, after, taskContributions);
}

/** Task counters from scratch (tests and a verify command compare them with the stored ones). */
export function recountTasks(tasks: Iterable<PatrolTask>): Counters {
  return recountOf(tasks, taskContributions);
}
