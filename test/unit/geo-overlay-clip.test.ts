/**
 * The guard against clipper2-ts 2.0.1 looping forever on consecutive horizontal edges that run in
 * opposite directions (upstream PR #36). Window clipping makes such edges along the window border.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { dropAxisRuns } from '@gridpatrol/core/geo/overlay-clip';
import { describe, expect, it } from 'vitest';

const P = (pts: number[][]) => pts.map(([x, y]) => ({ x: x as number, y: y as number }));

describe('dropAxisRuns', () => {
  it('collapses back-and-forth runs along a horizontal line', () => {
    expect(
      dropAxisRuns(
        P([
          [0, 0],
          [5, 0],
          [2, 0],
          [7, 0],
          [7, 3],
          [0, 3],
        ]),
      ),
    ).toEqual(
      P([
        [0, 0],
        [7, 0],
        [7, 3],
        [0, 3],
      ]),
    );
  });

  it('fixes the seam and drops repeats and vertical runs', () => {
    expect(
      dropAxisRuns(
        P([
          [3, 0],
          [6, 0],
          [6, 2],
          [6, 1],
          [6, 4],
          [0, 4],
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toEqual(
      P([
        [6, 0],
        [6, 4],
        [0, 4],
        [0, 0],
      ]),
    );
  });

  it('returns nothing for a ring with no area left', () => {
    expect(
      dropAxisRuns(
        P([
          [0, 0],
          [5, 0],
          [1, 0],
        ]),
      ),
    ).toEqual([]);
  });

  it('lets clipper2-ts finish on the upstream reproduction, which hangs without it', () => {
    const script = (guard: boolean) => `
      import { Clipper, FillRule } from 'clipper2-ts';
      import { dropAxisRuns } from '@gridpatrol/core/geo/overlay-clip';
      const P = (a) => a.map(([x, y]) => ({ x, y }));
      const g = ${guard} ? dropAxisRuns : (p) => p;
      const subj = g(P([[0,7],[0,4],[6,2],[7,4],[12,9],[6,8],[8,0],[5,0],[10,11],[1,1],[7,6],[9,1],[5,0],[10,9]]));
      const clip = g(P([[7,12],[9,4],[11,4],[12,4],[3,4],[3,9]]));
      Clipper.intersect([subj], [clip], FillRule.NonZero);
      console.log('done');`;
    const run = (guard: boolean, timeout: number) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(guard)], {
        cwd: path.resolve(__dirname, '../..'),
        timeout,
        encoding: 'utf8',
      });
    const guarded = run(true, 20_000);
    expect(guarded.stdout.trim(), guarded.stderr).toBe('done');
    const unguarded = run(false, 4_000);
    expect(unguarded.stdout.trim()).not.toBe('done'); // killed by the timeout: the guard is what helps
  }, 40_000);
});
