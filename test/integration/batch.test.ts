/**
 * The one batch-write module (packages/store/src/batch.ts) on DynamoDB Local. DynamoDB Local never
 * leaves requests unprocessed, so throttling is injected in the SDK's middleware stack: the answer
 * hands back some or all of the batch as `UnprocessedItems`, as DynamoDB does under throttling.
 * Retried leftovers are written or deleted; leftovers that outlast the retries are an error, for
 * deletes as for puts (a private delete loop in the plans store used to give up silently).
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { batchDelete, batchGet, batchPut, createTableInput, documentClient } from '@gridpatrol/store';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: the raw BatchWriteItem request is inspected loosely
type Json = any;

const THROTTLE = 'throttleBatchWrite';

/** A request of the wire format (this test's items hold strings and numbers only) as plain values. */
const plain = (m: Record<string, Json>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, 'N' in v ? Number(v.N) : v.S]));
const asDocument = (r: Json) =>
  r.DeleteRequest
    ? { DeleteRequest: { Key: plain(r.DeleteRequest.Key) } }
    : { PutRequest: { Item: plain(r.PutRequest.Item) } };
let table: string;
let batchWrites = 0;

/**
 * From now on, a BatchWriteItem that `throttled` picks is answered without writing anything, every
 * request handed back unprocessed (as the document client hands them back: plain values); the
 * others go to DynamoDB Local.
 */
function throttle(throttled: (call: number) => boolean): void {
  batchWrites = 0;
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Json;
      if (!input.RequestItems) return next(args);
      if (!throttled(++batchWrites)) return next(args);
      return {
        output: { UnprocessedItems: { [table]: input.RequestItems[table].map(asDocument) }, $metadata: {} },
        response: {},
      } as never;
    },
    { step: 'build', name: THROTTLE },
  );
}

const item = (n: number) => ({ pk: `BATCH#${n}`, sk: 'ITEM', n });
const keysOf = (ns: number[]) => ns.map((n) => ({ pk: `BATCH#${n}`, sk: 'ITEM' }));
const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const stored = async (ns: number[]) => (await batchGet(keysOf(ns))).filter((i) => i !== undefined).length;

/**
 * Runs `work` with setTimeout faked, so the backoff of ten retries takes no real time. Only for
 * stubs that answer every request themselves (the HTTP client's own timeouts are timers too).
 */
async function withoutWaiting<T>(work: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  try {
    const settled = Promise.allSettled([work()]);
    await vi.runAllTimersAsync();
    return (await settled)[0] as PromiseSettledResult<T>;
  } finally {
    vi.useRealTimers();
  }
}

beforeAll(async () => {
  table = `batch-${randomUUID().slice(0, 8)}`;
  process.env.TABLE_NAME = table;
  await documentClient().send(new CreateTableCommand(createTableInput(table)));
});
afterEach(() => {
  documentClient().middlewareStack.remove(THROTTLE);
});

describe('batchDelete', () => {
  it('deletes what a throttled answer left unprocessed, on retry', async () => {
    await batchPut(range(30).map(item));
    // The first answers (one per batch of 25, in parallel) are throttled whole.
    throttle((call) => call <= 2);
    await batchDelete(keysOf(range(30)));
    expect(batchWrites).toBeGreaterThan(2);
    expect(await stored(range(30))).toBe(0);
  });

  it('throws when requests are still unprocessed after its retries, naming how many', async () => {
    await batchPut(range(5).map(item));
    throttle(() => true);
    const result = await withoutWaiting(() => batchDelete(keysOf(range(5))));
    expect(result.status).toBe('rejected');
    expect(String((result as PromiseRejectedResult).reason)).toMatch(
      /batchDelete: 5 requests still unprocessed after 10 retries/,
    );
    expect(batchWrites).toBe(11);
    documentClient().middlewareStack.remove(THROTTLE);
    // Nothing was deleted, and the caller knows it.
    expect(await stored(range(5))).toBe(5);
  });
});

describe('batchPut', () => {
  it('throws when items are still unprocessed after its retries', async () => {
    throttle(() => true);
    const result = await withoutWaiting(() => batchPut([100, 101].map(item)));
    expect(result.status).toBe('rejected');
    expect(String((result as PromiseRejectedResult).reason)).toMatch(
      /batchPut: 2 requests still unprocessed after 10 retries/,
    );
  });
});
