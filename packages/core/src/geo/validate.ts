import type { Position } from './types';
import { isCrossingAtNode, onSegment } from './validate-predicates';
import { isRingNested, type PreparedRing, prepareRing } from './validate-rings';
import { intersectSegments, sweepBoxPairs } from './validate-segments';

/**
 * Why a polygon is not valid under the OGC Simple Features rules as JTS implements them
 * (IsValidOp): winding does not matter, repeated consecutive positions are allowed, and a ring
 * touching itself, even at a single point, is not.
 */
export type ValidityReason =
  | 'invalid_coordinate'
  | 'ring_not_closed'
  | 'too_few_points'
  | 'self_intersection'
  | 'ring_self_touch'
  | 'hole_outside_shell'
  | 'nested_holes'
  | 'nested_shells'
  | 'disconnected_interior';

/** Where in the input a ring is: polygon index (0 for a Polygon), ring index, position index. */
export interface RingLocation {
  readonly polygon: number;
  readonly ring: number;
  /** Index into the caller's ring (repeated positions counted), or null for the whole ring. */
  readonly position: number | null;
}

export interface ValidityIssue extends RingLocation {
  readonly reason: ValidityReason;
  readonly message: string;
  /** A coordinate at or near the defect (rounded where it is a computed crossing point). */
  readonly location: Position | null;
  /** The second ring, when two rings meet badly. */
  readonly other?: RingLocation;
}

export interface ValidityResult {
  readonly valid: boolean;
  /** The first issue's reason and location, null when valid. */
  readonly reason: ValidityReason | null;
  readonly location: Position | null;
  readonly issues: readonly ValidityIssue[];
}

export interface ValidityOptions {
  /** Collect every issue of the first failing stage instead of stopping at the first (default false). */
  readonly all?: boolean;
  /** Stop after this many issues when `all` is set (default 100). */
  readonly maxIssues?: number;
}

/** Anything shaped like a GeoJSON Polygon or MultiPolygon; positions are checked at run time. */
export interface PolygonalInput {
  readonly type: 'Polygon' | 'MultiPolygon';
  readonly coordinates: readonly unknown[];
}

type Ring = readonly (readonly number[])[];

class Issues {
  readonly list: ValidityIssue[] = [];
  constructor(private readonly limit: number) {}
  add(issue: ValidityIssue): boolean {
    this.list.push(issue);
    return this.full();
  }
  full(): boolean {
    return this.list.length >= this.limit;
  }
}

function fmt(x: number, y: number): string {
  return `[${x}, ${y}]`;
}

function where(r: PreparedRing, position: number | null): RingLocation {
  return { polygon: r.polygon, ring: r.ring, position };
}

function ringName(r: PreparedRing): string {
  return r.ring === 0 ? `shell of polygon ${r.polygon}` : `hole ${r.ring} of polygon ${r.polygon}`;
}

/** Stage 1: every position a finite pair, rings closed and with at least 3 distinct vertices. */
function checkRings(polygons: readonly (readonly Ring[])[], issues: Issues): PreparedRing[] {
  const prepared: PreparedRing[] = [];
  polygons.forEach((rings, p) => {
    rings.forEach((ring, r) => {
      if (issues.full()) return;
      const bad = ring.findIndex(
        (pos) =>
          !Array.isArray(pos) || pos.length < 2 || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1]),
      );
      if (bad >= 0) {
        issues.add({
          reason: 'invalid_coordinate',
          message: `position ${bad} of ring ${r} of polygon ${p} is not a pair of finite numbers`,
          location: null,
          polygon: p,
          ring: r,
          position: bad,
        });
        return;
      }
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first === undefined || last === undefined || first[0] !== last[0] || first[1] !== last[1]) {
        issues.add({
          reason: 'ring_not_closed',
          message: `ring ${r} of polygon ${p} is not closed`,
          location: last ? [last[0] ?? 0, last[1] ?? 0] : null,
          polygon: p,
          ring: r,
          position: Math.max(ring.length - 1, 0),
        });
        return;
      }
      const pr = prepareRing(ring, p, r);
      if (pr.n < 3) {
        issues.add({
          reason: 'too_few_points',
          message: `ring ${r} of polygon ${p} has ${pr.n} distinct vertices; a ring needs at least 3`,
          location: [first[0] ?? 0, first[1] ?? 0],
          polygon: p,
          ring: r,
          position: 0,
        });
        return;
      }
      prepared.push(pr);
    });
  });
  return prepared;
}

