/**
 * The grid registry: imports, versions, resolution, cells and zones. The resolution index is cached
 * per container by grid version, so a warm resolution costs one GetItem (is the version still
 * active?) and a cold one a GetItem plus one BatchGetItem.
 */
import {
  type ActiveGrid,
  buildGrid,
  ConflictError,
  type GridReport,
  NotFoundError,
  openActiveGrid,
  type PolygonGeometry,
  resolvePoint,
} from '@gridpatrol/core';
import {
  activateGridVersion,
  geometriesOf,
  getCell,
  getGridPointer,
  getGridReport,
  getGridVersion,
  getZone,
  keys,
  listCells,
  listGridVersions,
  listZoneCells,
  listZones,
  loadActiveArtifact,
  storeBuiltGrid,
} from '@gridpatrol/store';
import { httpHandler } from '../http/chain';
import { cityConfig } from '../runtime';

let held: ActiveGrid | undefined;

async function activeGrid(): Promise<ActiveGrid> {
  const loaded = await loadActiveArtifact(held?.version);
  if (!loaded) throw noActiveGrid();
  if (loaded.artifact)
    held = openActiveGrid(loaded.version, loaded.artifact.indexChunks, loaded.artifact.sidecar);
  if (!held || held.version !== loaded.version) throw new Error('grid cache out of step');
  return held;
}

const noActiveGrid = () => new ConflictError('No grid version is active yet: import one and activate it.');

/** The version a read names, or the active one. */
async function readableVersion(version: number | undefined): Promise<number> {
  if (version !== undefined) {
    const meta = await getGridVersion(version);
    if (!meta || meta.status === 'writing') throw new NotFoundError('grid version', String(version));
    return version;
  }
  const { activeVersion } = await getGridPointer();
  if (activeVersion === undefined) throw noActiveGrid();
  return activeVersion;
}

const feature = (properties: Record<string, unknown>, geometry: PolygonGeometry) => ({
  type: 'Feature' as const,
  properties,
  geometry,
});

function collection(features: ReturnType<typeof feature>[], cursor: string | undefined) {
  return { type: 'FeatureCollection' as const, features, ...(cursor ? { cursor } : {}) };
}

export const handler = httpHandler('grid', {
  importGrid: async ({ caller, query, body }) => {
    const built = buildGrid(body.cells, body.zones, {
      config: cityConfig(),
      strict: query.strict,
      coordSys: query.coordSys,
    });
    const meta = await storeBuiltGrid(built, caller.id);
    return { status: 201, body: { ...meta, report: built.report } };
  },

  listGridVersions: async ({ query }) => ({ body: await listGridVersions(query.cursor, query.limit) }),

  getGridVersion: async ({ params }) => {
    const meta = await getGridVersion(params.version);
    if (!meta) throw new NotFoundError('grid version', String(params.version));
    const report = meta.status === 'writing' ? undefined : await getGridReport(meta);
    return { body: { ...meta, ...(report ? { report } : {}) } };
  },

  activateGridVersion: async ({ caller, params }) => ({
    body: await activateGridVersion(params.version, caller.id),
  }),

  resolvePoint: async ({ query }) => ({
    body: resolvePoint(await activeGrid(), query, cityConfig().grid.snapToleranceM),
  }),

  getCoverage: async ({ query }) => {
    const version = await readableVersion(query.version);
    const meta = await getGridVersion(version);
    if (!meta) throw new NotFoundError('grid version', String(version));
    const report = (await getGridReport(meta)) as GridReport;
    return { body: { gridVersion: version, ...report.coverage } };
  },

  exportCells: async ({ query }) => {
    const version = await readableVersion(query.version);
    const page = await listCells(version, query.cursor, query.limit ?? 100);
    const geometries = await geometriesOf(page.items.map((c) => keys.cell(version, c.id).pk));
    const features = page.items.map((c, i) =>
      feature({ ...c, gridVersion: version }, geometries[i] as PolygonGeometry),
    );
    return { raw: JSON.stringify(collection(features, page.cursor)), contentType: 'application/geo+json' };
  },

  exportZones: async ({ query }) => {
    const version = await readableVersion(query.version);
    const page = await listZones(version, query.cursor, query.limit ?? 100);
    const geometries = await geometriesOf(page.items.map((z) => keys.zone(version, z.id).pk));
    const features = page.items.map((z, i) =>
      feature({ ...z, gridVersion: version }, geometries[i] as PolygonGeometry),
    );
    return { raw: JSON.stringify(collection(features, page.cursor)), contentType: 'application/geo+json' };
  },

  listCells: async ({ query }) => {
    const version = await readableVersion(query.version);
    if (query.zone) {
      const page = await listZoneCells(version, query.zone, query.cursor, query.limit);
      return {
        body: {
          items: page.items.map(({ cellId, ...rest }) => ({ id: cellId, ...rest })),
          cursor: page.cursor,
        },
      };
    }
    return { body: await listCells(version, query.cursor, query.limit) };
  },

  getCell: async ({ params, query }) => {
    const version = await readableVersion(query.version);
    const cell = await getCell(version, params.id);
    if (!cell) throw new NotFoundError('cell', params.id);
    const { geometry, ...props } = cell;
    return { body: feature({ ...props, gridVersion: version }, geometry) };
  },

  listZones: async ({ query }) => {
    const version = await readableVersion(query.version);
    return { body: await listZones(version, query.cursor, query.limit) };
  },

  getZone: async ({ params, query }) => {
    const version = await readableVersion(query.version);
    const zone = await getZone(version, params.id);
    if (!zone) throw new NotFoundError('zone', params.id);
    const cells = [];
    let cursor: string | undefined;
    do {
      const page = await listZoneCells(version, params.id, cursor, 500);
      cells.push(
        ...page.items.map((c) => ({
          id: c.cellId,
          name: c.cellName,
          share: c.share,
          areaM2: c.areaM2,
          primary: c.primary,
        })),
      );
      cursor = page.cursor;
    } while (cursor);
    const { geometry, ...props } = zone;
    return { body: feature({ ...props, gridVersion: version, cells }, geometry) };
  },
});
