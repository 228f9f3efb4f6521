/**
 * Clipping helpers for the overlay: polygons go to clipper2-ts on an integer grid local to each
 * clip (docs/decisions/0004-overlay-engine.md), and areas come back with the same spherical
 * formula as `@turf/area`.
 *
 * Each clip has its own origin (the min corner of its window) and a scale of 2^40 units per
 * degree (one unit ≈ 0.1 µm on the ground). Subtracting a nearby origin is exact for coordinates
 * within a factor of two of it, so only the final rounding moves a vertex, by at most 0.05 µm:
 * shares stay within ~1e-9 of the float result, and even 1 m² slivers within ~1e-6. Windows up
 * to ~8000 km keep coordinates below 2^53 (exact integers); products beyond 2^53 are rounded, as
 * in Clipper2's own C# code, which is built for that.
 */
import { Clipper, FillRule, type Path64, type Paths64, type Point64 } from 'clipper2-ts';
import { EARTH_RADIUS_M } from './measure';

const SCALE = 2 ** 40;
const RAD = Math.PI / 180;
const AREA_FACTOR = (EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;

/** A clip window: its origin for quantisation and its bounds for pre-clipping large polygons. */
export interface ClipWindow {
  readonly ox: number;
  readonly oy: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * A window around a bbox, padded so that pre-clipping artefacts (new vertices on the window's
 * edge) lie strictly outside everything being measured.
 *
 * @example
 *   const win = clipWindow(120.1, 30.2, 120.11, 30.21);
 */
export function clipWindow(minX: number, minY: number, maxX: number, maxY: number): ClipWindow {
  const pad = Math.max(maxX - minX, maxY - minY) * 0.01 + 1e-9;
  return { ox: minX - pad, oy: minY - pad, x0: minX - pad, y0: minY - pad, x1: maxX + pad, y1: maxY + pad };
}

/**
 * Integer path of ring vertices `from..to-1` (closed ring; the closing vertex is dropped).
 *
 * @example
 *   const path = quantizeRing(layer.coords, 0, 5, win);
 */
export function quantizeRing(coords: ArrayLike<number>, from: number, to: number, win: ClipWindow): Path64 {
  const path: Path64 = [];
  for (let i = from; i < to - 1; i++)
    path.push({
      x: Math.round(((coords[2 * i] as number) - win.ox) * SCALE),
      y: Math.round(((coords[2 * i + 1] as number) - win.oy) * SCALE),
    });
  return dropAxisRuns(path);
}

const onAxisLine = (a: Point64, b: Point64, c: Point64) =>
  (a.y === b.y && b.y === c.y) || (a.x === b.x && b.x === c.x);
const same = (a: Point64 | undefined, b: Point64 | undefined) =>
  a !== undefined && b !== undefined && a.x === b.x && a.y === b.y;

/**
 * Drops repeated vertices and every vertex between two horizontal (or two vertical) edges.
 * clipper2-ts 2.0.1 can loop forever on consecutive horizontal edges that run in opposite
 * directions (upstream PR #36, open), and window clipping makes exactly those along the window's
 * edge; rounding to the grid can make them from a near-spike too. Such vertices bound no area and
 * change no winding number off their line, so dropping them is exact (integer comparisons).
 * Returns an empty path when fewer than three vertices remain.
 *
 * @example dropAxisRuns([{x:0,y:0},{x:5,y:0},{x:2,y:0},{x:2,y:3}]) // [{x:0,y:0},{x:2,y:0},{x:2,y:3}]
 */
export function dropAxisRuns(path: Path64): Path64 {
  const out: Point64[] = [];
  for (const p of path) {
    while (out.length >= 2 && onAxisLine(out[out.length - 2] as Point64, out[out.length - 1] as Point64, p))
      out.pop();
    if (!same(out[out.length - 1], p)) out.push(p);
  }
  // The seam between the last vertex and the first.
  for (let changed = true; changed && out.length >= 3; ) {
    changed = false;
    const n = out.length;
    const [first, second] = [out[0] as Point64, out[1] as Point64];
    const [beforeLast, last] = [out[n - 2] as Point64, out[n - 1] as Point64];
    if (same(last, first) || onAxisLine(beforeLast, last, first)) {
      out.pop();
      changed = true;
    } else if (onAxisLine(last, first, second)) {
      out.shift();
      changed = true;
    }
  }
  return out.length >= 3 ? out : [];
}

/**
 * A closed ring (vertices `from..to-1`) clipped to the window (Sutherland–Hodgman, in floats) and
 * quantised. The result may run along the window's edge in degenerate slivers; they have no area
 * and keep every winding number inside the window, which is all a NonZero intersection needs.
 * Returns an empty path when nothing of the ring is inside.
 *
 * @example
 *   const clip = clipRingToWindow(zones.coords, from, to, win);
 */
export function clipRingToWindow(
  coords: ArrayLike<number>,
  from: number,
  to: number,
  win: ClipWindow,
): Path64 {
  let ring: number[] = [];
  for (let i = from; i < to - 1; i++) ring.push(coords[2 * i] as number, coords[2 * i + 1] as number);
  ring = clipHalfPlane(ring, 0, win.x0, true);
  ring = clipHalfPlane(ring, 0, win.x1, false);
  ring = clipHalfPlane(ring, 1, win.y0, true);
  ring = clipHalfPlane(ring, 1, win.y1, false);
  const path: Path64 = [];
  for (let i = 0; i < ring.length; i += 2)
    path.push({
      x: Math.round(((ring[i] as number) - win.ox) * SCALE),
      y: Math.round(((ring[i + 1] as number) - win.oy) * SCALE),
    });
  return dropAxisRuns(path);
}

/** One Sutherland–Hodgman pass: keeps the side of `axis = bound` given by `keepAbove`. */
function clipHalfPlane(ring: number[], axis: 0 | 1, bound: number, keepAbove: boolean): number[] {
  const n = ring.length / 2;
  const out: number[] = [];
  if (n === 0) return out;
  const other = 1 - axis;
  let px = ring[2 * n - 2] as number;
  let py = ring[2 * n - 1] as number;
  let pIn = keepAbove ? (axis === 0 ? px : py) >= bound : (axis === 0 ? px : py) <= bound;
  for (let i = 0; i < n; i++) {
    const cx = ring[2 * i] as number;
    const cy = ring[2 * i + 1] as number;
    const cv = axis === 0 ? cx : cy;
    const cIn = keepAbove ? cv >= bound : cv <= bound;
    if (cIn !== pIn) {
      const pa = axis === 0 ? px : py;
      const po = axis === 0 ? py : px;
      const co = axis === 0 ? cy : cx;
      const t = (bound - pa) / (cv - pa);
      const at = po + t * (co - po);
      if (other === 1) out.push(bound, at);
      else out.push(at, bound);
    }
    if (cIn) out.push(cx, cy);
    px = cx;
    py = cy;
    pIn = cIn;
  }
  return out;
}

/**
 * Geodesic area (m², Turf's formula) of the NonZero intersection of two sets of integer paths in
 * one window.
 *
 * @example
 *   intersectionAreaM2(cellPaths, zonePaths, win); // 123456.7
 */
export function intersectionAreaM2(subject: Paths64, clip: Paths64, win: ClipWindow): number {
  if (subject.length === 0 || clip.length === 0) return 0;
  return pathsAreaM2(Clipper.intersect(subject, clip, FillRule.NonZero), win);
}

/**
 * Geodesic area of integer paths (outer rings and holes with opposite orientations, as clipper2
 * returns them): the shoelace sum in longitude × sin(latitude), as in `@turf/area`.
 *
 * @example
 *   pathsAreaM2([quantizeRing(coords, 0, 5, win)], win); // the ring's area in m²
 */
export function pathsAreaM2(paths: Paths64, win: ClipWindow): number {
  let total = 0;
  for (const path of paths) {
    const n = path.length;
    if (n < 3) continue;
    let sum = 0;
    let prev = path[n - 1] as { x: number; y: number };
    let cur = path[0] as { x: number; y: number };
    for (let i = 0; i < n; i++) {
      const next = path[i + 1 === n ? 0 : i + 1] as { x: number; y: number };
      sum += (next.x - prev.x) * Math.sin((win.oy + cur.y / SCALE) * RAD);
      prev = cur;
      cur = next;
    }
    total += sum;
  }
  return Math.abs(total) * (RAD / SCALE) * AREA_FACTOR;
}
