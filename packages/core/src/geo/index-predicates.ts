/**
 * Exact geometric predicates on flat coordinate arrays, shared by the point index and the overlay.
 *
 * The point-in-ring test reproduces `point-in-polygon-hao` (what `@turf/boolean-point-in-polygon`
 * runs) operation for operation: the same rounded differences `x_i - px`, the same edge rules and
 * the exact sign of the same 2×2 determinant. That is what lets the index answer exactly like the
 * brute-force Turf reference, boundary points included, instead of "almost always".
 */
import { type FlatLayer, outsideBox, RING_REC } from './index-flat';
import { orient2d as orient } from './validate-predicates';

/** Shewchuk's error bound for a 2×2 determinant of exact inputs (robust-predicates' ccwerrboundA). */
const EPSILON = 1.1102230246251565e-16;
const ERRBOUND = (3 + 16 * EPSILON) * EPSILON;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Splits a finite double into an integer mantissa and a binary exponent: x = m · 2^e exactly. */
function decompose(x: number): { m: bigint; e: number } {
  f64[0] = x;
  const bits = u64[0] as bigint;
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e: number;
  if (exp === 0) e = -1074;
  else {
    m |= 0x10000000000000n;
    e = exp - 1075;
  }
  return { m: negative ? -m : m, e };
}

/** Exact sign of a·b − c·d with BigInt arithmetic; only reached when the float filter is unsure. */
function exactDiffOfProductsSign(a: number, b: number, c: number, d: number): number {
  const A = decompose(a);
  const B = decompose(b);
  const C = decompose(c);
  const D = decompose(d);
  const e1 = A.e + B.e;
  const e2 = C.e + D.e;
  const emin = Math.min(e1, e2);
  const left = (A.m * B.m) << BigInt(e1 - emin);
  const right = (C.m * D.m) << BigInt(e2 - emin);
  return left > right ? 1 : left < right ? -1 : 0;
}

/**
 * Exact sign of a·b − c·d for finite doubles: a float evaluation when its error bound allows,
 * BigInt otherwise.
 *
 * @example
 *   diffOfProductsSign(0.1, 0.3, 0.3, 0.1); // 0, although 0.1*0.3 - 0.3*0.1 is evaluated in floats
 */
export function diffOfProductsSign(a: number, b: number, c: number, d: number): number {
  const left = a * b;
  const right = c * d;
  const det = left - right;
  const bound = ERRBOUND * (Math.abs(left) + Math.abs(right));
  if (det > bound) return 1;
  if (-det > bound) return -1;
  // A zero factor makes one product exactly zero; the other's sign is then exact even if it underflows.
  if (a === 0 || b === 0) return -(Math.sign(c) * Math.sign(d));
  if (c === 0 || d === 0) return Math.sign(a) * Math.sign(b);
  return exactDiffOfProductsSign(a, b, c, d);
}

/**
 * Exact orientation of c relative to the directed line a→b (1 left, −1 right, 0 collinear): the
 * validator's robust predicate, exact in the original coordinates wherever the city lies.
 */
export { orient2d as orient } from './validate-predicates';

export const OUTSIDE = 0;
export const INSIDE = 1;
export const ON_BOUNDARY = 2;
export type Relation = typeof OUTSIDE | typeof INSIDE | typeof ON_BOUNDARY;

/**
 * Relation of point (x, y) to one polygon (outer ring then holes): rings `ringFrom..ringTo-1`
 * described by `ringRec` records (bbox, vertex range; see index-flat.ts) over `coords` (x, y
 * pairs, rings closed). Rings whose bbox misses the point are skipped: they can neither hold the
 * point on their boundary nor change the crossing parity.
 *
 * Mirrors point-in-polygon-hao 1.2.4 exactly (see the file comment).
 *
 * @example
 *   polygonRelation(layer.coords, layer.ringRec, 0, 1, 120.1, 30.2); // INSIDE | OUTSIDE | ON_BOUNDARY
 */
