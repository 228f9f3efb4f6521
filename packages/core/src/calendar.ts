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
const WALL_CLOCKS = new Map<string, Intl.DateTimeFormat>();

/** A wall-clock reading in a time zone, each field a zero-padded string. */
export interface WallClock {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
}

/**
 * What a clock on the wall in `timeZone` shows at `instant` (24-hour).
 *
 * @example wallClock(new Date('2026-12-07T00:00:05Z'), 'Asia/Shanghai') // { year: '2026', …, hour: '08', minute: '00', second: '05' }
 */
export function wallClock(instant: Date, timeZone: string): WallClock {
  let format = WALL_CLOCKS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      // The era, so that a year before 1 AD can be told from the one after it.
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    WALL_CLOCKS.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  // Astronomical year (1 BC is 0), as ISO 8601 writes it: four digits, six and a sign before 0.
  const year = part('era') === 'BC' ? 1 - Number(part('year')) : Number(part('year'));
  return {
    year: year >= 0 ? String(year).padStart(4, '0') : `-${String(-year).padStart(6, '0')}`,
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/** The wall-clock reading as if it were UTC (epoch ms): its distance from the instant is the offset. */
export function wallClockAsUtc(w: WallClock): number {
  // Not Date.UTC(year, …): it takes years 0–99 for 1900–1999.
  const at = new Date(0);
  at.setUTCFullYear(Number(w.year), Number(w.month) - 1, Number(w.day));
  at.setUTCHours(Number(w.hour), Number(w.minute), Number(w.second), 0);
  return at.getTime();
}

/**
 * The calendar date of an instant in the city's time zone.
 *
 * @example localDate('2025-03-09T17:00:00Z', 'Asia/Shanghai') // '2025-03-10'
 */
export function localDate(instant: string | Date, timeZone: string): string {
  const w = wallClock(typeof instant === 'string' ? new Date(instant) : instant, timeZone);
  return `${w.year}-${w.month}-${w.day}`;
}

/**
 * An instant as a person in the city reads it: local date and time with the city's UTC offset, so
 * that it is never mistaken for UTC (issue 16). `seconds` for exports, where rows are compared.
 *
 * @example localDateTime('2026-12-07T00:00:00.000Z', 'Asia/Shanghai') // '2026-12-07 08:00+08:00'
 * @example localDateTime('2026-12-07T00:00:05Z', 'Asia/Shanghai', { seconds: true }) // '2026-12-07 08:00:05+08:00'
 */
export function localDateTime(
  instant: string | Date,
  timeZone: string,
  options: { seconds?: boolean } = {},
): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  if (!Number.isFinite(at.getTime())) return String(instant);
  const w = wallClock(at, timeZone);
  const local = wallClockAsUtc(w);
  const offsetMin = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const time = `${w.hour}:${w.minute}${options.seconds ? `:${w.second}` : ''}`;
  return `${w.year}-${w.month}-${w.day} ${time}${offset}`;
}

/**
 * An instant as ISO-8601 with the city's offset, for machine fields a program reads beside the
 * words (the same instant as its UTC form, written as the city's clock shows it).
 *
 * @example isoDateTime('2026-12-06T23:45:00.000Z', 'Asia/Shanghai') // '2026-12-07T07:45:00+08:00'
 */
export function isoDateTime(instant: string | Date, timeZone: string): string {
  return localDateTime(instant, timeZone, { seconds: true }).replace(' ', 'T');
}
