/**
 * How far from today a date a client sends may lie. Dates are strings of the city's calendar
 * (YYYY-MM-DD); "today" is the caller's (the handler's clock, in the city's time zone), so these
 * stay pure.
 */

import { addDays } from './calendar';
import { detail, type ErrorDetail } from './errors';
import { message } from './messages';

export interface DateWindow {
  /** Days before today still accepted (0: nothing in the past). */
  readonly daysBefore: number;
  /** Days after today still accepted. */
  readonly daysAfter: number;
}

/**
 * Days off a person may record: the past year (a record that is re-sent keeps its recent history)
 * and the next two years (leave is planned, but not for a decade).
 */
export const DATES_OFF_WINDOW: DateWindow = { daysBefore: 366, daysAfter: 731 };

/**
 * Weeks a plan may be drafted for: from this week's Monday (past weeks are refused by the draft
 * itself, with their own message) up to a year ahead; year 2999 is a typo, not a plan.
 */
export const PLAN_WEEK_WINDOW: DateWindow = { daysBefore: 6, daysAfter: 366 };

/**
 * The reference date a baseline census may declare: the census it records was taken before it was
 * entered, but its numbers are read from today's counters, so a reference more than two years back
 * (year 0001 is a typo) would label today's numbers with a past they do not describe. Never after
 * today (the future is refused on its own, to the instant).
 */
export const BASELINE_AS_OF_WINDOW: DateWindow = { daysBefore: 731, daysAfter: 0 };

/**
 * A detail for `date` at `path` when it lies outside `window` around `today`; undefined inside.
 *
 * @example dateWindowProblem('2999-01-07', '2026-12-07', PLAN_WEEK_WINDOW, 'body.weekStart')
 *   // { path: 'body.weekStart', message: 'must be between 2026-12-01 and 2027-12-08' }
 */
export function dateWindowProblem(
  date: string,
  today: string,
  window: DateWindow,
  path: string,
): ErrorDetail | undefined {
  const first = addDays(today, -window.daysBefore);
  const last = addDays(today, window.daysAfter);
  if (date >= first && date <= last) return undefined;
  return detail(path, message('range.between', { first, last }));
}
