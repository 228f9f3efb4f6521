/**
 * Point → cell resolution. Build the index once from the cell layer (or load it from the packed
 * artifact, see packed.ts), then query it many times.
 *
 * Structure: cells flattened into typed arrays (index-flat.ts), sorted by id, and a uniform grid of
 * buckets over the layer's bbox. A bucket lying wholly inside one cell names that cell (no ray cast
 * at query time); any other bucket lists, in ascending id order, the cells that may reach it, and a
 * query runs the exact ray cast (index-predicates.ts) on those whose bbox holds the point.
 * docs/decisions/0003-point-resolution.md records the choices and measurements.
 *
 * Tie-break (stable for every point): a point in the interior of a cell resolves to it; a point on
 * the boundary of one or more cells and in no interior resolves to the lowest id among them
 * (JavaScript string order), with status 'boundary' and all of them as candidates. If cells overlap
 * (invalid input), the lowest id among the cells whose interior holds the point wins.
 */
import { BadRequestError, UnprocessableError } from '../errors';
import { FEATURE_REC, type FlatLayer, flattenGeometries, outsideBox, RING_REC } from './index-flat';
import { featureRelation, INSIDE, ON_BOUNDARY, OUTSIDE } from './index-predicates';
import { METRES_PER_DEGREE, metresPerDegreeLon, segmentDistanceSqFromOrigin } from './measure';
import type { CellFeature } from './types';

export type ResolveStatus = 'inside' | 'boundary' | 'snapped' | 'outside';

export interface ResolveOptions {
  /** A point outside every cell snaps to the nearest cell within this distance. Default 50 m. */
  readonly snapToleranceM?: number;
  /** GPS accuracy radius: the answer is `ambiguous` when this circle touches more than one cell. */
  readonly accuracyM?: number;
}

export interface Resolution {
  readonly status: ResolveStatus;
  readonly cellId: string | null;
  /** Metres from the point to the cell, for 'snapped' (0 is never reported as snapped). */
  readonly distanceM?: number;
  /**
   * Every cell that could be meant, best first: the cells sharing the boundary point ('boundary'),
   * the cells within the snap tolerance ('snapped'), or, with `accuracyM`, the cells the accuracy
   * circle touches (nearest first, ties by id).
   */
  readonly candidates?: string[];
  /** Only with `accuracyM`: whether the accuracy circle touches more than one cell. */
  readonly ambiguous?: boolean;
  /** Why there is no cell ('outside'). */
  readonly reason?: string;
}

export type CellRelation = 'inside' | 'boundary' | 'outside';

/**
 * Uniform bucket grid over the layer bbox. `bucket[b]` is ≥ 0 when the whole bucket lies in the
 * interior of that one cell (answered without a ray cast), −1 when no cell reaches it, and ≤ −2
 * when the candidates are the list at offset −bucket[b]−2 of `lists` (a count, then that many
 * cell numbers in ascending order, i.e. ascending ids).
 */
export interface UniformGrid {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly nx: number;
  readonly ny: number;
  readonly bucket: Int32Array;
  readonly lists: Uint32Array;
}

/** Everything an index is made of; packed.ts writes and reads exactly this. */
export interface GridIndexData {
  /** Cell ids in ascending order; cell i of `layer` has id `ids[i]`. */
  readonly ids: readonly string[];
  readonly layer: FlatLayer;
  readonly grid: UniformGrid;
  /**
   * Set by a packed artifact with 1e-7° integer coordinates: `layer.coords` starts zeroed and a
   * cell's vertices are decoded the first time a query touches it, so loading does no pass over
   * the coordinates (a cold start answers its first point without decoding the other cells).
   * Code reading `layer.coords` directly must use these integers (÷ 1e7) when this is set.
   */
  readonly pendingCoords?: Int32Array;
}

export const DEFAULT_SNAP_TOLERANCE_M = 50;

