import { toWgs84 } from '../geo/coords';
import type { GridIndex } from '../geo/grid-index';
import type { ZoneShare } from '../geo/overlay';
import { loadGridIndexFromChunks } from '../geo/packed';
import type { CoordSys } from '../geo/types';
import type { ResolutionSidecar } from './topology';

export interface ActiveGrid {
  readonly version: number;
  readonly index: GridIndex;
  readonly sidecar: ResolutionSidecar;
}

export interface PointInput {
  lon: number;
  lat: number;
  coordSys?: CoordSys;
  accuracyM?: number;
}

export interface PointResolution {
  gridVersion: number;
  status: 'inside' | 'boundary' | 'snapped' | 'outside';
  cell: { id: string; name: string } | null;
  primaryZone: string | null;
  zones: ZoneShare[];
  distanceM?: number;
  ambiguous?: boolean;
  candidates?: string[];
  reason?: string;
  input: { lon: number; lat: number; coordSys: CoordSys };
  point: { lon: number; lat: number };
}

/**
 * A point's cell and zones. GCJ-02 / BD-09 points are converted to WGS-84 first; the original is
 * kept in `input`. Border points follow the index's documented tie-break (docs/decisions).
 *
 * @example resolvePoint(grid, { lon: 120.15, lat: 30.27, coordSys: 'gcj02' }, 50).cell?.id
 */
export function resolvePoint(grid: ActiveGrid, input: PointInput, snapToleranceM: number): PointResolution {
  const coordSys = input.coordSys ?? 'wgs84';
  const [lon, lat] = toWgs84([input.lon, input.lat], coordSys);
  const r = grid.index.resolve(lon, lat, { snapToleranceM, accuracyM: input.accuracyM });
  const info = r.cellId ? grid.sidecar.cells[r.cellId] : undefined;
  return {
    gridVersion: grid.version,
    status: r.status,
    cell: r.cellId ? { id: r.cellId, name: info?.name ?? r.cellId } : null,
    primaryZone: info?.primaryZone ?? null,
    zones: info?.zones ?? [],
    ...(r.distanceM !== undefined ? { distanceM: r.distanceM } : {}),
    ...(r.ambiguous !== undefined ? { ambiguous: r.ambiguous } : {}),
    ...(r.candidates ? { candidates: r.candidates } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    input: { lon: input.lon, lat: input.lat, coordSys },
    point: { lon, lat },
  };
}

/** Rebuilds the active grid from its stored artifact chunks (each chunk's checksum is verified). */
export function openActiveGrid(
  version: number,
  indexChunks: readonly Uint8Array[],
  sidecar: unknown,
): ActiveGrid {
  return { version, index: loadGridIndexFromChunks(indexChunks), sidecar: sidecar as ResolutionSidecar };
}
