import { onSegment, orient2d } from './validate-predicates';

/**
 * How two closed segments meet: `cross` in one point interior to both, `overlap` along a stretch
 * of positive length (collinear), `touch` in one point that is an endpoint of at least one of them
 * (x, y are then that endpoint's exact coordinates). `cross` coordinates are rounded and only
 * serve to tell a person where to look.
 */
export interface SegmentHit {
  readonly kind: 'cross' | 'overlap' | 'touch';
  readonly x: number;
  readonly y: number;
}

/**
 * Classifies the intersection of segments a–b and c–d (both of positive length) exactly.
 *
 * @example
 *   intersectSegments(0, 0, 2, 2, 0, 2, 2, 0); // { kind: 'cross', x: 1, y: 1 }
 *   intersectSegments(0, 0, 2, 0, 1, 0, 3, 0); // { kind: 'overlap', x: 1, y: 0 }
 *   intersectSegments(0, 0, 2, 0, 1, 0, 1, 5); // { kind: 'touch', x: 1, y: 0 }
 */
export function intersectSegments(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): SegmentHit | null {
  const o1 = orient2d(ax, ay, bx, by, cx, cy);
  const o2 = orient2d(ax, ay, bx, by, dx, dy);
  if (o1 === o2 && o1 !== 0) return null;
  const o3 = orient2d(cx, cy, dx, dy, ax, ay);
  const o4 = orient2d(cx, cy, dx, dy, bx, by);
  if (o3 === o4 && o3 !== 0) return null;

  if (o1 === 0 && o2 === 0) {
    // Collinear: compare along an axis on which the line is not constant (exact comparisons).
    const useX = ax !== bx;
    const pa = useX ? ax : ay;
    const pb = useX ? bx : by;
    const pc = useX ? cx : cy;
    const pd = useX ? dx : dy;
    const lo = Math.max(Math.min(pa, pb), Math.min(pc, pd));
    const hi = Math.min(Math.max(pa, pb), Math.max(pc, pd));
    if (lo > hi) return null;
    // The endpoint at `lo` belongs to both segments; report it as the location.
    const at = [
      [pa, ax, ay],
      [pb, bx, by],
      [pc, cx, cy],
      [pd, dx, dy],
    ].find(([p]) => p === lo);
    const x = at?.[1] ?? ax;
    const y = at?.[2] ?? ay;
    return { kind: lo < hi ? 'overlap' : 'touch', x, y };
  }

  if (o1 * o2 < 0 && o3 * o4 < 0) {
    const denom = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
    const t = denom === 0 ? 0.5 : ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / denom;
    return { kind: 'cross', x: ax + t * (bx - ax), y: ay + t * (by - ay) };
  }

  // Not collinear and not a proper crossing: they meet (if at all) at an endpoint.
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return { kind: 'touch', x: cx, y: cy };
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return { kind: 'touch', x: dx, y: dy };
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return { kind: 'touch', x: ax, y: ay };
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return { kind: 'touch', x: bx, y: by };
  return null;
}

/**
 * Calls `visit(i, j)` (i < j in sweep order, not index order) for every pair of boxes that
 * overlap or touch, found by a sweep along x: boxes are sorted by their left edge and each is
 * compared only with those starting before it ends. O(n log n + k) for k candidate pairs, which
 * for boundaries drawn from short edges stays close to n. `visit` returns true to stop early.
 *
 * @example
 *   sweepBoxPairs(Float64Array.of(0, 5), Float64Array.of(2, 6), Float64Array.of(0, 0),
 *     Float64Array.of(1, 1), (i, j) => { console.log(i, j); return false; }); // nothing: disjoint
 */
export function sweepBoxPairs(
  minX: Float64Array,
  maxX: Float64Array,
  minY: Float64Array,
  maxY: Float64Array,
  visit: (i: number, j: number) => boolean,
): void {
  const n = minX.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (minX[a] ?? 0) - (minX[b] ?? 0));
  for (let oi = 0; oi < n; oi++) {
    const i = order[oi] ?? 0;
    const right = maxX[i] ?? 0;
    const bottom = minY[i] ?? 0;
    const top = maxY[i] ?? 0;
    for (let oj = oi + 1; oj < n; oj++) {
      const j = order[oj] ?? 0;
      if ((minX[j] ?? 0) > right) break;
      if ((minY[j] ?? 0) > top || (maxY[j] ?? 0) < bottom) continue;
      if (visit(i, j)) return;
    }
  }
}