export interface GridIndexOptions {
  /**
   * Bucket width as a fraction of the mean cell bbox width (default 0.25). Smaller buckets lie
   * wholly inside one cell more often (answered without a ray cast) but make the artifact larger;
   * docs/decisions/0003-point-resolution.md has the measurements.
   */
  readonly bucketScale?: number;
}

const DEFAULT_BUCKET_SCALE = 0.25;
const MAX_BUCKETS_PER_AXIS = 4096;
const MAX_BUCKETS_PER_CELL = 64;
const EMPTY = -1;

/**
 * Builds the point index from validated cells (ids unique; WGS-84; closed rings).
 *
 * @example
 *   const index = buildGridIndex(cells);
 *   index.resolve(120.153, 30.274); // { status: 'inside', cellId: '330106001001001' }
 */
export function buildGridIndex(cells: readonly CellFeature[], options: GridIndexOptions = {}): GridIndex {
  const order = cells.map((_, i) => i);
  order.sort((a, b) =>
    compareIds((cells[a] as CellFeature).properties.id, (cells[b] as CellFeature).properties.id),
  );
  const sorted = order.map((i) => cells[i] as CellFeature);
  for (let i = 1; i < sorted.length; i++) {
    const id = (sorted[i] as CellFeature).properties.id;
    if (id === (sorted[i - 1] as CellFeature).properties.id)
      throw new UnprocessableError(`Duplicate cell id '${id}': point resolution needs unique ids.`, [
        { path: 'cells', message: `id '${id}' appears more than once` },
      ]);
  }
  const layer = flattenGeometries(sorted.map((c) => c.geometry));
  const grid = buildUniformGrid(layer, options.bucketScale ?? DEFAULT_BUCKET_SCALE);
  return new GridIndex({ ids: sorted.map((c) => c.properties.id), layer, grid });
}

/**
 * Code-unit order, the same on every runtime and locale (unlike `localeCompare`).
 *
 * @example
 *   ['Z-10', 'Z-2'].sort(compareIds); // ['Z-10', 'Z-2']
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Bucket grid over the cells' bboxes, with interior buckets resolved in advance.
 *
 * @example
 *   const grid = buildUniformGrid(flattenGeometries(cells.map((c) => c.geometry)));
 */
