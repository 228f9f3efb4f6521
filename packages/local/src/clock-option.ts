/**
 * `npm start -- --clock 2026-12-07T09:00+08:00`: the local server's clock set to an instant, so the
 * field flow (check-in windows, missed tasks, deadlines) can be tried at any hour. It is an offset to
 * the real time, so the clock keeps running from there. The option exists only here, in
 * packages/local: the Lambda build never sets the handlers' clock (functions/src/clock.ts).
 */

/** An instant with its date, time and offset; minutes are enough, seconds are allowed. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The offset in ms from the real time `realNow` to the instant `text`, or a message saying what
 * is wrong with it (an instant without an offset would depend on the machine's time zone).
 *
 * @example clockOffset('2026-12-07T09:00+08:00', Date.parse('2026-12-07T00:00:00Z')) // { offsetMs: 3_600_000 }
 */
export function clockOffset(text: string, realNow: number): { offsetMs: number } | { problem: string } {
  const at = INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    return {
      problem: `--clock '${text}' is not an instant with an offset, e.g. 2026-12-07T09:00+08:00 (or …Z for UTC).`,
    };
  return { offsetMs: at - realNow };
}

/** The clock that runs `offsetMs` ahead of the real one (behind when negative). */
export const offsetClock = (offsetMs: number) => (): Date => new Date(Date.now() + offsetMs);
