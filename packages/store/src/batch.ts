import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import { primaryKey } from './keys';

type Item = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries of what DynamoDB leaves unprocessed (throttling), with exponential backoff up to 2 s. */
const RETRIES = 10;
const backoff = (attempt: number) => sleep(Math.min(2000, 50 * 2 ** attempt));

/** A key of the table (index keys are not keys of a delete). */
export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * The one BatchWriteItem loop: requests in batches of 25 with bounded parallelism, each batch's
 * unprocessed requests retried; what is still unprocessed after the retries is thrown, never dropped,
 * so a caller never believes a write or delete happened that did not.
 */
async function batchWrite(
  what: 'batchPut' | 'batchDelete',
  requests: readonly Item[],
  parallel: number,
  onProgress?: (done: number) => void,
): Promise<void> {
  const table = tableName();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < requests.length) {
      const batch = requests.slice(next, next + 25);
      next += 25;
      let pending: Item[] = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > RETRIES)
          throw new Error(`${what}: ${pending.length} requests still unprocessed after ${RETRIES} retries`);
        if (attempt > 0) await backoff(attempt);
        const out = await documentClient().send(
          new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
        );
        pending = (out.UnprocessedItems?.[table] ?? []) as Item[];
      }
      done += batch.length;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Writes items in batches of 25 with bounded parallelism, retrying what DynamoDB leaves unprocessed
 * (throttling) with exponential backoff; throws if some are still unprocessed after the retries.
 * Calls `onProgress` with the number written so far.
 *
 * @example await batchPut(cells.map(cellItem), (n) => bar.update(n))
 */
export function batchPut(
  items: readonly Item[],
  onProgress?: (written: number) => void,
  parallel = 4,
): Promise<void> {
  return batchWrite(
    'batchPut',
    items.map((Item) => ({ PutRequest: { Item } })),
    parallel,
    onProgress,
  );
}

/**
 * Items put one PutItem each, `parallel` at a time: for kinds no function may batch-write, as the
 * immutable events (the stack denies BatchWriteItem on their partitions, docs/decisions/0040).
 */
export async function putEach(items: readonly Item[], parallel = 16): Promise<void> {
  const table = tableName();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as Item;
      await documentClient().send(new PutCommand({ TableName: table, Item: item }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

/**
 * Deletes items by key, as `batchPut` writes them: batches of 25, retries, and an error if some are
 * still unprocessed after the retries. Deleting a key that is not there is no error.
 *
 * @example await batchDelete(stale.map((t) => keys.patrolTaskById(t.id)))
 */
export function batchDelete(keyList: readonly TableKey[], parallel = 4): Promise<void> {
  return batchWrite(
    'batchDelete',
    keyList.map((k) => ({ DeleteRequest: { Key: primaryKey(k) } })),
    parallel,
  );
}

/** BatchGetItem's limit of keys per request. */
const KEYS_PER_GET = 100;

/**
 * The one BatchGetItem loop: any number of keys (no repeats), 100 to a request with `parallel`
 * requests in flight, each request's unprocessed keys retried; answers in key order, undefined where
 * there is no item. `consistent` for a reader that must see its own last write (the counter fold's
 * ledger).
 *
 * @example const [a, missing] = await batchGet([keys.counter('city'), keys.counter('Z-9')])
 */
export async function batchGet(
  keys: readonly Item[],
  opts: { readonly consistent?: boolean; readonly parallel?: number } = {},
): Promise<(Item | undefined)[]> {
  const table = tableName();
  const found: Item[] = [];
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      let pending: Item[] = keys.slice(next, next + KEYS_PER_GET);
      next += KEYS_PER_GET;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > RETRIES) throw new Error(`batchGet: keys still unprocessed after ${RETRIES} retries`);
        if (attempt > 0) await backoff(attempt);
        const out = await documentClient().send(
          new BatchGetCommand({
            RequestItems: {
              [table]: { Keys: pending, ...(opts.consistent ? { ConsistentRead: true } : {}) },
            },
          }),
        );
        found.push(...((out.Responses?.[table] ?? []) as Item[]));
        pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
      }
    }
  };
  const requests = Math.ceil(keys.length / KEYS_PER_GET);
  await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 4, requests) }, worker));
  const id = (k: Item) => `${String(k.pk)}\u0000${String(k.sk)}`;
  const byKey = new Map(found.map((item) => [id(item), item]));
  return keys.map((k) => byKey.get(id(k)));
}