export function buildUniformGrid(layer: FlatLayer, bucketScale: number = DEFAULT_BUCKET_SCALE): UniformGrid {
  const n = layer.count;
  const rec = layer.featureRec;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let sumW = 0;
  let sumH = 0;
  for (let c = 0; c < n; c++) {
    const o = FEATURE_REC * c;
    minX = Math.min(minX, rec[o] as number);
    minY = Math.min(minY, rec[o + 1] as number);
    maxX = Math.max(maxX, rec[o + 2] as number);
    maxY = Math.max(maxY, rec[o + 3] as number);
    sumW += (rec[o + 2] as number) - (rec[o] as number);
    sumH += (rec[o + 3] as number) - (rec[o + 1] as number);
  }
  if (n === 0)
    return {
      minX: 0,
      minY: 0,
      maxX: -1,
      maxY: -1,
      nx: 1,
      ny: 1,
      bucket: new Int32Array([EMPTY]),
      lists: new Uint32Array(0),
    };
  let nx = axisBuckets(maxX - minX, (sumW / n) * bucketScale);
  let ny = axisBuckets(maxY - minY, (sumH / n) * bucketScale);
  // Scattered layers (a few cells far apart) would otherwise ask for millions of empty buckets.
  const cap = MAX_BUCKETS_PER_CELL * n + 1024;
  if (nx * ny > cap) {
    const f = Math.sqrt(cap / (nx * ny));
    nx = Math.max(1, Math.floor(nx * f));
    ny = Math.max(1, Math.floor(ny * f));
  }
  const sx = scaleOf(nx, minX, maxX);
  const sy = scaleOf(ny, minY, maxY);

  // Cells per bucket by bbox, as CSR (count, prefix sum, fill); items land in ascending order.
  const start = new Uint32Array(nx * ny + 1);
  const forEachBucket = (visit: (bucket: number, cell: number) => void): void => {
    for (let c = 0; c < n; c++) {
      const o = FEATURE_REC * c;
      const ix0 = bucketOf(rec[o] as number, minX, sx, nx);
      const iy0 = bucketOf(rec[o + 1] as number, minY, sy, ny);
      const ix1 = bucketOf(rec[o + 2] as number, minX, sx, nx);
      const iy1 = bucketOf(rec[o + 3] as number, minY, sy, ny);
      for (let iy = iy0; iy <= iy1; iy++) for (let ix = ix0; ix <= ix1; ix++) visit(iy * nx + ix, c);
    }
  };
  forEachBucket((b) => {
    start[b + 1] = (start[b + 1] as number) + 1;
  });
  for (let b = 0; b < nx * ny; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const items = new Uint32Array(start[nx * ny] as number);
  const cursor = start.slice(0, nx * ny);
  forEachBucket((b, c) => {
    const at = cursor[b] as number;
    items[at] = c;
    cursor[b] = at + 1;
  });

  // Per bucket, drop cells that certainly miss it and mark buckets wholly inside one cell. The
  // test rectangle is padded so that it holds every point `bucketOf` maps to the bucket; cells
  // not listed have bboxes that end before any such point. Doubt keeps a cell listed: the exact
  // ray cast then decides at query time.
  const bucket = new Int32Array(nx * ny);
  const lists: number[] = [];
  const bw = (maxX - minX) / nx;
  const bh = (maxY - minY) / ny;
  const padX = Math.abs(minX) * 1e-12 + bw * 1e-6;
  const padY = Math.abs(minY) * 1e-12 + bh * 1e-6;
  const kept: number[] = [];
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const b = iy * nx + ix;
      const x0 = minX + ix * bw - padX;
      const x1 = minX + (ix + 1) * bw + padX;
      const y0 = minY + iy * bh - padY;
      const y1 = minY + (iy + 1) * bh + padY;
      const cx = minX + (ix + 0.5) * bw;
      const cy = minY + (iy + 0.5) * bh;
      kept.length = 0;
      let holder = EMPTY;
      let holders = 0;
      let crossing = 0;
      for (let k = start[b] as number; k < (start[b + 1] as number); k++) {
        const c = items[k] as number;
        if (cellEdgesMeetRect(layer, c, x0, y0, x1, y1)) {
          kept.push(c);
          crossing++;
        } else if (featureRelation(layer, c, cx, cy) === INSIDE) {
          // No edge in the rectangle and the centre inside: the cell holds all of it.
          kept.push(c);
          holder = c;
          holders++;
        }
      }
      if (kept.length === 0) bucket[b] = EMPTY;
      else if (crossing === 0 && holders === 1) bucket[b] = holder;
      else {
        bucket[b] = -lists.length - 2;
        lists.push(kept.length, ...kept);
      }
    }
  return { minX, minY, maxX, maxY, nx, ny, bucket, lists: Uint32Array.from(lists) };
}

function axisBuckets(span: number, bucketSize: number): number {
  if (!(span > 0) || !(bucketSize > 0)) return 1;
  return Math.max(1, Math.min(MAX_BUCKETS_PER_AXIS, Math.ceil(span / bucketSize)));
}

/** Buckets per degree. Recomputed identically on load, so build and query always agree. */
function scaleOf(n: number, min: number, max: number): number {
  return max > min ? n / (max - min) : 0;
}

