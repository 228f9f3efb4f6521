/**
 * Polygons flattened into typed arrays: one pass over GeoJSON at build time, then every query and
 * the packed artifact work on offsets into a single coordinate array (no nested arrays to chase,
 * nothing to re-parse when the artifact is loaded).
 *
 * Queries hit cells at random, so cache misses, not arithmetic, set the speed: each cell's and
 * each ring's bbox and offsets sit together in one record (one cache line) instead of in four
 * arrays read one after another.
 */
import type { PolygonGeometry } from './types';

/** The serialised form: offsets and coordinates. */
export interface FlatPolygons {
  /** Number of features (cells). */
  readonly count: number;
  /** Feature f owns parts `featurePart[f]..featurePart[f+1]-1` (length count+1). */
  readonly featurePart: Uint32Array;
  /** Part p owns rings `partRing[p]..partRing[p+1]-1`; its first ring is the outer ring. */
  readonly partRing: Uint32Array;
  /** Ring r owns vertices `ringVertex[r]..ringVertex[r+1]-1`, closed (last vertex = first). */
  readonly ringVertex: Uint32Array;
  /** x, y per vertex, WGS-84 degrees. */
  readonly coords: Float64Array;
}

/** Feature record fields: bbox, part range, ring range. */
export const FEATURE_REC = 8;
/** Ring record fields: bbox, vertex range (the end is exclusive and includes the closing vertex). */
export const RING_REC = 6;

/** Records derived from the offsets in one linear pass (at build and at load). */
export interface FlatRecords {
  /** Per feature: minX, minY, maxX, maxY, partFrom, partTo, ringFrom, ringTo. */
  readonly featureRec: Float64Array;
  /** Per ring: minX, minY, maxX, maxY, vertexFrom, vertexTo. */
  readonly ringRec: Float64Array;
}

export type FlatLayer = FlatPolygons & FlatRecords;

/** Feature f's bbox from its record: [minX, minY, maxX, maxY]. */
export function featureBox(records: FlatRecords, f: number): [number, number, number, number] {
  const o = FEATURE_REC * f;
  const rec = records.featureRec;
  return [rec[o] as number, rec[o + 1] as number, rec[o + 2] as number, rec[o + 3] as number];
}

/** Whether (x, y) lies outside the bbox a ring or feature record holds at offset o. */
export function outsideBox(rec: Float64Array, o: number, x: number, y: number): boolean {
  return (
    x < (rec[o] as number) ||
    y < (rec[o + 1] as number) ||
    x > (rec[o + 2] as number) ||
    y > (rec[o + 3] as number)
  );
}

/**
 * Flattens Polygon/MultiPolygon geometries in the given order.
 *
 * @example
 *   const flat = flattenGeometries(cells.map((c) => c.geometry));
 */
export function flattenGeometries(geometries: readonly PolygonGeometry[]): FlatLayer {
  let parts = 0;
  let rings = 0;
  let vertices = 0;
  for (const g of geometries) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    parts += polys.length;
    for (const poly of polys) {
      rings += poly.length;
      for (const ring of poly) vertices += ring.length;
    }
  }
  const featurePart = new Uint32Array(geometries.length + 1);
  const partRing = new Uint32Array(parts + 1);
  const ringVertex = new Uint32Array(rings + 1);
  const coords = new Float64Array(vertices * 2);
  let p = 0;
  let r = 0;
  let v = 0;
  geometries.forEach((g, f) => {
    featurePart[f] = p;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const poly of polys) {
      partRing[p++] = r;
      for (const ring of poly) {
        ringVertex[r++] = v;
        for (const pos of ring) {
          coords[2 * v] = pos[0];
          coords[2 * v + 1] = pos[1];
          v++;
        }
      }
    }
  });
  featurePart[geometries.length] = p;
  partRing[parts] = r;
  ringVertex[rings] = v;
  const flat = { count: geometries.length, featurePart, partRing, ringVertex, coords };
  return { ...flat, ...deriveRecords(flat) };
}

/**
 * Ring and feature records (bboxes and ranges) from the offsets and coordinates.
 *
 * @example
 *   const layer = { ...flat, ...deriveRecords(flat) };
 */
export function deriveRecords(flat: FlatPolygons): FlatRecords {
  const { count, featurePart, partRing, ringVertex, coords } = flat;
  const ringCount = ringVertex.length - 1;
  const ringRec = new Float64Array(ringCount * RING_REC);
  for (let r = 0; r < ringCount; r++) {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    const from = ringVertex[r] as number;
    const to = ringVertex[r + 1] as number;
    for (let i = from; i < to; i++) {
      const x = coords[2 * i] as number;
      const y = coords[2 * i + 1] as number;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const o = r * RING_REC;
    ringRec[o] = minX;
    ringRec[o + 1] = minY;
    ringRec[o + 2] = maxX;
    ringRec[o + 3] = maxY;
    ringRec[o + 4] = from;
    ringRec[o + 5] = to;
  }
  const featureRec = new Float64Array(count * FEATURE_REC);
  for (let f = 0; f < count; f++) {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    const partFrom = featurePart[f] as number;
    const partTo = featurePart[f + 1] as number;
    const ringFrom = partRing[partFrom] as number;
    const ringTo = partRing[partTo] as number;
    // Every ring, not only outer rings: Turf's parity rule counts a stray ring even where a valid
    // polygon could not have one, and the index must answer as Turf does.
    for (let r = ringFrom; r < ringTo; r++) {
      const o = r * RING_REC;
      minX = Math.min(minX, ringRec[o] as number);
      minY = Math.min(minY, ringRec[o + 1] as number);
      maxX = Math.max(maxX, ringRec[o + 2] as number);
      maxY = Math.max(maxY, ringRec[o + 3] as number);
    }
    const o = f * FEATURE_REC;
    featureRec[o] = minX;
    featureRec[o + 1] = minY;
    featureRec[o + 2] = maxX;
    featureRec[o + 3] = maxY;
    featureRec[o + 4] = partFrom;
    featureRec[o + 5] = partTo;
    featureRec[o + 6] = ringFrom;
    featureRec[o + 7] = ringTo;
  }
  return { featureRec, ringRec };
}
