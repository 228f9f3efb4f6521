/**
 * Small geometries the geometry tests build by hand: an axis-aligned rectangle, and a cell feature
 * around a geometry (id and name alike); and the exact area of a rectangle to check areas against.
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

/** The closed ring of the square of side `d` whose lower-left corner is (x, y): rectangle's ring. */
export const squareRing = (x: number, y: number, d: number): number[][] =>
  rectangle(x, y, x + d, y + d).coordinates[0] as number[][];

/** A cell feature named by its id. */
export const cellFeature = (id: string, geometry: PolygonGeometry): CellFeature => ({
  type: 'Feature',
  properties: { id, name: id },
  geometry,
});

/** The mean earth radius, in metres, that Turf's area and core's haversine use. */
export const EARTH_RADIUS_M = 6371008.8;

export const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Turf's spherical area of a longitude/latitude rectangle, in closed form. */
export const rectangleAreaM2 = (x0: number, y0: number, x1: number, y1: number): number =>
  EARTH_RADIUS_M * EARTH_RADIUS_M * radians(x1 - x0) * (Math.sin(radians(y1)) - Math.sin(radians(y0)));
