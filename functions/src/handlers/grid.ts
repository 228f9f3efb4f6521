/**
 * The grid registry: imports, versions, resolution, cells and zones. Every read is scoped by the
 * caller's area (core policy): objects outside it answer 404 like missing ones, lists read only the
 * keys or index partitions of the area. The resolution index and each version's topology are
 * cached per container (grid-cache.ts).
 */
import {
  canReadCell,
  canReadUnzoned,
  canReadZone,
  countByCode,
  detail,
  type GridReport,
  gridImportLocation,
  gridVersionView,
  NotFoundError,
  narrowCoverage,
  narrowWarnings,
  type PolygonGeometry,
  problemFactsOf,
  problemText,
  type RenderContext,
  readableCells,
  readableZones,
  render,
  resolvePoint,
  type Scope,
  UNZONED_AREA,
} from '@gridpatrol/core';
import {
  everyPage,
  type GridVersionMeta,
  geometriesOf,
  getCell,
  getCellsByIds,
  getCounters,
  getGridFailureDetails,
  getGridReport,
  getGridVersion,
  getZone,
  getZonesByIds,
  keys,
  listCells,
  listGridVersions,
  listZoneCells,
  listZones,
  pageOfIds,
} from '@gridpatrol/store';
import { activeGrid, forgetActivePointer } from '../grid-cache';
import { activateReviewed, gridDiff } from '../grid-import/activation';
import { startGridImport } from '../grid-import/start';
import { httpHandler, readerOf } from '../http/chain';
import { renderDetail } from '../http/errors';
import { REPLAYED_HEADERS } from '../idempotency';
import { GRID_ROUTES } from '../routes/grid';
import { cityConfig } from '../runtime';
import { gridScope } from '../scope';

const feature = (properties: Record<string, unknown>, geometry: PolygonGeometry) => ({
  type: 'Feature' as const,
  properties,
  geometry,
});

function collection(features: ReturnType<typeof feature>[], cursor: string | undefined) {
  return { type: 'FeatureCollection' as const, features, ...(cursor ? { cursor } : {}) };
}

/** A page of cells or zones as GeoJSON, each with its geometry (one batch read of their items). */
async function geoJsonPage<T extends { id: string }>(
  version: number,
  page: { items: T[]; cursor?: string | undefined },
  keyOf: (version: number, id: string) => { pk: string },
) {
  const geometries = await geometriesOf(page.items.map((item) => keyOf(version, item.id).pk));
  const features = page.items.map((item, i) =>
    feature({ ...item, gridVersion: version }, geometries[i] as PolygonGeometry),
  );
  return { body: collection(features, page.cursor), contentType: 'application/geo+json' };
}

type Caller = Parameters<typeof gridScope>[0];

/** What the client keeps while an import runs: the version and where to poll it. */
const accepted = (meta: GridVersionMeta, replayed: boolean) => {
  const location = gridImportLocation(meta.version);
  return {
    status: 202,
    body: { ...gridVersionView(meta), location },
    headers: { location, ...(replayed ? REPLAYED_HEADERS : {}) },
  };
};

