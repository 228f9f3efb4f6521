/**
 * The share of the active grid's land a draft no longer covers, by geometry (issue 15.3 follow-up,
 * docs/decisions/0026-geometric-dropped-area.md): ids do not matter, land does.
 */

import { droppedAreaOfIndexes, measureDroppedArea } from '@gridpatrol/core/geo/dropped-area';
import { buildGridIndex } from '@gridpatrol/core/geo/grid-index';
import { flattenGeometries } from '@gridpatrol/core/geo/index-flat';
import type { CellFeature } from '@gridpatrol/core/geo/types';
import { packIndex } from '@gridpatrol/core/grid/build';
import { diffGrids, type GridDiffInput } from '@gridpatrol/core/grid/diff';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';
import { area } from '@turf/area';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { describe, expect, it } from 'vitest';
import { cellFeature, rectangle, rectangleAreaM2 } from '../support/geometry';

/** The tolerance this measure promises: the dropped share within 1e-6 of the exact one. */
const SHARE_TOLERANCE = 1e-6;

const cell = cellFeature;
const rect = rectangle;

// A 10 × 10 block of 0.001° cells (~100 m) at Hangzhou's latitude.
const X0 = 120.1;
const Y0 = 30.2;
const D = 0.001;
const N = 10;
function block(
  opts: {
    idPrefix?: string;
    widthShare?: number;
    shiftX?: number;
    skip?: (i: number, j: number) => boolean;
  } = {},
) {
  const out: CellFeature[] = [];
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      if (opts.skip?.(i, j)) continue;
      const x0 = X0 + i * D + (opts.shiftX ?? 0);
      out.push(
        cell(
          `${opts.idPrefix ?? 'C'}${i}-${j}`,
          rect(x0, Y0 + j * D, x0 + D * (opts.widthShare ?? 1), Y0 + (j + 1) * D),
        ),
      );
    }
  return out;
}
const layer = (cells: readonly CellFeature[]) => flattenGeometries(cells.map((c) => c.geometry));
const share = (m: { activeM2: number; droppedM2: number }) => m.droppedM2 / m.activeM2;

/** The diff of two versions whose cells carry no people, findings or tasks: only the area can block. */
function diffOf(active: readonly CellFeature[], draft: readonly CellFeature[]) {
  const summaries = (cells: readonly CellFeature[]) =>
    cells.map((c) => ({ id: c.properties.id, areaM2: area(c), primaryZone: null }));
  const input: GridDiffInput = {
    active: { version: 1, cells: summaries(active), zones: [] },
    draft: { version: 2, cells: summaries(draft), zones: [] },
    people: [],
    openFindings: [],
    futureTasks: [],
    droppedArea: droppedAreaOfIndexes(packIndex(buildGridIndex(active)), packIndex(buildGridIndex(draft))),
    maxDroppedAreaShare: 0.05,
  };
  return diffGrids(input);
}

