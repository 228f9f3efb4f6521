/**
 * The reads a reviewed activation needs (docs/decisions/0022-reviewed-activation.md), each a Query
 * on a declared index, projected to what the diff compares: the cells and zones of a version (gsi1,
 * the same partitions GET /cells lists), the people serving given cells or zones (their membership
 * partitions), the published tasks not yet ended (gsi3, the missed-task job's partition), and a
 * version's packed point index (its geometry, for the dropped area: 0026).
 */
import type { DiffCell, DiffFinding, DiffPerson, DiffTask } from '@gridpatrol/core';
import { batchGet } from './batch';
import type { GridVersionMeta } from './grid-repo';
import { findingCellPartition, findingZonePartition, keys, TASKS_DUE_PARTITION } from './keys';
import { partitionItems } from './query';

/** Runs `fn` over `xs` with at most `limit` in flight. */
async function mapLimit<T, R>(xs: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  const worker = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, xs.length) }, worker));
  return out;
}

/** Every cell of a version with its area and primary zone: a few 1 MB pages even at 20k cells. */
export async function cellSummaries(version: number): Promise<DiffCell[]> {
  const items = await partitionItems({
    index: 'gsi1',
    pk: keys.cell(version, '').gsi1pk,
    projection: ['id', 'areaM2', 'primaryZone'],
  });
  return items.map((i) => ({
    id: String(i.id),
    areaM2: Number(i.areaM2 ?? 0),
    primaryZone: (i.primaryZone as string | null | undefined) ?? null,
  }));
}

export async function zoneIdsOf(version: number): Promise<{ id: string }[]> {
  const items = await partitionItems({
    index: 'gsi1',
    pk: keys.zone(version, '').gsi1pk,
    projection: ['id'],
  });
  return items.map((i) => ({ id: String(i.id) }));
}

/**
 * The city's active people with the cells and zones they serve: one paged Query of the index
 * partition that lists everyone (as the admin's GET /people does), projected; a city has thousands
 * of people, a few pages, where a Query per dropped cell could be thousands of requests.
 */
export async function peopleWithAreas(): Promise<DiffPerson[]> {
  const items = await partitionItems({
    index: 'gsi1',
    pk: keys.person('', '').gsi1pk,
    projection: ['id', 'role', 'cells', 'zones', 'active'],
  });
  return items
    .filter((i) => i.active !== false)
    .map((i) => ({
      id: String(i.id),
      role: String(i.role),
      cells: (i.cells as string[] | undefined) ?? [],
      zones: (i.zones as string[] | undefined) ?? [],
    }));
}

/**
 * The open findings of some cells (gsi4, one Query each), or, when that would be more requests,
 * of the zones (gsi1, one Query each, plus the unzoned partition) filtered to those cells.
 */
export async function openFindingsInCells(
  cellIds: readonly string[],
  zoneIds: readonly string[],
): Promise<DiffFinding[]> {
  if (cellIds.length === 0) return [];
  const byCell = cellIds.length <= zoneIds.length + 1;
  const reads: { index: 'gsi1' | 'gsi4'; pk: string }[] = byCell
    ? cellIds.map((c) => ({ index: 'gsi4', pk: findingCellPartition(c) }))
    : [...zoneIds, null].map((z) => ({ index: 'gsi1', pk: findingZonePartition(z) }));
  const pages = await mapLimit(reads, 16, (r) =>
    partitionItems({ ...r, prefix: 'OPEN#', projection: ['id', 'cellId', 'status'] }),
  );
  const wanted = new Set(cellIds);
  return pages
    .flat()
    .map((i) => ({ id: String(i.id), cellId: (i.cellId as string | null) ?? null, status: String(i.status) }))
    .filter((f) => f.cellId !== null && wanted.has(f.cellId));
}

/** Published tasks (status assigned) whose shift ends after `now`: the future and the ongoing. */
export async function assignedTasksEndingAfter(now: Date): Promise<DiffTask[]> {
  const items = await partitionItems({
    index: 'gsi3',
    pk: TASKS_DUE_PARTITION,
    range: { lo: now.toISOString() },
    projection: ['id', 'cellId', 'date', 'planId'],
  });
  return items.map((i) => ({
    id: String(i.id),
    cellId: String(i.cellId),
    date: String(i.date),
    planId: String(i.planId),
  }));
}

/**
 * A version's packed point index chunks (every cell's rings, 1e-7° integers): one BatchGetItem of
 * the chunks its meta names, a few MB at 20k cells. Empty when the version has no artifact.
 */
export async function indexChunksOf(
  version: number,
  artifact: GridVersionMeta['artifact'],
): Promise<Uint8Array[]> {
  if (!artifact || artifact.indexChunks === 0) return [];
  const items = await batchGet(
    Array.from({ length: artifact.indexChunks }, (_, i) => keys.gridArtifactChunk(version, i)),
  );
  return items.map((item, i) => {
    if (!item) throw new Error(`grid version ${version}: index chunk ${i} is missing`);
    return item.bytes as Uint8Array;
  });
}
