import { area } from '@turf/area';
import type { AreaChange } from './repair-problems';
import type { Position } from './types';

type Rings = readonly (readonly Position[])[];

function closed(ring: readonly Position[]): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first === undefined || last === undefined) return [];
  return first[0] === last[0] && first[1] === last[1] ? [...ring] : [...ring, first];
}

/**
 * Geodesic area (m², @turf/area) of polygons given as ring lists, outer ring first. Rings are
 * measured as if closed, so closing a ring is not mistaken for an area change; like turf, holes
 * are subtracted whatever their winding and overlapping parts are counted twice, which is what
 * makes a repair's change visible.
 *
 * @example
 *   polygonsArea([[[[116.39, 39.9], [116.4, 39.9], [116.4, 39.91]]]]); // ≈ 4.7e5
 */
export function polygonsArea(polygons: readonly Rings[]): number {
  return area({
    type: 'MultiPolygon',
    coordinates: polygons.map((rings) => rings.map(closed).filter((r) => r.length >= 4)),
  });
}

/**
 * The change from `before` to `after` m², as an AreaChange relative to `base` m².
 *
 * @example
 *   areaChange(1000, 1010, 1000); // { m2: 10, ratio: 0.01 }
 */
export function areaChange(before: number, after: number, base: number): AreaChange {
  const m2 = after - before;
  return { m2, ratio: base > 0 ? m2 / base : m2 === 0 ? 0 : null };
}
