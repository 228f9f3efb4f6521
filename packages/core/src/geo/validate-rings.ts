import { inSector, onSegment, orient2d } from './validate-predicates';

/**
 * A ring as the checker sees it: its distinct consecutive vertices (repeats and the closing
 * position dropped, so vertex k is followed by vertex (k + 1) mod n), where each came from in the
 * caller's ring (`src`), and its bounding box.
 */
export interface PreparedRing {
  readonly polygon: number;
  readonly ring: number;
  readonly n: number;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly src: Int32Array;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * Builds a PreparedRing from finite positions (closed or not: a closing repeat is dropped).
 *
 * @example
 *   prepareRing([[0, 0], [1, 0], [1, 0], [0, 1], [0, 0]], 0, 0).n; // 3
 */
export function prepareRing(
  positions: readonly (readonly number[])[],
  polygon: number,
  ring: number,
): PreparedRing {
  const xs: number[] = [];
  const ys: number[] = [];
  const src: number[] = [];
  for (let i = 0; i < positions.length; i++) {
    const x = positions[i]?.[0] ?? Number.NaN;
    const y = positions[i]?.[1] ?? Number.NaN;
    const last = xs.length - 1;
    if (last >= 0 && xs[last] === x && ys[last] === y) continue;
    xs.push(x);
    ys.push(y);
    src.push(i);
  }
  while (xs.length > 1 && xs[0] === xs[xs.length - 1] && ys[0] === ys[ys.length - 1]) {
    xs.pop();
    ys.pop();
    src.pop();
  }
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k] ?? 0;
    const y = ys[k] ?? 0;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return {
    polygon,
    ring,
    n: xs.length,
    xs: Float64Array.from(xs),
    ys: Float64Array.from(ys),
    src: Int32Array.from(src),
    minX,
    minY,
    maxX,
    maxY,
  };
}

/**
 * Orientation of a ring that does not cross or touch itself, decided exactly at its lowest
 * leftmost vertex (which is convex, so its turn is never collinear in a simple ring).
 *
 * @example
 *   ringIsCounterClockwise(prepareRing([[0, 0], [1, 0], [0, 1], [0, 0]], 0, 0)); // true
 */
export function ringIsCounterClockwise(r: PreparedRing): boolean {
  const { n, xs, ys } = r;
  if (n < 3) return true;
  let best = 0;
  for (let k = 1; k < n; k++) {
    const x = xs[k] ?? 0;
    const bx = xs[best] ?? 0;
    if (x < bx || (x === bx && (ys[k] ?? 0) < (ys[best] ?? 0))) best = k;
  }
  const p = (best + n - 1) % n;
  const q = (best + 1) % n;
  const o = orient2d(xs[p] ?? 0, ys[p] ?? 0, xs[best] ?? 0, ys[best] ?? 0, xs[q] ?? 0, ys[q] ?? 0);
  return o > 0;
}

/**
 * Where a point lies relative to a ring: winding-number test with exact orientation, so that
 * points on the boundary are recognised as such.
 *
 * @example
 *   locateInRing(prepareRing([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], 0, 0), 1, 0); // 'boundary'
 */
export function locateInRing(r: PreparedRing, x: number, y: number): 'interior' | 'exterior' | 'boundary' {
  if (x < r.minX || x > r.maxX || y < r.minY || y > r.maxY) return 'exterior';
  const { n, xs, ys } = r;
  let winding = 0;
  for (let k = 0; k < n; k++) {
    const ax = xs[k] ?? 0;
    const ay = ys[k] ?? 0;
    const bx = xs[(k + 1) % n] ?? 0;
    const by = ys[(k + 1) % n] ?? 0;
    if (onSegment(ax, ay, bx, by, x, y)) return 'boundary';
    if (ay <= y) {
      if (by > y && orient2d(ax, ay, bx, by, x, y) > 0) winding++;
    } else if (by <= y && orient2d(ax, ay, bx, by, x, y) < 0) {
      winding--;
    }
  }
  return winding === 0 ? 'exterior' : 'interior';
}

/**
 * The boundary of ring r around a point p on it: the vertices before and after p if p is a
 * vertex, else the ends of the edge p lies on. Null if p is not on r.
 *
 * @example
 *   ringNeighbours(prepareRing([[0, 0], [2, 0], [2, 2], [0, 0]], 0, 0), 1, 0); // { prev: [0, 0], next: [2, 0] }
 */
export function ringNeighbours(
  r: PreparedRing,
  x: number,
  y: number,
): { prev: [number, number]; next: [number, number] } | null {
  const { n, xs, ys } = r;
  const at = (k: number): [number, number] => [xs[(k + n) % n] ?? 0, ys[(k + n) % n] ?? 0];
  for (let k = 0; k < n; k++) {
    if (xs[k] === x && ys[k] === y) return { prev: at(k - 1), next: at(k + 1) };
  }
  for (let k = 0; k < n; k++) {
    const [ax, ay] = at(k);
    const [bx, by] = at(k + 1);
    if (onSegment(ax, ay, bx, by, x, y)) return { prev: [ax, ay], next: [bx, by] };
  }
  return null;
}

/**
 * Whether ring `test` lies inside ring `target`, assuming the two do not cross (only touch).
 * Follows JTS PolygonTopologyAnalyzer.isRingNested: the first vertex decides unless it is on the
 * target's boundary; then the direction of test's first edge, compared with the target's
 * interior angle at that point, decides (the edge cannot leave the side it starts on).
 *
 * @example
 *   const outer = prepareRing([[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], 0, 0);
 *   isRingNested(prepareRing([[0, 0], [2, 1], [1, 2], [0, 0]], 0, 1), outer); // true
 */
export function isRingNested(test: PreparedRing, target: PreparedRing): boolean {
  const x0 = test.xs[0] ?? 0;
  const y0 = test.ys[0] ?? 0;
  const loc = locateInRing(target, x0, y0);
  if (loc !== 'boundary') return loc === 'interior';
  const x1 = test.xs[1 % test.n] ?? 0;
  const y1 = test.ys[1 % test.n] ?? 0;
  const around = ringNeighbours(target, x0, y0);
  if (around === null) return false;
  const { prev, next } = around;
  // Walking a counter-clockwise ring, the interior is on the left: the sector swept
  // counter-clockwise from the outgoing edge to the incoming one.
  return ringIsCounterClockwise(target)
    ? inSector(x0, y0, next[0], next[1], prev[0], prev[1], x1, y1)
    : inSector(x0, y0, prev[0], prev[1], next[0], next[1], x1, y1);
}
