/**
 * The handlers' one clock (functions/src/clock.ts) and the local `--clock` option: the option's
 * parsing, and that nothing the Lambda build runs can move the clock or read the time around it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { clockOffset, offsetClock } from '@gridpatrol/local';
import { describe, expect, it } from 'vitest';

const FUNCTIONS = path.resolve(import.meta.dirname, '../../functions/src');

/** A source without its comments' lines (examples there may call anything). */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
    .join('\n');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('--clock', () => {
  it('takes an instant with an offset and gives the offset to the real time', () => {
    const real = Date.parse('2026-12-07T00:00:00Z');
    expect(clockOffset('2026-12-07T09:00+08:00', real)).toEqual({ offsetMs: 3_600_000 });
    expect(clockOffset('2026-12-06T23:30:00Z', real)).toEqual({ offsetMs: -1_800_000 });
  });

  it('refuses an instant without an offset, or no instant, saying what it wants', () => {
    for (const bad of ['2026-12-07T09:00', '2026-12-07', 'tomorrow', '2026-13-07T09:00+08:00']) {
      const out = clockOffset(bad, 0);
      expect(out, bad).toEqual({ problem: expect.stringContaining('2026-12-07T09:00+08:00') });
    }
  });

  it('keeps running from the instant', () => {
    const t = offsetClock(3_600_000)().getTime() - Date.now();
    expect(t).toBeGreaterThanOrEqual(3_599_000);
    expect(t).toBeLessThanOrEqual(3_600_000);
  });
});

describe('the Lambda build', () => {
  const files = sources(FUNCTIONS);

  it('never moves the clock: only packages/local and tests call setClock', () => {
    const callers = files
      .filter((f) => path.basename(f) !== 'clock.ts')
      .filter((f) => /\bset(Tasks)?Clock\(/.test(code(f)));
    expect(callers.map((f) => path.relative(FUNCTIONS, f))).toEqual([]);
  });

  it('dates nothing by the real time: the handlers and jobs read the one clock', () => {
    const dated = files
      .filter((f) => /\/(handlers|findings|tasks|jobs|plans|people|grid-import)\//.test(f))
      .filter((f) => /new Date\(\)/.test(code(f)))
      .map((f) => path.relative(FUNCTIONS, f));
    expect(dated).toEqual([]);
  });
});
