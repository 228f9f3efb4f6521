/**
 * Cells onto zones: the geodesic share of every cell in every zone it touches, the primary zone
 * of each cell, and the coverage findings (cells in no zone, straddling cells, overlapping zones,
 * zone land outside every cell).
 *
 * Engine (docs/decisions/0004-overlay-engine.md): candidate zones by a Flatbush over zone bboxes;
 * exact shortcuts decide most cell–zone pairs without clipping; the rest go to clipper2-ts on a
 * local integer grid after the zone is cut to the cell's window (overlay-clip.ts). Areas use
 * `@turf/area`'s formula, so shares agree with a Turf reference.
 *
 * The shortcuts, per cell–zone pair:
 *  1. no zone edge has a bbox meeting the cell's bbox → the zone's boundary misses the whole box,
 *     so the cell lies wholly inside or wholly outside: one point-in-polygon decides;
 *  2. otherwise, if no zone edge near the cell meets any cell edge (exact orientation tests) and no
 *     nearby zone ring starts inside the cell, each part of the cell (exclaves) is wholly inside or
 *     outside: one point-in-polygon per part decides;
 *  3. otherwise the pair is clipped.
 */

import type { Paths64 } from 'clipper2-ts';
import Flatbush from 'flatbush';
import { BadRequestError } from '../errors';
import { compareIds } from './grid-index';
import { FEATURE_REC, type FlatLayer, featureBox, flattenGeometries, RING_REC } from './index-flat';
import { featureRelation, INSIDE, OUTSIDE, segmentsMeet } from './index-predicates';
import { flatRingAreaSigned } from './measure';
import {
  type ClipWindow,
  clipRingToWindow,
  clipWindow,
  intersectionAreaM2,
  quantizeRing,
} from './overlay-clip';
import type { CellFeature, ZoneFeature } from './types';

export interface OverlayOptions {
  /** Shares below this part of the cell are ignored as slivers. Default 0.01. */
  readonly sliverShare?: number;
  /** A cell whose primary share is below this straddles zones. Default 0.9. */
  readonly straddleShare?: number;
}

export interface OverlayRow {
  readonly cellId: string;
  readonly zoneId: string;
  readonly areaM2: number;
  /** areaM2 / the cell's area, 0..1. */
  readonly share: number;
}

export interface ZoneShare {
  readonly zoneId: string;
  readonly share: number;
  readonly areaM2: number;
}

export interface OverlayCell {
  readonly cellId: string;
  readonly areaM2: number;
  /** The zone with the largest share (ties: lowest id); null when no share reaches the sliver threshold. */
  readonly primaryZone: string | null;
  readonly primaryShare: number;
  /** Shares at or above the sliver threshold, largest first (ties: lowest id). */
  readonly zones: ZoneShare[];
}

export interface OverlayZone {
  readonly zoneId: string;
  readonly areaM2: number;
  /** Cells whose primary zone this is. */
  readonly cellCount: number;
  /** Zone area inside some cell (every share, slivers included). */
  readonly inCellsM2: number;
  /** Zone area outside every cell. */
  readonly outsideCellsM2: number;
}

/** Plain JSON: stored with the grid version and shown to the bureau as findings. */
export interface CoverageReport {
  readonly sliverShare: number;
  readonly straddleShare: number;
  readonly cellCount: number;
  readonly zoneCount: number;
  /** Cells with no zone share at or above the sliver threshold. */
  readonly unzonedCells: { cellId: string; areaM2: number; zonedShare: number }[];
  /** Cells whose primary share is below the straddle threshold (partly unzoned cells included). */
  readonly straddlingCells: {
    cellId: string;
    primaryZone: string;
    primaryShare: number;
    zones: string[];
    unzonedShare: number;
  }[];
  /** Zone pairs whose interiors overlap, with the overlap area. */
  readonly zoneOverlaps: { zoneA: string; zoneB: string; areaM2: number }[];
  /** Per zone, the land outside every cell (zones with at least 1 m² of it). */
  readonly zonesOutsideCells: {
    zoneId: string;
    areaM2: number;
    outsideCellsM2: number;
    outsideShare: number;
  }[];
}

/** How the cell–zone pairs were decided; for the bench and the decision record. */
export interface OverlayStats {
  readonly pairs: number;
  readonly boxClear: number;
  readonly edgesApart: number;
  readonly clipped: number;
  readonly zonePairsClipped: number;
}