/** Monotone in v (float subtraction and scaling by a positive constant are), so bbox ⊂ buckets. */
function bucketOf(v: number, min: number, scale: number, n: number): number {
  const i = Math.floor((v - min) * scale);
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Conservative: true when an edge of cell c may meet the rectangle (false only when certain not). */
function cellEdgesMeetRect(
  layer: FlatLayer,
  c: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): boolean {
  const { coords, ringRec, featureRec } = layer;
  const ringTo = featureRec[FEATURE_REC * c + 7] as number;
  for (let r = featureRec[FEATURE_REC * c + 6] as number; r < ringTo; r++) {
    const o = RING_REC * r;
    if (
      (ringRec[o] as number) > x1 ||
      (ringRec[o + 2] as number) < x0 ||
      (ringRec[o + 1] as number) > y1 ||
      (ringRec[o + 3] as number) < y0
    )
      continue;
    const last = (ringRec[o + 5] as number) - 1;
    for (let i = ringRec[o + 4] as number; i < last; i++) {
      const ax = coords[2 * i] as number;
      const ay = coords[2 * i + 1] as number;
      const bx = coords[2 * i + 2] as number;
      const by = coords[2 * i + 3] as number;
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1)
        continue;
      // Separating axes: the bboxes overlap, so the segment meets the rectangle unless all four
      // corners are clearly on one side of its line; "clearly" leaves a wide margin for rounding.
      const dx = bx - ax;
      const dy = by - ay;
      const len = Math.abs(dx) + Math.abs(dy);
      const tol = len * (1e-9 * (x1 - x0 + (y1 - y0) + len) + 1e-12 * (Math.abs(ax) + Math.abs(ay) + 1));
      const s1 = dx * (y0 - ay) - dy * (x0 - ax);
      const s2 = dx * (y0 - ay) - dy * (x1 - ax);
      const s3 = dx * (y1 - ay) - dy * (x0 - ax);
      const s4 = dx * (y1 - ay) - dy * (x1 - ax);
      const allLeft = s1 > tol && s2 > tol && s3 > tol && s4 > tol;
      const allRight = s1 < -tol && s2 < -tol && s3 < -tol && s4 < -tol;
      if (!allLeft && !allRight) return true;
    }
  }
  return false;
}

/**
 * A built or loaded point index. Its answers never change; build or load it once per process and
 * share it across requests (its only mutable state is scratch space and lazily decoded cells).
 */
export class GridIndex {
  readonly data: GridIndexData;
  private readonly sx: number;
  private readonly sy: number;
  /** Per-cell visit stamps for neighbourhood searches (dedupe across buckets without a Set). */
  private stamp: Uint32Array | undefined;
  private stampGen = 0;
  private reasonFor = Number.NaN;
  private reason = '';
  /** Per cell, 1 once its coordinates are decoded (only with `pendingCoords`). */
  private readonly decoded: Uint8Array | undefined;

  /** Prefer {@link buildGridIndex} or `loadGridIndex` (packed.ts); this wraps prepared data. */
  constructor(data: GridIndexData) {
    this.data = data;
    this.decoded = data.pendingCoords === undefined ? undefined : new Uint8Array(data.layer.count);
    this.sx = scaleOf(data.grid.nx, data.grid.minX, data.grid.maxX);
    this.sy = scaleOf(data.grid.ny, data.grid.minY, data.grid.maxY);
  }

  /** Number of cells. */
  get size(): number {
    return this.data.ids.length;
  }

  /** Cell ids, ascending. */
  get ids(): readonly string[] {
    return this.data.ids;
  }

