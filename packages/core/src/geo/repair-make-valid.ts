import * as polygonClippingModule from 'polygon-clipping';
import type { MultiPolygonCoords, PolygonCoords, Position } from './types';
import { checkPolygonValidity } from './validate';

/**
 * polygon-clipping ships a CommonJS `module.exports = { union, ... }` and an ES build with only a
 * default export, while its typings declare named exports. Depending on who loads it (Node, Vite,
 * esbuild) the functions sit on the namespace or on its `default`; take whichever is there.
 */
type PolygonClipping = typeof polygonClippingModule;
const polygonClipping: PolygonClipping =
  (polygonClippingModule as unknown as { default?: PolygonClipping }).default ?? polygonClippingModule;

/** 1e-9° is about 0.1 mm: snapping to it moves nothing a surveyor would notice. */
const SNAP = 1e9;

function snapped(polygons: readonly PolygonCoords[]): PolygonCoords[] {
  const s = (v: number): number => Math.round(v * SNAP) / SNAP;
  return polygons.map((rings) => rings.map((ring) => ring.map(([x, y]): Position => [s(x), s(y)])));
}

/** Each polygon on its own (outer ring minus holes), then the union of the results. */
function polygonByPolygon(polygons: readonly PolygonCoords[], ringByRing: boolean): MultiPolygonCoords {
  const parts = polygons.map(([shell, ...holes]) => {
    let part = polygonClipping.union([shell ?? []]);
    if (ringByRing) {
      for (const hole of holes) part = polygonClipping.difference(part, polygonClipping.union([hole]));
      return part;
    }
    return holes.length === 0 ? part : polygonClipping.difference(part, ...holes.map((h) => [h]));
  });
  const [first, ...rest] = parts;
  if (first === undefined) return [];
  if (!ringByRing) return polygonClipping.union(first, ...rest);
  let acc = first;
  for (const part of rest) acc = polygonClipping.union(acc, part);
  return acc;
}

/**
 * polygon-clipping works in floating point and, on tangled enough input, can throw ("Unable to
 * complete output ring") or return rings that touch in a way OGC forbids. Fuzzing with random
 * self-crossing rings on a coarse grid: one union of everything failed 5.7% of cases; falling
 * back to polygon-by-polygon, then to coordinates snapped to 1e-9°, then to ring-by-ring cut the
 * failures to 0.9%, nearly all a hole chain cutting a polygon in two, which no strategy writes
 * validly. (clipper2-ts 2.0.1, tried as a fallback, loops until the heap is exhausted on some of
 * these inputs, so it is not used here.)
 */
const STRATEGIES: readonly ((polygons: readonly PolygonCoords[]) => MultiPolygonCoords)[] = [
  (p) => polygonClipping.union(p as MultiPolygonCoords),
  (p) => polygonByPolygon(p, false),
  (p) => polygonClipping.union(snapped(p)),
  (p) => polygonByPolygon(p, true),
];

/**
 * Rebuilds invalid polygons as the union of what they were meant to cover, the way JTS
 * GeometryFixer and GEOS MakeValid's "structure" method do: each polygon is the area its outer
 * ring encloses under the non-zero winding rule (a bow-tie keeps both lobes, a boundary drawn
 * twice over an area keeps that area, where even-odd would punch a hole into it), minus what its
 * holes enclose; overlapping or nested parts are merged. polygon-clipping reads self-crossing
 * rings by the non-zero rule, drops hole parts outside their shell, and returns counter-clockwise
 * outer rings and clockwise holes that neither cross nor touch themselves. The first result the
 * independent validity checker accepts is returned; if none is, this throws.
 *
 * @example
 *   makeValid([[[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]]);
 *   // [[[[0,0],[1,1],[0,2],[0,0]]], [[[1,1],[2,0],[2,2],[1,1]]]]
 */
export function makeValid(polygons: readonly PolygonCoords[]): MultiPolygonCoords {
  let why = 'no strategy ran';
  for (const strategy of STRATEGIES) {
    try {
      const out = strategy(polygons);
      const check = checkPolygonValidity({ type: 'MultiPolygon', coordinates: out });
      if (check.valid) return out;
      why = `the result is still invalid (${check.reason} near ${JSON.stringify(check.location)})`;
    } catch (e) {
      why = (e as Error).message;
    }
  }
  throw new Error(why);
}
