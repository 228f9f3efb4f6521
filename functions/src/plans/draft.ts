/**
 * Drafting a week's plan (POST /plans and the scheduled draft job share it): gather the planner's
 * input from the store (cells of the office, finding counts, manual priorities and last joint
 * patrols, people, last week's pairings, what a week under way leaves out), run the planner with a
 * seed stored on the plan, and write the draft, tasks first and header last. Everything the planner
 * read is stored with the plan (per-cell input and demand, people, seed, settings), so the plan can
 * be explained and reproduced (DOMAIN.md "Integrity"); see docs/decisions/0010-plan-storage.md.
 */
import { randomBytes } from 'node:crypto';
import {
  addDays,
  BadRequestError,
  ConflictError,
  cellCentroids,
  detail,
  drawPlan,
  exclusionsFrom,
  mayBePlannedOnPatrol,
  message,
  type PastPairing,
  type Person,
  Person as PersonSchema,
  type PlanExclusions,
  type PlanRecord,
  planCellIds,
  planEvent,
  planInputFrom,
  planningWeekStart,
  seedFromString,
  slotWindow,
  supersedeTarget,
  type TaskEvent,
  toPatrolTasks,
  UnprocessableError,
  weekDraft,
} from '@gridpatrol/core';
import {
  allPeople,
  allPlanTasks,
  claimDraft,
  findingStatsOfCells,
  getCellPlannings,
  getPlan,
  plansOfWeek,
  updatePlanStatus,
  writeDraft,
} from '@gridpatrol/store';
import { activeGridAndTopology, gridTopology } from '../grid-cache';
import { cityConfig, logger } from '../runtime';
import { VERSION } from '../version';
import { sha256 } from './verify';

/** Unmet demand kept on the header; the rest is in the per-cell items (demand − assigned). */
const MAX_UNMET_ON_HEADER = 2000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh plan id: 'P-' and 20 random letters or digits. */
export function newPlanId(): string {
  return `P-${[...randomBytes(20)].map((b) => ALNUM[b % ALNUM.length]).join('')}`;
}

/** The seed of a plan: from its week, office and (random) id, so nobody predicts it before the draft. */
export const planSeed = (weekStart: string, officeId: string | null, planId: string) =>
  seedFromString(`${weekStart}|${officeId ?? '-'}|${planId}`);

/** The start instants of a week's slots, date-major then shift, as a draw stores them (0046). */
function weekSlotStarts(
  weekStart: string,
  shifts: readonly string[],
  startOf: (date: string, shift: string) => string,
): string[] {
  return Array.from({ length: 7 }, (_, d) => shifts.map((s) => startOf(addDays(weekStart, d), s))).flat();
}

/** A city office by id, or a 400 naming `path` and the offices there are. */
export function assertOffice(officeId: string, path = 'body.office'): void {
  const offices = cityConfig().offices.map((o) => o.id);
  if (!offices.includes(officeId))
    throw new BadRequestError(message('plan.noOffice', { id: officeId }), [
      detail(path, message('plan.notOneOf', { ids: offices.join(', ') })),
    ]);
}

export interface DraftOptions {
  readonly weekStart: string;
  /** null: a city-wide plan. */
  readonly officeId: string | null;
  readonly supersede?: boolean | undefined;
  readonly actor: TaskEvent['actor'];
  readonly now: Date;
  /** The id to draft under (the job's claim); a fresh one otherwise. */
  readonly planId?: string;
  /** The draw's seed chosen by a city admin (an audit); from the plan's id otherwise. */
  readonly seed?: number | undefined;
}

async function peopleOf(officeId: string | null): Promise<Person[]> {
  const people = await allPeople([officeId === null ? { kind: 'all' } : { kind: 'office', id: officeId }]);
  return people.filter((p) => mayBePlannedOnPatrol(p.role)).map((p) => PersonSchema.parse(p));
}

/** Officer–cell pairings (with the grid partner) of the week before's published plan, for rotation. */
async function lastWeekPairings(
  officeId: string | null,
  weekStart: string,
): Promise<{ planId?: string; pairs: PastPairing[] }> {
  const before = (await plansOfWeek(officeId, addDays(weekStart, -7))).find((p) => p.status === 'published');
  if (!before) return { pairs: [] };
  const tasks = await allPlanTasks(before.id);
  return {
    planId: before.id,
    pairs: tasks
      .filter((t) => t.status !== 'cancelled')
      .map((t) => ({ officerId: t.officerId, cellId: t.cellId, partnerId: t.partnerId })),
  };
}

