/**
 * The reads behind exports (docs/decisions/0016-exports.md): every page of the findings, patrol
 * tasks or cells of an area, handed out as it arrives so that the caller writes it out and lets it
 * go. Nothing scans the table: findings are Query pages of their zone (gsi1) or cell (gsi4)
 * partitions, tasks of their plans' partitions, cells are read by key.
 *
 * Several partitions are read at once while the caller writes what has arrived, so the database
 * and the writing overlap; memory holds a few pages at most (EXPORT_READS_IN_FLIGHT).
 */
import {
  type CellRecord,
  type Counters,
  counterArea,
  EXPORT_FINDING_FIELDS,
  ExportFinding,
  type ExportFindingSource,
  FINDING_STATUSES,
  keepsTask,
  type PatrolTask,
  PatrolTask as PatrolTaskSchema,
  type PolygonGeometry,
  type TaskExportFilter,
} from '@gridpatrol/core';
import { getCounters } from './counters';
import { getCell } from './grid-repo';
import { recordOf } from './item';
import {
  findingCellPartition,
  findingStatePrefix,
  findingZonePartition,
  keys,
  planOfficePartition,
} from './keys';
import { type PartitionRead, partitionItems, partitionPage } from './query';
import { gridAreasOfAllVersions } from './stats-verify';

/**
 * Items asked for per Query. DynamoDB ends a page at 1 MB whatever the limit, so with items of
 * ~1 KB this lets the 1 MB cap decide; the limit only bounds a page of tiny items.
 */
export const EXPORT_QUERY_LIMIT = 5000;
/** Cells read at once: one Query each (record and geometry), one BatchGetItem for their counters. */
export const EXPORT_CELL_SLICE = 100;

/** Partition reads in flight at once in an export (findings: a city has hundreds of zones). */
export const EXPORT_READS_IN_FLIGHT = 4;

/**
 * Every page of some partition reads: up to `parallel` reads at once, each page by page, pages handed
 * out as they arrive (so pages of different partitions interleave; each partition's own pages stay in
 * order). Readers stop while `parallel` pages wait unconsumed, so memory holds at most about twice
 * that many pages whatever the export's size. A failed read is thrown to the consumer; a consumer
 * that stops early stops the readers.
 */
