/**
 * Automatic statistics (自动反馈统计, DOMAIN.md practice 6): counters per cell, zone, office and the
 * city, moved in the same transaction as the finding they count.
 *
 * Every counter is a sum over findings of a function of each finding's *current* record
 * (`contributions`). So the increments a change implies are simply after − before, and a recount
 * from the findings themselves must give the stored counters back, whatever happened in between.
 * Cumulative figures (ever overdue, transfers, reopenings) are therefore kept on the finding
 * (`wasOverdue`, `department`, `reopenCount`), never only in a counter.
 */
import { FINDING_STATUSES, type Finding, TERMINAL_STATUSES } from './schema';

/** `city`, `cell#<id>`, `zone#<id>` or `office#<id>`: one counter item per area. */
export type CounterArea = string;
/**
 * Metrics of one area:
 *   total                   findings ever reported (the census, 摸清底数)
 *   open                    not rejected and not closed
 *   status:<status>         findings now in that state (open by state, and rejected / closed)
 *   overdue                 open and past their deadline now
 *   escalated:<level>       overdue cases now escalated to the supervisor / to the admins
 *   was_overdue             ever overdue (assessment on results, practice 8)
 *   rejected:<reason>       rejected, by reason
 *   outcome:<outcome>       resolved, awaiting revisit or closed, by outcome
 *   department:<id>         ever transferred to that department
 *   reopened                reopenings after a revisit (a finding counts each time)
 *   open_duplicate          open and still flagged as a possible duplicate (`possibleDuplicateOf`,
 *                           cleared by verify and separate): perhaps a business counted twice,
 *                           left out of the baseline census (docs/decisions/0014-baseline-census.md)
 */
export type CounterMetric = string;
export type Counters = Record<CounterArea, Record<CounterMetric, number>>;

export const CITY_AREA: CounterArea = 'city';

/**
 * The areas a finding is counted in: the city, and its cell, zone and office when it has them.
 *
 * @example counterAreas(finding) // ['city', 'cell#C-001', 'zone#Z-01', 'office#east']
 */
export function counterAreas(f: Pick<Finding, 'cellId' | 'zoneId' | 'officeId'>): CounterArea[] {
  const areas = [CITY_AREA];
  if (f.cellId !== null) areas.push(`cell#${f.cellId}`);
  if (f.zoneId !== null) areas.push(`zone#${f.zoneId}`);
  if (f.officeId !== null) areas.push(`office#${f.officeId}`);
  return areas;
}

/**
 * What one finding adds to each metric of each of its areas.
 *
 * @example findingMetrics(reported) // { total: 1, open: 1, 'status:reported': 1 }
 */
export function findingMetrics(f: Finding): Record<CounterMetric, number> {
  const m: Record<CounterMetric, number> = { total: 1, [`status:${f.status}`]: 1 };
  const open = !TERMINAL_STATUSES.includes(f.status);
  if (open) m.open = 1;
  if (open && f.overdue) {
    m.overdue = 1;
    if (f.escalation !== 'none') m[`escalated:${f.escalation}`] = 1;
  }
  if (f.wasOverdue) m.was_overdue = 1;
  if (f.status === 'rejected' && f.rejectReason !== undefined) m[`rejected:${f.rejectReason}`] = 1;
  if (f.outcome !== undefined && ['resolved', 'revisit_due', 'closed'].includes(f.status))
    m[`outcome:${f.outcome}`] = 1;
  if (f.department !== undefined) m[`department:${f.department}`] = 1;
  if (f.reopenCount > 0) m.reopened = f.reopenCount;
  if (open && f.possibleDuplicateOf !== undefined) m.open_duplicate = 1;
  return m;
}

/** What one counted record (a finding, a patrol task) adds to each of its areas in its current state. */
export interface Contribution {
  readonly areas: readonly CounterArea[];
  readonly metrics: Record<CounterMetric, number>;
}

