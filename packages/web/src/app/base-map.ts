/**
 * Positions between the app (WGS-84, as the API stores and expects them) and the base map. A GCJ-02
 * base map (AMap, Tencent) draws the world shifted by a few hundred metres inside China: overlays go
 * onto it shifted, and a position dragged on it comes back unshifted before anything is sent.
 * WGS-84 and CGCS2000 maps (Tianditu; centimetres apart) and the plain background need nothing.
 */
import { gcj02ToWgs84, wgs84ToGcj02 } from '@gridpatrol/core/geo/gcj02';
import type { AppConfig } from '../runtime-config';

export interface BaseMapShift {
  /** A WGS-84 [lon, lat] where the base map draws it. */
  toMap(lon: number, lat: number): [number, number];
  /** A [lon, lat] on the base map (a dragged marker) in WGS-84. */
  fromMap(lon: number, lat: number): [number, number];
}

const NONE: BaseMapShift = { toMap: (lon, lat) => [lon, lat], fromMap: (lon, lat) => [lon, lat] };
const GCJ02: BaseMapShift = {
  toMap: (lon, lat) => wgs84ToGcj02([lon, lat]),
  fromMap: (lon, lat) => gcj02ToWgs84([lon, lat]),
};

/** The shift for the runtime config's tiles. @example baseMapShift(undefined).toMap(120.2, 30.275) // [120.2, 30.275] */
export function baseMapShift(tiles: AppConfig['tiles']): BaseMapShift {
  return tiles?.coordSys === 'gcj02' ? GCJ02 : NONE;
}
