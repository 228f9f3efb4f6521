/**
 * Stored plans around the pure planner (DOMAIN.md "Dual-track joint patrol", "Patrol force follows
 * the incidents", "Integrity"): which cells a plan covers, the planner input assembled from cells,
 * finding counts, cell planning records and people, what a plan made over a week under way leaves
 * out, the rules a supervisor's reassignment must keep (the planner's own), and when a new plan
 * may replace a published one. Pure: the store and the clock are the caller's.
 */

import * as z from 'zod';
import { addDays } from '../calendar';
import { ConflictError, detail, type ErrorDetail, UnprocessableError } from '../errors';
import type { GridIndex } from '../geo/grid-index';
import { FEATURE_REC } from '../geo/index-flat';
import { AreaId, PageQuery } from '../grid/api';
import type { GridTopology } from '../grid/topology';
import { lazySchema } from '../lazy-schema';
import { inEnglish, localTime, type Message, message } from '../messages';
import { type Person, PersonId } from '../people';
import { mayBePlannedOnPatrol } from '../policy';
import { Text } from '../text';
import { schemaText } from '../validation';
import { cellDemands } from './demand';
import type { ShiftTimes } from './patrol-config';
import {
  PatrolTask,
  PlanExclusions,
  PlanId,
  PlanRecord,
  type PlanStatus,
  patrolTaskId,
  shiftWindow,
  type TaskEvent,
  type TaskStatus,
} from './records';
import {
  type CellDemand,
  type CellFindingStats,
  isoWeekday,
  type PastPairing,
  type Plan,
  type PlanCell,
  type PlanInputArg,
  type PlannerConfig,
  type PlanTask,
  RiskScore,
  UNMET_REASONS,
  type UnmetReason,
} from './schema';

const IsoDate = lazySchema(() => z.iso.date());
const MondayDate = lazySchema(() =>
  IsoDate.refine((d) => isoWeekday(d) === 1, schemaText(message('schema.monday'))),
);

// ---------------------------------------------------------------------------------------------
// HTTP schemas of the plans routes

/** POST /plans. Without `office` (city admins only) the plan covers the whole city. */
export const PlanCreateBody = lazySchema(() =>
  z
    .object({
      weekStart: MondayDate,
      office: AreaId.optional(),
      /** Replace the week's published plan: required when there is one (409 otherwise). */
      supersede: z.boolean().optional(),
      /** The draw's seed, for an audit that re-draws a week (city admins only: `mayChooseSeed`). */
      seed: z.number().int().min(0).max(0xffffffff).optional(),
    })
    .strict(),
);
export type PlanCreateBody = z.infer<typeof PlanCreateBody>;

export const PlanIdParam = lazySchema(() => z.object({ id: PlanId }));

