/**
 * Geometry types shared by the geo modules. Coordinates are [lon, lat] in WGS-84 degrees once they
 * are past the edge (coords.ts converts GCJ-02 / BD-09 input).
 */
export type Position = [number, number];
/** A closed ring: first position equals the last. */
export type Ring = Position[];
/** Outer ring first (counter-clockwise after normalisation), then holes (clockwise). */
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];

export type PolygonGeometry =
  | { type: 'Polygon'; coordinates: PolygonCoords }
  | { type: 'MultiPolygon'; coordinates: MultiPolygonCoords };

export type CoordSys = 'wgs84' | 'gcj02' | 'bd09';
export const COORD_SYSTEMS: readonly CoordSys[] = ['wgs84', 'gcj02', 'bd09'];

export type GridLayer = 'cells' | 'zones';

export interface CellProperties {
  id: string;
  name: string;
  community?: string;
  street?: string;
}

export interface ZoneProperties {
  id: string;
  name: string;
  office: string;
  officers?: string[];
}

export interface GridFeature<P> {
  type: 'Feature';
  properties: P;
  geometry: PolygonGeometry;
}
export type CellFeature = GridFeature<CellProperties>;
export type ZoneFeature = GridFeature<ZoneProperties>;
