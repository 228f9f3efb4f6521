/**
 * The city-time arithmetic (packages/core/src/calendar.ts, planning/records.ts `localToUtc`) for
 * every year the ISO dates the API accepts can name, not only this century's: `Date.UTC` reads
 * years 0–99 as 1900–1999, and Intl writes 1 BC as year 1 of another era.
 */
import { localDate, localToUtc, wallClock } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

const TZ = 'Asia/Shanghai';
const iso = (ms: number) => new Date(ms).toISOString();

describe('city time', () => {
  it('turns a local midnight into its UTC instant (UTC+8 today)', () => {
    expect(iso(localToUtc('2026-12-07', '00:00', TZ))).toBe('2026-12-06T16:00:00.000Z');
    expect(localDate('2026-12-06T16:00:00.000Z', TZ)).toBe('2026-12-07');
  });

  it.each([
    ['0050-06-01', '0050-05-31T15:54:17.000Z'],
    ['0000-01-01', '-000001-12-31T15:54:17.000Z'],
  ])('keeps the year of %s (local mean time then, +08:05:43)', (date, utc) => {
    expect(iso(localToUtc(date, '00:00', TZ))).toBe(utc);
    expect(localDate(utc, TZ)).toBe(date);
  });

  it('writes a year before 1 AD as ISO 8601 does', () => {
    expect(wallClock(new Date('-000001-06-01T12:00:00Z'), 'UTC').year).toBe('-000001');
  });
});