/**
 * Drafts the plan of a week for an office (or the city): 409 when the week has a published plan and
 * `supersede` is not set. Returns the header written (or, when a twin run wrote it first, that one).
 *
 * @example const { plan } = await draftPlan({ weekStart: '2026-11-30', officeId: 'office-east', actor, now: new Date() })
 */
export async function draftPlan(opts: DraftOptions): Promise<{ plan: PlanRecord; created: boolean }> {
  const config = cityConfig();
  const { patrols, timeZone } = config;
  const { weekStart, officeId } = opts;
  if (officeId !== null) assertOffice(officeId);
  const nowIso = opts.now.toISOString();
  const startOf = (date: string, shift: string) =>
    slotWindow(date, shift, patrols.shiftTimes, timeZone).start;
  const lastShift = patrols.planner.shifts[patrols.planner.shifts.length - 1] ?? 'am';
  if (startOf(addDays(weekStart, 6), lastShift) <= nowIso)
    throw new UnprocessableError(message('plan.weekOver', { week: weekStart }), [
      detail('body.weekStart', message('plan.lastShiftStarted')),
    ]);
  const { grid, topology } = await activeGridAndTopology();

  const same = await plansOfWeek(officeId, weekStart);
  const otherPartitions = officeId === null ? config.offices.map((o) => o.id) : [null];
  const others = (await Promise.all(otherPartitions.map((o) => plansOfWeek(o, weekStart)))).flat();
  const supersedes = supersedeTarget(same, others, opts.supersede);

  const cellIds = planCellIds(topology, officeId);
  const zones = new Set<string | null>([null]);
  for (const c of cellIds) for (const z of topology.cellZones.get(c) ?? []) zones.add(z);
  const centroids = cellCentroids(grid.index);
  const [stats, planning, people, last] = await Promise.all([
    findingStatsOfCells([...zones], new Set(cellIds), nowIso),
    getCellPlannings(cellIds),
    peopleOf(officeId),
    lastWeekPairings(officeId, weekStart),
  ]);

  let exclusions: PlanExclusions | undefined;
  if (supersedes) exclusions = exclusionsFrom(await allPlanTasks(supersedes), nowIso);
  else if (startOf(weekStart, patrols.planner.shifts[0] ?? 'am') < nowIso)
    exclusions = { notBefore: nowIso, completed: [], droppedTasks: 0 };

  const planId = opts.planId ?? newPlanId();
  const seed = opts.seed ?? planSeed(weekStart, officeId, planId);
  const input = planInputFrom({
    weekStart,
    config: patrols.planner,
    cells: cellIds.map((id) => ({
      id,
      zones: topology.cellZones.get(id) ?? [],
      centroid: centroids.get(id) ?? [0, 0],
    })),
    stats,
    planning,
    people,
    lastWeek: last.pairs,
    ...(exclusions ? { exclusions } : {}),
    shiftStartOf: startOf,
  });
  // The draw as verifiable (0046): run on the canonical snapshot that is stored, with its hashes.
  const { plan, dropped, draw, lines, parts } = drawPlan(
    {
      ...input,
      lastWeek: input.lastWeek ?? [],
      exclusions,
      slotStarts: exclusions ? weekSlotStarts(weekStart, patrols.planner.shifts, startOf) : undefined,
    },
    seed,
    sha256,
  );
  const tasks = toPatrolTasks(plan.tasks, {
    planId,
    officeId,
    weekStart,
    shiftTimes: patrols.shiftTimes,
    timeZone,
    now: nowIso,
  });
  const header: PlanRecord = {
    id: planId,
    weekStart,
    officeId,
    status: 'draft',
    version: 1,
    seed,
    gridVersion: topology.version,
    shifts: plan.shifts,
    config: plan.config,
    metrics: plan.metrics,
    unmet: plan.unmet.slice(0, MAX_UNMET_ON_HEADER),
    createdAt: nowIso,
    createdBy: opts.actor.id,
    ...(supersedes ? { supersedes } : {}),
    ...(exclusions ? { exclusions: { ...exclusions, droppedTasks: dropped } } : {}),
    ...(last.planId ? { lastWeekPlan: last.planId } : {}),
    taskCount: tasks.length,
    codeVersion: VERSION,
    draw,
  };
  const demands = new Map(plan.cells.map((c) => [c.cellId, c]));
  // Every cell's unmet reason, with its demand: the header keeps only the first MAX_UNMET_ON_HEADER.
  const unmetReasons = new Map(plan.unmet.map((u) => [u.cellId, u.reason]));
  const cells = parts.cells.map((c) => ({
    cell: c,
    demand: demands.get(c.id),
    unmetReason: unmetReasons.get(c.id),
  }));
  const written = await writeDraft({
    header,
    tasks,
    events: tasks.map((t) => planEvent(t, opts.actor, nowIso)),
    cells,
    people: parts.people,
    lastWeek: parts.lastWeek,
    drawLines: lines,
  });
  if (written === 'exists') {
    const existing = await getPlan(planId);
    // The header this very draft wrote, its answer lost and the write retried, is still a creation.
    const ours = existing?.createdAt === header.createdAt && existing.createdBy === header.createdBy;
    if (existing && !ours) return { plan: existing, created: false };
  }
  logger.info('plan drafted', {
    planId,
    weekStart,
    officeId,
    tasks: tasks.length,
    unmet: plan.unmet.reduce((s, u) => s + u.missing, 0),
  });
  return { plan: header, created: true };
}

