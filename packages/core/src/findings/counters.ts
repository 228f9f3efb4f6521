/**
 * Automatic statistics (自动反馈统计, DOMAIN.md practice 6): counters per cell, zone, office and the
 * city, moved in the same transaction as the finding they count.
 *
 * Every counter is a sum over findings of a function of each finding's *current* record
 * (`contributions`). So the increments a change implies are simply after − before, and a recount
 * from the findings themselves must give the stored counters back, whatever happened in between.
 * Cumulative figures (ever overdue, transfers, reopenings) are therefore kept on the finding
 * (`wasOverdue`, `department`, `reopenCount`), never only in a counter.
 *
 * Two kinds of counter item per area: the live item (`city`, `cell#C`, ...: what is true now) and
 * one day-bucket item per month (`city#2026-11`, `cell#C#2026-11`: what happened on each day, e.g.
 * `reported:2026-11-23`), from which statistics over any dates are summed without reading a finding
 * (docs/decisions/0015-statistics.md). Both are the same after − before of the current record.
 */
import { daysBetween, localDate } from '../calendar';
import { type Finding, TERMINAL_STATUSES } from './schema';

/** `city`, `unzoned`, `cell#<id>`, `zone#<id>` or `office#<id>`: one counter item per area. */
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

/** The kinds of area counted under an id of their own; `city` and `unzoned` stand alone. */
export type AreaKind = 'cell' | 'zone' | 'office' | 'officer';

/**
 * The one place an area's counter key is spelled (`<kind>#<id>`); `areaId` reads it back.
 *
 * @example counterArea.zone('Z1') // 'zone#Z1'
 */
export const counterArea: Readonly<Record<AreaKind, (id: string) => CounterArea>> = {
  cell: (id) => `cell#${id}`,
  zone: (id) => `zone#${id}`,
  office: (id) => `office#${id}`,
  officer: (id) => `officer#${id}`,
};

/** Whether `area` is an area of that kind (a live one: month buckets add `#<yyyy-mm>`). */
export function isAreaOf(kind: AreaKind, area: CounterArea): boolean {
  return area.startsWith(`${kind}#`);
}

/**
 * The id inside an area of the given kind; any other area is a programming error.
 *
 * @example areaId('cell', 'cell#C-001') // 'C-001'
 */
export function areaId(kind: AreaKind, area: CounterArea): string {
  if (!isAreaOf(kind, area)) throw new Error(`'${area}' is not a ${kind} area.`);
  return area.slice(kind.length + 1);
}

export const CITY_AREA: CounterArea = 'city';
/**
 * What lies in no zone (a zone-less cell, or a point outside every cell and zone): the city level
 * owns it, so it is counted as one bucket of the city beside the offices (the coverage report's and
 * the statistics' "no zone"). No id holds '#', so it cannot collide with a `zone#…` area.
 */
export const UNZONED_AREA: CounterArea = 'unzoned';

/**
 * The areas a finding is counted in: the city, its cell when it has one, and its zone and office,
 * or the city's no-zone bucket when it was routed to no zone.
 *
 * @example counterAreas(finding) // ['city', 'cell#C-001', 'zone#Z-01', 'office#east']
 * @example counterAreas({ cellId: 'C-9', zoneId: null, officeId: null }) // ['city', 'cell#C-9', 'unzoned']
 */
export function counterAreas(f: Pick<Finding, 'cellId' | 'zoneId' | 'officeId'>): CounterArea[] {
  const areas = [CITY_AREA];
  if (f.cellId !== null) areas.push(counterArea.cell(f.cellId));
  areas.push(f.zoneId !== null ? counterArea.zone(f.zoneId) : UNZONED_AREA);
  if (f.officeId !== null) areas.push(counterArea.office(f.officeId));
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
  if (f.outcome !== undefined && RESOLVED.includes(f.status)) m[`outcome:${f.outcome}`] = 1;
  if (f.department !== undefined) m[`department:${f.department}`] = 1;
  if (f.reopenCount > 0) m.reopened = f.reopenCount;
  if (open && f.possibleDuplicateOf !== undefined) m.open_duplicate = 1;
  return m;
}

/** What one counted record (a finding, a patrol task) adds to each of some areas in its current state. */
export interface Contribution {
  readonly areas: readonly CounterArea[];
  readonly metrics: Record<CounterMetric, number>;
}

/**
 * The measures that count by day (`<measure>:<date>` in the month's bucket item of each area):
 *   reported              the report (every finding)
 *   verified              confirmed on site
 *   rejected              rejected (the day of the rejection)
 *   resolved:<outcome>    resolved, while the resolution holds (a reopening takes it back)
 *   closed:<n>            crossed off after the revisit, n calendar days after the report
 *   transferred:<dept>    handed to a department
 *   went_overdue          went overdue for the first time (the deadline's day)
 *   tasks_planned         a published patrol task of that date (assigned, completed or missed)
 *   tasks_completed, tasks_joint, tasks_solo, tasks_missed   its outcome, on the task's date
 */
export type DayMeasure = string;

