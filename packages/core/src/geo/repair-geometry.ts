import { toWgs84 } from './coords';
import { areaChange, polygonsArea } from './repair-area';
import { makeValid } from './repair-make-valid';
import type { AreaChange, FeatureProblems } from './repair-problems';
import type { RawGeometry } from './repair-read';
import { closeRing, dropRepeats, openRing, removeSpikes, type TrackedRing } from './repair-rings';
import type { RepairCode } from './repair-types';
import type { CoordSys, PolygonCoords, PolygonGeometry, Position } from './types';
import { checkPolygonValidity, type RingLocation, type ValidityIssue } from './validate';
import { prepareRing, ringIsCounterClockwise } from './validate-rings';

/** A polygon under repair, remembering its index in the input and its rings' indices. */
interface TrackedPolygon {
  readonly index: number;
  readonly rings: { readonly index: number; ring: TrackedRing }[];
}

function ringArea(pts: readonly Position[]): number {
  return polygonsArea([[pts]]);
}

/**
 * Closing, size limits, repeated positions and zero-width spikes, ring by ring. Returns the
 * polygons still standing (a ring that was nothing but spikes is dropped, and a polygon with it
 * if it was the outer ring), or null if a ring is beyond repair.
 */
function repairRings(
  polygons: readonly Position[][][],
  scope: FeatureProblems,
  baseArea: number,
): TrackedPolygon[] {
  const tracked: TrackedPolygon[] = [];
  polygons.forEach((rings, p) => {
    const poly: TrackedPolygon = { index: p, rings: [] };
    rings.forEach((input, r) => {
      const place = { polygon: p, ring: r };
      const name = scope.ringName(p, r);
      const { ring: opened, wasClosed } = openRing(input);
      const closedLength = opened.pts.length + 1;
      if (closedLength < 4) {
        scope.error(
          'too_few_positions',
          `${name} has ${input.length} position(s); a ring needs at least 4 (3 corners and the closing repeat of the first)`,
          { ...place, position: 0 },
        );
        return;
      }
      const distinct = new Set(opened.pts.map((q) => `${q[0]},${q[1]}`)).size;
      if (distinct < 3) {
        scope.error(
          'too_few_distinct_positions',
          `${name} has only ${distinct} distinct position(s); a ring needs at least 3`,
          { ...place, position: 0 },
        );
        return;
      }
      const sign = r === 0 ? 1 : -1;
      if (!wasClosed) {
        const before = ringArea(input);
        const after = ringArea(closeRing(opened));
        scope.repaired(
          'unclosed_ring',
          `${name} is not closed (its last position differs from its first)`,
          'closed it by repeating the first position',
          { ...place, position: input.length - 1 },
          areaChange(0, sign * (after - before), baseArea),
        );
      }
      const deduped = dropRepeats(opened);
      const firstRepeat = deduped.removed[0];
      if (firstRepeat !== undefined) {
        const change = sign * (ringArea(closeRing(deduped.ring)) - ringArea(closeRing(opened)));
        scope.repaired(
          'repeated_positions',
          `${name} repeats a position consecutively ${deduped.removed.length} time(s), first at position ${firstRepeat}`,
          'removed the repeats',
          { ...place, position: firstRepeat },
          areaChange(0, change, baseArea),
        );
      }
      const despiked = removeSpikes(deduped.ring);
      const firstSpike = despiked.removed[0];
      if (firstSpike !== undefined) {
        if (despiked.collapsed && r === 0 && polygons.length === 1) {
          scope.error(
            'zero_area',
            'the feature encloses no area: its outer ring runs out and back along the same line',
            { ...place, position: firstSpike },
          );
          return;
        }
        const after = despiked.collapsed ? 0 : ringArea(closeRing(despiked.ring));
        const change = sign * (after - ringArea(closeRing(deduped.ring)));
        const defect = despiked.collapsed
          ? `${name} encloses no area: it is nothing but zero-width spikes`
          : `${name} has ${despiked.removed.length} zero-width spike or gore vertex(es), where the boundary runs out and straight back along the same line, first at position ${firstSpike}`;
        const action = despiked.collapsed
          ? r === 0
            ? `dropped polygon ${p}`
            : 'dropped the hole'
          : 'removed those vertices';
        scope.repaired(
          'spike',
          defect,
          action,
          { ...place, position: firstSpike },
          areaChange(0, change, baseArea),
        );
      }
      if (despiked.collapsed) {
        if (r === 0) poly.rings.length = 0;
        return;
      }
      if (r === 0 || poly.rings[0]?.index === 0) poly.rings.push({ index: r, ring: despiked.ring });
    });
    if (poly.rings[0]?.index === 0) tracked.push(poly);
  });
  return tracked;
}

