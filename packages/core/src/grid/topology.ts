/**
 * The shape of one grid version as the rest of the domain needs it without its geometry: the
 * resolution sidecar the store caches beside the point index, and the topology built from it
 * (cell → zones, zone → cells, zone → office) that access scopes, plans, exports and baselines read.
 */
import type { ZoneShare } from '../geo/overlay';

/**
 * What a resolution needs beside the geometry index: names and zones of each cell; and, for access
 * scopes (../policy.ts), each zone's office and name, so that cell → zones, zone → cells and
 * zone → office are known in memory from the cached grid. `zones` is absent in sidecars written
 * before scopes existed; `gridTopology` then derives the zones from the cells' shares.
 */
export interface ResolutionSidecar {
  cells: Record<string, { name: string; primaryZone: string | null; zones: ZoneShare[] }>;
  zones?: Record<string, { office: string; name: string }>;
}

/** Cells, zones and offices of one grid version, as scopes need them; built once per version. */
export interface GridTopology {
  readonly version: number;
  /** Zones each cell has a share in. */
  readonly cellZones: ReadonlyMap<string, readonly string[]>;
  /** Cells with a share in each zone, sorted by id; every zone of the version is a key. */
  readonly zoneCells: ReadonlyMap<string, readonly string[]>;
  /** Each zone's office ('' when an old sidecar did not record it). */
  readonly zoneOffice: ReadonlyMap<string, string>;
}

/**
 * The topology of a grid version from its resolution sidecar.
 *
 * @example gridTopology(3, built.sidecar).zoneCells.get('Z-01') // ['C-001', 'C-002']
 */
export function gridTopology(version: number, sidecar: ResolutionSidecar): GridTopology {
  const cellZones = new Map<string, string[]>();
  const zoneCells = new Map<string, string[]>();
  const zoneOffice = new Map<string, string>();
  for (const [id, info] of Object.entries(sidecar.zones ?? {})) {
    zoneOffice.set(id, info.office);
    zoneCells.set(id, []);
  }
  for (const [cellId, info] of Object.entries(sidecar.cells)) {
    const zones = info.zones.map((s) => s.zoneId);
    cellZones.set(cellId, zones);
    for (const z of zones) {
      const list = zoneCells.get(z) ?? [];
      list.push(cellId);
      zoneCells.set(z, list);
      if (!zoneOffice.has(z)) zoneOffice.set(z, '');
    }
  }
  for (const list of zoneCells.values()) list.sort();
  return { version, cellZones, zoneCells, zoneOffice };
}
