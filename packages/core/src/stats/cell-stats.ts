/**
 * GET /stats/cells: every cell of an area with the numbers a choropleth colours it by (the desk
 * console's area map, issue 13): open and overdue findings, the reduction against the current
 * baseline census, and the days since its last joint patrol. From the live counter rows, the
 * baseline's numbers and the cells' planning records alone, never from the findings
 * (docs/decisions/0053-desk-console.md).
 */

import * as z from 'zod';
import { daysBetween } from '../calendar';
import { PageQuery } from '../grid/api';
import { lazySchema } from '../lazy-schema';
import { BaselineScopeParam } from './baselines';
import { reductionOf } from './measures';

/** The area (`scope`, the caller's own by default, as the exports) and a page of its cells. */
export const CellStatsQuery = lazySchema(() => PageQuery.extend({ scope: BaselineScopeParam.optional() }));
export type CellStatsQuery = z.infer<typeof CellStatsQuery>;

export const CellStatsOut = lazySchema(() =>
  z.object({
    id: z.string(),
    open: z.number().int(),
    overdue: z.number().int(),
    /** The current baseline's census of the cell; null without one, or when it did not count the cell. */
    baseline: z.number().int().nullable(),
    /** Unlicensed businesses still operating as far as the bureau knows. */
    remaining: z.number().int(),
    reduction: z.number().int().nullable(),
    reductionPct: z.number().nullable(),
    lastJointPatrolDate: z.string().nullable(),
    /** Whole days from the last joint patrol to today in the city; null when there never was one. */
    daysSinceJointPatrol: z.number().int().nullable(),
    manualPriority: z.number().int(),
  }),
);
export type CellStatsOut = z.infer<typeof CellStatsOut>;

/** One page of cells: the default is large because a map wants them all (20,000 cells: 40 pages). */
export const CELL_STATS_PAGE = 500;

export interface CellStatsInput {
  readonly id: string;
  /** The cell's live counter row; undefined when nothing was ever counted there. */
  readonly counters: Readonly<Record<string, number>> | undefined;
  readonly baseline: number | null;
  readonly planning:
    | {
        readonly manualPriority?: number | undefined;
        readonly lastJointPatrolDate?: string | null | undefined;
      }
    | undefined;
}

/**
 * A cell's row of the map's numbers, `today` being the city's date.
 *
 * @example cellStats({ id: 'C1', counters: { open: 2, 'status:reported': 2 }, baseline: 5, planning: undefined }, '2026-12-07')
 * // { id: 'C1', open: 2, overdue: 0, baseline: 5, remaining: 2, reduction: 3, reductionPct: 60, lastJointPatrolDate: null, daysSinceJointPatrol: null, manualPriority: 0 }
 */
export function cellStats(input: CellStatsInput, today: string): CellStatsOut {
  const reduction = reductionOf(input.baseline, input.counters);
  const last = input.planning?.lastJointPatrolDate ?? null;
  return {
    id: input.id,
    open: input.counters?.open ?? 0,
    overdue: input.counters?.overdue ?? 0,
    baseline: input.baseline,
    remaining: reduction.remaining,
    reduction: reduction.count,
    reductionPct: reduction.percent,
    lastJointPatrolDate: last,
    daysSinceJointPatrol: last === null ? null : Math.max(0, daysBetween(last, today)),
    manualPriority: input.planning?.manualPriority ?? 0,
  };
}

/**
 * The slice of an area's sorted cells a page covers: the cursor is the position to start at (the
 * chain seals it, bound to this request), the next cursor the position after it, if any.
 *
 * @example cellPage(['A', 'B', 'C'], undefined, 2) // { ids: ['A', 'B'], next: '2' }
 */
export function cellPage(
  cells: readonly string[],
  cursor: string | undefined,
  limit = CELL_STATS_PAGE,
): { ids: readonly string[]; next: string | undefined } {
  const start = cursor === undefined ? 0 : Number(cursor);
  const from = Number.isInteger(start) && start >= 0 ? start : 0;
  const end = from + limit;
  return { ids: cells.slice(from, end), next: end < cells.length ? String(end) : undefined };
}
