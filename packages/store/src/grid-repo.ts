/**
 * Grid versions in DynamoDB. An import writes a whole new version (status 'writing'), then marks it
 * 'draft' as its very last write, so a reader never sees half a version; activation is one
 * transaction that moves the pointer. Older versions stay readable.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ActivationOverride,
  assertActivatable,
  type BuiltGrid,
  type CellRecord,
  ConflictError,
  type CoordSys,
  type Message,
  message,
  NotFoundError,
  type PolygonGeometry,
  packIndex,
  UnprocessableError,
  type ZoneRecord,
  type ZoneShare,
} from '@gridpatrol/core';
import { batchGet, batchPut } from './batch';
import { conditionalWrite, documentClient, tableName } from './client';
import { type Page } from './cursor';
import { keys, primaryKey } from './keys';
import { partitionItems, partitionPage } from './query';

/** Binary attributes stay under DynamoDB's 400 KB item limit with room for keys. */
const PART_BYTES = 350 * 1024;

export type GridVersionStatus = 'writing' | 'draft' | 'active' | 'superseded' | 'failed';

/** How often a writing import records that it is alive (a stalled one is failed after minutes). */
const HEARTBEAT_MS = 15_000;

export type StoredCell = CellRecord;
export type StoredZone = ZoneRecord;

export type GridVersionMeta = {
  version: number;
  status: GridVersionStatus;
  createdAt: string;
  createdBy: string;
  /** Known once the import has been validated (absent while an API import waits for its job). */
  counts?: { cells: number; zones: number; warnings: number };
  /** The resolution artifact: `indexChunks` packed-index chunks, then the gzip'd sidecar's parts. */
  artifact?: { chunks: number; indexChunks: number };
  reportParts?: number;
  /** Last sign of life of the import writing this version (docs/decisions/0021). */
  heartbeatAt?: string;
  /**
   * An API import's options, its body's size in bytes, and the object holding the body until the
   * job has read it (the key is never shown: core's gridVersionView).
   */
  input?: { key: string; bytes?: number; strict?: boolean; coordSys?: CoordSys };
  /** When the import job claimed the version (an API import). */
  jobStartedAt?: string;
  /** Why the import failed; its errors are stored beside it (`failureParts`). */
  failure?: { code: string; message: string; at: string; text?: Message };
  failureParts?: number;
  /** When a failed version's partial items were deleted. */
  cleanedAt?: string;
  activatedAt?: string;
  activatedBy?: string;
  /** Who forced this version's activation past its review, when and why (0022). */
  activationOverride?: ActivationOverride;
};

export interface GridPointer {
  activeVersion?: number;
  lastVersion: number;
  /** Copied from the active version so that resolution needs no second read to find its chunks. */
  artifact?: GridVersionMeta['artifact'];
}

export interface NewGridVersion {
  meta: Omit<GridVersionMeta, 'status' | 'reportParts' | 'version' | 'artifact' | 'heartbeatAt'>;
  report: unknown;
  /** The packed point index in chunks (core's packIndex), and what resolution needs beside it. */
  artifact: { indexChunks: readonly Uint8Array[]; sidecar: unknown };
  cells: readonly (StoredCell & { geometry: PolygonGeometry })[];
  zones: readonly (StoredZone & { geometry: PolygonGeometry })[];
}

function splitBytes(bytes: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += PART_BYTES) parts.push(bytes.subarray(i, i + PART_BYTES));
  return parts.length ? parts : [new Uint8Array()];
}

/** JSON gzip'd and split in parts under the item limit, and back. */
export const packJson = (value: unknown) => splitBytes(gzipSync(JSON.stringify(value)));
export const unpackJson = <T>(parts: readonly Uint8Array[]): T =>
  JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as T;

export async function getGridPointer(): Promise<GridPointer> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.gridPointer() }),
  );
  return (out.Item as GridPointer | undefined) ?? { lastVersion: 0 };
}

/** Hands out the next version number atomically, so concurrent imports never share one. */
export async function allocateGridVersion(): Promise<number> {
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.gridPointer(),
      UpdateExpression: 'ADD lastVersion :one SET entity = :e',
      ExpressionAttributeValues: { ':one': 1, ':e': 'grid_pointer' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.lastVersion);
}

/**
 * Writes a complete version; its META item turns 'draft' last. Returns the stored meta.
 *
 * @example const meta = await writeGridVersion(await allocateGridVersion(), built, (n, total) => bar.update(n));
 */
