/**
 * The steps of an API grid import around writeGridVersion (docs/decisions/0021-async-grid-imports.md):
 * begin (a 'writing' version and, with an Idempotency-Key, the key's record, in one transaction),
 * claim by the job, fail with the errors kept, and clean up what a failed version left behind.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CoordSys, ErrorDetail, Message } from '@gridpatrol/core';
import { batchDelete, batchPut } from './batch';
import { documentClient, tableName } from './client';
import {
  allocateGridVersion,
  type GridVersionMeta,
  getGridVersion,
  packJson,
  toMeta,
  unpackJson,
  updateWhileWriting,
} from './grid-repo';
import { keyRecordPut, readKeyRecord } from './idempotency';
import { GRID_UNSETTLED_PARTITION, keys, primaryKey } from './keys';
import { partitionItems } from './query';

/**
 * The versions the grid-imports sweep may have work on (writing, or failed and not cleaned up):
 * one Query of their sparse gsi3 partition, however many settled versions the city has.
 */
export async function listUnsettledGridVersions(): Promise<GridVersionMeta[]> {
  const items = await partitionItems({ index: 'gsi3', pk: GRID_UNSETTLED_PARTITION });
  return items.map(toMeta);
}

export interface GridImportKeyRecord {
  readonly version: number;
  readonly requestHash: string;
}

export interface BeginGridImport {
  readonly createdBy: string;
  /** The import's options and where its body is stored, which may name the version. */
  readonly inputOf: (version: number) => {
    key: string;
    bytes?: number;
    strict?: boolean;
    coordSys?: CoordSys;
  };
  readonly idempotency?: { readonly key: string; readonly requestHash: string };
  readonly now?: Date;
}

export async function getGridImportKey(
  callerId: string,
  key: string,
): Promise<GridImportKeyRecord | undefined> {
  const item = await readKeyRecord(keys.gridImportKey(callerId, key));
  return item ? { version: Number(item.version), requestHash: String(item.requestHash) } : undefined;
}

/**
 * Creates a 'writing' version for an API import. With an Idempotency-Key, the key's record is
 * written in the same transaction, conditioned on the key being new: of two requests racing with
 * one key, one makes the version and the other gets `{ replay }` (the record it lost to). The
 * version number the loser drew stays unused (numbers may have gaps).
 *
 * @example const started = await beginGridImport({ createdBy: 'admin', input: { key }, idempotency })
 */
export async function beginGridImport(
  b: BeginGridImport,
): Promise<{ meta: GridVersionMeta } | { replay: GridImportKeyRecord }> {
  const version = await allocateGridVersion();
  const now = (b.now ?? new Date()).toISOString();
  const meta: GridVersionMeta = {
    version,
    status: 'writing',
    createdAt: now,
    createdBy: b.createdBy,
    heartbeatAt: now,
    input: b.inputOf(version),
  };
  const table = tableName();
  const metaPut = {
    Put: {
      TableName: table,
      Item: { ...keys.gridVersion(version), ...keys.gridUnsettled(version), entity: 'grid_version', ...meta },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  if (!b.idempotency) {
    await documentClient().send(new TransactWriteCommand({ TransactItems: [metaPut] }));
    return { meta };
  }
  const { key, requestHash } = b.idempotency;
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          keyRecordPut(table, keys.gridImportKey(b.createdBy, key), 'grid_import_key', {
            version,
            requestHash,
            createdAt: now,
          }),
          metaPut,
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    const record = await getGridImportKey(b.createdBy, key);
    if (!record) throw err;
    return { replay: record };
  }
  return { meta };
}

/**
 * The job's claim on a version: only a 'writing' version not yet claimed, so a duplicate delivery
 * of the start event (S3 notifies at least once) does nothing. Undefined when not claimed.
 */
export async function claimGridImport(
  version: number,
  now = new Date(),
): Promise<GridVersionMeta | undefined> {
  const claimed = await updateWhileWriting(
    version,
    'jobStartedAt = :now, heartbeatAt = :now',
    { ':now': now.toISOString() },
    'attribute_not_exists(jobStartedAt)',
  );
  return claimed ? await getGridVersion(version) : undefined;
}

/**
 * Marks a 'writing' version failed with its reason, keeping every error detail beside it (in parts:
 * a refused file may have thousands). False when the version was no longer 'writing'.
 */
export async function failGridImport(
  version: number,
  failure: { code: string; message: string; text?: Message },
  details: readonly ErrorDetail[] = [],
  now = new Date(),
): Promise<boolean> {
  const parts = packJson(details);
  await batchPut(parts.map((bytes, n) => ({ ...keys.gridFailurePart(version, n), bytes })));
  return updateWhileWriting(version, '#s = :failed, failure = :failure, failureParts = :parts', {
    ':failed': 'failed',
    ':failure': { ...failure, at: now.toISOString() },
    ':parts': parts.length,
  });
}

/** The error details a failed version keeps. */
export async function getGridFailureDetails(meta: GridVersionMeta): Promise<ErrorDetail[]> {
  if (!meta.failureParts) return [];
  const items = await partitionItems({ pk: keys.gridVersion(meta.version).pk, prefix: 'FAILURE#' });
  return unpackJson<ErrorDetail[]>(items.map((i) => i.bytes as Uint8Array));
}

const keyOf = (i: Record<string, unknown>) => ({ pk: String(i.pk), sk: String(i.sk) });

/**
 * Deletes what a failed version left: every item of the partitions its owners list names (cells,
 * their zone shares and geometry; zones), its report and artifact chunks, then the owners list;
 * the version's meta and its failure details stay, so the list shows why it failed. Safe to run
 * again (a run cut short is finished by the next). Returns the number of items deleted.
 */
export async function cleanupGridVersion(version: number, now = new Date(), parallel = 8): Promise<number> {
  const pk = keys.gridVersion(version).pk;
  const own = await partitionItems({ pk });
  const ownersParts = own.filter((i) => String(i.sk).startsWith('OWNERS#'));
  const owners = ownersParts.length
    ? unpackJson<string[]>(ownersParts.map((i) => i.bytes as Uint8Array))
    : [];
  let deleted = 0;
  let next = 0;
  const worker = async () => {
    while (next < owners.length) {
      const owner = owners[next++] as string;
      const items = await partitionItems({ pk: owner, projection: ['pk', 'sk'] });
      await batchDelete(items.map(keyOf));
      deleted += items.length;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const artifact = await partitionItems({
    pk: keys.gridArtifactChunk(version, 0).pk,
    projection: ['pk', 'sk'],
  });
  const mine = own.filter((i) => /^(REPORT|OWNERS)#/.test(String(i.sk)));
  // The owners list goes last: until then a second run can still find what is left.
  await batchDelete([...artifact, ...mine.filter((i) => !String(i.sk).startsWith('OWNERS#'))].map(keyOf));
  await batchDelete(ownersParts.map(keyOf));
  deleted += artifact.length + mine.length;
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: primaryKey(keys.gridVersion(version)),
      // Nothing is left for the sweep to do: the version leaves its index partition.
      UpdateExpression: 'SET cleanedAt = :now REMOVE reportParts, artifact, gsi3pk, gsi3sk',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    }),
  );
  return deleted;
}