export interface OverlayResult {
  /** Every share at or above the sliver threshold, by cell id then zone id. */
  readonly rows: OverlayRow[];
  /** Per cell, in ascending id order. */
  readonly cells: Map<string, OverlayCell>;
  /** Per zone, in ascending id order. */
  readonly zones: Map<string, OverlayZone>;
  readonly coverage: CoverageReport;
  readonly stats: OverlayStats;
}

/** Below this a zone's land outside cells is rounding, not a finding. */
const OUTSIDE_FINDING_M2 = 1;

/**
 * Maps validated cells onto validated zones.
 *
 * @example
 *   const { rows, cells, coverage } = computeOverlay(cells, zones, { sliverShare: 0.01, straddleShare: 0.9 });
 *   cells.get('330106001001001')?.primaryZone; // 'Z-001'
 */
export function computeOverlay(
  cellFeatures: readonly CellFeature[],
  zoneFeatures: readonly ZoneFeature[],
  options: OverlayOptions = {},
): OverlayResult {
  const sliverShare = options.sliverShare ?? 0.01;
  const straddleShare = options.straddleShare ?? 0.9;
  if (!(sliverShare >= 0 && sliverShare < 1))
    throw new BadRequestError('sliverShare must be in [0, 1).', [
      { path: 'sliverShare', message: `got ${sliverShare}` },
    ]);
  if (!(straddleShare > 0 && straddleShare <= 1))
    throw new BadRequestError('straddleShare must be in (0, 1].', [
      { path: 'straddleShare', message: `got ${straddleShare}` },
    ]);
  const cellsSorted = [...cellFeatures].sort((a, b) => compareIds(a.properties.id, b.properties.id));
  const zonesSorted = [...zoneFeatures].sort((a, b) => compareIds(a.properties.id, b.properties.id));
  const cellIds = cellsSorted.map((c) => c.properties.id);
  const zoneIds = zonesSorted.map((z) => z.properties.id);
  const cells = flattenGeometries(cellsSorted.map((c) => c.geometry));
  const zones = flattenGeometries(zonesSorted.map((z) => z.geometry));
  const cellPartArea = partAreas(cells);
  const zonePartArea = partAreas(zones);
  const cellArea = featureAreas(cells, cellPartArea);
  const zoneArea = featureAreas(zones, zonePartArea);
  const zoneTree = boxTree(zones);
  const edges = edgeTree(zones);

  const stats = { pairs: 0, boxClear: 0, edgesApart: 0, clipped: 0, zonePairsClipped: 0 };
  const raw: { cell: number; zone: number; areaM2: number }[] = [];
  const zoneInCells = new Float64Array(zones.count);
  const nearEdges: number[] = [];
  for (let c = 0; c < cells.count; c++) {
    const [x0, y0, x1, y1] = featureBox(cells, c);
    const candidates = zoneTree === null ? [] : zoneTree.search(x0, y0, x1, y1).sort((a, b) => a - b);
    if (candidates.length === 0) continue;
    nearEdges.length = 0;
    if (edges !== null) for (const e of edges.tree.search(x0, y0, x1, y1)) nearEdges.push(e);
    // Edges were added zone by zone, so sorting groups each zone's near edges together.
    nearEdges.sort((a, b) => a - b);
    let cellPaths: Paths64 | undefined;
    let win: ClipWindow | undefined;
    for (const z of candidates) {
      stats.pairs++;
      const zoneEdges = edgesOfZone(edges, nearEdges, z);
      let area: number | undefined;
      if (zoneEdges.length === 0) {
        stats.boxClear++;
        const v = firstVertex(cells, c);
        const vx = cells.coords[2 * v] as number;
        const vy = cells.coords[2 * v + 1] as number;
        area = featureRelation(zones, z, vx, vy) === INSIDE ? (cellArea[c] as number) : 0;
      } else {
        area = partsWhollyInOrOut(cells, c, cellPartArea, zones, z, zoneEdges, edges);
        if (area !== undefined) stats.edgesApart++;
      }
      if (area === undefined) {
        stats.clipped++;
        win ??= clipWindow(x0, y0, x1, y1);
        cellPaths ??= featurePaths(cells, c, win);
        area = intersectionAreaM2(cellPaths, featureRingsInWindow(zones, z, win), win);
      }
      if (area > 0) {
        raw.push({ cell: c, zone: z, areaM2: area });
        zoneInCells[z] = (zoneInCells[z] as number) + area;
      }
    }
  }

  // Rows, cells and zones, in id order.
  const rows: OverlayRow[] = [];
  const cellOut = new Map<string, OverlayCell>();
  const primaryCount = new Uint32Array(zones.count);
  const unzonedCells: CoverageReport['unzonedCells'] = [];
  const straddlingCells: CoverageReport['straddlingCells'] = [];
  let at = 0;
  for (let c = 0; c < cells.count; c++) {
    const area = cellArea[c] as number;
    const shares: (ZoneShare & { zone: number })[] = [];
    let zoned = 0;
    for (; at < raw.length && (raw[at] as { cell: number }).cell === c; at++) {
      const r = raw[at] as { zone: number; areaM2: number };
      const share = area > 0 ? r.areaM2 / area : 0;
      zoned += share;
      if (share >= sliverShare && share > 0) {
        const zoneId = zoneIds[r.zone] as string;
        rows.push({ cellId: cellIds[c] as string, zoneId, areaM2: r.areaM2, share });
        shares.push({ zoneId, share, areaM2: r.areaM2, zone: r.zone });
      }
    }
    shares.sort((a, b) => b.share - a.share || compareIds(a.zoneId, b.zoneId));
    const primary = shares[0];
    const cellId = cellIds[c] as string;
    cellOut.set(cellId, {
      cellId,
      areaM2: area,
      primaryZone: primary?.zoneId ?? null,
      primaryShare: primary?.share ?? 0,
      zones: shares.map(({ zoneId, share, areaM2 }) => ({ zoneId, share, areaM2 })),
    });
    if (primary === undefined) unzonedCells.push({ cellId, areaM2: area, zonedShare: Math.min(1, zoned) });
    else {
      primaryCount[primary.zone] = (primaryCount[primary.zone] as number) + 1;
      if (primary.share < straddleShare)
        straddlingCells.push({
          cellId,
          primaryZone: primary.zoneId,
          primaryShare: primary.share,
          zones: shares.map((s) => s.zoneId),
          unzonedShare: Math.max(0, 1 - Math.min(1, zoned)),
        });
    }
  }
  const zoneOut = new Map<string, OverlayZone>();
  const zonesOutsideCells: CoverageReport['zonesOutsideCells'] = [];
  for (let z = 0; z < zones.count; z++) {
    const zoneId = zoneIds[z] as string;
    const areaM2 = zoneArea[z] as number;
    const inCellsM2 = zoneInCells[z] as number;
    const outsideCellsM2 = Math.max(0, areaM2 - inCellsM2);
    zoneOut.set(zoneId, { zoneId, areaM2, cellCount: primaryCount[z] as number, inCellsM2, outsideCellsM2 });
    if (outsideCellsM2 >= OUTSIDE_FINDING_M2)
      zonesOutsideCells.push({
        zoneId,
        areaM2,
        outsideCellsM2,
        outsideShare: areaM2 > 0 ? outsideCellsM2 / areaM2 : 0,
      });
  }
  const zoneOverlaps = overlaps(zones, zoneIds, zoneTree, stats);
  return {
    rows,
    cells: cellOut,
    zones: zoneOut,
    coverage: {
      sliverShare,
      straddleShare,
      cellCount: cells.count,
      zoneCount: zones.count,
      unzonedCells,
      straddlingCells,
      zoneOverlaps,
      zonesOutsideCells,
    },
    stats,
  };
}