interface ListQuery {
  version?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/**
 * A failed import as its reader reads it: the failure and each stored error in their language. An
 * error keeps its problem's fields (code, layer, feature), from which its words are given again.
 */
async function failedImportView(meta: GridVersionMeta, reader: RenderContext) {
  const view = gridVersionView(meta);
  const text = meta.failure?.text;
  const errors = (await getGridFailureDetails(meta)).map((d) => {
    const facts = problemFactsOf(d.fields);
    return renderDetail(facts ? detail(d.path, problemText(facts, d.message), d.fields) : d, reader);
  });
  return {
    ...view,
    ...(view.failure && text ? { failure: { ...view.failure, message: render(text, reader) } } : {}),
    errors,
  };
}

/** How one kind of grid feature is listed: which ids a scope reads, the version's index, reads by key. */
interface FeatureLister<T> {
  readonly kind: 'cells' | 'zones';
  readonly readable: (scope: Scope) => 'all' | string[];
  readonly listAll: (
    version: number,
    cursor?: string,
    limit?: number,
  ) => Promise<{ items: T[]; cursor?: string }>;
  readonly byIds: (version: number, ids: readonly string[]) => Promise<T[]>;
}

/** A page of the features the caller may read: the whole index for the city, else theirs by key. */
async function scopedPage<T>(caller: Caller, query: ListQuery, lister: FeatureLister<T>) {
  const { scope, topology } = await gridScope(caller, query.version);
  const version = topology.version;
  const ids = lister.readable(scope);
  const limit = query.limit ?? 100;
  if (ids === 'all') return { version, ...(await lister.listAll(version, query.cursor, limit)) };
  const page = pageOfIds(ids, `${lister.kind}:${version}`, query.cursor, limit);
  return { version, items: await lister.byIds(version, page.ids), cursor: page.cursor };
}

const scopedCells = (caller: Caller, query: ListQuery) =>
  scopedPage(caller, query, {
    kind: 'cells',
    readable: readableCells,
    listAll: listCells,
    byIds: getCellsByIds,
  });
const scopedZones = (caller: Caller, query: ListQuery) =>
  scopedPage(caller, query, {
    kind: 'zones',
    readable: readableZones,
    listAll: listZones,
    byIds: getZonesByIds,
  });

export const handler = httpHandler('grid', GRID_ROUTES, {
  // Only the shape is checked here; validation, repair, overlay and writing run in the import job
  // (grid-import/job.ts), which the stored body starts (docs/decisions/0021).
  importGrid: async ({ caller, query, body, idempotencyKey }) => {
    const { meta, replayed } = await startGridImport(caller.id, query, body, idempotencyKey);
    return accepted(meta, replayed);
  },

  listGridVersions: async ({ query }) => {
    const page = await listGridVersions(query.cursor, query.limit);
    return { body: { ...page, items: page.items.map(gridVersionView) } };
  },

  getGridVersion: async ({ caller, params, event }) => {
    const meta = await getGridVersion(params.version);
    if (!meta) throw new NotFoundError('grid version', String(params.version));
    if (meta.status === 'writing') return { body: gridVersionView(meta) };
    if (meta.status === 'failed') return { body: await failedImportView(meta, readerOf(event)) };
    const { scope } = await gridScope(caller, params.version);
    const report = (await getGridReport(meta)) as GridReport;
    // Each warning worded for its reader by its kind, as a refused import's errors are.
    const reader = readerOf(event);
    const warnings = narrowWarnings(scope, report.warnings).map((w) => ({
      ...w,
      message: render(problemText(w, w.message), reader),
    }));
    const narrowed = {
      ...report,
      // Counted from what the caller may see (and present for reports stored before it existed).
      warningsByCode: countByCode(warnings),
      warnings,
      coverage: narrowCoverage(scope, report.coverage),
    };
    return { body: { ...gridVersionView(meta), report: narrowed } };
  },

  activateGridVersion: async ({ caller, params, body }) => {
    const { grid } = cityConfig();
    const { meta } = await activateReviewed(params.version, caller.id, body, grid.maxDroppedAreaShare);
    forgetActivePointer();
    return { body: gridVersionView(meta) };
  },

  diffGridVersion: async ({ params }) => {
    const { diff } = await gridDiff(params.version, cityConfig().grid.maxDroppedAreaShare);
    return { body: diff };
  },

  // Open to every role: a field app resolves its GPS point before reporting, and the answer (a cell
  // id and name, its zone shares) is what the point itself tells anyone standing there.
  resolvePoint: async ({ query }) => ({
    body: resolvePoint(await activeGrid(), query, cityConfig().grid.snapToleranceM),
  }),

  getCoverage: async ({ caller, query }) => {
    const { scope, topology } = await gridScope(caller, query.version);
    const meta = await getGridVersion(topology.version);
    if (!meta) throw new NotFoundError('grid version', String(topology.version));
    const report = (await getGridReport(meta)) as GridReport;
    const coverage = narrowCoverage(scope, report.coverage);
    if (!canReadUnzoned(scope)) return { body: { gridVersion: topology.version, ...coverage } };
    // The city level's bucket: zone-less cells, and the findings routed to no zone (their counter).
    const live = (await getCounters([UNZONED_AREA]))[UNZONED_AREA];
    const noZone = {
      cells: coverage.unzonedCells.length,
      openFindings: live?.open ?? 0,
      overdueFindings: live?.overdue ?? 0,
    };
    return { body: { gridVersion: topology.version, ...coverage, noZone } };
  },

  exportCells: async ({ caller, query }) => {
    const { version, ...page } = await scopedCells(caller, query);
    return geoJsonPage(version, page, keys.cell);
  },

  exportZones: async ({ caller, query }) => {
    const { version, ...page } = await scopedZones(caller, query);
    return geoJsonPage(version, page, keys.zone);
  },

  listCells: async ({ caller, query }) => {
    if (query.zone) {
      const { scope, topology } = await gridScope(caller, query.version);
      // Every cell touching a readable zone is readable too (policy), so the zone's index partition
      // is the scoped list.
      if (!canReadZone(scope, query.zone)) throw new NotFoundError('zone', query.zone);
      const page = await listZoneCells(topology.version, query.zone, query.cursor, query.limit);
      return {
        body: {
          items: page.items.map(({ cellId, ...rest }) => ({ id: cellId, ...rest })),
          cursor: page.cursor,
        },
      };
    }
    const { items, cursor } = await scopedCells(caller, query);
    return { body: { items, cursor } };
  },

  getCell: async ({ caller, params, query }) => {
    const { scope, topology } = await gridScope(caller, query.version);
    const cell = canReadCell(scope, params.id) ? await getCell(topology.version, params.id) : undefined;
    if (!cell) throw new NotFoundError('cell', params.id);
    const { geometry, ...props } = cell;
    return { body: feature({ ...props, gridVersion: topology.version }, geometry) };
  },

  listZones: async ({ caller, query }) => {
    const { items, cursor } = await scopedZones(caller, query);
    return { body: { items, cursor } };
  },

  getZone: async ({ caller, params, query }) => {
    const { scope, topology } = await gridScope(caller, query.version);
    const version = topology.version;
    const zone = canReadZone(scope, params.id) ? await getZone(version, params.id) : undefined;
    if (!zone) throw new NotFoundError('zone', params.id);
    const cells = (await everyPage((cursor) => listZoneCells(version, params.id, cursor, 500))).map((c) => ({
      id: c.cellId,
      name: c.cellName,
      share: c.share,
      areaM2: c.areaM2,
      primary: c.primary,
    }));
    const { geometry, ...props } = zone;
    return { body: feature({ ...props, gridVersion: version, cells }, geometry) };
  },
});
