/**
 * Per-container caches of the grid, shared by every handler group. Grid versions never change once
 * written, so a version's topology or index is cached for good; what can change is which version is
 * active. The pointer saying so is read at most once per POINTER_MAX_AGE_MS per container (an
 * activation in this container forgets it at once): a report is the hot path, and one GetItem less
 * per request is worth a few seconds in which other containers still route by the version just
 * replaced (docs/decisions/0012-findings-latency.md).
 *
 * - `activeGrid()`: the point index and sidecar of the active version (resolution; grid group).
 * - `gridTopology(version?)`: cells, zones and offices of a version (access scopes; every group).
 *   Loads the sidecar only, never the index, so the people group stays light.
 */
import {
  type ActiveGrid,
  gridTopology as buildTopology,
  ConflictError,
  type GridTopology,
  message,
  NotFoundError,
  openActiveGrid,
  type ResolutionSidecar,
} from '@gridpatrol/core';
import {
  type GridPointer,
  getGridPointer,
  getGridVersion,
  loadActiveArtifact,
  loadSidecar,
} from '@gridpatrol/store';

let held: ActiveGrid | undefined;

/** How long this container trusts the active-version pointer it read. */
export const POINTER_MAX_AGE_MS = 5_000;
let pointerRead: { at: number; pointer: GridPointer } | undefined;

async function activePointer(): Promise<GridPointer> {
  const now = Date.now();
  if (pointerRead && now - pointerRead.at < POINTER_MAX_AGE_MS) return pointerRead.pointer;
  const pointer = await getGridPointer();
  pointerRead = { at: now, pointer };
  return pointer;
}

/** An activation made in this container: the next request reads the pointer again. */
export function forgetActivePointer(): void {
  pointerRead = undefined;
}

export const noActiveGrid = () => new ConflictError(message('grid.noActive'));

export async function activeGrid(): Promise<ActiveGrid> {
  const loaded = await loadActiveArtifact(held?.version, await activePointer());
  if (!loaded) throw noActiveGrid();
  if (loaded.artifact)
    held = openActiveGrid(loaded.version, loaded.artifact.indexChunks, loaded.artifact.sidecar);
  if (!held || held.version !== loaded.version) throw new Error('grid cache out of step');
  return held;
}

/** A few versions: the active one and the odd older one a manager reads. */
const TOPOLOGIES_KEPT = 4;
const topologies = new Map<number, GridTopology>();

function remember(topology: GridTopology): GridTopology {
  topologies.delete(topology.version);
  topologies.set(topology.version, topology);
  while (topologies.size > TOPOLOGIES_KEPT) {
    const oldest = topologies.keys().next().value;
    if (oldest === undefined) break;
    topologies.delete(oldest);
  }
  return topology;
}

/**
 * The topology of `version` (a readable, complete one: not `writing` or `failed`; 404 otherwise), or of the active
 * version; undefined when no version is active and none was named.
 *
 * @example const topo = await gridTopology(query.version); const scope = scopeOf(caller, topo);
 */
export async function gridTopology(version?: number): Promise<GridTopology | undefined> {
  if (version !== undefined) {
    const hit = topologies.get(version);
    if (hit) return hit;
    const meta = await getGridVersion(version);
    if (!meta || meta.status === 'writing' || meta.status === 'failed')
      throw new NotFoundError('grid version', String(version));
    const sidecar = (await loadSidecar(version, meta.artifact)) as ResolutionSidecar;
    return remember(buildTopology(version, sidecar));
  }
  const pointer = await activePointer();
  if (pointer.activeVersion === undefined || !pointer.artifact) return undefined;
  const active = pointer.activeVersion;
  const hit = topologies.get(active);
  if (hit) return hit;
  if (held?.version === active) return remember(buildTopology(active, held.sidecar));
  const sidecar = (await loadSidecar(active, pointer.artifact)) as ResolutionSidecar;
  return remember(buildTopology(active, sidecar));
}

/**
 * The active grid and the topology of that same version, for reports: routing and the reporter's
 * scope must come from one version even if an activation lands between two reads of the pointer.
 */
export async function activeGridAndTopology(): Promise<{ grid: ActiveGrid; topology: GridTopology }> {
  const grid = await activeGrid();
  const topology = topologies.get(grid.version) ?? remember(buildTopology(grid.version, grid.sidecar));
  return { grid, topology };
}

/** As gridTopology, but a read of the grid needs one: no active grid is a 409. */
export async function requireTopology(version?: number): Promise<GridTopology> {
  const topology = await gridTopology(version);
  if (!topology) throw noActiveGrid();
  return topology;
}

/** An empty grid, for scopes when no version is active yet (people routes before the first import). */
export const EMPTY_TOPOLOGY: GridTopology = {
  version: 0,
  cellZones: new Map(),
  zoneCells: new Map(),
  zoneOffice: new Map(),
};
