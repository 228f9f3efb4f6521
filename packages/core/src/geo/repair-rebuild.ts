import { areaChange, polygonsArea } from './repair-area';
import { makeValid } from './repair-make-valid';
import type { FeatureProblems, ProblemPlace } from './repair-problems';
import { type TrackedPolygon, toCoords } from './repair-ring-steps';
import type { RepairCode } from './repair-types';
import type { PolygonCoords } from './types';
import type { RingLocation, ValidityIssue } from './validate';

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

/** One defect found by the checker, in the import's terms: code, words, and the input place. */
function explainIssue(
  found: ValidityIssue,
  polygons: readonly TrackedPolygon[],
  scope: FeatureProblems,
): { code: RepairCode; text: string; place: ProblemPlace } | null {
  const code = codeFor(found);
  if (code === null) return null;
  // Where a hole and its shell cross, the hole is the one to name (and the shell "the other").
  const swap = code === 'hole_crosses_shell' && found.ring === 0 && found.other !== undefined;
  const main: RingLocation = swap && found.other ? found.other : found;
  const o: RingLocation | undefined = swap ? found : found.other;
  const poly = polygons[main.polygon];
  const ring = poly?.rings[main.ring];
  if (poly === undefined || ring === undefined) return null;
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
  return {
    code,
    text: `${scope.ringName(poly.index, ring.index)} ${describeDefect(found, code, otherName)}${near}${atPositions}`,
    place: { polygon: poly.index, ring: ring.index, ...(position === undefined ? {} : { position }) },
  };
}

/**
 * Self-intersections, holes outside or across their shell, overlapping parts and the like:
 * rebuilt by makeValid, each defect the checker found reported (with its input position) with the
 * area change of the rebuild. Null, with an error logged, if the rebuild fails or leaves nothing.
 *
 * @example
 *   rebuild(polygons, checkPolygonValidity(geometry, { all: true }).issues, scope); // MultiPolygon coordinates
 */
export function rebuild(
  polygons: readonly TrackedPolygon[],
  issues: readonly ValidityIssue[],
  scope: FeatureProblems,
): PolygonCoords[] | null {
  const coords = toCoords(polygons);
  const before = polygonsArea(coords);
  const explained = issues.flatMap((i) => explainIssue(i, polygons, scope) ?? []);
  let rebuilt: PolygonCoords[];
  try {
    rebuilt = makeValid(coords);
  } catch (e) {
    const first = explained[0];
    const defects = explained
      .slice(0, 3)
      .map((x) => x.text)
      .join('; ');
    const more = explained.length > 3 ? `; and ${explained.length - 3} more` : '';
    scope.error(
      'repair_failed',
      `the geometry is invalid (${defects}${more}) and could not be rebuilt (${(e as Error).message}): fix the boundary by hand`,
      first?.place ?? { polygon: polygons[0]?.index ?? 0, ring: 0 },
    );
    return null;
  }
  const after = polygonsArea(rebuilt);
  const change = areaChange(before, after, before);
  const parts = rebuilt.length === 1 ? 'one polygon' : `${rebuilt.length} polygons`;
  const several = explained.length > 1 ? ` (one rebuild repaired all ${explained.length} defects found)` : '';
  const action = `rebuilt the feature as the area its outer rings enclose (non-zero rule) minus its holes, giving ${parts}${several}`;
  for (const { code, text, place } of explained) scope.repaired(code, text, action, place, change);
  if (rebuilt.length === 0 || after <= 0) {
    scope.error('zero_area', 'the feature encloses no area once its self-intersections are resolved', {
      polygon: polygons[0]?.index ?? 0,
      ring: 0,
    });
    return null;
  }
  return rebuilt;
}
