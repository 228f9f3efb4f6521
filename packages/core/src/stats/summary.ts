/**
 * Statistics over dates (issue 7 parts 2–4): the summary of an area, the assessment of an office's
 * officers and cells, and time series. Pure: the store reads an area's live counter item and the
 * month bucket items that cover the dates (findings/counters: `<measure>:<date>` per day), and
 * these functions sum them. Nothing here, and nothing that calls it, reads a finding or a task
 * (docs/decisions/0015-statistics.md).
 */

import * as z from 'zod';
import { addDays, daysBetween, localDate } from '../calendar';
import { BadRequestError, detail } from '../errors';
import { bucketArea, type CounterArea, type Counters } from '../findings/counters';
import { FINDING_STATUSES, OUTCOMES, TERMINAL_STATUSES } from '../findings/schema';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { schemaText } from '../validation';
import { percentOf, type Reduction, reductionOf } from './measures';

// ---------------------------------------------------------------------------------------------
// Requests

const StatsDate = lazySchema(() => z.iso.date(schemaText(message('schema.statsDate'))));
/**
 * `city`, `office:<id>`, `zone:<id>` or `cell:<id>` (as baselines read them), or `unzoned`: the
 * findings routed to no zone, which the city level owns.
 */
const StatsScope = lazySchema(() =>
  z
    .string()
    .regex(/^(city|unzoned|(office|zone|cell):[^#\s:]{1,64})$/, schemaText(message('schema.statsScope'))),
);

/** The longest range one request sums: two years of days (24–25 bucket items per area). */
export const MAX_STATS_DAYS = 731;
/** Days a summary or assessment covers when `from` is not given (to and from included). */
export const DEFAULT_STATS_DAYS = 30;

export const StatsSummaryQuery = lazySchema(() =>
  z.strictObject({
    scope: StatsScope.optional(),
    from: StatsDate.optional(),
    to: StatsDate.optional(),
  }),
);
export const StatsAssessmentQuery = StatsSummaryQuery;

/** The measure families a series can follow (findings/counters `DayMeasure`). */
export const SERIES_METRICS = [
  'reported',
  'verified',
  'rejected',
  'resolved',
  'closed',
  'went_overdue',
  'transferred',
  'tasks_planned',
  'tasks_completed',
  'tasks_joint',
  'tasks_solo',
  'tasks_missed',
] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

export const StatsSeriesQuery = lazySchema(() =>
  StatsSummaryQuery.extend({
    metric: z.enum(SERIES_METRICS),
    interval: z.enum(['day', 'week']).default('week'),
  }),
);

// ---------------------------------------------------------------------------------------------
// Answers (for the manifest and OpenAPI; the functions below build them)

const Count = lazySchema(() => z.number().int());
const Pct = lazySchema(() => z.number().nullable());
const ReductionOut = lazySchema(() =>
  z.object({
    baseline: Count.nullable(),
    remaining: Count,
    count: Count.nullable(),
    percent: Pct,
  }),
);
const PatrolsOut = lazySchema(() =>
  z.object({
    planned: Count,
    completed: Count,
    joint: Count,
    solo: Count,
    missed: Count,
    jointRate: Pct,
  }),
);
const ResultsOut = lazySchema(() =>
  z.object({
    verified: Count,
    resolved: Count,
    closed: Count,
    wentOverdue: Count,
    overdueNow: Count,
    reduction: ReductionOut,
  }),
);
const BaselineRefOut = lazySchema(() => z.object({ id: z.string(), label: z.string(), asOf: z.string() }));

export const StatsSummaryOut = lazySchema(() =>
  z.object({
    scope: z.string(),
    from: z.string(),
    to: z.string(),
    baseline: BaselineRefOut.extend({ census: Count }).nullable(),
    now: z.object({
      open: Count,
      openByState: z.record(z.string(), Count),
      overdue: Count,
      escalated: z.object({ supervisor: Count, admin: Count }),
    }),
    period: z.object({
      reported: Count,
      verified: Count,
      rejected: Count,
      resolved: z.object({ total: Count, byOutcome: z.record(z.string(), Count) }),
      closed: Count,
      wentOverdue: Count,
      transfers: z.object({ total: Count, byDepartment: z.record(z.string(), Count) }),
      daysToClose: z.object({ closed: Count, median: z.number().nullable(), p90: z.number().nullable() }),
      patrols: PatrolsOut,
    }),
    reduction: ReductionOut,
  }),
);

const AssessedOut = lazySchema(() => z.object({ results: ResultsOut, activity: PatrolsOut }));
export const StatsAssessmentOut = lazySchema(() =>
  z.object({
    scope: z.string(),
    from: z.string(),
    to: z.string(),
    baseline: BaselineRefOut.nullable(),
    officers: z.array(AssessedOut.extend({ id: z.string(), name: z.string(), zones: z.array(z.string()) })),
    cells: z.array(AssessedOut.extend({ id: z.string(), zones: z.array(z.string()) })),
  }),
);

export const StatsSeriesOut = lazySchema(() =>
  z.object({
    scope: z.string(),
    metric: z.enum(SERIES_METRICS),
    interval: z.enum(['day', 'week']),
    from: z.string(),
    to: z.string(),
    total: Count,
    points: z.array(z.object({ from: z.string(), to: z.string(), value: Count })),
  }),
);

/** The dates a request covers, both included, in the city's calendar. */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The dates a statistics request covers: `to` defaults to today in the city, `from` to 29 days
 * before `to`; with only `from`, the 30 days from it, not past today unless `from` itself is later
 * (next week's planned patrols). `to` before `from` or a range longer than MAX_STATS_DAYS is a 400
 * naming the field.
 *
 * @example statsRange({ to: '2026-11-30' }, now, 'Asia/Shanghai') // { from: '2026-11-01', to: '2026-11-30' }
 */
export function statsRange(
  q: { from?: string | undefined; to?: string | undefined },
  now: Date,
  timeZone: string,
): DateRange {
  const today = localDate(now, timeZone);
  let to = q.to ?? today;
  if (q.to === undefined && q.from !== undefined) {
    const month = addDays(q.from, DEFAULT_STATS_DAYS - 1);
    to = q.from > today ? month : minDate(month, today);
  }
  const from = q.from ?? addDays(to, -(DEFAULT_STATS_DAYS - 1));
  if (to < from)
    throw new BadRequestError(message('stats.toBeforeFrom', { to, from }), [
      detail('query.to', message('range.toBeforeFromDetail')),
    ]);
  const days = daysBetween(from, to) + 1;
  if (days > MAX_STATS_DAYS)
    throw new BadRequestError(message('stats.rangeTooLong', { days, max: MAX_STATS_DAYS }), [
      detail('query.from', message('stats.rangeTooLongDetail', { max: MAX_STATS_DAYS })),
    ]);
  return { from, to };
}

const minDate = (a: string, b: string) => (a < b ? a : b);

/** 0 for a Monday … 6 for a Sunday (1970-01-05 was a Monday). */
const mondayBased = (date: string): number => ((daysBetween('1970-01-05', date) % 7) + 7) % 7;

// ---------------------------------------------------------------------------------------------
// Reading day buckets

/**
 * The month bucket items covering a range, for each area.
 *
 * @example bucketAreasOf(['city'], { from: '2026-10-30', to: '2026-11-02' }) // ['city#2026-10', 'city#2026-11']
 */
export function bucketAreasOf(areas: readonly CounterArea[], range: DateRange): CounterArea[] {
  const months: string[] = [];
  for (let m = range.from.slice(0, 7); m <= range.to.slice(0, 7); m = nextMonth(m)) months.push(m);
  return areas.flatMap((a) => months.map((m) => bucketArea(a, `${m}-01`)));
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Day measures summed over a range: measure (e.g. `resolved:licensed`) → count. */
export type PeriodTotals = Record<string, number>;

/**
 * The day measures of some areas summed over the dates of a range, from their month bucket items
 * (missing items are months with nothing). A metric is `<measure>:<yyyy-mm-dd>`.
 *
 * @example periodTotals(['zone#Z1'], counters, { from: '2026-11-01', to: '2026-11-07' }) // { reported: 4, 'resolved:licensed': 1 }
 */
export function periodTotals(
  areas: readonly CounterArea[],
  counters: Counters,
  range: DateRange,
): PeriodTotals {
  const out: PeriodTotals = {};
  for (const [measure, , n] of dayCounts(areas, counters, range)) out[measure] = (out[measure] ?? 0) + n;
  return out;
}

/** The day counts of some areas' bucket items inside a range: [measure, date, n], n never 0. */
function* dayCounts(
  areas: readonly CounterArea[],
  counters: Counters,
  range: DateRange,
): Generator<[string, string, number]> {
  for (const item of bucketAreasOf(areas, range))
    for (const [metric, n] of Object.entries(counters[item] ?? {})) {
      // `<measure>:<yyyy-mm-dd>` (findings/counters dayMetric)
      const date = metric.slice(-10);
      if (date >= range.from && date <= range.to && n !== 0) yield [metric.slice(0, -11), date, n];
    }
}

/** `resolved:licensed` is of the family `resolved`; `reported` of `reported`. */
const inFamily = (measure: string, family: string) => measure === family || measure.startsWith(`${family}:`);

/** Sum of every measure of a family (`resolved` sums `resolved:licensed`, `resolved:ceased`, …). */
export const familyTotal = (totals: PeriodTotals, family: string): number =>
  Object.entries(totals).reduce((s, [m, n]) => (inFamily(m, family) ? s + n : s), 0);

/** The measures of a family by their second word: `{ licensed: 3, ceased: 1 }` of `resolved`. */
function byKind(totals: PeriodTotals, family: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, n] of Object.entries(totals))
    if (m.startsWith(`${family}:`)) out[m.slice(family.length + 1)] = n;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Days from report to close

/** Median and 90th percentile of whole days from report to close (null when nothing closed). */
export interface DaysToClose {
  readonly closed: number;
  readonly median: number | null;
  readonly p90: number | null;
}

/**
 * From the `closed:<days>` histogram of the period. The median of an even count is the mean of the
 * two middle values; the 90th percentile is the nearest rank (the value at rank ⌈0.9·n⌉), so it is
 * always a number of days some case took.
 *
 * @example daysToClose({ 'closed:2': 1, 'closed:5': 2, 'closed:30': 1 }) // { closed: 4, median: 5, p90: 30 }
 */
export function daysToClose(totals: PeriodTotals): DaysToClose {
  const hist = Object.entries(byKind(totals, 'closed'))
    .map(([d, n]) => [Number(d), n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const closed = hist.reduce((s, [, n]) => s + n, 0);
  if (closed === 0) return { closed, median: null, p90: null };
  /** The value at 1-based rank r. */
  const at = (r: number): number => {
    let seen = 0;
    for (const [d, n] of hist) {
      seen += n;
      if (seen >= r) return d;
    }
    return hist[hist.length - 1]?.[0] ?? 0;
  };
  const median = closed % 2 === 1 ? at((closed + 1) / 2) : (at(closed / 2) + at(closed / 2 + 1)) / 2;
  return { closed, median, p90: at(Math.ceil(0.9 * closed)) };
}

// ---------------------------------------------------------------------------------------------
// Measures of an area

/** Patrol activity in a period, on the tasks' dates. */
export interface PatrolActivity {
  readonly planned: number;
  readonly completed: number;
  readonly joint: number;
  readonly solo: number;
  readonly missed: number;
  /** joint / completed × 100: a joint patrol counts only when both partners were there. */
  readonly jointRate: number | null;
}

export function patrolActivity(totals: PeriodTotals): PatrolActivity {
  const completed = totals.tasks_completed ?? 0;
  const joint = totals.tasks_joint ?? 0;
  return {
    planned: totals.tasks_planned ?? 0,
    completed,
    joint,
    solo: totals.tasks_solo ?? 0,
    missed: totals.tasks_missed ?? 0,
    jointRate: percentOf(joint, completed),
  };
}

/** Results of an area in a period (DOMAIN.md practice 8: what is judged). */
export interface AreaResults {
  readonly verified: number;
  readonly resolved: number;
  readonly closed: number;
  /** Cases that went overdue in the period (their deadline's day). */
  readonly wentOverdue: number;
  /** Open cases past their deadline now. */
  readonly overdueNow: number;
  readonly reduction: Reduction;
}

/**
 * @example areaResults(live, totals, 40) // { verified: 6, resolved: 4, closed: 2, wentOverdue: 1, overdueNow: 1, reduction: { … } }
 */
export function areaResults(
  live: Readonly<Record<string, number>> | undefined,
  totals: PeriodTotals,
  baselineCensus: number | null,
): AreaResults {
  return {
    verified: totals.verified ?? 0,
    resolved: familyTotal(totals, 'resolved'),
    closed: familyTotal(totals, 'closed'),
    wentOverdue: totals.went_overdue ?? 0,
    overdueNow: live?.overdue ?? 0,
    reduction: reductionOf(baselineCensus, live),
  };
}

/** The states a finding is open in (not rejected, not crossed off). */
const OPEN_STATUSES = FINDING_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

/** The current baseline as a summary names it. */
export interface BaselineRef {
  readonly id: string;
  readonly label: string;
  readonly asOf: string;
}

/**
 * GET /stats/summary of one area: what is true now (live counter item), what happened in the dates
 * (day buckets), and the reduction against the current baseline.
 */
export function areaSummary(args: {
  readonly scope: string;
  readonly range: DateRange;
  readonly live: Readonly<Record<string, number>> | undefined;
  readonly totals: PeriodTotals;
  readonly baseline: (BaselineRef & { readonly census: number }) | null;
}) {
  const { live, totals, baseline } = args;
  const resolvedByOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, totals[`resolved:${o}`] ?? 0]));
  return {
    scope: args.scope,
    from: args.range.from,
    to: args.range.to,
    baseline: baseline && {
      id: baseline.id,
      label: baseline.label,
      asOf: baseline.asOf,
      census: baseline.census,
    },
    now: {
      open: live?.open ?? 0,
      openByState: Object.fromEntries(OPEN_STATUSES.map((s) => [s, live?.[`status:${s}`] ?? 0])),
      overdue: live?.overdue ?? 0,
      escalated: { supervisor: live?.['escalated:supervisor'] ?? 0, admin: live?.['escalated:admin'] ?? 0 },
    },
    period: {
      reported: totals.reported ?? 0,
      verified: totals.verified ?? 0,
      rejected: totals.rejected ?? 0,
      resolved: { total: familyTotal(totals, 'resolved'), byOutcome: resolvedByOutcome },
      closed: familyTotal(totals, 'closed'),
      wentOverdue: totals.went_overdue ?? 0,
      transfers: { total: familyTotal(totals, 'transferred'), byDepartment: byKind(totals, 'transferred') },
      daysToClose: daysToClose(totals),
      patrols: patrolActivity(totals),
    },
    reduction: reductionOf(baseline?.census ?? null, live),
  };
}

// ---------------------------------------------------------------------------------------------
// Series

/** One point of a series: the dates it covers (clipped to the range) and the family's count. */
export interface SeriesPoint {
  readonly from: string;
  readonly to: string;
  readonly value: number;
}

/**
 * A measure family per day or per week (Monday to Sunday; the first and last weeks are clipped to
 * the range, and say so in their dates), from the day buckets of some areas.
 *
 * @example seriesOf(['city'], counters, range, 'reported', 'day') // [{ from: '2026-11-01', to: '2026-11-01', value: 3 }, …]
 */
export function seriesOf(
  areas: readonly CounterArea[],
  counters: Counters,
  range: DateRange,
  family: SeriesMetric,
  interval: 'day' | 'week',
): SeriesPoint[] {
  const byDay = new Map<string, number>();
  for (const [measure, date, n] of dayCounts(areas, counters, range))
    if (inFamily(measure, family)) byDay.set(date, (byDay.get(date) ?? 0) + n);
  const points: SeriesPoint[] = [];
  let start = range.from;
  while (start <= range.to) {
    const end = interval === 'day' ? start : minDate(addDays(start, 6 - mondayBased(start)), range.to);
    let value = 0;
    for (let d = start; d <= end; d = addDays(d, 1)) value += byDay.get(d) ?? 0;
    points.push({ from: start, to: end, value });
    start = addDays(end, 1);
  }
  return points;
}

// ---------------------------------------------------------------------------------------------
// Assessment

/** Results first, activity second (DOMAIN.md practice 8), of one officer or one cell. */
export interface Assessed {
  readonly results: AreaResults;
  readonly activity: PatrolActivity;
}

/**
 * One row of an assessment: results summed over `resultAreas` (an officer's zones, or one cell),
 * activity over `activityAreas` (`officer#<id>`, or the cell), the census summed over the baseline's
 * numbers of the result areas (null without a current baseline).
 *
 * @example assess(['zone#Z1', 'zone#Z2'], ['officer#li'], counters, range, census) // { results: {…}, activity: {…} }
 */
export function assess(
  resultAreas: readonly CounterArea[],
  activityAreas: readonly CounterArea[],
  counters: Counters,
  range: DateRange,
  census: ReadonlyMap<CounterArea, number> | null,
): Assessed {
  const live: Record<string, number> = {};
  for (const area of resultAreas)
    for (const [metric, n] of Object.entries(counters[area] ?? {})) live[metric] = (live[metric] ?? 0) + n;
  const baseline = census === null ? null : resultAreas.reduce((s, a) => s + (census.get(a) ?? 0), 0);
  return {
    results: areaResults(live, periodTotals(resultAreas, counters, range), baseline),
    activity: patrolActivity(periodTotals(activityAreas, counters, range)),
  };
}

/**
 * Orders assessed rows by their results: the reduction against the baseline, then resolved, then
 * closed (more first), then fewer cases gone overdue; activity never decides a place. Ties by id.
 */
export function byResults<T extends Assessed & { readonly id: string }>(a: T, b: T): number {
  const ra = a.results;
  const rb = b.results;
  return (
    (rb.reduction.count ?? Number.NEGATIVE_INFINITY) - (ra.reduction.count ?? Number.NEGATIVE_INFINITY) ||
    rb.resolved - ra.resolved ||
    rb.closed - ra.closed ||
    ra.wentOverdue - rb.wentOverdue ||
    a.id.localeCompare(b.id)
  );
}