function addContribution(into: Counters, c: Contribution, sign: 1 | -1): void {
  for (const area of c.areas) {
    const row = into[area] ?? {};
    into[area] = row;
    for (const [metric, n] of Object.entries(c.metrics)) row[metric] = (row[metric] ?? 0) + sign * n;
  }
}

/**
 * The increments of one record's change (after − before; before null for a new record), zeros left
 * out: the one mechanism that keeps every counter equal to a recount of what it counts.
 */
export function deltasOf<T>(before: T | null, after: T, contribute: (x: T) => Contribution): Counters {
  const c: Counters = {};
  if (before !== null) addContribution(c, contribute(before), -1);
  addContribution(c, contribute(after), 1);
  return pruneCounters(c);
}

/** Counters from scratch over some records, by the same contributions as deltasOf. */
export function recountOf<T>(items: Iterable<T>, contribute: (x: T) => Contribution): Counters {
  const c: Counters = {};
  for (const x of items) addContribution(c, contribute(x), 1);
  return pruneCounters(c);
}

const findingContribution = (f: Finding): Contribution => ({
  areas: counterAreas(f),
  metrics: findingMetrics(f),
});

/** Drops zero entries and empty areas, so that equal counters compare equal. */
export function pruneCounters(c: Counters): Counters {
  const out: Counters = {};
  for (const area of Object.keys(c).sort()) {
    const row = c[area] ?? {};
    const kept = Object.keys(row)
      .sort()
      .filter((metric) => (row[metric] ?? 0) !== 0);
    if (kept.length > 0) out[area] = Object.fromEntries(kept.map((metric) => [metric, row[metric] ?? 0]));
  }
  return out;
}

/**
 * The increments a change implies, for the store to ADD in the same transaction: `before` null for
 * a new finding. Zero increments are left out; an unchanged finding gives `{}`.
 *
 * @example counterDeltas(reported, verified) // { city: { 'status:reported': -1, 'status:verified': 1 }, 'cell#C-1': {...}, ... }
 */
export function counterDeltas(before: Finding | null, after: Finding): Counters {
  return deltasOf(before, after, findingContribution);
}

/**
 * Counters from scratch, for the verify command to compare with the stored ones.
 *
 * @example recount([f1, f2]).city?.total // 2
 */
export function recount(findings: Iterable<Finding>): Counters {
  return recountOf(findings, findingContribution);
}

/**
 * Applies deltas to counters (the store's ADD, in memory): for tests and for the verify command's
 * report of differences.
 *
 * @example applyDeltas({}, counterDeltas(null, f)).city?.total // 1
 */
export function applyDeltas(counters: Counters, deltas: Counters): Counters {
  const out: Counters = {};
  for (const [area, row] of Object.entries(counters)) out[area] = { ...row };
  for (const [area, row] of Object.entries(deltas)) {
    const target = out[area] ?? {};
    out[area] = target;
    for (const [metric, n] of Object.entries(row)) target[metric] = (target[metric] ?? 0) + n;
  }
  return pruneCounters(out);
}

/**
 * Where stored counters differ from a recount: one line per area and metric.
 *
 * @example counterDifferences(stored, recount(findings)) // [{ area: 'zone#Z1', metric: 'overdue', stored: 3, counted: 2 }]
 */
export function counterDifferences(
  stored: Counters,
  counted: Counters,
): { area: CounterArea; metric: CounterMetric; stored: number; counted: number }[] {
  const a = pruneCounters(stored);
  const b = pruneCounters(counted);
  const diffs: { area: CounterArea; metric: CounterMetric; stored: number; counted: number }[] = [];
  for (const area of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const ra = a[area] ?? {};
    const rb = b[area] ?? {};
    for (const metric of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      const s = ra[metric] ?? 0;
      const n = rb[metric] ?? 0;
      if (s !== n) diffs.push({ area, metric, stored: s, counted: n });
    }
  }
  return diffs;
}

/** Every status metric name, for dashboards that list zeros too. */
export const STATUS_METRICS: readonly CounterMetric[] = FINDING_STATUSES.map((s) => `status:${s}`);