/** A point where two different rings meet without crossing (a node of the ring graph). */
interface Touch {
  readonly a: number;
  readonly b: number;
  readonly x: number;
  readonly y: number;
}

/** Encodes where a hit point lies on segment k of r: a vertex index, or -(k + 1) for the interior of edge k. */
function locOnSegment(r: PreparedRing, k: number, x: number, y: number): number {
  if (r.xs[k] === x && r.ys[k] === y) return k;
  const k1 = (k + 1) % r.n;
  if (r.xs[k1] === x && r.ys[k1] === y) return k1;
  return -(k + 1);
}

function neighboursAt(r: PreparedRing, loc: number): [[number, number], [number, number]] {
  const n = r.n;
  const at = (k: number): [number, number] => [r.xs[(k + n) % n] ?? 0, r.ys[(k + n) % n] ?? 0];
  if (loc >= 0) return [at(loc - 1), at(loc + 1)];
  const k = -loc - 1;
  return [at(k), at(k + 1)];
}

/** The caller's index of the vertex at (x, y), or of the start of the edge through it. */
function positionOfPoint(r: PreparedRing, x: number, y: number): number | null {
  for (let k = 0; k < r.n; k++) if (r.xs[k] === x && r.ys[k] === y) return r.src[k] ?? null;
  for (let k = 0; k < r.n; k++) {
    const k1 = (k + 1) % r.n;
    if (onSegment(r.xs[k] ?? 0, r.ys[k] ?? 0, r.xs[k1] ?? 0, r.ys[k1] ?? 0, x, y)) return r.src[k] ?? null;
  }
  return null;
}

function positionOf(r: PreparedRing, loc: number): number {
  return r.src[loc >= 0 ? loc : -loc - 1] ?? 0;
}

/**
 * Stage 2: no edges crossing or overlapping anywhere, no ring touching itself, no two rings
 * crossing at a shared vertex. Returns the points where different rings touch.
 */
function checkIntersections(rings: readonly PreparedRing[], issues: Issues): Touch[] {
  let total = 0;
  for (const r of rings) total += r.n;
  const segRing = new Int32Array(total);
  const segK = new Int32Array(total);
  const minX = new Float64Array(total);
  const maxX = new Float64Array(total);
  const minY = new Float64Array(total);
  const maxY = new Float64Array(total);
  let s = 0;
  rings.forEach((r, ri) => {
    for (let k = 0; k < r.n; k++, s++) {
      const k1 = (k + 1) % r.n;
      const ax = r.xs[k] ?? 0;
      const ay = r.ys[k] ?? 0;
      const bx = r.xs[k1] ?? 0;
      const by = r.ys[k1] ?? 0;
      segRing[s] = ri;
      segK[s] = k;
      minX[s] = Math.min(ax, bx);
      maxX[s] = Math.max(ax, bx);
      minY[s] = Math.min(ay, by);
      maxY[s] = Math.max(ay, by);
    }
  });

  const touches: Touch[] = [];
  const touchSeen = new Set<string>();
  const selfSeen = new Set<string>();
  sweepBoxPairs(minX, maxX, minY, maxY, (i, j) => {
    const ri = segRing[i] ?? 0;
    const rj = segRing[j] ?? 0;
    const r1 = rings[ri];
    const r2 = rings[rj];
    if (r1 === undefined || r2 === undefined) return false;
    const k1 = segK[i] ?? 0;
    const k2 = segK[j] ?? 0;
    const n1 = r1.n;
    const hit = intersectSegments(
      r1.xs[k1] ?? 0,
      r1.ys[k1] ?? 0,
      r1.xs[(k1 + 1) % n1] ?? 0,
      r1.ys[(k1 + 1) % n1] ?? 0,
      r2.xs[k2] ?? 0,
      r2.ys[k2] ?? 0,
      r2.xs[(k2 + 1) % r2.n] ?? 0,
      r2.ys[(k2 + 1) % r2.n] ?? 0,
    );
    if (hit === null) return false;
    const sameRing = ri === rj;
    const adjacent = sameRing && ((k1 + 1) % n1 === k2 || (k2 + 1) % n1 === k1);
    if (adjacent && hit.kind !== 'overlap') return false;
    const location: Position = [hit.x, hit.y];
    if (hit.kind !== 'touch') {
      const what = hit.kind === 'cross' ? 'cross' : 'overlap (run along each other)';
      const message = sameRing
        ? adjacent
          ? `${ringName(r1)} turns back on itself (a zero-width spike) at ${fmt(hit.x, hit.y)}`
          : `edges of the ${ringName(r1)} ${what} at ${fmt(hit.x, hit.y)}`
        : `the ${ringName(r1)} and the ${ringName(r2)} ${what} at ${fmt(hit.x, hit.y)}`;
      // Report the earlier ring (or the earlier position of one ring) first, whatever the sweep order.
      const p1 = r1.src[k1] ?? 0;
      const p2 = r2.src[k2] ?? 0;
      const [first, second] =
        ri < rj || (ri === rj && p1 <= p2) ? [where(r1, p1), where(r2, p2)] : [where(r2, p2), where(r1, p1)];
      return issues.add({
        reason: 'self_intersection',
        message,
        location,
        ...first,
        ...(sameRing && adjacent ? {} : { other: second }),
      });
    }
    const l1 = locOnSegment(r1, k1, hit.x, hit.y);
    const l2 = locOnSegment(r2, k2, hit.x, hit.y);
    if (sameRing) {
      const key = `${ri}:${hit.x}:${hit.y}`;
      if (selfSeen.has(key)) return false;
      selfSeen.add(key);
      const [a0, a1] = neighboursAt(r1, l1);
      const [b0, b1] = neighboursAt(r1, l2);
      const crossing = isCrossingAtNode(location, a0, a1, b0, b1);
      return issues.add({
        reason: crossing ? 'self_intersection' : 'ring_self_touch',
        message: crossing
          ? `the ${ringName(r1)} crosses itself at ${fmt(hit.x, hit.y)}`
          : `the ${ringName(r1)} touches itself at ${fmt(hit.x, hit.y)}; a ring may not (split it, or make the pinched part a hole)`,
        location,
        ...where(r1, Math.min(positionOf(r1, l1), positionOf(r1, l2))),
        other: where(r1, Math.max(positionOf(r1, l1), positionOf(r1, l2))),
      });
    }
    const [a, b, la, lb] = ri < rj ? [ri, rj, l1, l2] : [rj, ri, l2, l1];
    const key = `${a}:${b}:${hit.x}:${hit.y}`;
    if (touchSeen.has(key)) return false;
    touchSeen.add(key);
    const ra = rings[a];
    const rb = rings[b];
    if (ra === undefined || rb === undefined) return false;
    const [a0, a1] = neighboursAt(ra, la);
    const [b0, b1] = neighboursAt(rb, lb);
    if (isCrossingAtNode(location, a0, a1, b0, b1)) {
      return issues.add({
        reason: 'self_intersection',
        message: `the ${ringName(ra)} and the ${ringName(rb)} cross at ${fmt(hit.x, hit.y)}`,
        location,
        ...where(ra, positionOf(ra, la)),
        other: where(rb, positionOf(rb, lb)),
      });
    }
    touches.push({ a, b, x: hit.x, y: hit.y });
    return false;
  });
  return touches;
}

