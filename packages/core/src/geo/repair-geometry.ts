import { toWgs84 } from './coords';
import { polygonsArea } from './repair-area';
import type { FeatureProblems } from './repair-problems';
import type { RawGeometry } from './repair-read';
import { rebuild } from './repair-rebuild';
import { repairRings, type TrackedPolygon, toCoords } from './repair-ring-steps';
import { closeRing } from './repair-rings';
import type { CoordSys, PolygonCoords, PolygonGeometry } from './types';
import { checkPolygonValidity } from './validate';
import { prepareRing, ringIsCounterClockwise } from './validate-rings';

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