// ---------------------------------------------------------------------------------------------

interface EdgeIndex {
  readonly tree: Flatbush;
  /** Zone of edge e. */
  readonly zone: Uint32Array;
  /** Ring of edge e; the edge runs from vertex `from[e]` to the next. */
  readonly ring: Uint32Array;
  readonly from: Uint32Array;
}

/** One Flatbush of a layer's feature bboxes (null for an empty layer); also the dropped-area measure's. */
export function boxTree(layer: FlatLayer): Flatbush | null {
  if (layer.count === 0) return null;
  const tree = new Flatbush(layer.count);
  for (let f = 0; f < layer.count; f++) tree.add(...featureBox(layer, f));
  tree.finish();
  return tree;
}

/** Every edge of every ring, zone by zone, in one Flatbush: "which zone boundaries come near this box". */
function edgeTree(layer: FlatLayer): EdgeIndex | null {
  const rings = layer.ringVertex.length - 1;
  const count = (layer.ringVertex[rings] as number) - rings;
  if (count <= 0) return null;
  const tree = new Flatbush(count);
  const zone = new Uint32Array(count);
  const ring = new Uint32Array(count);
  const from = new Uint32Array(count);
  let e = 0;
  for (let f = 0; f < layer.count; f++) {
    const o = FEATURE_REC * f;
    for (let r = layer.featureRec[o + 6] as number; r < (layer.featureRec[o + 7] as number); r++) {
      const last = (layer.ringRec[RING_REC * r + 5] as number) - 1;
      for (let i = layer.ringRec[RING_REC * r + 4] as number; i < last; i++) {
        const ax = layer.coords[2 * i] as number;
        const ay = layer.coords[2 * i + 1] as number;
        const bx = layer.coords[2 * i + 2] as number;
        const by = layer.coords[2 * i + 3] as number;
        tree.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
        zone[e] = f;
        ring[e] = r;
        from[e] = i;
        e++;
      }
    }
  }
  tree.finish();
  return { tree, zone, ring, from };
}

