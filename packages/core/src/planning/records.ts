/**
 * What the store keeps of joint patrols once the planner has run: a stored plan's header, and one
 * record per patrol task with its check-ins and completion. The planner's own contract (input,
 * Plan, PlanTask) is ./schema, the city's patrol settings ./patrol-config; this file is the shared vocabulary of
 * the plans routes (draft, reassign, publish, supersede) and the tasks routes (my tasks, check-in,
 * complete, missed).
 */

import * as z from 'zod';
import { wallClock, wallClockAsUtc } from '../calendar';
import { AreaId } from '../grid/api';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { PersonId } from '../people';
import { Role } from '../roles';
import { schemaText } from '../validation';
import type { ShiftTimes } from './patrol-config';
import { PlanMetrics, PlannerConfig, PlanTask, UnmetDemand } from './schema';

const IsoDate = lazySchema(() => z.iso.date());
const Instant = lazySchema(() => z.iso.datetime({ offset: true }));

/**
 * The UTC instants of a shift on a local date in the city's time zone.
 *
 * @example shiftWindow('2026-11-30', { start: '08:30', end: '12:00' }, 'Asia/Shanghai')
 *   // { start: '2026-11-30T00:30:00.000Z', end: '2026-11-30T04:00:00.000Z' }
 */