describe('measureDroppedArea', () => {
  it('finds nothing dropped when every cell is renamed over the same land, and no area blocker', () => {
    const city = syntheticCity({ cells: 400, seed: 7 });
    const renamed = city.cells.map((c) => cell(`NEW-${c.properties.id}`, c.geometry));
    const diff = diffOf(city.cells, renamed);
    expect(diff.cells.removed).toHaveLength(400);
    expect(diff.area.droppedShare).toBeLessThan(SHARE_TOLERANCE);
    expect(diff.blockers.map((b) => b.path)).not.toContain('area');
    // Every cell matched ring for ring: nothing needed clipping.
    expect(measureDroppedArea(layer(city.cells), layer(renamed)).stats).toMatchObject({
      same: 400,
      clipped: 0,
    });
  });

  it('finds half dropped when the same ids keep only half their land, and blocks on area', () => {
    const active = block();
    const halved = block({ widthShare: 0.5 });
    const m = measureDroppedArea(layer(active), layer(halved));
    expect(Math.abs(share(m) - 0.5)).toBeLessThan(SHARE_TOLERANCE);
    expect(m.activeM2).toBeCloseTo(rectangleAreaM2(X0, Y0, X0 + N * D, Y0 + N * D), 3);
    const diff = diffOf(active, halved);
    expect(diff.cells.removed).toEqual([]);
    expect(diff.cells.reshaped).toHaveLength(100);
    expect(diff.area.droppedShare).toBeCloseTo(0.5, 4);
    expect(diff.blockers.map((b) => b.path)).toEqual(['area']);
    expect(diff.blockers[0]?.message).toContain('50.0%');
  });

  it('finds the land dropped when the same ids, with the same areas, move off it', () => {
    const moved = block({ shiftX: N * D * 2 });
    const diff = diffOf(block(), moved);
    expect(diff.cells.removed).toEqual([]);
    expect(diff.cells.reshaped).toEqual([]);
    expect(diff.area.droppedShare).toBe(1);
    expect(diff.blockers.map((b) => b.path)).toEqual(['area']);
  });

  it('counts a real removal whole: ten cells of a hundred gone is a tenth', () => {
    const m = measureDroppedArea(layer(block()), layer(block({ skip: (i) => i === 9 })));
    const exact = rectangleAreaM2(X0 + 9 * D, Y0, X0 + N * D, Y0 + N * D);
    expect(Math.abs(m.droppedM2 - exact) / m.activeM2).toBeLessThan(SHARE_TOLERANCE);
    expect(m.stats.uncovered).toBe(0); // the cells next to the removed column still meet its bboxes
  });

  it('measures land across cell boundaries: every cell renamed and moved east by a quarter cell', () => {
    const m = measureDroppedArea(layer(block()), layer(block({ idPrefix: 'S', shiftX: D / 4 })));
    // Only the western strip a quarter cell wide is left uncovered.
    const exact = rectangleAreaM2(X0, Y0, X0 + D / 4, Y0 + N * D);
    expect(Math.abs(m.droppedM2 - exact) / m.activeM2).toBeLessThan(SHARE_TOLERANCE);
    expect(m.stats.clipped).toBe(100);
  });

  it('agrees with a Turf reference within the stated tolerance on an irregular city with holes and exclaves', () => {
    const active = syntheticCity({ cells: 150, seed: 3, holes: 2, exclaves: 2 }).cells;
    const draft = syntheticCity({ cells: 140, seed: 11, holes: 1, exclaves: 1, spacingM: 310 }).cells;
    const m = droppedAreaOfIndexes(packIndex(buildGridIndex(active)), packIndex(buildGridIndex(draft)));
    // Draft cells do not overlap, so the covered land is the sum of pairwise intersections.
    const box = (c: CellFeature) => {
      const xy = c.geometry.coordinates.flat(Number.POSITIVE_INFINITY) as unknown as number[];
      const xs = xy.filter((_, i) => i % 2 === 0);
      const ys = xy.filter((_, i) => i % 2 === 1);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const;
    };
    const meet = (p: readonly number[], q: readonly number[]) =>
      (p[0] as number) <= (q[2] as number) &&
      (q[0] as number) <= (p[2] as number) &&
      (p[1] as number) <= (q[3] as number) &&
      (q[1] as number) <= (p[3] as number);
    let covered = 0;
    for (const a of active)
      for (const d of draft) {
        if (!meet(box(a), box(d))) continue;
        const both = intersect(featureCollection([a, d]));
        if (both) covered += area(both);
      }
    const activeM2 = active.reduce((sum, c) => sum + area(c), 0);
    expect(Math.abs(m.activeM2 - activeM2) / activeM2).toBeLessThan(1e-9);
    expect(m.droppedM2).toBeGreaterThan(0);
    expect(Math.abs(m.droppedM2 - (activeM2 - covered)) / activeM2).toBeLessThan(SHARE_TOLERANCE);
  }, 60_000); // Turf's overlay of 150 × 140 cells takes seconds on a loaded machine

  it('finds everything dropped when nothing is drafted, and nothing active when no version is active', () => {
    const chunks = packIndex(buildGridIndex(block()));
    expect(share(droppedAreaOfIndexes(chunks, []))).toBe(1);
    expect(droppedAreaOfIndexes([], chunks)).toMatchObject({ activeM2: 0, droppedM2: 0 });
  });
});
