/**
 * The week plan's pure parts: the calendar (days × shifts) of a plan's tasks, a task's demand terms
 * in the order they weigh, and the planner's rules checked on the device before a reassignment is
 * sent — core's own `reassignProblems`, the very check the API runs, worded by core's catalogue, so
 * a broken rule reads as the API's 422 would (docs/decisions/0053-desk-console.md).
 */

import { message, render } from '@gridpatrol/core/messages/index';
import type { Language } from '@gridpatrol/core/messages/language';
import type { Person } from '@gridpatrol/core/people';
import { type BrokenRule, type ReassignCheck, reassignProblems } from '@gridpatrol/core/planning/plans';
import type { TaskStatus } from '@gridpatrol/core/planning/records';

export interface PlanTaskView {
  readonly id: string;
  readonly date: string;
  readonly shift: string;
  readonly cellId: string;
  readonly zoneId: string;
  readonly officerId: string;
  readonly partnerId: string;
  readonly status: TaskStatus;
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

const TERMS = ['open', 'overdue', 'recent', 'reopened', 'staleness', 'manualPriority'] as const;
export type DemandTerm = (typeof TERMS)[number];

/**
 * What made a cell's demand, the heaviest first: the risk terms that counted (count > 0).
 *
 * @example demandTerms({ score: 3, components: { open: { count: 2, points: 2 }, overdue: { count: 0, points: 0 }, staleness: { count: 9, points: 1 } } })
 * // [{ term: 'open', count: 2, points: 2 }, { term: 'staleness', count: 9, points: 1 }]
 */
export function demandTerms(
  risk: PlanTaskView['reasons']['risk'],
): { term: DemandTerm; count: number; points: number }[] {
  return TERMS.flatMap((term) => {
    const c = risk.components[term];
    return c && c.count > 0 ? [{ term, count: c.count, points: c.points }] : [];
  }).sort((a, b) => b.points - a.points || TERMS.indexOf(a.term) - TERMS.indexOf(b.term));
}

/** A demand term in the reader's language, as the API's explanations word it. */
export function demandTermText(
  t: { term: DemandTerm; count: number; points: number },
  language: Language,
): string {
  return render(
    message(`plan.term.${t.term}`, { count: t.count, points: Math.round(t.points * 100) / 100 }),
    {
      language,
    },
  );
}

/** A shift's word (上午, 下午) where the catalogue has one, else its name. */
export function shiftText(shift: string, language: Language): string {
  return shift === 'am' || shift === 'pm' ? render(message(`plan.shift.${shift}`), { language }) : shift;
}

/**
 * Every planner rule a reassignment would break, in the reader's language, before it is sent.
 *
 * @example reassignViolations({ ...check, target: { ...busy } }, 'zh-CN') // ['［double_booked］…']
 */
export function reassignViolations(
  check: ReassignCheck,
  language: Language,
): { rule: string; text: string }[] {
  return reassignProblems(check).map((p: BrokenRule) => ({
    rule: p.rule,
    text: p.text ? render(p.text, { language }) : p.message,
  }));
}

export type { Person, ReassignCheck };