export function polygonRelation(
  coords: Float64Array,
  ringRec: Float64Array,
  ringFrom: number,
  ringTo: number,
  x: number,
  y: number,
): Relation {
  let crossings = 0;
  for (let r = ringFrom; r < ringTo; r++) {
    const o = RING_REC * r;
    if (outsideBox(ringRec, o, x, y)) continue;
    let i = ringRec[o + 4] as number;
    const last = (ringRec[o + 5] as number) - 1;
    let u1 = (coords[2 * i] as number) - x;
    let v1 = (coords[2 * i + 1] as number) - y;
    for (; i < last; i++) {
      const u2 = (coords[2 * i + 2] as number) - x;
      const v2 = (coords[2 * i + 3] as number) - y;
      if (v1 === 0 && v2 === 0) {
        if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return ON_BOUNDARY;
      } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
        // hao: f = orient2d(u1, u2, v1, v2, 0, 0), whose sign is that of u2·v1 − u1·v2.
        const f = diffOfProductsSign(u2, v1, u1, v2);
        if (f === 0) return ON_BOUNDARY;
        if ((f > 0 && v2 > 0 && v1 <= 0) || (f < 0 && v2 <= 0 && v1 > 0)) crossings++;
      }
      u1 = u2;
      v1 = v2;
    }
  }
  return (crossings & 1) === 1 ? INSIDE : OUTSIDE;
}

/**
 * Relation of a point to feature f of a flat layer: the interior of any part wins over the
 * boundary of another (what Turf does for MultiPolygons, overlapping parts included).
 *
 * @example
 *   featureRelation(layer, 0, 120.1, 30.2); // INSIDE | OUTSIDE | ON_BOUNDARY
 */
export function featureRelation(layer: FlatLayer, f: number, x: number, y: number): Relation {
  const rec = layer.featureRec;
  const o = 8 * f;
  const partFrom = rec[o + 4] as number;
  const partTo = rec[o + 5] as number;
  if (partTo - partFrom === 1)
    return polygonRelation(layer.coords, layer.ringRec, rec[o + 6] as number, rec[o + 7] as number, x, y);
  let onBoundary = false;
  for (let p = partFrom; p < partTo; p++) {
    const rel = polygonRelation(
      layer.coords,
      layer.ringRec,
      layer.partRing[p] as number,
      layer.partRing[p + 1] as number,
      x,
      y,
    );
    if (rel === INSIDE) return INSIDE;
    if (rel === ON_BOUNDARY) onBoundary = true;
  }
  return onBoundary ? ON_BOUNDARY : OUTSIDE;
}

/**
 * Whether closed segments p1–p2 and q1–q2 share at least one point (crossing, touching or
 * overlapping), decided with exact orientations.
 *
 * @example
 *   segmentsMeet(0, 0, 2, 2, 0, 2, 2, 0); // true
 */
export function segmentsMeet(
  p1x: number,
  p1y: number,
  p2x: number,
  p2y: number,
  q1x: number,
  q1y: number,
  q2x: number,
  q2y: number,
): boolean {
  const d1 = orient(q1x, q1y, q2x, q2y, p1x, p1y);
  const d2 = orient(q1x, q1y, q2x, q2y, p2x, p2y);
  const d3 = orient(p1x, p1y, p2x, p2y, q1x, q1y);
  const d4 = orient(p1x, p1y, p2x, p2y, q2x, q2y);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  if (d1 === 0 && onSegment(q1x, q1y, q2x, q2y, p1x, p1y)) return true;
  if (d2 === 0 && onSegment(q1x, q1y, q2x, q2y, p2x, p2y)) return true;
  if (d3 === 0 && onSegment(p1x, p1y, p2x, p2y, q1x, q1y)) return true;
  if (d4 === 0 && onSegment(p1x, p1y, p2x, p2y, q2x, q2y)) return true;
  return false;
}

/** For a point known to be collinear with a–b: whether it lies within the segment's extent. */
function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}