  /**
   * Resolves a GPS point (WGS-84) to a cell.
   *
   * @example
   *   index.resolve(120.153, 30.274);                    // { status: 'inside', cellId: '330106001001001' }
   *   index.resolve(120.2, 30.3, { accuracyM: 30 });     // { ..., ambiguous: true, candidates: [...] }
   *   index.resolve(121, 31);                            // { status: 'outside', cellId: null, reason: ... }
   */
  resolve(lon: number, lat: number, options?: ResolveOptions): Resolution {
    const tolerance = options?.snapToleranceM ?? DEFAULT_SNAP_TOLERANCE_M;
    const accuracy = options?.accuracyM;
    if (!(tolerance >= 0 && tolerance < Number.POSITIVE_INFINITY))
      throw new BadRequestError('snapToleranceM must be a finite number ≥ 0.', [
        { path: 'snapToleranceM', message: `got ${String(tolerance)}` },
      ]);
    if (accuracy !== undefined && !(accuracy >= 0 && accuracy < Number.POSITIVE_INFINITY))
      throw new BadRequestError('accuracyM must be a finite number ≥ 0.', [
        { path: 'accuracyM', message: `got ${String(accuracy)}` },
      ]);
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
      return { status: 'outside', cellId: null, reason: 'coordinates out of WGS-84 range' };

    const { ids, layer, grid } = this.data;
    let insideCell = -1;
    let boundary: number[] | undefined;
    if (lon >= grid.minX && lon <= grid.maxX && lat >= grid.minY && lat <= grid.maxY) {
      const v = grid.bucket[
        bucketOf(lat, grid.minY, this.sy, grid.ny) * grid.nx + bucketOf(lon, grid.minX, this.sx, grid.nx)
      ] as number;
      if (v >= 0) {
        if (accuracy === undefined) return { status: 'inside', cellId: ids[v] as string };
        insideCell = v;
      } else if (v !== EMPTY) {
        const lists = grid.lists;
        const rec = layer.featureRec;
        const from = -v - 1;
        const to = from + (lists[from - 1] as number);
        for (let k = from; k < to; k++) {
          const c = lists[k] as number;
          const o = FEATURE_REC * c;
          if (outsideBox(rec, o, lon, lat)) continue;
          if (this.decoded !== undefined && this.decoded[c] === 0) this.decode(c);
          const rel = featureRelation(layer, c, lon, lat);
          if (rel === INSIDE) {
            // Lists are in ascending id order, so the first interior hit is the lowest id.
            insideCell = c;
            break;
          }
          if (rel === ON_BOUNDARY) {
            if (boundary === undefined) boundary = [c];
            else boundary.push(c);
          }
        }
      }
    }

    if (accuracy === undefined) {
      if (insideCell >= 0) return { status: 'inside', cellId: ids[insideCell] as string };
      if (boundary !== undefined)
        return {
          status: 'boundary',
          cellId: ids[boundary[0] as number] as string,
          candidates: boundary.map((c) => ids[c] as string),
        };
    }

    const found = insideCell >= 0 || boundary !== undefined;
    if (!found && accuracy === undefined && tolerance === 0)
      return { status: 'outside', cellId: null, reason: 'in no cell (snapping off)' };
    const near = this.nearby(lon, lat, Math.max(accuracy ?? 0, found ? 0 : tolerance), !found);
    let result: Resolution;
    if (insideCell >= 0) result = { status: 'inside', cellId: ids[insideCell] as string };
    else if (boundary !== undefined)
      result = { status: 'boundary', cellId: ids[boundary[0] as number] as string };
    else {
      const within = near.filter((h) => h.distanceM <= tolerance);
      const best = within[0];
      if (best === undefined)
        result = { status: 'outside', cellId: null, reason: this.outsideReason(tolerance) };
      else
        result = {
          status: 'snapped',
          cellId: ids[best.cell] as string,
          distanceM: roundCm(best.distanceM),
          candidates: within.map((h) => ids[h.cell] as string),
        };
    }
    if (accuracy === undefined) return result;
    const touched = near.filter((h) => h.distanceM <= accuracy).map((h) => ids[h.cell] as string);
    return { ...result, candidates: touched, ambiguous: touched.length > 1 };
  }