export async function writeGridVersion(
  version: number,
  data: NewGridVersion,
  onProgress?: (written: number, total: number) => void,
  /** What heartbeats are dated by: the handlers' clock (functions/src/clock.ts), which --clock moves. */
  clock: () => Date = () => new Date(),
): Promise<GridVersionMeta> {
  const reportParts = packJson(data.report);
  const artifactChunks = [...data.artifact.indexChunks, ...packJson(data.artifact.sidecar)];
  const meta: GridVersionMeta = {
    ...data.meta,
    version,
    status: 'writing',
    heartbeatAt: clock().toISOString(),
    reportParts: reportParts.length,
    artifact: { chunks: artifactChunks.length, indexChunks: data.artifact.indexChunks.length },
  };
  const table = tableName();
  const metaItem = { ...keys.gridVersion(version), entity: 'grid_version', ...meta };
  // A new version (the CLI) or an API import's own 'writing' version; never one marked failed.
  // While writing it is in the sweep's partition, so a CLI import that dies is swept too.
  await documentClient().send(
    new PutCommand({
      TableName: table,
      Item: { ...metaItem, ...keys.gridUnsettled(version) },
      ConditionExpression: 'attribute_not_exists(pk) OR #s = :writing',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':writing': 'writing' },
    }),
  );

  // Every partition this import writes, before any of them: cleanup needs no scan (0021).
  const owners = [
    ...data.cells.map((c) => keys.cell(version, c.id).pk),
    ...data.zones.map((z) => keys.zone(version, z.id).pk),
  ];
  const items: Record<string, unknown>[] = [];
  for (const [n, bytes] of packJson(owners).entries())
    items.push({ ...keys.gridOwnersPart(version, n), bytes });
  await batchPut(items.splice(0));

  for (const [n, bytes] of reportParts.entries()) items.push({ ...keys.gridReportPart(version, n), bytes });
  for (const [n, bytes] of artifactChunks.entries())
    items.push({ ...keys.gridArtifactChunk(version, n), bytes });
  for (const { geometry, ...cell } of data.cells) {
    const owner = keys.cell(version, cell.id);
    items.push({ ...owner, entity: 'cell', version, ...cell });
    for (const share of cell.zones)
      items.push({
        ...keys.cellZone(version, cell.id, share.zoneId),
        entity: 'cell_zone',
        version,
        cellId: cell.id,
        cellName: cell.name,
        primary: share.zoneId === cell.primaryZone,
        ...share,
      });
    for (const [n, bytes] of packJson(geometry).entries())
      items.push({ ...keys.geometryPart(owner.pk, n), bytes });
  }
  for (const { geometry, ...zone } of data.zones) {
    const owner = keys.zone(version, zone.id);
    items.push({ ...owner, entity: 'zone', version, ...zone });
    for (const [n, bytes] of packJson(geometry).entries())
      items.push({ ...keys.geometryPart(owner.pk, n), bytes });
  }
  let beat = Date.now();
  let beating: Promise<void> = Promise.resolve();
  await batchPut(items, (n) => {
    onProgress?.(n, items.length);
    if (Date.now() - beat < HEARTBEAT_MS) return;
    beat = Date.now();
    beating = beating.then(() => heartbeatGridVersion(version, clock()));
  });
  await beating;

  const done: GridVersionMeta = { ...meta, status: 'draft' };
  // Written whole without the sweep's gsi3 entry: a draft is settled.
  await documentClient().send(
    new PutCommand({
      TableName: table,
      Item: { ...metaItem, ...done },
      ConditionExpression: '#s = :writing',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':writing': 'writing' },
    }),
  );
  return done;
}

/**
 * Sets fields of a version's record only while the version is 'writing' (and `alsoIf`, when given):
 * once marked failed (by its job, or swept as stalled) no late writer changes it again. False when
 * the condition did not hold. `#s` names the status in `set` too.
 *
 * @example await updateWhileWriting(7, 'heartbeatAt = :now', { ':now': new Date().toISOString() })
 */
export function updateWhileWriting(
  version: number,
  set: string,
  values: Record<string, unknown>,
  alsoIf?: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: primaryKey(keys.gridVersion(version)),
        UpdateExpression: `SET ${set}`,
        ConditionExpression: alsoIf === undefined ? '#s = :writing' : `#s = :writing AND ${alsoIf}`,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ...values, ':writing': 'writing' },
      }),
    ),
  );
}

/**
 * Records that the import writing `version` is alive. Throws ConflictError when the version is no
 * longer 'writing' (it was marked failed as stalled), which stops the late writer.
 */
export async function heartbeatGridVersion(version: number, now = new Date()): Promise<void> {
  const written = await updateWhileWriting(version, 'heartbeatAt = :now', { ':now': now.toISOString() });
  if (!written) throw new ConflictError(message('grid.noLongerWritten', { version }));
}

export function toMeta(item: Record<string, unknown>): GridVersionMeta {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi3pk: _g3, gsi3sk: _g4, entity: _e, ...meta } = item;
  return meta as unknown as GridVersionMeta;
}