export function shiftWindow(
  date: string,
  times: ShiftTimes,
  timeZone: string,
): { start: string; end: string } {
  const start = localToUtc(date, times.start, timeZone);
  let end = localToUtc(date, times.end, timeZone);
  if (end <= start) end = localToUtc(nextDate(date), times.end, timeZone);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Offset (ms) of a time zone from UTC at an instant. */
function zoneOffset(instant: number, timeZone: string): number {
  return wallClockAsUtc(wallClock(new Date(instant), timeZone)) - instant;
}

/**
 * The instant (epoch ms) a local wall-clock time occurs in a time zone (twice refined, so that DST
 * edges settle).
 *
 * @example new Date(localToUtc('2026-11-23', '00:00', 'Asia/Shanghai')).toISOString() // '2026-11-22T16:00:00.000Z'
 */
export function localToUtc(date: string, time: string, timeZone: string): number {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let guess = wall - zoneOffset(wall, timeZone);
  guess = wall - zoneOffset(guess, timeZone);
  return guess;
}

export const PlanId = lazySchema(() =>
  z.string().regex(/^P-[A-Za-z0-9]{6,40}$/, schemaText(message('schema.planId'))),
);

/**
 * A patrol task's id: the plan's id and the planner's `date#shift#cellId`, joined by '.', so that it
 * is URL-safe, unique across plans and free of the key separator '#'.
 *
 * @example patrolTaskId('P-abc123', { date: '2026-11-30', shift: 'am', cellId: 'C-1' }) // 'P-abc123.2026-11-30.am.C-1'
 */
export function patrolTaskId(planId: string, t: Pick<PlanTask, 'date' | 'shift' | 'cellId'>): string {
  return `${planId}.${t.date}.${t.shift}.${t.cellId}`;
}

/**
 * draft: in a draft plan, seen only by managers. assigned: published, visible to its pair, to be done.
 * completed: done (joint or solo, see `completion`). missed: its shift ended without completion.
 * cancelled: its plan was superseded before it was done.
 */
export const TASK_STATUSES = ['draft', 'assigned', 'completed', 'missed', 'cancelled'] as const;
export const TaskStatus = lazySchema(() => z.enum(TASK_STATUSES));
export type TaskStatus = z.infer<typeof TaskStatus>;

export const CHECK_VALUES = ['ok', 'issue', 'not_applicable'] as const;
export const CheckValue = lazySchema(() => z.enum(CHECK_VALUES));

export const CheckIn = lazySchema(() =>
  z.object({
    personId: PersonId,
    role: Role,
    at: Instant,
    /** WGS-84, after any GCJ-02 / BD-09 conversion. */
    lon: z.number(),
    lat: z.number(),
    accuracyM: z.number().min(0).optional(),
    /** Metres from the cell's boundary; 0 inside. */
    distanceM: z.number().min(0),
  }),
);
export type CheckIn = z.infer<typeof CheckIn>;

export const TaskCompletion = lazySchema(() =>
  z.object({
    at: Instant,
    by: PersonId,
    checks: z.object({ safety: CheckValue, food: CheckValue, license: CheckValue }),
    note: z.string().max(2000).optional(),
    findingIds: z.array(z.string()).max(50).default([]),
    /** Attachment ids of the patrol's photos (docs/decisions/0051). */
    photos: z.array(z.string()).optional(),
    /** Both partners checked in: it counts as a joint patrol. */
    joint: z.boolean(),
    /** Who of the pair did not check in (empty when joint). */
    missing: z.array(PersonId),
  }),
);
export type TaskCompletion = z.infer<typeof TaskCompletion>;

/**
 * Why a published task waits for a manager to reassign it: one of its pair was deactivated
 * (docs/decisions/0025). Set by the deactivation, cleared by the reassignment or the person's
 * reactivation.
 */
export const NeedsReassignment = lazySchema(() =>
  z.object({
    reason: z.literal('person_deactivated'),
    personId: PersonId,
    since: Instant,
  }),
);
export type NeedsReassignment = z.infer<typeof NeedsReassignment>;

/** One patrol task as stored: the planner's task, where it belongs, and what happened to it. */
export const PatrolTask = lazySchema(() =>
  PlanTask.extend({
    /** patrolTaskId(planId, task) */
    id: z.string(),
    planId: PlanId,
    /** The office the plan was made for; null for a city-wide plan. */
    officeId: AreaId.nullable(),
    weekStart: IsoDate,
    /** UTC instants of the shift (shiftWindow), so that jobs and checks need no time zone. */
    shiftStart: Instant,
    shiftEnd: Instant,
    status: TaskStatus,
    /** Starts at 1; every change is version-checked. */
    version: z.number().int().positive(),
    checkIns: z.array(CheckIn).default([]),
    completion: TaskCompletion.optional(),
    /** Set while one of the pair is deactivated and the task is not yet reassigned. */
    needsReassignment: NeedsReassignment.optional(),
    updatedAt: Instant,
  }),
);
export type PatrolTask = z.infer<typeof PatrolTask>;

export const TASK_ACTIONS = [
  'plan',
  'reassign',
  'publish',
  'check_in',
  'complete',
  'miss',
  'cancel',
  /** Marked for reassignment: one of the pair was deactivated. */
  'flag',
  /** The flag removed: the person it named was reactivated and the other of the pair is active. */
  'unflag',
] as const;
export const TaskAction = lazySchema(() => z.enum(TASK_ACTIONS));

/** An immutable step of a task's history, like a finding's events. */
export const TaskEvent = lazySchema(() =>
  z.object({
    taskId: z.string(),
    /** The task version this step produced. */
    version: z.number().int().positive(),
    at: Instant,
    actor: z.object({ id: z.string(), role: z.union([Role, z.literal('system')]) }),
    action: TaskAction,
    from: TaskStatus.nullable(),
    to: TaskStatus,
    note: z.string().optional(),
    /** What the step changed, e.g. the old and new officer of a reassignment. */
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
);
export type TaskEvent = z.infer<typeof TaskEvent>;

/**
 * draft: seen by managers only. publishing: publication under way (a retried publish finishes it;
 * nobody but managers reads a plan in this state). published: its tasks are its people's.
 * superseded: a later plan of the same week and office was published over it.
 */
export const PLAN_STATUSES = ['draft', 'publishing', 'published', 'superseded'] as const;
export const PlanStatus = lazySchema(() => z.enum(PLAN_STATUSES));
export type PlanStatus = z.infer<typeof PlanStatus>;

/**
 * What a plan made over a week that is already under way must leave out, stored on the plan so that
 * it is reproduced with it: slots starting before `notBefore` (people are off on the days wholly
 * before it), and the superseded plan's completed patrols (their slot is not planned again for
 * the cell, they spend their people's capacity and count against their cell's demand).
 */
export const PlanExclusions = lazySchema(() =>
  z.object({
    notBefore: Instant,
    completed: z.array(
      z.object({
        cellId: z.string(),
        date: IsoDate,
        shift: z.string(),
        officerId: z.string(),
        partnerId: z.string(),
      }),
    ),
    /** Tasks the planner proposed that these exclusions took out again. */
    droppedTasks: z.number().int().min(0).default(0),
  }),
);
export type PlanExclusions = z.infer<typeof PlanExclusions>;

/** The parts of a planner input a plan keeps a hash of, so that a verification names what changed. */
export const DRAW_INPUT_PARTS = ['week', 'config', 'cells', 'people', 'lastWeek', 'exclusions'] as const;
export type DrawInputPart = (typeof DRAW_INPUT_PARTS)[number];
/** The parts of a plan as the planner produced it, hashed apart for the same reason. */
export const DRAW_OUTPUT_PARTS = ['tasks', 'cells', 'unmet', 'metrics'] as const;
export type DrawOutputPart = (typeof DRAW_OUTPUT_PARTS)[number];

const Sha256 = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/));

/**
 * What verifies a plan's draw (双随机一公开, docs/decisions/0046): SHA-256 hashes of each part of
 * the planner input as stored with the plan (canonical JSON) and of the whole, the hash of the plan
 * as the planner produced it (after exclusions, before any reassignment or publication), and the
 * shift start instants the exclusions were applied with. Absent on plans drafted before it.
 */
export const PlanDraw = lazySchema(() =>
  z.object({
    algorithm: z.literal('sha256'),
    /** Hash of the part hashes (canonical JSON of `parts`): the whole input. */
    input: Sha256,
    parts: z.object(
      Object.fromEntries(DRAW_INPUT_PARTS.map((p) => [p, Sha256])) as Record<DrawInputPart, typeof Sha256>,
    ),
    /** Hash of the whole plan as drawn (canonical JSON). */
    output: Sha256,
    outputParts: z.object(
      Object.fromEntries(DRAW_OUTPUT_PARTS.map((p) => [p, Sha256])) as Record<DrawOutputPart, typeof Sha256>,
    ),
    /** Tasks of the draw (the stored draw lines, `keys.planDraw`). */
    tasks: z.number().int().min(0),
    /** Start instants of the week's slots (date-major, then shift), when exclusions were applied. */
    slotStarts: z.array(Instant).max(28).optional(),
  }),
);
export type PlanDraw = z.infer<typeof PlanDraw>;

/**
 * A stored plan's header. Tasks and per-cell demand are separate items (a plan for a large office
 * outgrows DynamoDB's 400 KB item), so this holds what a list of plans shows and what reproduces
 * the plan: the seed and the planner settings.
 */
export const PlanRecord = lazySchema(() =>
  z.object({
    id: PlanId,
    weekStart: IsoDate,
    officeId: AreaId.nullable(),
    status: PlanStatus,
    version: z.number().int().positive(),
    seed: z.number().int().min(0).max(0xffffffff),
    gridVersion: z.number().int().positive(),
    shifts: z.array(z.string()),
    config: PlannerConfig,
    metrics: PlanMetrics,
    unmet: z.array(UnmetDemand),
    createdAt: Instant,
    createdBy: z.string(),
    publishedAt: Instant.optional(),
    publishedBy: z.string().optional(),
    /** The published plan of the same week and office this one replaces when published. */
    supersedes: PlanId.optional(),
    supersededBy: PlanId.optional(),
    /** What a plan made over a week already under way leaves out (see PlanExclusions). */
    exclusions: PlanExclusions.optional(),
    /** The published plan of the week before whose officer–cell pairings the planner rotated away from. */
    lastWeekPlan: PlanId.optional(),
    /** Tasks the plan holds (after exclusions). */
    taskCount: z.number().int().min(0).optional(),
    /** The release whose planner made the plan: reproducing it byte for byte needs that planner. */
    codeVersion: z.string().optional(),
    /** Hashes of the draw's input and output, to verify it (docs/decisions/0046); absent before. */
    draw: PlanDraw.optional(),
  }),
);
export type PlanRecord = z.infer<typeof PlanRecord>;