async function* pagesOf<T>(
  reads: readonly PartitionRead[],
  toItem: (item: Record<string, unknown>) => T,
  parallel = EXPORT_READS_IN_FLIGHT,
  limit = EXPORT_QUERY_LIMIT,
): AsyncGenerator<T[]> {
  const ready: T[][] = [];
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let active = 0;
  let next = 0;
  // One waiter on each side: the consumer for a page, the readers for room.
  let wake: (() => void) | undefined;
  const room: (() => void)[] = [];
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const reader = async () => {
    try {
      while (!stopped && !failure && next < reads.length) {
        const read = reads[next++] as PartitionRead;
        let cursor: string | undefined;
        do {
          const page = await partitionPage(read, toItem, cursor, limit);
          cursor = page.cursor;
          ready.push(page.items);
          signal();
          while (!stopped && ready.length >= parallel) await new Promise<void>((r) => room.push(r));
        } while (cursor !== undefined && !stopped);
      }
    } catch (error) {
      failure ??= { error };
    } finally {
      active--;
      signal();
    }
  };
  const count = Math.max(1, Math.min(parallel, reads.length));
  active = count;
  const readers = Array.from({ length: count }, reader);
  try {
    while (true) {
      if (failure) throw failure.error;
      const page = ready.shift();
      if (page) {
        room.shift()?.();
        yield page;
        continue;
      }
      if (active === 0) break;
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  } finally {
    stopped = true;
    for (const r of room.splice(0)) r();
    await Promise.allSettled(readers);
  }
}

/**
 * The partition reads of a findings export, projected to the exported fields: each zone (gsi1) or
 * cell (gsi4) partition whole, or with a report-time range, one key range per state (sort keys are `OPEN|SHUT#<state>#<reportedAt>#<id>`).
 * The city: every zone of every readable grid version and the unzoned partition (a finding keeps the
 * zone it was routed to, which the active grid may no longer have; docs/decisions/0013).
 */
export async function findingExportReads(
  source: ExportFindingSource,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<PartitionRead[]> {
  const projection = EXPORT_FINDING_FIELDS;
  let partitions: PartitionRead[];
  if (source.by === 'city') {
    const { zones } = await gridAreasOfAllVersions();
    partitions = [...[...zones].sort(), null].map((z) => ({
      index: 'gsi1',
      pk: findingZonePartition(z),
      projection,
    }));
  } else {
    partitions = [...new Set(source.ids)].map((id) =>
      source.by === 'zone'
        ? { index: 'gsi1', pk: findingZonePartition(id), projection }
        : { index: 'gsi4', pk: findingCellPartition(id), projection },
    );
  }
  if (range.from === undefined && range.to === undefined) return partitions;
  return partitions.flatMap((p) =>
    FINDING_STATUSES.map((s) => {
      const prefix = findingStatePrefix(s);
      return { ...p, range: { lo: `${prefix}${range.from ?? ''}`, hi: `${prefix}${range.to ?? ''}~` } };
    }),
  );
}

/**
 * Every finding of some partition reads, page by page, each once: a finding that changes state
 * while the export runs moves within its partition and could be met twice; the later meeting is
 * dropped (ids are kept, ~100 bytes each).
 *
 * @example for await (const page of findingExportPages(await findingExportReads(plan.findings, {}))) write(page)
 */
export async function* findingExportPages(reads: readonly PartitionRead[]): AsyncGenerator<ExportFinding[]> {
  const seen = new Set<string>();
  for await (const page of pagesOf(reads, (item) => ExportFinding.parse(item))) {
    const fresh = page.filter((f) => !seen.has(f.id));
    for (const f of fresh) seen.add(f.id);
    yield fresh;
  }
}

const toTask = (item: Record<string, unknown>) => PatrolTaskSchema.parse(recordOf(item));
/** A plan's task partition (gsi1), by date, shift start and cell. */
const planTasksPartition = (planId: string) =>
  keys.patrolTask({ id: '', planId, date: '', shiftStart: '', shiftEnd: '', cellId: '', status: '' }).gsi1pk;

/**
 * Every patrol task an export keeps, page by page: the plans of the filter's office partitions
 * whose week may hold a date of the range (drafts left out: their tasks are no one's yet), then each
 * plan's tasks in the date range, draft tasks left out.
 *
 * @example for await (const page of taskExportPages(plan.tasks, taskExportRanges(query))) write(page)
 */
export async function* taskExportPages(
  filter: TaskExportFilter,
  ranges: { plans: { lo?: string; hi?: string }; tasks: { lo?: string; hi?: string } },
): AsyncGenerator<PatrolTask[]> {
  const planIds: string[] = [];
  for (const office of filter.offices)
    for (const p of await partitionItems({
      index: 'gsi1',
      pk: planOfficePartition(office),
      range: ranges.plans,
      projection: ['id', 'status'],
    }))
      if (p.status !== 'draft') planIds.push(String(p.id));
  const reads: PartitionRead[] = planIds.map((id) => ({
    index: 'gsi1',
    pk: planTasksPartition(id),
    range: ranges.tasks,
  }));
  for await (const page of pagesOf(reads, toTask))
    yield page.filter((t) => t.status !== 'draft' && keepsTask(filter, t));
}

/** One cell of a cells export as read: its record, geometry and live counters. */
export interface CellExportRead {
  readonly cell: CellRecord;
  readonly geometry: PolygonGeometry;
  readonly counters: Counters[string] | undefined;
}

async function cellSlice(version: number, ids: readonly string[]): Promise<CellExportRead[]> {
  const [cells, counters] = await Promise.all([
    Promise.all(ids.map((id) => getCell(version, id))),
    getCounters(ids.map((id) => counterArea.cell(id))),
  ]);
  return cells.flatMap((c) => {
    if (!c) return [];
    const { geometry, ...cell } = c;
    return [{ cell, geometry, counters: counters[counterArea.cell(c.id)] }];
  });
}

/**
 * The cells of a grid version by id, EXPORT_CELL_SLICE at a time (missing ones left out), with the
 * next slice read while the current one is written.
 *
 * @example for await (const slice of cellExportPages(7, plan.cells)) write(slice)
 */
export async function* cellExportPages(
  version: number,
  ids: readonly string[],
): AsyncGenerator<CellExportRead[]> {
  const slices: string[][] = [];
  for (let i = 0; i < ids.length; i += EXPORT_CELL_SLICE) slices.push(ids.slice(i, i + EXPORT_CELL_SLICE));
  let at = 0;
  const fetch = () => {
    const slice = slices[at++];
    return slice ? cellSlice(version, slice) : undefined;
  };
  let pending = fetch();
  try {
    while (pending) {
      const page = await pending;
      pending = fetch();
      yield page;
    }
  } finally {
    pending?.catch(() => undefined);
  }
}
