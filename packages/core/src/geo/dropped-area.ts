/**
 * The land an active grid covers that a draft no longer covers, by geometry, not by cell id
 * (docs/decisions/0026-geometric-dropped-area.md): area(∪ active cells ∖ ∪ draft cells).
 *
 * A grid's cells tile its land, so the union of the active cells is taken as the sum of its cells
 * (cells that overlap, which validation does not refuse, count their overlap once per cell in both
 * sums), and the dropped land as the sum, per active cell, of the cell minus the union of the draft
 * cells whose bboxes meet it (overlapping draft cells are unioned exactly: NonZero fill). Per active cell, cheapest first:
 *  1. no draft cell's bbox meets it → dropped whole;
 *  2. a draft cell with the very same rings (any id: a renamed cell) → nothing dropped;
 *  3. otherwise clipper2-ts (overlay-clip.ts, the overlay's integer grid): the cell minus those
 *     draft cells, each cut to the cell's window first.
 * A new version mostly repeats the old one's geometry, so most cells end at step 2.
 */
import type { Paths64 } from 'clipper2-ts';
import { Clipper, FillRule } from 'clipper2-ts';
import type { GridIndex } from './grid-index';
import { FEATURE_REC, type FlatLayer, featureBox, flattenGeometries, RING_REC } from './index-flat';
import { flatRingAreaSigned } from './measure';
import { boxTree, featurePaths, featureRingsInWindow } from './overlay';
import { clipWindow, pathsAreaM2 } from './overlay-clip';
import { loadGridIndexFromChunks } from './packed';

export interface DroppedArea {
  /** Area of the active cells (their sum: a grid's cells tile its land). */
  readonly activeM2: number;
  /** Area of the active cells not covered by any draft cell. */
  readonly droppedM2: number;
  /** How the active cells were decided; for the bench and the decision record. */
  readonly stats: {
    readonly cells: number;
    readonly uncovered: number;
    readonly same: number;
    readonly clipped: number;
  };
}

/**
 * Measures what the draft no longer covers of the active grid, geometrically.
 *
 * @example
 *   const { activeM2, droppedM2 } = measureDroppedArea(activeLayer, draftLayer);
 *   droppedM2 / activeM2; // 0 for the same land under new ids, ~0.5 for every cell halved
 */
export function measureDroppedArea(active: FlatLayer, draft: FlatLayer): DroppedArea {
  const stats = { cells: active.count, uncovered: 0, same: 0, clipped: 0 };
  let activeM2 = 0;
  let droppedM2 = 0;
  const tree = boxTree(draft);
  for (let a = 0; a < active.count; a++) {
    const cellM2 = featureAreaM2(active, a);
    activeM2 += cellM2;
    const [x0, y0, x1, y1] = featureBox(active, a);
    const candidates = tree === null ? [] : tree.search(x0, y0, x1, y1);
    if (candidates.length === 0) {
      stats.uncovered++;
      droppedM2 += cellM2;
      continue;
    }
    if (candidates.some((d) => sameRings(active, a, draft, d))) {
      stats.same++;
      continue;
    }
    stats.clipped++;
    const win = clipWindow(x0, y0, x1, y1);
    const subject = featurePaths(active, a, win);
    const clip: Paths64 = [];
    for (const d of candidates) clip.push(...featureRingsInWindow(draft, d, win));
    droppedM2 += pathsAreaM2(Clipper.difference(subject, clip, FillRule.NonZero), win);
  }
  return { activeM2, droppedM2, stats };
}

/**
 * The same measure over two versions' packed point indexes (the chunks each version stores).
 *
 * @example droppedAreaOfIndexes(activeChunks, draftChunks).droppedM2
 */
export function droppedAreaOfIndexes(
  active: readonly Uint8Array[],
  draft: readonly Uint8Array[],
): DroppedArea {
  // No chunks: no version (nothing active yet), so no cells.
  const layerOf = (chunks: readonly Uint8Array[]) =>
    chunks.length === 0 ? flattenGeometries([]) : decodedLayer(loadGridIndexFromChunks(chunks));
  return measureDroppedArea(layerOf(active), layerOf(draft));
}

/**
 * An index's cells with every coordinate decoded: a packed index with 1e-7° integers decodes a
 * cell only when a query touches it (grid-index.ts), and this reads them all.
 */
export function decodedLayer(index: GridIndex): FlatLayer {
  const { layer, pendingCoords } = index.data;
  if (pendingCoords === undefined) return layer;
  const coords = new Float64Array(pendingCoords.length);
  for (let i = 0; i < coords.length; i++) coords[i] = (pendingCoords[i] as number) / 1e7;
  return { ...layer, coords };
}

/** Geodesic area of a feature: outer rings minus holes (Turf's formula, as stored areas are). */
function featureAreaM2(layer: FlatLayer, f: number): number {
  const o = FEATURE_REC * f;
  let total = 0;
  for (let p = layer.featureRec[o + 4] as number; p < (layer.featureRec[o + 5] as number); p++) {
    const first = layer.partRing[p] as number;
    const end = layer.partRing[p + 1] as number;
    for (let r = first; r < end; r++) {
      const ro = RING_REC * r;
      const ring = Math.abs(
        flatRingAreaSigned(
          layer.coords,
          layer.ringRec[ro + 4] as number,
          (layer.ringRec[ro + 5] as number) - 1,
        ),
      );
      total += r === first ? ring : -ring;
    }
  }
  return total;
}

/** Whether feature a of one layer and feature b of another have identical rings, vertex for vertex. */
function sameRings(la: FlatLayer, a: number, lb: FlatLayer, b: number): boolean {
  const oa = FEATURE_REC * a;
  const ob = FEATURE_REC * b;
  for (let i = 0; i < 4; i++) if (la.featureRec[oa + i] !== lb.featureRec[ob + i]) return false;
  const parts = (la.featureRec[oa + 5] as number) - (la.featureRec[oa + 4] as number);
  if (parts !== (lb.featureRec[ob + 5] as number) - (lb.featureRec[ob + 4] as number)) return false;
  const ra = la.featureRec[oa + 6] as number;
  const rb = lb.featureRec[ob + 6] as number;
  const rings = (la.featureRec[oa + 7] as number) - ra;
  if (rings !== (lb.featureRec[ob + 7] as number) - rb) return false;
  for (let p = 0; p < parts; p++) {
    const pa = (la.featureRec[oa + 4] as number) + p;
    const pb = (lb.featureRec[ob + 4] as number) + p;
    if ((la.partRing[pa] as number) - ra !== (lb.partRing[pb] as number) - rb) return false;
  }
  for (let r = 0; r < rings; r++) {
    const va = la.ringRec[RING_REC * (ra + r) + 4] as number;
    const vaEnd = la.ringRec[RING_REC * (ra + r) + 5] as number;
    const vb = lb.ringRec[RING_REC * (rb + r) + 4] as number;
    if (vaEnd - va !== (lb.ringRec[RING_REC * (rb + r) + 5] as number) - vb) return false;
    for (let i = 0; i < 2 * (vaEnd - va); i++)
      if (la.coords[2 * va + i] !== lb.coords[2 * vb + i]) return false;
  }
  return true;
}
