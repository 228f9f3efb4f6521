/**
 * The one clock every handler and job reads "now" from. In Lambda it is the real time and stays so:
 * only the local server (`npm start -- --clock …`, packages/local) and tests call `setClock`, and
 * test/unit/clock.test.ts checks that no module under functions/src does. Durations (request budgets,
 * caches, token lifetimes, download links) keep reading the real time: they measure, not date.
 */

let read: () => Date = () => new Date();

/**
 * The current time as the handlers see it.
 *
 * @example const today = localDate(now(), cityConfig().timeZone)
 */
export const now = (): Date => read();

/** Replaces the clock (the local server's offset, tests); no argument restores the real one. */
export function setClock(fn?: () => Date): void {
  read = fn ?? (() => new Date());
}
