import * as polygonClippingModule from 'polygon-clipping';
import type { MultiPolygonCoords, PolygonCoords } from './types';

/**
 * polygon-clipping ships a CommonJS `module.exports = { union, ... }` and an ES build with only a
 * default export, while its typings declare named exports. Depending on who loads it (Node, Vite,
 * esbuild) the functions sit on the namespace or on its `default`; take whichever is there.
 */
type PolygonClipping = typeof polygonClippingModule;
const polygonClipping: PolygonClipping =
  (polygonClippingModule as unknown as { default?: PolygonClipping }).default ?? polygonClippingModule;

/**
 * Rebuilds invalid polygons as the union of what they were meant to cover, the way JTS
 * GeometryFixer and GEOS MakeValid's "structure" method do: each polygon is the area its outer
 * ring encloses under the non-zero winding rule (a bow-tie keeps both lobes, a boundary drawn
 * twice over an area keeps that area, where even-odd would punch a hole into it), minus what its
 * holes enclose; overlapping or nested parts are merged. polygon-clipping reads self-crossing
 * rings by the non-zero rule, drops hole parts outside their shell, and returns counter-clockwise
 * outer rings and clockwise holes that neither cross nor touch themselves.
 * The caller checks the result with the independent validity checker.
 *
 * @example
 *   makeValid([[[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]]);
 *   // [[[[0,0],[1,1],[0,2],[0,0]]], [[[1,1],[2,0],[2,2],[1,1]]]]
 */
export function makeValid(polygons: readonly PolygonCoords[]): MultiPolygonCoords {
  return polygonClipping.union(polygons as MultiPolygonCoords);
}
