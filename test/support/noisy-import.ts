/**
 * A cells file as a quantized public boundary file looks to the import: a collapsed pond (a hole
 * of one distinct position) in every cell, some cells wound clockwise, and a few real errors late
 * in the file, where a report that lists problems in file order and stops early would hide them.
 */
import type { CellFeature, Position } from '@gridpatrol/core/geo/types';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';

export interface NoisyImport {
  readonly cells: { type: 'FeatureCollection'; features: unknown[] };
  readonly zones: { type: 'FeatureCollection'; features: unknown[] };
  /** The refusing errors, as [feature index, code], in file order. */
  readonly errors: readonly (readonly [number, string])[];
  /** Warnings the file must give by code. */
  readonly warnings: { readonly collapsed_ring: number; readonly wrong_winding: number };
  /** Id and name of each cell, by index. */
  readonly names: readonly { readonly id: string; readonly name: string }[];
}

const CLOCKWISE_EVERY = 10;

/** The cell with its first outer ring reversed (if asked) and a pond of one point in its first part. */
function withPond(cell: CellFeature, reverse: boolean): { type: string; coordinates: unknown } {
  const g = cell.geometry;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const [first = [], ...others] = polygons;
  const [outer = [], ...holes] = first;
  const corner = outer[0] ?? [0, 0];
  const part = [reverse ? [...outer].reverse() : outer, ...holes, [corner, corner, corner, corner]];
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: part }
    : { type: 'MultiPolygon', coordinates: [part, ...others] };
}

/**
 * @example const { cells, zones, errors } = noisyImport(1200); // 1,200 + 120 warnings, 3 errors
 */
export function noisyImport(count: number): NoisyImport {
  const city = syntheticCity({ cells: count, seed: 15, offices: ['office-north', 'office-south'] });
  const features = city.cells.map((cell, i) => ({
    type: 'Feature',
    properties: { ...cell.properties },
    geometry: withPond(cell, i % CLOCKWISE_EVERY === 0),
  }));
  const n = features.length;
  const [collapsedAt, outOfRangeAt, duplicateAt] = [n - 40, n - 12, n - 1];
  const outerRing = (i: number): Position[] => {
    const g = features[i]?.geometry;
    const c = g?.coordinates as Position[][] & Position[][][];
    return (g?.type === 'Polygon' ? c[0] : c[0]?.[0]) ?? [];
  };
  // Nothing of this cell is left: one part, its outer ring collapsed to one point.
  const corner = outerRing(collapsedAt)[0] ?? [0, 0];
  const collapsed = features[collapsedAt];
  if (collapsed) collapsed.geometry = { type: 'Polygon', coordinates: [[corner, corner, corner, corner]] };
  outerRing(outOfRangeAt).splice(1, 0, [200, 30.3]);
  const duplicate = features[duplicateAt];
  if (duplicate) duplicate.properties.id = city.cells[0]?.properties.id ?? '';
  // The collapsed and the out-of-range cell stop before any repair; the duplicate is still repaired.
  const stopped = [collapsedAt, outOfRangeAt];
  const clockwise = features.filter((_, i) => i % CLOCKWISE_EVERY === 0 && !stopped.includes(i)).length;
  return {
    cells: { type: 'FeatureCollection', features },
    zones: { type: 'FeatureCollection', features: city.zones },
    errors: [
      [collapsedAt, 'too_few_distinct_positions'],
      [outOfRangeAt, 'coordinate_out_of_range'],
      [duplicateAt, 'duplicate_id'],
    ],
    warnings: { collapsed_ring: n - stopped.length, wrong_winding: clockwise },
    names: features.map((f) => ({ id: f.properties.id, name: f.properties.name })),
  };
}
