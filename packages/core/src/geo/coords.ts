import gcoord from 'gcoord';
import { gcj02ToWgs84 } from './gcj02';
import type { CoordSys, PolygonGeometry, Position, Ring } from './types';

/**
 * Chinese web maps publish coordinates in GCJ-02 (AMap/Gaode, Tencent, Google China) or BD-09
 * (Baidu), which are WGS-84 shifted by a few hundred metres inside China. Everything past the
 * import edge is WGS-84, so every incoming position goes through here first. GCJ-02 goes through
 * ./gcj02 (the one transform the server and the field app's map share: shifted only inside the
 * China box, its inverse iterated to 1e-7°); BD-09 through gcoord. gcoord's BD-09 formula,
 * though, is applied everywhere (Paris would move ~700 m), while Baidu's maps outside China are
 * not shifted; so BD-09 positions outside the same box are left alone here too.
 */
/** gcoord's own "roughly in China" box (crs/GCJ02.ts), outside which GCJ-02 equals WGS-84. */
function inShiftedArea(lon: number, lat: number): boolean {
  return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

/**
 * Converts one [lon, lat] position to WGS-84. Also used for single points (a finding's GPS fix
 * taken from a Chinese map SDK).
 *
 * @example
 *   toWgs84([116.403988, 39.914266], 'gcj02'); // ≈ [116.397745, 39.912868]
 *   toWgs84([2.3522, 48.8566], 'bd09'); // [2.3522, 48.8566]: outside China nothing moves
 */
export function toWgs84(position: readonly [number, number], coordSys: CoordSys): Position {
  const [lon, lat] = position;
  if (coordSys === 'wgs84' || !inShiftedArea(lon, lat)) return [lon, lat];
  if (coordSys === 'gcj02') return gcj02ToWgs84([lon, lat]);
  const [x, y] = gcoord.transform<[number, number]>([lon, lat], gcoord.BD09, gcoord.WGS84);
  return [x, y];
}

/**
 * Converts every position of a ring.
 *
 * @example
 *   ringToWgs84([[116.40, 39.91], [116.41, 39.91], [116.41, 39.92], [116.40, 39.91]], 'bd09');
 */
export function ringToWgs84(ring: readonly (readonly [number, number])[], coordSys: CoordSys): Ring {
  return ring.map((p) => toWgs84(p, coordSys));
}

/**
 * Converts every position of a Polygon or MultiPolygon, returning a new geometry.
 *
 * @example
 *   geometryToWgs84({ type: 'Polygon', coordinates: [ring] }, 'gcj02');
 */
export function geometryToWgs84(geometry: PolygonGeometry, coordSys: CoordSys): PolygonGeometry {
  if (geometry.type === 'Polygon') {
    return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => ringToWgs84(r, coordSys)) };
  }
  return {
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map((poly) => poly.map((r) => ringToWgs84(r, coordSys))),
  };
}
