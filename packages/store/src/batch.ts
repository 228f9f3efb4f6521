import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';

type Item = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes items in batches of 25 with bounded parallelism, retrying what DynamoDB leaves unprocessed
 * (throttling) with exponential backoff. Calls `onProgress` with the number written so far.
 */
export async function batchPut(
  items: readonly Item[],
  onProgress?: (written: number) => void,
  parallel = 4,
): Promise<void> {
  const table = tableName();
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 10)
          throw new Error(`batchPut: ${pending.length} items still unprocessed after 10 retries`);
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
        const out = await documentClient().send(
          new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
        );
        pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
      written += batch.length;
      onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Reads up to 100 keys in one BatchGetItem (plus retries of unprocessed keys), in key order. */
export async function batchGet(keys: readonly Item[]): Promise<(Item | undefined)[]> {
  if (keys.length > 100) throw new Error('batchGet takes at most 100 keys');
  const table = tableName();
  const found: Item[] = [];
  let pending: Item[] = [...keys];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 10) throw new Error('batchGet: keys still unprocessed after 10 retries');
    if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
    const out = await documentClient().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
    );
    found.push(...((out.Responses?.[table] ?? []) as Item[]));
    pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
  }
  const id = (k: Item) => `${String(k.pk)}\u0000${String(k.sk)}`;
  const byKey = new Map(found.map((item) => [id(item), item]));
  return keys.map((k) => byKey.get(id(k)));
}