/** The near edges (sorted) that belong to zone z. */
function edgesOfZone(edges: EdgeIndex | null, near: readonly number[], z: number): number[] {
  if (edges === null) return [];
  const out: number[] = [];
  for (const e of near) if (edges.zone[e] === z) out.push(e);
  return out;
}

function firstVertex(layer: FlatLayer, f: number): number {
  return layer.ringRec[RING_REC * (layer.featureRec[FEATURE_REC * f + 6] as number) + 4] as number;
}

/**
 * Area of cell c inside zone z when the two boundaries provably do not meet (shortcut 2), or
 * undefined when the pair must be clipped.
 */
function partsWhollyInOrOut(
  cells: FlatLayer,
  c: number,
  cellPartArea: Float64Array,
  zones: FlatLayer,
  z: number,
  zoneEdges: readonly number[],
  edges: EdgeIndex | null,
): number | undefined {
  if (edges === null) return undefined;
  const { coords } = cells;
  const o = FEATURE_REC * c;
  const ringFrom = cells.featureRec[o + 6] as number;
  const ringTo = cells.featureRec[o + 7] as number;
  let lastRing = -1;
  for (const e of zoneEdges) {
    const i = edges.from[e] as number;
    const ax = zones.coords[2 * i] as number;
    const ay = zones.coords[2 * i + 1] as number;
    const bx = zones.coords[2 * i + 2] as number;
    const by = zones.coords[2 * i + 3] as number;
    // A zone ring that comes near may lie wholly inside the cell without crossing it.
    const ring = edges.ring[e] as number;
    if (ring !== lastRing) {
      lastRing = ring;
      if (featureRelation(cells, c, ax, ay) !== OUTSIDE) return undefined;
    }
    const ex0 = Math.min(ax, bx);
    const ex1 = Math.max(ax, bx);
    const ey0 = Math.min(ay, by);
    const ey1 = Math.max(ay, by);
    for (let r = ringFrom; r < ringTo; r++) {
      const ro = RING_REC * r;
      if ((cells.ringRec[ro] as number) > ex1 || (cells.ringRec[ro + 2] as number) < ex0) continue;
      if ((cells.ringRec[ro + 1] as number) > ey1 || (cells.ringRec[ro + 3] as number) < ey0) continue;
      const last = (cells.ringRec[ro + 5] as number) - 1;
      for (let k = cells.ringRec[ro + 4] as number; k < last; k++) {
        const px = coords[2 * k] as number;
        const py = coords[2 * k + 1] as number;
        const qx = coords[2 * k + 2] as number;
        const qy = coords[2 * k + 3] as number;
        if (
          Math.max(px, qx) < ex0 ||
          Math.min(px, qx) > ex1 ||
          Math.max(py, qy) < ey0 ||
          Math.min(py, qy) > ey1
        )
          continue;
        if (segmentsMeet(px, py, qx, qy, ax, ay, bx, by)) return undefined;
      }
    }
  }
  // Boundaries apart: each part of the cell is wholly in or out of the zone.
  let area = 0;
  const partFrom = cells.featureRec[o + 4] as number;
  const partTo = cells.featureRec[o + 5] as number;
  for (let p = partFrom; p < partTo; p++) {
    const v = cells.ringRec[RING_REC * (cells.partRing[p] as number) + 4] as number;
    const rel = featureRelation(zones, z, coords[2 * v] as number, coords[2 * v + 1] as number);
    if (rel === INSIDE) area += cellPartArea[p] as number;
    else if (rel !== OUTSIDE) return undefined;
  }
  return area;
}