/** A stored task's id: `<planId>.<date>.<shift>.<cellId>` (patrolTaskId). */
export const PatrolTaskId = lazySchema(() =>
  z
    .string()
    .regex(
      /^P-[A-Za-z0-9]{6,40}\.\d{4}-\d{2}-\d{2}\.[a-z][a-z0-9_-]{0,15}\.[^#\s/]{1,64}$/,
      schemaText(message('schema.planTaskId')),
    ),
);
export const PlanTaskParams = lazySchema(() => z.object({ id: PlanId, taskId: PatrolTaskId }));

/** GET /plans/{id}: the header, and one page of its tasks by date, shift and cell. */
export const PlanGetQuery = PageQuery;

/** GET /plans: one office's plans (a supervisor: their own by default), optionally of one week. */
export const PlanListQuery = lazySchema(() =>
  PageQuery.extend({ week: MondayDate.optional(), office: AreaId.optional() }),
);
export type PlanListQuery = z.infer<typeof PlanListQuery>;

/** POST /plans/{id}/tasks/{taskId}/reassign: any of the pair and the slot, against the version read. */
export const ReassignBody = lazySchema(() =>
  z
    .object({
      expectedVersion: z.number().int().positive(),
      officerId: PersonId.optional(),
      partnerId: PersonId.optional(),
      date: IsoDate.optional(),
      shift: z
        .string()
        .regex(/^[a-z][a-z0-9_-]{0,15}$/, schemaText(message('schema.shiftName')))
        .optional(),
      note: Text(500, { multiline: true }).optional(),
      /**
       * Check the move against every rule and answer without writing: the task unchanged (200), or the
       * 422 naming each broken rule. The console shows the rules before anything is sent (issue 13).
       */
      dryRun: z.boolean().optional(),
    })
    .strict()
    .superRefine((b, ctx) => {
      if (
        b.officerId === undefined &&
        b.partnerId === undefined &&
        b.date === undefined &&
        b.shift === undefined
      )
        ctx.addIssue({ code: 'custom', path: [], ...schemaText(message('schema.reassignNothing')) });
    }),
);
export type ReassignBody = z.infer<typeof ReassignBody>;

/** PUT /cells/{id}/priority. */
export const CellPriorityBody = lazySchema(() =>
  z.object({ priority: z.number().int().min(0).max(5) }).strict(),
);

export const CellPlanningOut = lazySchema(() =>
  z.object({
    cellId: z.string(),
    manualPriority: z.number().int(),
    lastJointPatrolDate: IsoDate.nullable(),
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  }),
);
export type CellPlanningOut = z.infer<typeof CellPlanningOut>;

export const PlanSummaryOut = PlanRecord;
export const PatrolTaskOut = PatrolTask;
/** A plan with one page of its tasks (a large office's plan has thousands: follow `cursor`). */
export const PlanOut = lazySchema(() =>
  PlanRecord.extend({
    /** Each task with `explanation`: why this cell, day and pair, in the reader's language (issue 16). */
    tasks: z.array(PatrolTask.extend({ explanation: z.string().optional() })),
    cursor: z.string().optional(),
  }),
);

/** GET /plans/{id}/cells: one page of a plan's per-cell demand, by cell id. */
export const PlanCellsQuery = PageQuery;

/**
 * Why a cell got fewer patrols than it demanded: the planner's reason (UNMET_REASONS), or
 * `excluded` when the planner placed them but a week under way took them out again (their slot had
 * started, or the cell's patrol in it was already completed).
 */
export const PLAN_CELL_UNMET_REASONS = [...UNMET_REASONS, 'excluded'] as const;

/**
 * What a plan asked of the planner for one cell and what it got: the cell's input as the planner saw
 * it (zones, finding counts, last joint patrol, manual priority), its risk with every component,
 * the weight of one patrol, the patrols demanded, those a superseded plan had already completed,
 * those assigned, the shortfall and why.
 */
export const PlanCellOut = lazySchema(() =>
  z.object({
    cellId: z.string(),
    /** Zones the cell touches, primary (largest share) first. */
    zones: z.array(z.string()),
    stats: z.object({ open: z.number(), overdue: z.number(), recent: z.number(), reopened: z.number() }),
    lastPatrolDate: IsoDate.nullable(),
    manualPriority: z.number().int(),
    risk: RiskScore,
    weight: z.number(),
    demand: z.number().int(),
    /** Patrols of this week the superseded plan had completed (they count against the demand). */
    completedBefore: z.number().int(),
    assigned: z.number().int(),
    /** demand − completedBefore − assigned, never below 0. */
    unmet: z.number().int(),
    /** null when nothing is unmet. */
    unmetReason: z.enum(PLAN_CELL_UNMET_REASONS).nullable(),
  }),
);
export type PlanCellOut = z.infer<typeof PlanCellOut>;

/** A per-cell item of a stored plan (keys.planCell). */
export interface StoredPlanCell {
  readonly cell: PlanCell;
  readonly demand?: CellDemand | undefined;
  /** The planner's reason for this cell's unmet demand (stored since issue 22). */
  readonly unmetReason?: UnmetReason | undefined;
}

/**
 * The per-cell demand of a plan as served: each stored item with what the header adds (completed
 * patrols of a superseded plan, and the unmet reasons of plans drafted before the items kept them).
 *
 * @example planCellViews(page.items, plan)[0] // { cellId: 'C-001', weight: 4.8, demand: 2, assigned: 1, unmet: 1, unmetReason: 'capacity', … }
 */
export function planCellViews(
  items: readonly StoredPlanCell[],
  plan: Pick<PlanRecord, 'weekStart' | 'config' | 'unmet' | 'exclusions'>,
): PlanCellOut[] {
  const headerReason = new Map(plan.unmet.map((u) => [u.cellId, u.reason]));
  const completed = new Map<string, number>();
  for (const c of plan.exclusions?.completed ?? [])
    completed.set(c.cellId, (completed.get(c.cellId) ?? 0) + 1);
  return items.map(({ cell, demand, unmetReason }) => {
    // The planner writes every cell's demand; one it left out got no task, so recompute it from the
    // stored input exactly as the planner does, with nothing assigned.
    const d = demand ?? (cellDemands([cell], plan.weekStart, plan.config)[0] as CellDemand);
    const completedBefore = completed.get(cell.id) ?? 0;
    const unmet = Math.max(0, d.demand - completedBefore - d.assigned);
    const reason = unmetReason ?? headerReason.get(cell.id) ?? 'excluded';
    return {
      cellId: cell.id,
      zones: [...cell.zones],
      stats: { ...cell.stats },
      lastPatrolDate: cell.lastPatrolDate,
      manualPriority: cell.manualPriority,
      risk: d.risk,
      weight: d.weight,
      demand: d.demand,
      completedBefore,
      assigned: d.assigned,
      unmet,
      unmetReason: unmet > 0 ? reason : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Cells and planner input

/**
 * The cells a plan covers. An office's plan takes the cells whose primary zone (largest share) is
 * one of the office's, so that a cell straddling two offices is planned once, by one of them; a
 * city-wide plan every cell in some zone. Cells in no zone have no officer and are never planned.
 *
 * @example planCellIds(topology, 'office-east') // ['C-001', 'C-004', …] (sorted)
 */
export function planCellIds(topology: GridTopology, officeId: string | null): string[] {
  const out: string[] = [];
  for (const [cellId, zones] of topology.cellZones) {
    const primary = zones[0];
    if (primary === undefined) continue;
    if (officeId === null || topology.zoneOffice.get(primary) === officeId) out.push(cellId);
  }
  return out.sort();
}

/**
 * Each cell's [lon, lat] centre (the middle of its bounding box) from the point index: enough to
 * keep an officer's shift compact, without reading geometry.
 */
export function cellCentroids(index: GridIndex): Map<string, [number, number]> {
  const rec = index.data.layer.featureRec;
  const out = new Map<string, [number, number]>();
  index.data.ids.forEach((id, i) => {
    const o = FEATURE_REC * i;
    out.set(id, [
      ((rec[o] as number) + (rec[o + 2] as number)) / 2,
      ((rec[o + 1] as number) + (rec[o + 3] as number)) / 2,
    ]);
  });
  return out;
}

/** What a cell's planning record keeps between plans (keys.cellPlanning). */
export interface CellPlanning {
  readonly manualPriority?: number;
  readonly lastJointPatrolDate?: string | null;
}

export interface PlanInputSources {
  readonly weekStart: string;
  readonly config: PlannerConfig;
  readonly cells: readonly { id: string; zones: readonly string[]; centroid: readonly [number, number] }[];
  readonly stats: ReadonlyMap<string, CellFindingStats>;
  readonly planning: ReadonlyMap<string, CellPlanning>;
  readonly people: readonly Person[];
  readonly lastWeek?: readonly PastPairing[];
  readonly exclusions?: PlanExclusions;
  /** Shift start instants, for exclusions: shiftStartOf(date, shift). */
  readonly shiftStartOf?: (date: string, shift: string) => string;
}

/**
 * The planner input of a plan: its cells with their finding counts, last joint patrol and manual
 * priority, and the people who may be planned. With exclusions (a plan made over a week under way),
 * people are off on the days wholly before `notBefore` and their completed patrols of the week
 * spend their capacity. Everything here is stored with the plan, so it is reproducible.
 *
 * @example planWeek(planInputFrom({ weekStart, config, cells, stats, planning, people }), seed)
 */
export function planInputFrom(src: PlanInputSources): PlanInputArg {
  const cells: PlanCell[] = src.cells.map((c) => {
    const p = src.planning.get(c.id);
    return {
      id: c.id,
      zones: [...c.zones].slice(0, 16),
      centroid: [c.centroid[0], c.centroid[1]],
      stats: src.stats.get(c.id) ?? { open: 0, overdue: 0, recent: 0, reopened: 0 },
      lastPatrolDate: p?.lastJointPatrolDate ?? null,
      manualPriority: p?.manualPriority ?? 0,
    };
  });
  const ex = src.exclusions;
  const pastDates: string[] = [];
  const spent = new Map<string, number>();
  if (ex) {
    const startOf = src.shiftStartOf;
    for (let d = 0; d < 7; d++) {
      const date = addDays(src.weekStart, d);
      const past = startOf
        ? src.config.shifts.every((s) => startOf(date, s) < ex.notBefore)
        : `${date}T23:59:59Z` < ex.notBefore;
      if (past) pastDates.push(date);
    }
    for (const c of ex.completed)
      for (const id of [c.officerId, c.partnerId]) spent.set(id, (spent.get(id) ?? 0) + 1);
  }
  const people = src.people
    .filter((p) => mayBePlannedOnPatrol(p.role))
    .map((p) => ({
      ...p,
      capacity: Math.max(0, p.capacity - (spent.get(p.id) ?? 0)),
      availability: {
        weekdays: p.availability.weekdays,
        datesOff: [...new Set([...p.availability.datesOff, ...pastDates])].sort(),
      },
    }));
  return { weekStart: src.weekStart, config: src.config, cells, people, lastWeek: [...(src.lastWeek ?? [])] };
}

/**
 * Takes out of a planned week what its exclusions forbid: tasks in slots starting before
 * `notBefore`, tasks in a slot where the cell's patrol was already completed, and, per cell, the
 * latest tasks beyond its demand less its completed patrols. Deterministic, so a stored plan is
 * reproduced as planWeek(input, seed) then this.
 */
export function applyExclusions(
  plan: Plan,
  exclusions: PlanExclusions | undefined,
  shiftStartOf: (date: string, shift: string) => string,
): { plan: Plan; dropped: number } {
  if (!exclusions) return { plan, dropped: 0 };
  const done = new Set(exclusions.completed.map((c) => `${c.cellId}|${c.date}|${c.shift}`));
  const doneByCell = new Map<string, number>();
  for (const c of exclusions.completed) doneByCell.set(c.cellId, (doneByCell.get(c.cellId) ?? 0) + 1);
  const demand = new Map(plan.cells.map((c) => [c.cellId, c.demand]));
  const kept: PlanTask[] = [];
  const perCell = new Map<string, number>();
  const order = [...plan.tasks].sort((a, b) =>
    a.date !== b.date
      ? a.date < b.date
        ? -1
        : 1
      : plan.shifts.indexOf(a.shift) - plan.shifts.indexOf(b.shift),
  );
  for (const t of order) {
    if (shiftStartOf(t.date, t.shift) < exclusions.notBefore) continue;
    if (done.has(`${t.cellId}|${t.date}|${t.shift}`)) continue;
    const room = (demand.get(t.cellId) ?? 0) - (doneByCell.get(t.cellId) ?? 0);
    const n = perCell.get(t.cellId) ?? 0;
    if (n >= room) continue;
    perCell.set(t.cellId, n + 1);
    kept.push(t);
  }
  const keptIds = new Set(kept.map((t) => t.id));
  const tasks = plan.tasks.filter((t) => keptIds.has(t.id));
  const cells = plan.cells.map((c) => ({ ...c, assigned: perCell.get(c.cellId) ?? 0 }));
  return {
    plan: { ...plan, tasks, cells, metrics: { ...plan.metrics, assigned: tasks.length } },
    dropped: plan.tasks.length - tasks.length,
  };
}

/**
 * The planner's tasks as stored: draft, version 1, with their shift's UTC instants.
 *
 * @example toPatrolTasks(plan, { planId, officeId: 'office-east', shiftTimes, timeZone, now })
 */
export function toPatrolTasks(
  tasks: readonly PlanTask[],
  ctx: {
    planId: string;
    officeId: string | null;
    weekStart: string;
    shiftTimes: Readonly<Record<string, ShiftTimes>>;
    timeZone: string;
    now: string;
  },
): PatrolTask[] {
  return tasks.map((t) => {
    const window = slotWindow(t.date, t.shift, ctx.shiftTimes, ctx.timeZone);
    return {
      ...t,
      id: patrolTaskId(ctx.planId, t),
      planId: ctx.planId,
      officeId: ctx.officeId,
      weekStart: ctx.weekStart,
      shiftStart: window.start,
      shiftEnd: window.end,
      status: 'draft',
      version: 1,
      checkIns: [],
      updatedAt: ctx.now,
    };
  });
}

/** The UTC window of a shift; a shift without configured times is a configuration error. */
export function slotWindow(
  date: string,
  shift: string,
  shiftTimes: Readonly<Record<string, ShiftTimes>>,
  timeZone: string,
): { start: string; end: string } {
  const times = shiftTimes[shift];
  if (!times) throw new Error(`shift '${shift}' has no times in the city config`);
  return shiftWindow(date, times, timeZone);
}

/** The first event of a drafted task. */
export function planEvent(task: PatrolTask, actor: TaskEvent['actor'], at: string): TaskEvent {
  return { taskId: task.id, version: 1, at, actor, action: 'plan', from: null, to: 'draft' };
}

// ---------------------------------------------------------------------------------------------
// Reassignment rules

export const REASSIGN_RULES = [
  'slot_in_week',
  'slot_passed',
  'unknown_person',
  'officer_role',
  'partner_role',
  'inactive',
  'officer_zone',
  'partner_cell',
  'availability',
  'capacity',
  'officer_shift_limit',
  'double_booked',
  'cell_slot_taken',
  'conflict',
] as const;
export type ReassignRule = (typeof REASSIGN_RULES)[number];

export interface BrokenRule {
  readonly rule: ReassignRule;
  readonly personId?: string;
  readonly path: string;
  /** "[rule] what is wrong", in English; `text` is the same for the reader's language. */
  readonly message: string;
  readonly text?: Message;
}

/** A plan's status: the code in English, as before; a word in other languages. */
const planStatusWord = (status: PlanStatus): Message => ({
  ...message(`plan.status.${status}`),
  original: status,
});

/** A broken rule worded from the catalogue, its code in brackets before the words. */
function brokenRule(rule: ReassignRule, path: string, text: Message, personId?: string): BrokenRule {
  const ruled = message('reassign.rule', { rule, problem: text });
  return {
    rule,
    ...(personId !== undefined ? { personId } : {}),
    path,
    message: inEnglish(ruled),
    text: ruled,
  };
}

/** What another task of the plan holds, for capacity and double booking. */
export type TaskSlotRef = Pick<
  PatrolTask,
  'id' | 'officerId' | 'partnerId' | 'date' | 'shift' | 'cellId' | 'status'
>;

export interface ReassignCheck {
  readonly task: Pick<PatrolTask, 'id' | 'cellId' | 'officerId' | 'partnerId' | 'date' | 'shift'>;
  readonly target: { officerId: string; partnerId: string; date: string; shift: string };
  readonly officer: Person | undefined;
  readonly partner: Person | undefined;
  /** Zones the task's cell touches, primary first. */
  readonly cellZones: readonly string[];
  readonly weekStart: string;
  readonly shifts: readonly string[];
  readonly maxTasksPerOfficerShift: number;
  /** Every task of the plan (this one included; cancelled ones are ignored). */
  readonly tasks: readonly TaskSlotRef[];
  /** The target slot's start instant (when its shift is known) and the time of the request. */
  readonly slotStart?: string | undefined;
  readonly now?: string | undefined;
}

/**
 * Every planner rule a reassignment would break (empty when it keeps them all), each naming the rule,
 * the person and the body field: the pair is eligible for the cell, both are available that day,
 * under weekly capacity, the officer under maxTasksPerOfficerShift, nobody twice in the shift, the
 * cell once a shift, nobody in conflict (回避) with the cell, and the slot not yet started.
 */
export function reassignProblems(c: ReassignCheck): BrokenRule[] {
  const out: BrokenRule[] = [];
  const { target, task } = c;
  const dates = Array.from({ length: 7 }, (_, d) => addDays(c.weekStart, d));
  if (!dates.includes(target.date))
    out.push(
      brokenRule(
        'slot_in_week',
        'body.date',
        message('reassign.notInWeek', { date: target.date, first: dates[0] ?? '', last: dates[6] ?? '' }),
      ),
    );
  if (!c.shifts.includes(target.shift))
    out.push(
      brokenRule(
        'slot_in_week',
        'body.shift',
        message('reassign.notAShift', { shift: target.shift, shifts: c.shifts.join(', ') }),
      ),
    );
  if (c.slotStart !== undefined && c.now !== undefined && c.slotStart <= c.now)
    out.push(
      brokenRule(
        'slot_passed',
        'body.date',
        message('reassign.slotPassed', {
          date: target.date,
          shift: target.shift,
          start: localTime(c.slotStart),
        }),
      ),
    );
  const live = c.tasks.filter((t) => t.id !== task.id && t.status !== 'cancelled');
  const sameSlot = live.filter((t) => t.date === target.date && t.shift === target.shift);
  const people: [Person | undefined, string, 'officer' | 'partner', string][] = [
    [c.officer, target.officerId, 'officer', 'body.officerId'],
    [c.partner, target.partnerId, 'partner', 'body.partnerId'],
  ];
  for (const [p, id, as, path] of people) {
    const bad = (rule: ReassignRule, text: Message) => out.push(brokenRule(rule, path, text, id));
    if (!p) {
      bad('unknown_person', message('reassign.unknownPerson', { id }));
      continue;
    }
    const role = { ...message(`role.${p.role}`), original: p.role };
    if (as === 'officer' && p.role !== 'zone_officer')
      bad('officer_role', message('reassign.notOfficer', { id, role }));
    if (as === 'partner' && p.role !== 'grid_leader' && p.role !== 'grid_worker')
      bad('partner_role', message('reassign.notPartner', { id, role }));
    if (!p.active) bad('inactive', message('reassign.inactive', { id }));
    if (as === 'officer' && p.role === 'zone_officer' && !c.cellZones.some((z) => p.zones.includes(z)))
      bad(
        'officer_zone',
        message('reassign.officerZone', { id, cell: task.cellId, zones: c.cellZones.join(', ') || 'none' }),
      );
    if (as === 'partner' && !p.cells.includes(task.cellId))
      bad('partner_cell', message('reassign.partnerCell', { id, cell: task.cellId }));
    if (p.conflictCells.includes(task.cellId))
      bad('conflict', message('reassign.conflict', { id, cell: task.cellId }));
    if (!p.availability.weekdays.includes(isoWeekday(target.date)))
      bad(
        'availability',
        message('reassign.weekday', { id, weekday: isoWeekday(target.date), date: target.date }),
      );
    else if (p.availability.datesOff.includes(target.date))
      bad('availability', message('reassign.dayOff', { id, date: target.date }));
    const week = live.filter((t) => t.officerId === id || t.partnerId === id).length;
    if (week + 1 > p.capacity)
      bad('capacity', message('reassign.capacity', { id, week, capacity: p.capacity }));
    const inShift = sameSlot.filter((t) => t.officerId === id || t.partnerId === id);
    if (as === 'officer') {
      const asOfficer = inShift.filter((t) => t.officerId === id).length;
      if (asOfficer + 1 > c.maxTasksPerOfficerShift)
        bad(
          'officer_shift_limit',
          message('reassign.shiftLimit', {
            id,
            count: asOfficer,
            date: target.date,
            shift: target.shift,
            max: c.maxTasksPerOfficerShift,
          }),
        );
      if (inShift.some((t) => t.partnerId === id))
        bad(
          'double_booked',
          message('reassign.alreadyPartner', { id, date: target.date, shift: target.shift }),
        );
    } else if (inShift.length > 0)
      bad(
        'double_booked',
        message('reassign.alreadyBooked', {
          id,
          date: target.date,
          shift: target.shift,
          task: inShift[0]?.id ?? '',
        }),
      );
  }
  const taken = sameSlot.find((t) => t.cellId === task.cellId);
  if (taken)
    out.push(
      brokenRule(
        'cell_slot_taken',
        'body.date',
        message('reassign.cellTaken', {
          cell: task.cellId,
          task: taken.id,
          date: target.date,
          shift: target.shift,
        }),
      ),
    );
  return out;
}

/**
 * As reassignProblems, but throws a 422 listing every broken rule; otherwise the zone through
 * which the (new) officer serves the cell (the first of the cell's zones they serve).
 */
export function assertReassignable(c: ReassignCheck): { zoneId: string } {
  const problems = reassignProblems(c);
  if (problems.length > 0) {
    const first = problems[0] as BrokenRule;
    throw new UnprocessableError(
      message('reassign.breaks', { count: problems.length, first: first.text ?? first.message }),
      problems.map(
        (p): ErrorDetail => (p.text ? detail(p.path, p.text) : { path: p.path, message: p.message }),
      ),
    );
  }
  const zones = c.officer?.zones ?? [];
  return { zoneId: c.cellZones.find((z) => zones.includes(z)) ?? c.cellZones[0] ?? '' };
}

// ---------------------------------------------------------------------------------------------
// Drafting over a published week, and publishing

const LIVE: readonly PlanRecord['status'][] = ['publishing', 'published'];

/**
 * The published plan a new draft of the week replaces, if any. A week with a published (or
 * publishing) plan is not silently regenerated: without `supersede` it is a 409 naming the plan.
 * `others` are the week's plans of overlapping partitions (a city-wide plan against office plans),
 * which a draft cannot supersede.
 */
export function supersedeTarget(
  same: readonly PlanRecord[],
  others: readonly PlanRecord[],
  supersede: boolean | undefined,
): string | undefined {
  const clash = others.find((p) => LIVE.includes(p.status));
  if (clash)
    throw new ConflictError(
      message(clash.officeId === null ? 'plan.clashCityWide' : 'plan.clashOffice', {
        id: clash.id,
        office: clash.officeId ?? '',
        week: clash.weekStart,
      }),
      [detail('body.office', message('plan.coversCells', { id: clash.id }))],
    );
  const live = same.find((p) => LIVE.includes(p.status));
  if (!live) return undefined;
  if (!supersede)
    throw new ConflictError(
      message(live.officeId ? 'plan.liveOffice' : 'plan.live', {
        id: live.id,
        status: planStatusWord(live.status),
        week: live.weekStart,
        office: live.officeId ?? '',
      }),
      [
        detail(
          'body.supersede',
          message('plan.isStatus', { id: live.id, status: planStatusWord(live.status) }),
        ),
      ],
    );
  return live.id;
}

/**
 * The draft a request for the week answers, so that the scheduled job and `POST /plans` never make
 * two (docs/decisions/0035): the newest draft of the week, if any.
 *
 * @example weekDraft([{ id: 'P-a', status: 'draft', createdAt: '…' }]) // the plan P-a
 */
export function weekDraft(same: readonly PlanRecord[]): PlanRecord | undefined {
  return same
    .filter((p) => p.status === 'draft')
    .reduce<PlanRecord | undefined>(
      (a, p) => (a === undefined || p.createdAt > a.createdAt ? p : a),
      undefined,
    );
}

/**
 * May this plan be published now? A superseded plan never; a draft only when the week's only
 * published plan is the one it supersedes (and that one is still published). Returns 'done' for a
 * published plan (publishing twice is idempotent) and 'go' otherwise (draft or publishing).
 */
export function publishCheck(plan: PlanRecord, week: readonly PlanRecord[]): 'go' | 'done' {
  if (plan.status === 'published') return 'done';
  if (plan.status === 'superseded')
    throw new ConflictError(
      message('plan.supersededNoPublish', { id: plan.id, by: plan.supersededBy ?? '?' }),
    );
  const live = week.filter((p) => p.id !== plan.id && LIVE.includes(p.status));
  const foreign = live.find((p) => p.id !== plan.supersedes);
  if (foreign)
    throw new ConflictError(
      message('plan.foreignLive', { id: foreign.id, status: planStatusWord(foreign.status) }),
      [
        detail(
          'params.id',
          message('plan.isStatus', { id: foreign.id, status: planStatusWord(foreign.status) }),
        ),
      ],
    );
  if (plan.supersedes && plan.status === 'draft') {
    const old = week.find((p) => p.id === plan.supersedes);
    if (old && old.status === 'superseded')
      throw new ConflictError(message('plan.oldSuperseded', { id: old.id, by: old.supersededBy ?? '?' }), [
        detail('params.id', message('plan.isStatus', { id: old.id, status: planStatusWord('superseded') })),
      ]);
  }
  return 'go';
}

/**
 * The completed patrols of a superseded plan and the instant before which nothing is planned: what
 * a replacement draft must leave out.
 */
export function exclusionsFrom(
  oldTasks: readonly Pick<PatrolTask, 'cellId' | 'date' | 'shift' | 'officerId' | 'partnerId' | 'status'>[],
  now: string,
): PlanExclusions {
  return {
    notBefore: now,
    completed: oldTasks
      .filter((t) => t.status === 'completed')
      .map((t) => ({
        cellId: t.cellId,
        date: t.date,
        shift: t.shift,
        officerId: t.officerId,
        partnerId: t.partnerId,
      })),
    droppedTasks: 0,
  };
}

/**
 * A task moved to `to` by a system or manager step, with its event (version + 1).
 *
 * @example taskStep(task, 'assigned', 'publish', { id: 'sup-east', role: 'supervisor' }, now).after.version // task.version + 1
 */
export function taskStep(
  t: PatrolTask,
  to: TaskStatus,
  action: TaskEvent['action'],
  actor: TaskEvent['actor'],
  at: string,
  extra: { note?: string; detail?: Record<string, unknown>; patch?: Partial<PatrolTask> } = {},
): { after: PatrolTask; event: TaskEvent } {
  const after: PatrolTask = { ...t, ...extra.patch, status: to, version: t.version + 1, updatedAt: at };
  const event: TaskEvent = {
    taskId: t.id,
    version: after.version,
    at,
    actor,
    action,
    from: t.status,
    to,
    ...(extra.note !== undefined ? { note: extra.note } : {}),
    ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
  };
  return { after, event };
}
