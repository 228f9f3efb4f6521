/**
 * The store's half of the idempotent-write protocol (docs/decisions/0047): how a request is hashed,
 * how a key's record is put into the change's own transaction, and how it is read back. Each writer
 * keeps its record under its own key (findings-repo, tasks-repo, grid-imports-repo); what a record
 * means for an answer is decided in functions/src/idempotency.ts.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import type { TransactItem } from './counters';
import { primaryKey } from './keys';

/** The hash of a request body, independent of the order of its fields. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

/** The hash of an Idempotency-Key in a record's sort key (keys can hold any printable ASCII). */
export const keyHash = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 32);

/**
 * The Put of a key's record, conditioned on the key being new: in the same transaction as the
 * change, so a retry finds either nothing or everything, and of two twins only one writes.
 *
 * @example keyRecordPut(table, keys.findingIdempotency(id), 'finding_idempotency', { requestHash })
 */
export function keyRecordPut(
  table: string,
  key: { readonly pk: string; readonly sk: string },
  entity: string,
  record: Record<string, unknown>,
): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...key, entity, ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * A key's record as stored, or undefined. Strongly consistent: a retry racing the first request
 * must see its record once written.
 */
export async function readKeyRecord(key: {
  readonly pk: string;
  readonly sk: string;
}): Promise<Record<string, unknown> | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: primaryKey(key), ConsistentRead: true }),
  );
  return out.Item;
}