  /**
   * Every cell whose closure (interior or boundary) holds the point, ascending ids. Unlike
   * `resolve` it never stops at the first hit, so overlapping cells all show up.
   *
   * @example
   *   index.cellsAt(120.153, 30.274); // ['330106001001001']
   */
  cellsAt(lon: number, lat: number): string[] {
    const { ids, layer, grid } = this.data;
    if (!(lon >= grid.minX && lon <= grid.maxX && lat >= grid.minY && lat <= grid.maxY)) return [];
    const b =
      bucketOf(lat, grid.minY, this.sy, grid.ny) * grid.nx + bucketOf(lon, grid.minX, this.sx, grid.nx);
    const v = grid.bucket[b] as number;
    if (v >= 0) return [ids[v] as string];
    const out: string[] = [];
    if (v === EMPTY) return out;
    const from = -v - 1;
    const to = from + (grid.lists[from - 1] as number);
    for (let k = from; k < to; k++) {
      const c = this.touch(grid.lists[k] as number);
      if (featureRelation(layer, c, lon, lat) !== OUTSIDE) out.push(ids[c] as string);
    }
    return out;
  }

  /**
   * Relation of a point to one cell, by id; `undefined` for an unknown id.
   *
   * @example
   *   index.relate('330106001001001', 120.153, 30.274); // 'inside'
   */
  relate(cellId: string, lon: number, lat: number): CellRelation | undefined {
    const c = this.indexOf(cellId);
    if (c < 0) return undefined;
    const rel = featureRelation(this.data.layer, this.touch(c), lon, lat);
    return rel === INSIDE ? 'inside' : rel === ON_BOUNDARY ? 'boundary' : 'outside';
  }

