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

const TIME_FORMATS = new Map<string, Intl.DateTimeFormat>();

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
  let format = TIME_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    TIME_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const local = Date.UTC(
    Number(part('year')),
    Number(part('month')) - 1,
    Number(part('day')),
    Number(part('hour')),
    Number(part('minute')),
    Number(part('second')),
  );
  const offsetMin = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const time = `${part('hour')}:${part('minute')}${options.seconds ? `:${part('second')}` : ''}`;
  return `${part('year')}-${part('month')}-${part('day')} ${time}${offset}`;
}