function toCoords(polygons: readonly TrackedPolygon[]): PolygonCoords[] {
  return polygons.map((poly) => poly.rings.map(({ ring }) => closeRing(ring)));
}

/** Which defect an issue of the validity checker is, in the import's terms. */
function codeFor(issue: ValidityIssue): RepairCode | null {
  switch (issue.reason) {
    case 'self_intersection': {
      const o = issue.other;
      if (o === undefined || (o.polygon === issue.polygon && o.ring === issue.ring))
        return 'self_intersection';
      if (o.polygon !== issue.polygon) return 'overlapping_parts';
      return o.ring === 0 || issue.ring === 0 ? 'hole_crosses_shell' : 'overlapping_holes';
    }
    case 'ring_self_touch':
      return 'self_touching_ring';
    case 'hole_outside_shell':
      return 'hole_outside_shell';
    case 'nested_holes':
      return 'overlapping_holes';
    case 'nested_shells':
      return 'overlapping_parts';
    case 'disconnected_interior':
      return 'disconnected_interior';
    default:
      return null;
  }
}

/** What the defect is, in words, given the name of the other ring involved (if any). */
function describeDefect(issue: ValidityIssue, code: RepairCode, other: string): string {
  switch (issue.reason) {
    case 'nested_holes':
      return `lies inside ${other}`;
    case 'nested_shells':
      return `lies inside ${other}`;
    case 'hole_outside_shell':
      return 'lies outside its outer ring';
    case 'ring_self_touch':
      return 'touches itself at a point';
    case 'disconnected_interior':
      return 'touches other rings in a closed chain that cuts the polygon in two';
    default:
      return code === 'self_intersection' ? 'crosses or runs along itself' : `crosses or runs along ${other}`;
  }
}

/** The input position of a checker location (positions of the closed ring it was given). */
function inputPosition(
  poly: TrackedPolygon | undefined,
  ring: number,
  position: number | null,
): number | undefined {
  const tracked = poly?.rings[ring]?.ring;
  if (tracked === undefined || position === null || tracked.pts.length === 0) return undefined;
  return tracked.src[position % tracked.pts.length];
}

/** Logs one defect found by the checker, naming the input polygon, ring and position. */
function reportIssue(
  found: ValidityIssue,
  polygons: readonly TrackedPolygon[],
  scope: FeatureProblems,
  action: string,
  change: AreaChange,
): void {
  const code = codeFor(found);
  if (code === null) return;
  // Where a hole and its shell cross, the hole is the one to name (and the shell "the other").
  const swap = code === 'hole_crosses_shell' && found.ring === 0 && found.other !== undefined;
  const main: RingLocation = swap && found.other ? found.other : found;
  const o: RingLocation | undefined = swap ? found : found.other;
  const poly = polygons[main.polygon];
  const ring = poly?.rings[main.ring];
  if (poly === undefined || ring === undefined) return;
  const position = inputPosition(poly, main.ring, main.position);
  const otherPoly = o === undefined ? undefined : polygons[o.polygon];
  const otherRing = o === undefined ? undefined : otherPoly?.rings[o.ring];
  const otherPosition = o === undefined ? undefined : inputPosition(otherPoly, o.ring, o.position);
  const sameRing = o !== undefined && o.polygon === main.polygon && o.ring === main.ring;
  const atPositions =
    sameRing && otherPosition !== undefined ? ` (positions ${position} and ${otherPosition})` : '';
  const near = found.location ? ` near [${found.location[0]}, ${found.location[1]}]` : '';
  const otherName =
    otherPoly === undefined || otherRing === undefined
      ? 'another ring'
      : found.reason === 'nested_shells'
        ? `polygon ${otherPoly.index}`
        : scope.ringName(otherPoly.index, otherRing.index);
  scope.repaired(
    code,
    `${scope.ringName(poly.index, ring.index)} ${describeDefect(found, code, otherName)}${near}${atPositions}`,
    action,
    { polygon: poly.index, ring: ring.index, ...(position === undefined ? {} : { position }) },
    change,
  );
}

/**
 * Self-intersections, holes outside or across their shell, overlapping parts and the like:
 * rebuilt by makeValid, each defect reported with the area change of the rebuild.
 */
