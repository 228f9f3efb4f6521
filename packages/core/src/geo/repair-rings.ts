import type { Position } from './types';
import { orient2d } from './validate-predicates';

/**
 * A ring being repaired: its vertices without the closing repeat, and for each the index of the
 * position in the input ring it came from, so that every problem can name the input position.
 */
export interface TrackedRing {
  readonly pts: Position[];
  readonly src: number[];
}

function same(a: Position | undefined, b: Position | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

/**
 * Opens a ring for repair: drops the closing position if there is one and reports whether there was.
 *
 * @example
 *   openRing([[0, 0], [1, 0], [0, 1]]); // { ring: { pts: [[0,0],[1,0],[0,1]], src: [0,1,2] }, wasClosed: false }
 */
export function openRing(ring: readonly Position[]): { ring: TrackedRing; wasClosed: boolean } {
  const wasClosed = ring.length > 1 && same(ring[0], ring[ring.length - 1]);
  const n = wasClosed ? ring.length - 1 : ring.length;
  const pts = ring.slice(0, n).map((p): Position => [p[0], p[1]]);
  return { ring: { pts, src: pts.map((_, i) => i) }, wasClosed };
}

/**
 * Removes repeated consecutive positions (including repeats of the first position at the end),
 * returning the input indices of those removed.
 *
 * @example
 *   dropRepeats({ pts: [[0, 0], [0, 0], [1, 0], [0, 1]], src: [0, 1, 2, 3] }).removed; // [1]
 */
export function dropRepeats(ring: TrackedRing): { ring: TrackedRing; removed: number[] } {
  const pts: Position[] = [];
  const src: number[] = [];
  const removed: number[] = [];
  ring.pts.forEach((p, i) => {
    if (same(pts[pts.length - 1], p)) {
      removed.push(ring.src[i] ?? i);
      return;
    }
    pts.push(p);
    src.push(ring.src[i] ?? i);
  });
  while (pts.length > 1 && same(pts[0], pts[pts.length - 1])) {
    pts.pop();
    const s = src.pop();
    if (s !== undefined) removed.push(s);
  }
  return { ring: { pts, src }, removed };
}

/** b is the tip of a zero-width spike or gore: the boundary goes a → b and straight back towards a. */
function isSpike(a: Position, b: Position, c: Position): boolean {
  if (orient2d(a[0], a[1], b[0], b[1], c[0], c[1]) !== 0) return false;
  // Collinear: it turns back exactly when a and c lie on the same side of b (exact sign tests).
  return (
    Math.sign(a[0] - b[0]) === Math.sign(c[0] - b[0]) && Math.sign(a[1] - b[1]) === Math.sign(c[1] - b[1])
  );
}

/**
 * Removes zero-width spikes and gores: vertices where the boundary runs out along a line and
 * straight back (exactly collinear, tested exactly), which enclose no area. Removing one can
 * expose another (a spike of several vertices, or a gore whose two sides then coincide), so
 * neighbours are re-examined until none is left. Returns the input indices removed, in the order
 * removed (so the first is a spike's tip), and whether the ring collapsed (fewer than 3 vertices
 * left: it enclosed nothing at all).
 *
 * @example
 *   removeSpikes({ pts: [[0, 0], [2, 0], [2, 2], [3, 3], [2, 2], [0, 2]], src: [0, 1, 2, 3, 4, 5] });
 *   // { ring: { pts: [[0,0],[2,0],[2,2],[0,2]], src: [0,1,4,5] }, removed: [3, 2], collapsed: false }
  // (the tip [3, 3] first, then one of the two [2, 2] that became neighbours)
 */
export function removeSpikes(ring: TrackedRing): {
  ring: TrackedRing;
  removed: number[];
  collapsed: boolean;
} {
  const { pts } = ring;
  const n = pts.length;
  const prev = Int32Array.from({ length: n }, (_, i) => (i + n - 1) % n);
  const next = Int32Array.from({ length: n }, (_, i) => (i + 1) % n);
  const alive = new Uint8Array(n).fill(1);
  let count = n;
  const removed: number[] = [];
  const stack: number[] = [];
  for (let i = n - 1; i >= 0; i--) stack.push(i);
  while (stack.length > 0 && count >= 3) {
    const b = stack.pop() ?? 0;
    if (!alive[b]) continue;
    const a = prev[b] ?? 0;
    const c = next[b] ?? 0;
    const pa = pts[a];
    const pb = pts[b];
    const pc = pts[c];
    if (pa === undefined || pb === undefined || pc === undefined) continue;
    if (!same(pb, pc) && !same(pa, pb) && !isSpike(pa, pb, pc)) continue;
    alive[b] = 0;
    count--;
    removed.push(ring.src[b] ?? b);
    next[a] = c;
    prev[c] = a;
    stack.push(c, a);
  }
  if (count < 3) return { ring: { pts: [], src: [] }, removed, collapsed: true };
  const out: TrackedRing = { pts: [], src: [] };
  for (let i = 0; i < n; i++) {
    const p = pts[i];
    if (alive[i] && p !== undefined) {
      out.pts.push(p);
      out.src.push(ring.src[i] ?? i);
    }
  }
  return { ring: out, removed, collapsed: false };
}

/**
 * The ring closed again, as GeoJSON wants it.
 *
 * @example
 *   closeRing({ pts: [[0, 0], [1, 0], [0, 1]], src: [0, 1, 2] }); // [[0,0],[1,0],[0,1],[0,0]]
 */
export function closeRing(ring: TrackedRing): Position[] {
  const first = ring.pts[0];
  return first === undefined ? [] : [...ring.pts.map((p): Position => [p[0], p[1]]), [first[0], first[1]]];
}
