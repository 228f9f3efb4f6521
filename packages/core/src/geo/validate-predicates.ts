/**
 * Exact geometric predicates for the validity checker and the repair pipeline.
 *
 * Validity is a yes/no question asked about coordinates that people typed or snapped, where
 * collinear vertices and vertices lying exactly on another edge are common (and decide the
 * answer). A plain floating-point cross product gets those wrong, so `orient2d` uses Shewchuk's
 * error-bound filter and falls back to exact BigInt arithmetic when the filter cannot decide.
 * Every other predicate here is built on `orient2d` and exact coordinate comparisons only.
 */

const EPSILON = 2 ** -53;
/** Shewchuk's ccwerrboundA: if |det| exceeds this share of the terms, its sign is right. */
const CCW_ERR_BOUND = (3 + 16 * EPSILON) * EPSILON;

const view = new DataView(new ArrayBuffer(8));

/** Splits a finite double into an exact integer mantissa and a power-of-two exponent. */
function decompose(x: number): { mant: bigint; exp: number } {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mant = expBits === 0 ? frac : frac | 0x10000000000000n;
  const exp = expBits === 0 ? -1074 : expBits - 1075;
  return { mant: negative ? -mant : mant, exp };
}

/** The sign of the orientation determinant, computed without rounding. */
function orient2dExact(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const parts = [ax, ay, bx, by, cx, cy].map(decompose);
  let minExp = Number.POSITIVE_INFINITY;
  for (const p of parts) if (p.mant !== 0n && p.exp < minExp) minExp = p.exp;
  if (minExp === Number.POSITIVE_INFINITY) return 0;
  const [iax = 0n, iay = 0n, ibx = 0n, iby = 0n, icx = 0n, icy = 0n] = parts.map((p) =>
    p.mant === 0n ? 0n : p.mant << BigInt(p.exp - minExp),
  );
  const det = (iax - icx) * (iby - icy) - (iay - icy) * (ibx - icx);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

/**
 * Orientation of c relative to the directed line a→b: 1 left (counter-clockwise), -1 right,
 * 0 exactly collinear.
 *
 * @example
 *   orient2d(0, 0, 1, 0, 0.5, 1); // 1
 *   orient2d(0, 0, 1, 1, 0.1, 0.1); // 0 (exact, although 0.1 is not representable)
 */
export function orient2d(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const detLeft = (ax - cx) * (by - cy);
  const detRight = (ay - cy) * (bx - cx);
  const det = detLeft - detRight;
  let detSum: number;
  if (detLeft > 0) {
    if (detRight <= 0) return Math.sign(det);
    detSum = detLeft + detRight;
  } else if (detLeft < 0) {
    if (detRight >= 0) return Math.sign(det);
    detSum = -detLeft - detRight;
  } else {
    return Math.sign(det);
  }
  const bound = CCW_ERR_BOUND * detSum;
  if (det >= bound || -det >= bound) return Math.sign(det);
  return orient2dExact(ax, ay, bx, by, cx, cy);
}

/** Which quarter-turn [0°,90°), [90°,180°), [180°,270°), [270°,360°) the direction (dx, dy) is in. */
function quadrant(dx: number, dy: number): number {
  if (dx > 0 && dy >= 0) return 0;
  if (dx <= 0 && dy > 0) return 1;
  if (dx < 0 && dy <= 0) return 2;
  return 3;
}

/**
 * Compares the polar angles (from +x, counter-clockwise, in [0°, 360°)) of the directions p→u
 * and p→v: -1 if u comes first, 1 if v does, 0 if they point the same way. Exact.
 *
 * @example
 *   compareAngle(0, 0, 1, 0, 0, 1); // -1 (0° before 90°)
 */
export function compareAngle(px: number, py: number, ux: number, uy: number, vx: number, vy: number): number {
  // The sign of a difference of doubles is exact, so the quadrant is too.
  const qu = quadrant(Math.sign(ux - px), Math.sign(uy - py));
  const qv = quadrant(Math.sign(vx - px), Math.sign(vy - py));
  if (qu !== qv) return qu < qv ? -1 : 1;
  // Within one quadrant the directions are less than 90° apart, so orientation decides.
  return -orient2d(px, py, ux, uy, vx, vy);
}

/**
 * Whether the direction p→q lies strictly inside the sector swept counter-clockwise from the
 * direction p→f to the direction p→t. A direction on either bounding ray is in neither sector.
 *
 * @example
 *   inSector(0, 0, 1, 0, 0, 1, 1, 1); // true: 45° lies between 0° and 90°
 */
export function inSector(
  px: number,
  py: number,
  fx: number,
  fy: number,
  tx: number,
  ty: number,
  qx: number,
  qy: number,
): boolean {
  const fromTo = compareAngle(px, py, fx, fy, tx, ty);
  const fromQ = compareAngle(px, py, fx, fy, qx, qy);
  const qTo = compareAngle(px, py, qx, qy, tx, ty);
  if (fromQ === 0 || qTo === 0) return false;
  return fromTo < 0 ? fromQ < 0 && qTo < 0 : fromQ < 0 || qTo < 0;
}

/**
 * Whether two boundaries that meet at node p cross there (rather than touch): the edges of the
 * second boundary (towards b0 and b1) lie on different sides of the first (towards a0 and a1).
 * Edges lying on top of each other are an overlap, reported elsewhere, so they count as no crossing.
 *
 * @example
 *   isCrossingAtNode([0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]); // true (a plus sign)
 */
export function isCrossingAtNode(
  p: readonly [number, number],
  a0: readonly [number, number],
  a1: readonly [number, number],
  b0: readonly [number, number],
  b1: readonly [number, number],
): boolean {
  const [px, py] = p;
  for (const b of [b0, b1]) {
    if (compareAngle(px, py, a0[0], a0[1], b[0], b[1]) === 0) return false;
    if (compareAngle(px, py, a1[0], a1[1], b[0], b[1]) === 0) return false;
  }
  const side0 = inSector(px, py, a0[0], a0[1], a1[0], a1[1], b0[0], b0[1]);
  const side1 = inSector(px, py, a0[0], a0[1], a1[0], a1[1], b1[0], b1[1]);
  return side0 !== side1;
}

/**
 * Whether c lies on the closed segment a–b (exactly).
 *
 * @example
 *   onSegment(0, 0, 2, 2, 1, 1); // true
 */
export function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  if (cx < Math.min(ax, bx) || cx > Math.max(ax, bx) || cy < Math.min(ay, by) || cy > Math.max(ay, by)) {
    return false;
  }
  return orient2d(ax, ay, bx, by, cx, cy) === 0;
}
