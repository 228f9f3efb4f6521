/**
 * Small geometries the geometry tests build by hand: an axis-aligned rectangle, and a cell feature
 * around a geometry (id and name alike).
 */
import type { CellFeature, PolygonGeometry } from '@gridpatrol/core';

/** The rectangle from (x0, y0) to (x1, y1), one closed counter-clockwise ring. */
export const rectangle = (x0: number, y0: number, x1: number, y1: number): PolygonGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

/** A cell feature named by its id. */
export const cellFeature = (id: string, geometry: PolygonGeometry): CellFeature => ({
  type: 'Feature',
  properties: { id, name: id },
  geometry,
});
