/**
 * The measures a bureau is judged by (DOMAIN.md practices 3 and 8), each defined once over an area's
 * live counter row: what is still to be done, and the reduction against the baseline census.
 * Summary, assessment and the cells export all read them from here
 * (docs/decisions/0015-statistics.md).
 */
import type { FindingStatus } from '../findings/schema';

/** Open and not yet resolved: the unlicensed business is still operating as far as the bureau knows. */
export const UNRESOLVED_STATUSES: readonly FindingStatus[] = [
  'reported',
  'verified',
  'rectifying',
  'transferred',
];

type Row = Readonly<Record<string, number>> | undefined;

/**
 * Unlicensed businesses known and still operating in an area: unresolved findings, less those still
 * flagged as a possible duplicate (they may be a business counted twice, as in the census).
 *
 * @example remainingOf({ 'status:reported': 3, 'status:rectifying': 1, 'status:resolved': 4, open_duplicate: 1 }) // 3
 */
export function remainingOf(row: Row): number {
  let n = 0;
  for (const s of UNRESOLVED_STATUSES) n += row?.[`status:${s}`] ?? 0;
  return n - (row?.open_duplicate ?? 0);
}

/** The reduction against a baseline census: count, and percent of the census (null without one). */
export interface Reduction {
  /** The baseline census of the area; null when no baseline is current. */
  readonly baseline: number | null;
  /** Known and still operating now (`remainingOf`). */
  readonly remaining: number;
  /** baseline − remaining; negative when more are known now than the census counted. */
  readonly count: number | null;
  /** count / baseline × 100, one decimal; null when there is no baseline or it is 0. */
  readonly percent: number | null;
}

/**
 * The census counts every unlicensed business found by then, resolved or not; what is left of it now
 * is what is still operating. New findings after the census raise `remaining`, so an area that finds
 * more than it resolves shows a negative reduction: progress is always shown against the baseline.
 *
 * @example reductionOf(40, { 'status:verified': 10 }) // { baseline: 40, remaining: 10, count: 30, percent: 75 }
 */
export function reductionOf(baseline: number | null, row: Row): Reduction {
  const remaining = remainingOf(row);
  if (baseline === null) return { baseline, remaining, count: null, percent: null };
  const count = baseline - remaining;
  return { baseline, remaining, count, percent: percentOf(count, baseline) };
}

/**
 * part / whole × 100 with one decimal, halves rounded away from zero (−6.25 → −6.3, as 6.25 → 6.3);
 * null when the whole is 0.
 */
export function percentOf(part: number, whole: number): number | null {
  if (whole === 0) return null;
  const x = (part / whole) * 1000;
  return (Math.sign(x) * Math.round(Math.abs(x))) / 10;
}
