/**
 * `gridpatrol stats verify`: recounts the counters from the findings and patrol tasks and compares
 * them with the stored counter items, without a Scan. What is read (docs/decisions/0013):
 *
 * - Grid versions: the gsi1 list of versions (`GRID#VERSIONS`), every readable one (not `writing`),
 *   and each one's zones, cells and zone offices from its resolution sidecar (one BatchGetItem), or
 *   from the version's own zone and cell index partitions when it has no sidecar.
 * - Findings: the gsi1 partition of every zone of every version (a finding keeps the zone it was
 *   routed to, which a later version may no longer have) plus the unzoned partition, every state.
 * - Tasks: the plans of every office partition (the city's offices, every office a zone of any
 *   version names, and the city-wide partition), then each plan's task partition.
 * - Counters: by key (BatchGetItem), for `city`, `unzoned`, every office, zone and cell enumerated above, and
 *   every area the recount produced. Counter items are not indexed, so an area that is in no grid
 *   version and that no finding or task names is not read: nothing could have written it.
 */
import {
  CITY_AREA,
  type CounterArea,
  type Counters,
  type CounterVerification,
  compareCounters,
  counterArea,
  type Finding,
  gridTopology,
  mergeCounters,
  type PatrolTask,
  PatrolTask as PatrolTaskSchema,
  type ResolutionSidecar,
  recount,
  recountTasks,
  UNZONED_AREA,
} from '@gridpatrol/core';
import { getCounters } from './counters';
import { findingFromItem } from './findings-repo';
import { type GridVersionMeta, listGridVersions, loadSidecar } from './grid-repo';
import { recordOf } from './item';
import { findingZonePartition, keys, planOfficePartition } from './keys';
import { everyPage, partitionItems, partitionPage } from './query';

/** Items per page when reading findings and tasks: counts are folded in page by page. */
const PAGE = 500;

/** The zones, cells and offices of every readable grid version, and how many versions were read. */
export interface GridAreas {
  readonly versions: number;
  readonly zones: ReadonlySet<string>;
  readonly cells: ReadonlySet<string>;
  /** Offices the zones of any version belong to ('' left out). */
  readonly offices: ReadonlySet<string>;
}

const allGridVersions = (): Promise<GridVersionMeta[]> =>
  everyPage((cursor) => listGridVersions(cursor, 100));

/**
 * Every zone, cell and office named by any grid version that is readable (`writing` ones are not:
 * no finding can be routed by a version before it is complete).
 */
export async function gridAreasOfAllVersions(): Promise<GridAreas> {
  const zones = new Set<string>();
  const cells = new Set<string>();
  const offices = new Set<string>();
  const versions = (await allGridVersions()).filter((m) => m.status !== 'writing');
  for (const meta of versions) {
    const sidecar = meta.artifact
      ? ((await loadSidecar(meta.version, meta.artifact)) as ResolutionSidecar | undefined)
      : undefined;
    if (sidecar) {
      const topo = gridTopology(meta.version, sidecar);
      for (const [zone, office] of topo.zoneOffice) {
        zones.add(zone);
        if (office !== '') offices.add(office);
      }
      for (const cell of topo.cellZones.keys()) cells.add(cell);
      continue;
    }
    // No sidecar (an old version): the version's own index partitions of zones and cells.
    for (const z of await partitionItems({
      index: 'gsi1',
      pk: keys.zone(meta.version, '').gsi1pk,
      projection: ['id', 'office'],
    })) {
      zones.add(String(z.id));
      if (typeof z.office === 'string' && z.office !== '') offices.add(z.office);
    }
    for (const c of await partitionItems({
      index: 'gsi1',
      pk: keys.cell(meta.version, '').gsi1pk,
      projection: ['id'],
    }))
      cells.add(String(c.id));
  }
  return { versions: versions.length, zones, cells, offices };
}

/** Every page of one partition, each handed to `use` as it arrives. */
async function eachPage<T>(
  read: Parameters<typeof partitionPage>[0],
  toItem: (item: Record<string, unknown>) => T,
  use: (items: T[]) => void,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await partitionPage(read, toItem, cursor, PAGE);
    use(page.items);
    cursor = page.cursor;
  } while (cursor);
}

const toTask = (item: Record<string, unknown>) => PatrolTaskSchema.parse(recordOf(item));

/**
 * Recounts every counter from the findings and tasks and compares it with the stored one.
 * `offices`: the city config's office ids (offices no zone names yet may still hold plans).
 *
 * @example const report = await verifyCounters({ offices: config.offices.map((o) => o.id), timeZone: config.timeZone });
 *   report.disagreements // [] when every counter agrees
 */
export async function verifyCounters(opts: {
  offices: readonly string[];
  /** The city's: day buckets count by its calendar days. */
  timeZone: string;
}): Promise<CounterVerification> {
  const grid = await gridAreasOfAllVersions();

  // Findings: each sits in exactly one zone partition of gsi1; ids are kept so none counts twice.
  const seenFindings = new Set<string>();
  let findingCounters: Counters = {};
  const zonePartitions: (string | null)[] = [...[...grid.zones].sort(), null];
  for (const zone of zonePartitions)
    await eachPage({ index: 'gsi1', pk: findingZonePartition(zone) }, findingFromItem, (items) => {
      const fresh = items.filter((f: Finding) => !seenFindings.has(f.id));
      for (const f of fresh) seenFindings.add(f.id);
      findingCounters = mergeCounters(findingCounters, recount(fresh, opts.timeZone));
    });

  // Tasks: the plans of every office partition (and the city-wide one), then each plan's tasks.
  const officePartitions: (string | null)[] = [...new Set([...opts.offices, ...grid.offices])].sort();
  officePartitions.push(null);
  const planIds = new Set<string>();
  for (const office of officePartitions)
    for (const p of await partitionItems({
      index: 'gsi1',
      pk: planOfficePartition(office),
      projection: ['id'],
    }))
      planIds.add(String(p.id));
  const seenTasks = new Set<string>();
  let taskCounters: Counters = {};
  for (const planId of [...planIds].sort())
    await eachPage({ index: 'gsi1', pk: `PLAN#${planId}#TASKS` }, toTask, (items) => {
      const fresh = items.filter((t: PatrolTask) => !seenTasks.has(t.id));
      for (const t of fresh) seenTasks.add(t.id);
      taskCounters = mergeCounters(taskCounters, recountTasks(fresh));
    });

  const recounted = mergeCounters(findingCounters, taskCounters);
  const areas = new Set<CounterArea>([CITY_AREA, UNZONED_AREA, ...Object.keys(recounted)]);
  for (const o of officePartitions) if (o !== null) areas.add(counterArea.office(o));
  for (const z of grid.zones) areas.add(counterArea.zone(z));
  for (const c of grid.cells) areas.add(counterArea.cell(c));
  const stored = await getCounters([...areas]);

  return {
    findingsRead: seenFindings.size,
    tasksRead: seenTasks.size,
    plansRead: planIds.size,
    zonePartitions: zonePartitions.length,
    areasCompared: areas.size,
    disagreements: compareCounters(stored, recounted),
  };
}