/** The month bucket item of an area: ids never hold '#', so `<area>#<yyyy-mm>` is unambiguous. */
export const bucketArea = (area: CounterArea, date: string): CounterArea => `${area}#${date.slice(0, 7)}`;
/** The metric of a day measure in its bucket item. */
export const dayMetric = (measure: DayMeasure, date: string): CounterMetric => `${measure}:${date}`;

/**
 * Contributions of day measures: each (measure, date) counts once in the month bucket of each area.
 * A measure's family is its first word (`resolved` of `resolved:licensed`): what series sum.
 *
 * @example dayContributions(['city'], [['reported', '2026-11-23']]) // [{ areas: ['city#2026-11'], metrics: { 'reported:2026-11-23': 1 } }]
 */
export function dayContributions(
  areas: readonly CounterArea[],
  days: readonly (readonly [DayMeasure, string])[],
): Contribution[] {
  return days.map(([measure, date]) => ({
    areas: areas.map((a) => bucketArea(a, date)),
    metrics: { [dayMetric(measure, date)]: 1 },
  }));
}

/**
 * The day measures of a finding in its current state, dated in the city's time zone.
 *
 * @example findingDays(resolved, 'Asia/Shanghai') // [['reported', '2026-11-02'], ['verified', '2026-11-03'], ['resolved:licensed', '2026-11-20']]
 */
export function findingDays(f: Finding, timeZone: string): [DayMeasure, string][] {
  const day = (instant: string) => localDate(instant, timeZone);
  const reported = day(f.reportedAt);
  const days: [DayMeasure, string][] = [['reported', reported]];
  if (f.verifiedAt !== undefined) days.push(['verified', day(f.verifiedAt)]);
  // A rejected finding never changes again, so its last update is the rejection.
  if (f.status === 'rejected') days.push(['rejected', day(f.updatedAt)]);
  if (f.outcome !== undefined && f.resolvedAt !== undefined && RESOLVED.includes(f.status))
    days.push([`resolved:${f.outcome}`, day(f.resolvedAt)]);
  if (f.status === 'closed' && f.closedAt !== undefined) {
    const closed = day(f.closedAt);
    days.push([`closed:${daysBetween(reported, closed)}`, closed]);
  }
  if (f.department !== undefined && f.transferredAt !== undefined)
    days.push([`transferred:${f.department}`, day(f.transferredAt)]);
  if (f.firstOverdueAt !== undefined) days.push(['went_overdue', day(f.firstOverdueAt)]);
  return days;
}

/** States in which a resolution holds: resolved, awaiting its revisit, crossed off. */
const RESOLVED: readonly Finding['status'][] = ['resolved', 'revisit_due', 'closed'];

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
export function deltasOf<T>(
  before: T | null,
  after: T,
  contribute: (x: T) => readonly Contribution[],
): Counters {
  const c: Counters = {};
  if (before !== null) for (const part of contribute(before)) addContribution(c, part, -1);
  for (const part of contribute(after)) addContribution(c, part, 1);
  return pruneCounters(c);
}

/** Counters from scratch over some records, by the same contributions as deltasOf. */
export function recountOf<T>(items: Iterable<T>, contribute: (x: T) => readonly Contribution[]): Counters {
  const c: Counters = {};
  for (const x of items) for (const part of contribute(x)) addContribution(c, part, 1);
  return pruneCounters(c);
}

/** A finding's live metrics in its areas, and its day measures in their month buckets. */
const findingContributions =
  (timeZone: string) =>
  (f: Finding): Contribution[] => {
    const areas = counterAreas(f);
    return [{ areas, metrics: findingMetrics(f) }, ...dayContributions(areas, findingDays(f, timeZone))];
  };

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
 * a new finding. Zero increments are left out; an unchanged finding gives `{}`. Days are the city's
 * (`timeZone`).
 *
 * @example counterDeltas(reported, verified, tz) // { city: { 'status:reported': -1, 'status:verified': 1 }, 'city#2026-11': { 'verified:2026-11-23': 1 }, ... }
 */
export function counterDeltas(before: Finding | null, after: Finding, timeZone: string): Counters {
  return deltasOf(before, after, findingContributions(timeZone));
}

/**
 * What a zone-less finding adds to the no-zone bucket (its live metrics and its day measures in the
 * bucket's month items): for a finding written before the bucket existed, which the city and its
 * cell counted but the bucket did not. `{}` for a finding with a zone.
 *
 * @example unzonedContribution({ ...reported, zoneId: null }, tz) // { unzoned: { total: 1, open: 1, 'status:reported': 1 }, 'unzoned#2026-11': { 'reported:2026-11-23': 1 } }
 */
export function unzonedContribution(f: Finding, timeZone: string): Counters {
  if (f.zoneId !== null) return {};
  const all = recount([f], timeZone);
  return Object.fromEntries(
    Object.entries(all).filter(([area]) => area === UNZONED_AREA || area.startsWith(`${UNZONED_AREA}#`)),
  );
}

/**
 * Counters from scratch, for the verify command to compare with the stored ones.
 *
 * @example recount([f1, f2], tz).city?.total // 2
 */
export function recount(findings: Iterable<Finding>, timeZone: string): Counters {
  return recountOf(findings, findingContributions(timeZone));
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