function boxCovers(outer: PreparedRing, inner: PreparedRing): boolean {
  return (
    outer.minX <= inner.minX &&
    outer.maxX >= inner.maxX &&
    outer.minY <= inner.minY &&
    outer.maxY >= inner.maxY
  );
}

function firstPoint(r: PreparedRing): Position {
  return [r.xs[0] ?? 0, r.ys[0] ?? 0];
}

/** Stage 3: holes inside their shell, holes not inside each other, polygons not inside each other. */
function checkNesting(rings: readonly PreparedRing[], polygonCount: number, issues: Issues): void {
  const byPolygon: PreparedRing[][] = Array.from({ length: polygonCount }, () => []);
  for (const r of rings) byPolygon[r.polygon]?.push(r);
  for (const polyRings of byPolygon) {
    const [shell, ...holes] = polyRings;
    if (shell === undefined || shell.ring !== 0) continue;
    for (const hole of holes) {
      if (!boxCovers(shell, hole) || !isRingNested(hole, shell)) {
        if (
          issues.add({
            reason: 'hole_outside_shell',
            message: `hole ${hole.ring} of polygon ${hole.polygon} lies outside its shell`,
            location: firstPoint(hole),
            ...where(hole, hole.src[0] ?? 0),
          })
        ) {
          return;
        }
      }
    }
    for (const inner of holes) {
      for (const outer of holes) {
        if (inner === outer || !boxCovers(outer, inner) || !isRingNested(inner, outer)) continue;
        if (
          issues.add({
            reason: 'nested_holes',
            message: `hole ${inner.ring} of polygon ${inner.polygon} lies inside hole ${outer.ring}`,
            location: firstPoint(inner),
            ...where(inner, inner.src[0] ?? 0),
            other: where(outer, null),
          })
        ) {
          return;
        }
      }
    }
  }
  for (const inner of byPolygon) {
    const innerShell = inner[0];
    if (innerShell === undefined || innerShell.ring !== 0) continue;
    for (const outer of byPolygon) {
      const [outerShell, ...outerHoles] = outer;
      if (outer === inner || outerShell === undefined || outerShell.ring !== 0) continue;
      if (!boxCovers(outerShell, innerShell) || !isRingNested(innerShell, outerShell)) continue;
      if (outerHoles.some((h) => boxCovers(h, innerShell) && isRingNested(innerShell, h))) continue;
      if (
        issues.add({
          reason: 'nested_shells',
          message: `polygon ${innerShell.polygon} lies inside polygon ${outerShell.polygon}`,
          location: firstPoint(innerShell),
          ...where(innerShell, innerShell.src[0] ?? 0),
          other: where(outerShell, null),
        })
      ) {
        return;
      }
    }
  }
}

