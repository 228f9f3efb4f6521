/**
 * Geodesic measures on WGS-84 longitude/latitude. Areas use the same spherical formula and radius as
 * `@turf/area` (Chamberlain & Duquette: the shoelace sum in longitude × sin(latitude)), so an area
 * computed here agrees with Turf's to floating-point rounding and shares can be checked against it.
 * Distances are for tens to hundreds of metres (snapping, accuracy circles): a local equirectangular
 * projection around the query point stays within 1e-4 of the haversine distance up to a kilometre.
 */
import type { PolygonCoords, PolygonGeometry, Ring } from './types';

/** Mean earth radius in metres, the value `@turf/helpers` uses for `earthRadius`. */
export const EARTH_RADIUS_M = 6371008.8;

const RAD = Math.PI / 180;
const AREA_FACTOR = (EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;

/**
 * Signed area term of a closed ring in m² (negative for counter-clockwise rings, as in Turf's
 * internal `ringArea`). The loop mirrors Turf's so that the rounding is the same.
 *
 * @example
 *   Math.abs(ringAreaSigned([[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]])); // ≈ 12364 m²
 */
export function ringAreaSigned(ring: Ring): number {
  const n = ring.length - 1;
  if (n <= 2) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lower = ring[i] as [number, number];
    const middle = ring[i + 1 === n ? 0 : i + 1] as [number, number];
    const upper = ring[i + 2 >= n ? (i + 2) % n : i + 2] as [number, number];
    total += (upper[0] * RAD - lower[0] * RAD) * Math.sin(middle[1] * RAD);
  }
  return total * AREA_FACTOR;
}

/**
 * Same as {@link ringAreaSigned} over a flat `[x0, y0, x1, y1, …]` array holding one closed ring
 * from vertex `start` to vertex `end` (inclusive, the closing vertex repeats the first).
 *
 * @example
 *   flatRingAreaSigned(new Float64Array([0, 0, 0.001, 0, 0.001, 0.001, 0, 0.001, 0, 0]), 0, 4);
 */
export function flatRingAreaSigned(coords: ArrayLike<number>, start: number, end: number): number {
  const n = end - start;
  if (n <= 2) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lo = start + i;
    const mid = start + (i + 1 === n ? 0 : i + 1);
    const up = start + (i + 2 >= n ? (i + 2) % n : i + 2);
    total +=
      ((coords[2 * up] as number) * RAD - (coords[2 * lo] as number) * RAD) *
      Math.sin((coords[2 * mid + 1] as number) * RAD);
  }
  return total * AREA_FACTOR;
}

/**
 * Area of one polygon (outer ring minus holes) in m², as `@turf/area` computes it.
 *
 * @example
 *   polygonAreaM2([[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]]); // ≈ 12364
 */
export function polygonAreaM2(coords: PolygonCoords): number {
  let total = 0;
  coords.forEach((ring, i) => {
    total += i === 0 ? Math.abs(ringAreaSigned(ring)) : -Math.abs(ringAreaSigned(ring));
  });
  return total;
}

/**
 * Geodesic area of a Polygon or MultiPolygon in m² (Turf's spherical formula).
 *
 * @example
 *   geometryAreaM2({ type: 'Polygon', coordinates: [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]] });
 */
export function geometryAreaM2(geometry: PolygonGeometry): number {
  if (geometry.type === 'Polygon') return polygonAreaM2(geometry.coordinates);
  let total = 0;
  for (const polygon of geometry.coordinates) total += polygonAreaM2(polygon);
  return total;
}

/**
 * Great-circle distance in metres (haversine, mean radius).
 *
 * @example
 *   haversineM(120.0, 30.0, 120.001, 30.0); // ≈ 96.3
 */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Metres per degree of latitude (constant on the sphere). */
export const METRES_PER_DEGREE = EARTH_RADIUS_M * RAD;

/**
 * Metres per degree of longitude at a latitude; never below a millimetre per degree, so that
 * dividing by it near the poles stays finite.
 *
 * @example
 *   metresPerDegreeLon(30); // ≈ 96297
 */
export function metresPerDegreeLon(lat: number): number {
  return Math.max(1e-3, Math.cos(lat * RAD) * METRES_PER_DEGREE);
}

/**
 * Squared planar distance from the origin to segment (ax, ay)–(bx, by). Callers project to local
 * metres first (see {@link metresPerDegreeLon}); the point is the origin of that projection.
 *
 * @example
 *   Math.sqrt(segmentDistanceSqFromOrigin(-1, 2, 1, 2)); // 2
 */
export function segmentDistanceSqFromOrigin(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const px = ax + t * dx;
  const py = ay + t * dy;
  return px * px + py * py;
}