export async function getGridVersion(version: number): Promise<GridVersionMeta | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: primaryKey(keys.gridVersion(version)) }),
  );
  return out.Item ? toMeta(out.Item) : undefined;
}

export async function getGridReport(meta: GridVersionMeta): Promise<unknown> {
  const parts = await batchGet(
    Array.from({ length: meta.reportParts ?? 0 }, (_, n) => keys.gridReportPart(meta.version, n)),
  );
  return unpackJson(parts.map((p) => p?.bytes as Uint8Array));
}

/** Newest first. */
export async function listGridVersions(cursor?: string, limit = 50): Promise<Page<GridVersionMeta>> {
  return partitionPage(
    { index: 'gsi1', pk: keys.gridVersion(0).gsi1pk, descending: true },
    toMeta,
    cursor,
    limit,
  );
}

/**
 * Makes `version` the active one in one transaction: the pointer moves, the version turns 'active'
 * and the one it replaces 'superseded'. A concurrent activation makes this fail with 409.
 */
export async function activateGridVersion(
  version: number,
  by: string,
  opts: {
    /** The active version the caller reviewed against; another one active now is a 409. */
    readonly expectedActive?: number;
    /** Recorded when the activation was forced past the review's blockers (0022). */
    readonly override?: ActivationOverride;
    /** When it is activated, by the handlers' clock. @default the real time */
    readonly now?: Date;
  } = {},
): Promise<GridVersionMeta> {
  const [pointer, meta] = await Promise.all([getGridPointer(), getGridVersion(version)]);
  if (!meta) throw new NotFoundError('grid version', String(version));
  assertActivatable(meta);
  if (meta.status === 'active') return meta;
  const now = (opts.now ?? new Date()).toISOString();
  const previous = pointer.activeVersion;
  if (opts.expectedActive !== undefined && previous !== opts.expectedActive)
    throw new ConflictError(
      message('grid.reviewedAgainst', {
        version,
        expected: opts.expectedActive,
        active: previous ?? message('grid.noneActive'),
      }),
    );
  const table = tableName();
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: keys.gridPointer(),
              UpdateExpression: 'SET activeVersion = :v, artifact = :a',
              ConditionExpression:
                previous === undefined ? 'attribute_not_exists(activeVersion)' : 'activeVersion = :prev',
              ExpressionAttributeValues: {
                ':v': version,
                ':a': meta.artifact,
                ...(previous === undefined ? {} : { ':prev': previous }),
              },
            },
          },
          {
            Update: {
              TableName: table,
              Key: primaryKey(keys.gridVersion(version)),
              UpdateExpression: `SET #s = :active, activatedAt = :now, activatedBy = :by${opts.override ? ', activationOverride = :override' : ''}`,
              ConditionExpression: '#s IN (:draft, :superseded)',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':active': 'active',
                ':now': now,
                ':by': by,
                ...(opts.override ? { ':override': opts.override } : {}),
                ':draft': 'draft',
                ':superseded': 'superseded',
              },
            },
          },
          ...(previous === undefined
            ? []
            : [
                {
                  Update: {
                    TableName: table,
                    Key: primaryKey(keys.gridVersion(previous)),
                    UpdateExpression: 'SET #s = :superseded',
                    ExpressionAttributeNames: { '#s': 'status' },
                    ExpressionAttributeValues: { ':superseded': 'superseded' },
                  },
                },
              ]),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      throw new ConflictError(message('grid.activeChanged', { version }));
    }
    throw err;
  }
  return {
    ...meta,
    status: 'active',
    activatedAt: now,
    activatedBy: by,
    ...(opts.override ? { activationOverride: opts.override } : {}),
  };
}

/**
 * The active version and, unless the caller already holds that version, its artifact: one GetItem
 * and at most one BatchGetItem, whatever the city's size.
 */
export async function loadActiveArtifact(
  heldVersion?: number,
  pointerRead?: GridPointer,
): Promise<{ version: number; artifact?: { indexChunks: Uint8Array[]; sidecar: unknown } } | undefined> {
  const pointer = pointerRead ?? (await getGridPointer());
  if (pointer.activeVersion === undefined || !pointer.artifact) return undefined;
  const version = pointer.activeVersion;
  if (heldVersion === version) return { version };
  const { chunks, indexChunks } = pointer.artifact;
  if (chunks > 100)
    throw new UnprocessableError(`The grid index has ${chunks} chunks; at most 100 fit one BatchGetItem.`);
  const items = await batchGet(Array.from({ length: chunks }, (_, i) => keys.gridArtifactChunk(version, i)));
  const bytes = items.map((item, i) => {
    if (!item) throw new Error(`grid version ${version}: artifact chunk ${i} is missing`);
    return item.bytes as Uint8Array;
  });
  return {
    version,
    artifact: { indexChunks: bytes.slice(0, indexChunks), sidecar: unpackJson(bytes.slice(indexChunks)) },
  };
}