  /** Position of a cell id in `ids` (binary search), or −1. */
  indexOf(cellId: string): number {
    const ids = this.data.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = compareIds(ids[mid] as string, cellId);
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The 'outside' reason, built once per tolerance value rather than per query. */
  private outsideReason(tolerance: number): string {
    if (tolerance !== this.reasonFor) {
      this.reasonFor = tolerance;
      this.reason = `no cell within ${tolerance} m`;
    }
    return this.reason;
  }

  /** Makes sure cell c's coordinates are decoded; returns c. */
  private touch(c: number): number {
    if (this.decoded !== undefined && this.decoded[c] === 0) this.decode(c);
    return c;
  }

  private decode(c: number): void {
    const { layer, pendingCoords } = this.data;
    if (pendingCoords === undefined || this.decoded === undefined) return;
    const rec = layer.featureRec;
    const rings = layer.ringRec;
    const first = rings[RING_REC * (rec[FEATURE_REC * c + 6] as number) + 4] as number;
    const end = rings[RING_REC * ((rec[FEATURE_REC * c + 7] as number) - 1) + 5] as number;
    const coords = layer.coords;
    // Division by 1e7 is correctly rounded, so it restores exactly the double each value came from.
    for (let i = 2 * first; i < 2 * end; i++) coords[i] = (pendingCoords[i] as number) / 1e7;
    this.decoded[c] = 1;
  }

  /**
   * Cells within `radiusM` of the point (0 for cells holding it), nearest first, ties by id.
   * `inNoCell`: the caller already knows no cell holds the point.
   * Distances are planar in a local equirectangular projection centred on the point. A cell
   * whose boundary comes within the radius has that boundary point in a bucket of the window, and
   * buckets keep every cell with an edge in them.
   */
  private nearby(
    lon: number,
    lat: number,
    radiusM: number,
    inNoCell: boolean,
  ): { cell: number; distanceM: number }[] {
    const { layer, grid } = this.data;
    const n = layer.count;
    if (n === 0) return [];
    const ky = METRES_PER_DEGREE;
    const kx = metresPerDegreeLon(lat);
    const dLat = radiusM / ky;
    const dLon = Math.min(360, radiusM / metresPerDegreeLon(Math.min(90, Math.abs(lat) + dLat)));
    if (lon + dLon < grid.minX || lon - dLon > grid.maxX || lat + dLat < grid.minY || lat - dLat > grid.maxY)
      return [];
    const ix0 = bucketOf(lon - dLon, grid.minX, this.sx, grid.nx);
    const ix1 = bucketOf(lon + dLon, grid.minX, this.sx, grid.nx);
    const iy0 = bucketOf(lat - dLat, grid.minY, this.sy, grid.ny);
    const iy1 = bucketOf(lat + dLat, grid.minY, this.sy, grid.ny);
    if (this.stamp === undefined || this.stampGen >= 0xffffffff) {
      this.stamp = new Uint32Array(n);
      this.stampGen = 0;
    }
    const gen = ++this.stampGen;
    const r2 = radiusM * radiusM;
    const hits: { cell: number; distanceM: number }[] = [];
    const { bucket, lists } = grid;
    for (let iy = iy0; iy <= iy1; iy++)
      for (let ix = ix0; ix <= ix1; ix++) {
        const v = bucket[iy * grid.nx + ix] as number;
        if (v >= 0) this.consider(v, lon, lat, kx, ky, r2, gen, inNoCell, hits);
        else if (v !== EMPTY) {
          const from = -v - 1;
          const to = from + (lists[from - 1] as number);
          for (let k = from; k < to; k++)
            this.consider(lists[k] as number, lon, lat, kx, ky, r2, gen, inNoCell, hits);
        }
      }
    if (hits.length > 1) hits.sort((a, b) => a.distanceM - b.distanceM || a.cell - b.cell);
    return hits;
  }

  /** Adds cell c to `hits` if it is within the radius (once per search, by stamp). */
  private consider(
    c: number,
    lon: number,
    lat: number,
    kx: number,
    ky: number,
    r2: number,
    gen: number,
    inNoCell: boolean,
    hits: { cell: number; distanceM: number }[],
  ): void {
    const stamp = this.stamp as Uint32Array;
    if (stamp[c] === gen) return;
    stamp[c] = gen;
    const layer = this.data.layer;
    if (boxDistanceSq(layer.featureRec, FEATURE_REC * c, lon, lat, kx, ky) > r2) return;
    this.touch(c);
    // When the point's own bucket held no cell containing it, no cell does: skip the ray cast.
    if (!inNoCell && featureRelation(layer, c, lon, lat) !== OUTSIDE) {
      hits.push({ cell: c, distanceM: 0 });
      return;
    }
    const d2 = cellEdgeDistanceSq(layer, c, lon, lat, kx, ky, r2);
    if (d2 <= r2) hits.push({ cell: c, distanceM: Math.sqrt(d2) });
  }
}

function roundCm(m: number): number {
  return Math.round(m * 100) / 100;
}

/** Squared metres from the point to a bbox (4 values at `o`), in the point's local projection. */
function boxDistanceSq(box: Float64Array, o: number, x: number, y: number, kx: number, ky: number): number {
  const dx = Math.max((box[o] as number) - x, 0, x - (box[o + 2] as number)) * kx;
  const dy = Math.max((box[o + 1] as number) - y, 0, y - (box[o + 3] as number)) * ky;
  return dx * dx + dy * dy;
}

/** Squared metres from the point to the nearest edge of cell c; rings farther than `limit2` are skipped. */
function cellEdgeDistanceSq(
  layer: FlatLayer,
  c: number,
  x: number,
  y: number,
  kx: number,
  ky: number,
  limit2: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  const { coords, ringRec, featureRec } = layer;
  const ringTo = featureRec[FEATURE_REC * c + 7] as number;
  for (let r = featureRec[FEATURE_REC * c + 6] as number; r < ringTo; r++) {
    const o = RING_REC * r;
    if (boxDistanceSq(ringRec, o, x, y, kx, ky) > Math.min(best, limit2)) continue;
    const first = ringRec[o + 4] as number;
    const last = (ringRec[o + 5] as number) - 1;
    let ax = ((coords[2 * first] as number) - x) * kx;
    let ay = ((coords[2 * first + 1] as number) - y) * ky;
    for (let i = first; i < last; i++) {
      const bx = ((coords[2 * i + 2] as number) - x) * kx;
      const by = ((coords[2 * i + 3] as number) - y) * ky;
      const d2 = segmentDistanceSqFromOrigin(ax, ay, bx, by);
      if (d2 < best) best = d2;
      ax = bx;
      ay = by;
    }
  }
  return best;
}
