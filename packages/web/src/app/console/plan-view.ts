/**
 * The week plan's pure parts: the calendar (days × shifts) of a plan's tasks, and a task's demand in
 * words, the heaviest term first, in the app's own words for them (the field app's `reason.*`).
 * The planner's rules themselves are checked by the API (a dry run of the reassignment,
 * docs/decisions/0053-desk-console.md): the browser keeps no copy of them.
 */
// By its file path: the module holds plain lists, where the planning schemas would bring zod along.
import { PAIR_REASONS, RISK_TERMS, type RiskTerm } from '@gridpatrol/core/planning/demand-reasons';
import type { MessageKey } from '../../messages';

type PairReason = (typeof PAIR_REASONS)[number];

export interface PlanTaskView {
  readonly id: string;
  readonly date: string;
  readonly shift: string;
  readonly cellId: string;
  readonly zoneId: string;
  readonly officerId: string;
  readonly partnerId: string;
  readonly status: 'draft' | 'assigned' | 'completed' | 'missed' | 'cancelled';
  readonly version: number;
  readonly explanation?: string;
  readonly reasons: {
    readonly risk: {
      readonly score: number;
      readonly components: Readonly<Record<string, { readonly count: number; readonly points: number }>>;
    };
    readonly pair: readonly string[];
  };
}

/** The week's dates from its Monday. @example weekDates('2026-12-07')[6] // '2026-12-13' */
export function weekDates(weekStart: string): string[] {
  const start = Date.parse(`${weekStart}T00:00:00Z`);
  return Array.from({ length: 7 }, (_, d) => new Date(start + d * 86_400_000).toISOString().slice(0, 10));
}

/**
 * The tasks by day and shift: `calendar.get('2026-12-07')?.get('am')` is that slot's tasks, by cell.
 * Cancelled tasks are left out.
 */
export function calendarOf(
  tasks: readonly PlanTaskView[],
  weekStart: string,
  shifts: readonly string[],
): Map<string, Map<string, PlanTaskView[]>> {
  const out = new Map(
    weekDates(weekStart).map((d) => [d, new Map(shifts.map((s) => [s, [] as PlanTaskView[]]))]),
  );
  for (const t of tasks) {
    if (t.status === 'cancelled') continue;
    out.get(t.date)?.get(t.shift)?.push(t);
  }
  for (const day of out.values())
    for (const slot of day.values()) slot.sort((a, b) => a.cellId.localeCompare(b.cellId));
  return out;
}

export type DemandTerm = RiskTerm;

/**
 * What made a cell's demand, the heaviest first: the risk terms that counted (count > 0).
 *
 * @example demandTerms({ score: 3, components: { open: { count: 2, points: 2 }, overdue: { count: 0, points: 0 }, staleness: { count: 9, points: 1 } } })
 * // [{ term: 'open', count: 2, points: 2 }, { term: 'staleness', count: 9, points: 1 }]
 */
export function demandTerms(
  risk: PlanTaskView['reasons']['risk'],
): { term: DemandTerm; count: number; points: number }[] {
  return RISK_TERMS.flatMap((term) => {
    const c = risk.components[term];
    return c && c.count > 0 ? [{ term, count: c.count, points: c.points }] : [];
  }).sort((a, b) => b.points - a.points || RISK_TERMS.indexOf(a.term) - RISK_TERMS.indexOf(b.term));
}

const PAIR_REASON_CODES: ReadonlySet<string> = new Set(PAIR_REASONS);

/**
 * Why this cell and this pair, in words: the demand terms that counted (heaviest first), then the
 * pair's reasons (zone, rotation, the 双随机 draw, …); a reason the app has no words for by its code.
 *
 * @example demandWords(task.reasons, t) // ['距上次联合巡查 28 天（+2.8）', '网格主要属于该干部的责任区']
 */
export function demandWords(
  reasons: PlanTaskView['reasons'],
  say: (key: MessageKey, params?: Record<string, string | number>) => string,
): string[] {
  const terms = demandTerms(reasons.risk).map(
    (d) => `${say(`reason.${d.term}`, { count: d.count })}（+${Math.round(d.points * 100) / 100}）`,
  );
  const pair = reasons.pair.map((code) =>
    PAIR_REASON_CODES.has(code) ? say(`reason.pair.${code as PairReason}`) : code,
  );
  return [...terms, ...pair];
}
