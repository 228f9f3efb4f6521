/**
 * Calendar dates (YYYY-MM-DD strings of the city's calendar) and the week they fall in. Pure: an
 * instant and a time zone come in; nothing here reads a clock.
 */

const DAY_MS = 86_400_000;

/**
 * Whole days from `from` to `to` (calendar dates, no time zone).
 *
 * @example daysBetween('2025-03-01', '2025-03-03') // 2
 */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * The date `days` after `date`.
 *
 * @example addDays('2025-03-03', 6) // '2025-03-09'
 */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The Monday of the week holding `instant` in the city's time zone: the week a plan made at that
 * moment for "this week" covers (add 7 days for next week). The instant comes in; nothing here reads a clock.
 *
 * @example planningWeekStart('2025-03-09T17:00:00Z', 'Asia/Shanghai') // '2025-03-10' (Monday 01:00 in Shanghai)
 */
export function planningWeekStart(instant: string | Date, timeZone: string): string {
  const local = localDate(instant, timeZone);
  const weekday = new Date(`${local}T00:00:00Z`).getUTCDay();
  return addDays(local, -((weekday + 6) % 7));
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date of an instant in the city's time zone.
 *
 * @example localDate('2025-03-09T17:00:00Z', 'Asia/Shanghai') // '2025-03-10'
 */
export function localDate(instant: string | Date, timeZone: string): string {
  let format = DATE_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    DATE_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(typeof instant === 'string' ? new Date(instant) : instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