function rebuild(
  polygons: readonly TrackedPolygon[],
  issues: readonly ValidityIssue[],
  scope: FeatureProblems,
): PolygonCoords[] | null {
  const coords = toCoords(polygons);
  const before = polygonsArea(coords);
  let rebuilt: PolygonCoords[];
  try {
    rebuilt = makeValid(coords);
  } catch (e) {
    scope.error(
      'repair_failed',
      `the geometry is invalid and could not be rebuilt: ${(e as Error).message}`,
      {
        polygon: polygons[0]?.index ?? 0,
        ring: 0,
      },
    );
    return null;
  }
  const after = polygonsArea(rebuilt);
  const change = areaChange(before, after, before);
  const parts = rebuilt.length === 1 ? 'one polygon' : `${rebuilt.length} polygons`;
  const several = issues.length > 1 ? ` (one rebuild repaired all ${issues.length} defects found)` : '';
  const action = `rebuilt the feature as the area its outer rings enclose (non-zero rule) minus its holes, giving ${parts}${several}`;
  for (const issue of issues) reportIssue(issue, polygons, scope, action, change);
  if (rebuilt.length === 0 || after <= 0) {
    scope.error('zero_area', 'the feature encloses no area once its self-intersections are resolved', {
      polygon: polygons[0]?.index ?? 0,
      ring: 0,
    });
    return null;
  }
  const check = checkPolygonValidity({ type: 'MultiPolygon', coordinates: rebuilt });
  if (!check.valid) {
    scope.error(
      'repair_failed',
      `the rebuilt geometry is still invalid (${check.reason} near ${JSON.stringify(check.location)}); fix the boundary by hand`,
      { polygon: polygons[0]?.index ?? 0, ring: 0 },
    );
    return null;
  }
  return rebuilt;
}

/** polygon-clipping already winds its output this way; made sure of here, silently, as it is not a repair. */
function orientRings(rings: PolygonCoords): PolygonCoords {
  return rings.map((ring, r) => {
    const ccw = ringIsCounterClockwise(prepareRing(ring, 0, r));
    return ccw === (r === 0) ? ring : [...ring].reverse();
  });
}

/** RFC 7946 §3.1.6: outer rings counter-clockwise, holes clockwise. Reports each ring turned. */
function normaliseWinding(polygons: readonly TrackedPolygon[], scope: FeatureProblems): PolygonCoords[] {
  return polygons.map((poly) =>
    poly.rings.map(({ index, ring }) => {
      const closed = closeRing(ring);
      const ccw = ringIsCounterClockwise(prepareRing(closed, poly.index, index));
      if (ccw === (index === 0)) return closed;
      scope.repaired(
        'wrong_winding',
        `${scope.ringName(poly.index, index)} runs ${ccw ? 'counter-clockwise' : 'clockwise'}, while RFC 7946 wants outer rings counter-clockwise and holes clockwise`,
        'reversed it',
        { polygon: poly.index, ring: index },
        { m2: 0, ratio: 0 },
      );
      return closed.reverse();
    }),
  );
}

/**
 * Turns a checked raw geometry into a valid WGS-84 Polygon or MultiPolygon, logging every repair
 * (with its area change) and every defect beyond repair; null when the feature cannot be taken.
 * Order: coordinate system first, then ring repairs (closing, repeats, spikes), then the validity
 * check and, only if it fails, a rebuild; winding is normalised last.
 *
 * @example
 *   repairGeometry({ multi: false, polygons: [[[[0, 0], [0, 1], [1, 1], [1, 0]]]] }, scope, 'wgs84');
 *   // { type: 'Polygon', coordinates: [[[0,0],[1,0],[1,1],[0,1],[0,0]]] } with unclosed_ring and wrong_winding warnings
 */
export function repairGeometry(
  raw: RawGeometry,
  scope: FeatureProblems,
  coordSys: CoordSys,
): PolygonGeometry | null {
  const wgs84 = raw.polygons.map((poly) => poly.map((ring) => ring.map((p) => toWgs84(p, coordSys))));
  const baseArea = polygonsArea(wgs84);
  const fatalBefore = scope.fatalCount;
  const polygons = repairRings(wgs84, scope, baseArea);
  if (scope.fatalCount > fatalBefore) return null;
  if (polygons.length === 0) {
    scope.error('zero_area', 'the feature encloses no area: every part is a zero-width line', {
      polygon: 0,
      ring: 0,
    });
    return null;
  }
  const check = checkPolygonValidity(
    { type: 'MultiPolygon', coordinates: toCoords(polygons) },
    { all: true },
  );
  let coords: PolygonCoords[] | null;
  if (check.valid) {
    coords = normaliseWinding(polygons, scope);
  } else {
    coords = rebuild(polygons, check.issues, scope);
  }
  if (coords === null) return null;
  if (!check.valid) coords = coords.map(orientRings);
  if (polygonsArea(coords) <= 0) {
    scope.error('zero_area', 'the feature encloses no area', { polygon: 0, ring: 0 });
    return null;
  }
  const [only] = coords;
  if (!raw.multi && coords.length === 1 && only !== undefined) return { type: 'Polygon', coordinates: only };
  return { type: 'MultiPolygon', coordinates: coords };
}