/** Geodesic area of each part: outer ring minus holes, Turf's formula. */
function partAreas(layer: FlatLayer): Float64Array {
  const parts = layer.partRing.length - 1;
  const out = new Float64Array(parts);
  for (let p = 0; p < parts; p++) {
    let area = 0;
    for (let r = layer.partRing[p] as number; r < (layer.partRing[p + 1] as number); r++) {
      const a = Math.abs(
        flatRingAreaSigned(
          layer.coords,
          layer.ringVertex[r] as number,
          (layer.ringVertex[r + 1] as number) - 1,
        ),
      );
      area += r === layer.partRing[p] ? a : -a;
    }
    out[p] = area;
  }
  return out;
}

function featureAreas(layer: FlatLayer, partArea: Float64Array): Float64Array {
  const out = new Float64Array(layer.count);
  for (let f = 0; f < layer.count; f++) {
    let area = 0;
    for (let p = layer.featurePart[f] as number; p < (layer.featurePart[f + 1] as number); p++)
      area += partArea[p] as number;
    out[f] = area;
  }
  return out;
}

/** All rings of a feature as integer paths in the window (cells are small: no pre-clipping). */
export function featurePaths(layer: FlatLayer, f: number, win: ClipWindow): Paths64 {
  const paths: Paths64 = [];
  const o = FEATURE_REC * f;
  for (let r = layer.featureRec[o + 6] as number; r < (layer.featureRec[o + 7] as number); r++)
    paths.push(
      quantizeRing(
        layer.coords,
        layer.ringRec[RING_REC * r + 4] as number,
        layer.ringRec[RING_REC * r + 5] as number,
        win,
      ),
    );
  return paths;
}

/** A feature's rings cut to the window; rings whose bbox misses the window are skipped. */
export function featureRingsInWindow(layer: FlatLayer, f: number, win: ClipWindow): Paths64 {
  const paths: Paths64 = [];
  const o = FEATURE_REC * f;
  for (let r = layer.featureRec[o + 6] as number; r < (layer.featureRec[o + 7] as number); r++) {
    const ro = RING_REC * r;
    if (
      (layer.ringRec[ro] as number) > win.x1 ||
      (layer.ringRec[ro + 2] as number) < win.x0 ||
      (layer.ringRec[ro + 1] as number) > win.y1 ||
      (layer.ringRec[ro + 3] as number) < win.y0
    )
      continue;
    const path = clipRingToWindow(
      layer.coords,
      layer.ringRec[ro + 4] as number,
      layer.ringRec[ro + 5] as number,
      win,
    );
    if (path.length >= 3) paths.push(path);
  }
  return paths;
}

/** Overlapping zone pairs: every pair with overlapping boxes is clipped within the shared box. */
function overlaps(
  zones: FlatLayer,
  zoneIds: readonly string[],
  tree: Flatbush | null,
  stats: { zonePairsClipped: number },
): CoverageReport['zoneOverlaps'] {
  const out: CoverageReport['zoneOverlaps'] = [];
  if (tree === null) return out;
  const rec = zones.featureRec;
  for (let a = 0; a < zones.count; a++) {
    const oa = FEATURE_REC * a;
    const others = tree
      .search(rec[oa] as number, rec[oa + 1] as number, rec[oa + 2] as number, rec[oa + 3] as number)
      .filter((b) => b > a)
      .sort((x, y) => x - y);
    for (const b of others) {
      const ob = FEATURE_REC * b;
      const x0 = Math.max(rec[oa] as number, rec[ob] as number);
      const y0 = Math.max(rec[oa + 1] as number, rec[ob + 1] as number);
      const x1 = Math.min(rec[oa + 2] as number, rec[ob + 2] as number);
      const y1 = Math.min(rec[oa + 3] as number, rec[ob + 3] as number);
      if (x0 > x1 || y0 > y1) continue;
      stats.zonePairsClipped++;
      const win = clipWindow(x0, y0, x1, y1);
      const area = intersectionAreaM2(
        featureRingsInWindow(zones, a, win),
        featureRingsInWindow(zones, b, win),
        win,
      );
      // Shared borders leave zero-width or rounding-sized results; only real overlap is a finding.
      if (area >= OUTSIDE_FINDING_M2)
        out.push({ zoneA: zoneIds[a] as string, zoneB: zoneIds[b] as string, areaM2: area });
    }
  }
  return out;
}