const queryAll = (pk: string) => partitionItems({ pk });

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _e, bytes: _b, ...rest } = item;
  return rest as T;
}

function geometryOf(items: Record<string, unknown>[]): PolygonGeometry {
  const parts = items
    .filter((i) => String(i.sk).startsWith('GEOM#'))
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  return unpackJson<PolygonGeometry>(parts.map((p) => p.bytes as Uint8Array));
}

/** An item and its geometry parts: one Query on its partition. */
async function getWithGeometry<T>(
  pk: string,
  mainSk: string,
): Promise<(T & { geometry: PolygonGeometry }) | undefined> {
  const items = await queryAll(pk);
  const main = items.find((i) => i.sk === mainSk);
  return main ? { ...strip<T>(main), geometry: geometryOf(items) } : undefined;
}

/** A cell with its zone shares and geometry. */
export const getCell = (version: number, id: string) =>
  getWithGeometry<StoredCell>(keys.cell(version, id).pk, 'CELL');

export const getZone = (version: number, id: string) =>
  getWithGeometry<StoredZone>(keys.zone(version, id).pk, 'ZONE');

const queryIndex = <T>(pk: string, cursor: string | undefined, limit: number): Promise<Page<T>> =>
  partitionPage({ index: 'gsi1', pk }, (i) => strip<T>(i), cursor, limit);

export const listCells = (version: number, cursor?: string, limit = 100) =>
  queryIndex<StoredCell>(keys.cell(version, '').gsi1pk, cursor, limit);

/** A zone's cells with their shares in it. */
export const listZoneCells = (version: number, zoneId: string, cursor?: string, limit = 100) =>
  queryIndex<ZoneShare & { cellId: string; cellName: string; primary: boolean }>(
    keys.cellZone(version, '', zoneId).gsi1pk,
    cursor,
    limit,
  );

export const listZones = (version: number, cursor?: string, limit = 100) =>
  queryIndex<StoredZone>(keys.zone(version, '').gsi1pk, cursor, limit);

/** Geometry of a page of cells or zones, for GeoJSON downloads: one Query per feature, in parallel. */
export async function geometriesOf(pks: readonly string[]): Promise<PolygonGeometry[]> {
  return Promise.all(pks.map(async (pk) => geometryOf(await queryAll(pk))));
}

/**
 * Stores a built grid as a new draft version: allocates the number, writes everything, marks it
 * draft. Shared by the API and the CLI import.
 */
export async function storeBuiltGrid(
  built: BuiltGrid,
  createdBy: string,
  onProgress?: (written: number, total: number) => void,
): Promise<GridVersionMeta> {
  const version = await allocateGridVersion();
  return writeGridVersion(
    version,
    {
      meta: { createdAt: new Date().toISOString(), createdBy, counts: built.report.counts },
      report: built.report,
      artifact: { indexChunks: packIndex(built.index), sidecar: built.sidecar },
      cells: built.cells,
      zones: built.zones,
    },
    onProgress,
  );
}

/**
 * The resolution sidecar of a version alone (cell names and zones, zone offices), without the
 * point index: what access scopes need. One GetItem for the version's meta (none when `artifact`
 * is given, e.g. from the pointer) and one BatchGetItem for its few chunks.
 */
export async function loadSidecar(
  version: number,
  artifact?: GridVersionMeta['artifact'],
): Promise<unknown | undefined> {
  const where = artifact ?? (await getGridVersion(version))?.artifact;
  if (!where) return undefined;
  const n = where.chunks - where.indexChunks;
  if (n > 100) throw new UnprocessableError(`The grid sidecar has ${n} chunks; at most 100 fit one read.`);
  const items = await batchGet(
    Array.from({ length: n }, (_, i) => keys.gridArtifactChunk(version, where.indexChunks + i)),
  );
  return unpackJson(
    items.map((item, i) => {
      if (!item) throw new Error(`grid version ${version}: sidecar chunk ${i} is missing`);
      return item.bytes as Uint8Array;
    }),
  );
}

async function getByIds<T>(keyOf: (id: string) => { pk: string; sk: string }, ids: readonly string[]) {
  const items = await batchGet(ids.map((id) => primaryKey(keyOf(id))));
  return items.flatMap((item) => (item ? [strip<T>(item)] : []));
}

/** Cells of a version by id, in the order given; missing ones are left out. */
export const getCellsByIds = (version: number, ids: readonly string[]) =>
  getByIds<StoredCell>((id) => keys.cell(version, id), ids);

/** Zones of a version by id, in the order given; missing ones are left out. */
export const getZonesByIds = (version: number, ids: readonly string[]) =>
  getByIds<StoredZone>((id) => keys.zone(version, id), ids);