/**
 * Stage 4: the interior of each polygon is connected. Rings of one polygon and the points where
 * they touch form a bipartite graph; the interior is cut in two exactly when that graph has a
 * cycle (a hole touching the shell twice, a chain of holes from shell to shell, three holes
 * touching in a triangle). Several rings meeting at one point is a star, not a cycle.
 */
function checkConnected(rings: readonly PreparedRing[], touches: readonly Touch[], issues: Issues): void {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    let cur = k;
    while (cur !== root) {
      const next = parent.get(cur) ?? root;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const seen = new Set<string>();
  for (const t of touches) {
    const ra = rings[t.a];
    const rb = rings[t.b];
    if (ra === undefined || rb === undefined || ra.polygon !== rb.polygon) continue;
    const point = `p:${ra.polygon}:${t.x}:${t.y}`;
    for (const r of [ra, rb]) {
      const ring = `r:${r.polygon}:${r.ring}`;
      const edge = `${ring}|${point}`;
      if (seen.has(edge)) continue;
      seen.add(edge);
      if (!parent.has(ring)) parent.set(ring, ring);
      if (!parent.has(point)) parent.set(point, point);
      const x = find(ring);
      const y = find(point);
      if (x === y) {
        if (
          issues.add({
            reason: 'disconnected_interior',
            message: `the interior of polygon ${r.polygon} is cut in two: its rings touch in a closed chain, here at ${fmt(t.x, t.y)}`,
            location: [t.x, t.y],
            ...where(r, positionOfPoint(r, t.x, t.y)),
          })
        ) {
          return;
        }
        continue;
      }
      parent.set(x, y);
    }
  }
}

function asPolygons(geometry: PolygonalInput): readonly (readonly Ring[])[] {
  const coords = geometry.coordinates as readonly unknown[];
  const rings = (v: unknown): readonly Ring[] =>
    (Array.isArray(v) ? (v as Ring[]) : []).filter(Array.isArray);
  if (geometry.type === 'Polygon') return coords.length === 0 ? [] : [rings(coords)];
  return coords.map(rings).filter((p) => p.length > 0);
}

/**
 * Checks a Polygon or MultiPolygon against the OGC Simple Features validity rules, as JTS
 * IsValidOp does: rings closed with at least 3 distinct vertices; no edge crossing or overlapping
 * another; no ring touching itself; holes inside their shell and not inside each other; polygons
 * of a MultiPolygon not inside each other and touching at points only; every polygon's interior
 * connected. Winding order and repeated consecutive positions do not make a polygon invalid.
 * Exact predicates; a sweep over edge boxes keeps a 20,000-vertex ring in the milliseconds.
 * Independent of the repair code, so that it can judge the repairs.
 *
 * @example
 *   checkPolygonValidity({ type: 'Polygon', coordinates: [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]] });
 *   // { valid: false, reason: 'self_intersection', location: [1, 1], issues: [...] }
 */
export function checkPolygonValidity(
  geometry: PolygonalInput,
  options: ValidityOptions = {},
): ValidityResult {
  const issues = new Issues(options.all ? (options.maxIssues ?? 100) : 1);
  const polygons = asPolygons(geometry);
  const run = (): void => {
    const rings = checkRings(polygons, issues);
    if (issues.list.length > 0) return;
    const touches = checkIntersections(rings, issues);
    if (issues.list.length > 0) return;
    checkNesting(rings, polygons.length, issues);
    if (issues.list.length > 0) return;
    checkConnected(rings, touches, issues);
  };
  run();
  const first = issues.list[0];
  return {
    valid: first === undefined,
    reason: first?.reason ?? null,
    location: first?.location ?? null,
    issues: issues.list,
  };
}