/**
 * A draft request (POST /plans): one draft per office and week (docs/decisions/0035). Without
 * `supersede`, the week's draft is answered when there is one (`created: false`), and a first draft
 * is made under the same claim the scheduled job drafts under, so the job, a supervisor and two
 * requests at once all end with one plan. With `supersede`, a new draft is made and the week's older
 * drafts are marked superseded by it, so it is still the only draft.
 *
 * @example const { plan, created } = await draftOnce({ weekStart: '2026-12-14', officeId: 'office-east', actor, now })
 */
/**
 * The week's draft as the answer to a request for one; a chosen seed it was not drawn with is a 409
 * (answering a draw other than the one asked for would pass it off as the audit's).
 */
function theWeeksDraft(plan: PlanRecord, seed: number | undefined): { plan: PlanRecord; created: false } {
  if (seed !== undefined && seed !== plan.seed)
    throw new ConflictError(message('plan.draftOtherSeed', { plan: plan.id }), [
      detail('body.seed', message('plan.draftSeedWas', { plan: plan.id, seed: plan.seed })),
    ]);
  return { plan, created: false };
}

export async function draftOnce(opts: DraftOptions): Promise<{ plan: PlanRecord; created: boolean }> {
  const { weekStart, officeId } = opts;
  if (!opts.supersede) {
    const same = await plansOfWeek(officeId, weekStart);
    const existing = weekDraft(same);
    if (existing) return theWeeksDraft(existing, opts.seed);
    if (same.length > 0) return draftPlan(opts); // a published week: draftPlan answers the 409
    const planId = await claimDraft(officeId, weekStart, newPlanId(), opts.now.toISOString());
    const claimed = await getPlan(planId);
    if (claimed) return theWeeksDraft(claimed, opts.seed);
    return draftPlan({ ...opts, planId });
  }
  const drafted = await draftPlan(opts);
  if (drafted.created) {
    const older = (await plansOfWeek(officeId, weekStart)).filter(
      (p) => p.status === 'draft' && p.id !== drafted.plan.id,
    );
    for (const p of older)
      await updatePlanStatus(p, ['draft'], { status: 'superseded', supersededBy: drafted.plan.id });
  }
  return drafted;
}

/**
 * The scheduled draft: for every office of the city, next week's plan (the week after the one
 * holding `now` in the city's time zone), unless the week already has one. Idempotent: a claim item
 * names the plan id a run drafts under, so runs racing or retried draft one plan per office.
 *
 * @example await draftNextWeekPlans(new Date('2026-11-26T02:00:00Z')) // { drafted: 2, skipped: 0 }
 */
export async function draftNextWeekPlans(now: Date): Promise<{ drafted: number; skipped: number }> {
  const config = cityConfig();
  const offices = config.offices.map((o) => o.id);
  if (!(await gridTopology())) return { drafted: 0, skipped: offices.length };
  const weekStart = addDays(planningWeekStart(now, config.timeZone), 7);
  let drafted = 0;
  let skipped = 0;
  for (const officeId of offices) {
    if ((await plansOfWeek(officeId, weekStart)).length > 0) {
      skipped++;
      continue;
    }
    const planId = await claimDraft(officeId, weekStart, newPlanId(), now.toISOString());
    if (await getPlan(planId)) {
      skipped++;
      continue;
    }
    const r = await draftPlan({ weekStart, officeId, actor: { id: 'system', role: 'system' }, now, planId });
    if (r.created) drafted++;
    else skipped++;
  }
  return { drafted, skipped };
}
