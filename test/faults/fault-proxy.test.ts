/**
 * The fault proxy itself (issue 19.1): each fault, through the real SDK client against DynamoDB Local,
 * raises what the real service raises; the conflict rule cancels overlapping transactions and lets
 * disjoint ones through; the same seed gives the same decisions.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactionConflictException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type FaultProxy, startFaultProxy } from '@gridpatrol/local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const TABLE = `proxy-${Math.random().toString(36).slice(2, 8)}`;
const endpoint = process.env.DYNAMODB_ENDPOINT as string;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** One attempt: the test sees each fault as the SDK raises it, not after the SDK's retries. */
const clientOf = (url: string) =>
  new DynamoDBClient({ endpoint: url, region: 'local', credentials, maxAttempts: 1 });
const direct = clientOf(endpoint);

const key = (pk: string, sk = 'X') => ({ pk: { S: pk }, sk: { S: sk } });
const put = (pk: string, sk = 'X'): TransactWriteItem => ({
  Put: { TableName: TABLE, Item: { ...key(pk, sk), n: { N: '1' } } },
});
const add = (pk: string): TransactWriteItem => ({
  Update: {
    TableName: TABLE,
    Key: key(pk),
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  },
});
const transact = (client: DynamoDBClient, items: TransactWriteItem[]) =>
  client.send(new TransactWriteItemsCommand({ TransactItems: items }));
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: Error) => err,
  );

let proxy: FaultProxy | undefined;
let client: DynamoDBClient;
async function start(seed = 1, faults = {}) {
  proxy = await startFaultProxy({ target: endpoint, seed, faults });
  client = clientOf(proxy.url);
  return proxy;
}

beforeAll(async () => {
  await direct.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterEach(async () => {
  client?.destroy();
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await direct.send(new DeleteTableCommand({ TableName: TABLE }));
  direct.destroy();
});

describe('the conflict rule', () => {
  it('cancels a transaction that overlaps an in-flight one on an item, naming the item, and writes nothing of it', async () => {
    // Latency holds the first transaction in flight long enough for the second to arrive.
    await start(1, { conflicts: true, latency: { fixedMs: 300 } });
    const first = outcome(transact(client, [put('F-1'), put('E-1'), add('COUNTER#city')]));
    await new Promise((r) => setTimeout(r, 50));
    const second = await outcome(transact(client, [put('F-2'), add('COUNTER#city'), put('E-2')]));
    expect(await first).toBe('ok');
    expect(second).toBeInstanceOf(TransactionCanceledException);
    const cancelled = second as TransactionCanceledException;
    expect(cancelled.$metadata.httpStatusCode).toBe(400);
    expect(cancelled.CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'TransactionConflict',
      'None',
    ]);
    expect(cancelled.message).toMatch(/Transaction cancelled, please refer cancellation reasons/);
    expect(
      (await direct.send(new GetItemCommand({ TableName: TABLE, Key: key('F-2') }))).Item,
    ).toBeUndefined();
    expect(proxy?.stats().transactionConflicts).toBe(1);
  });

  it('lets transactions on disjoint items through, however much they overlap in time', async () => {
    await start(1, { conflicts: true, latency: { fixedMs: 200 } });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => outcome(transact(client, [put(`D-${i}`), put(`D-${i}`, 'EVENT')]))),
    );
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(proxy?.stats().transactionConflicts).toBe(0);
  });

  it('refuses a PutItem on an item an in-flight transaction holds with TransactionConflictException', async () => {
    await start(1, { conflicts: true, latency: { fixedMs: 300 } });
    const tx = outcome(transact(client, [put('H-1'), add('COUNTER#hot')]));
    await new Promise((r) => setTimeout(r, 50));
    const [single, other, read] = await Promise.all([
      outcome(client.send(new PutItemCommand({ TableName: TABLE, Item: key('H-1') }))),
      outcome(client.send(new PutItemCommand({ TableName: TABLE, Item: key('H-2') }))),
      outcome(
        client.send(
          new TransactGetItemsCommand({
            TransactItems: [{ Get: { TableName: TABLE, Key: key('COUNTER#hot') } }],
          }),
        ),
      ),
    ]);
    expect(await tx).toBe('ok');
    expect(single).toBeInstanceOf(TransactionConflictException);
    expect(other).toBe('ok');
    expect(read).toBeInstanceOf(TransactionCanceledException);
    expect((read as TransactionCanceledException).CancellationReasons?.[0]?.Code).toBe('TransactionConflict');
    expect(proxy?.stats().conflictExceptions).toBe(1);
  });

  it('is off unless asked for: overlapping transactions on one item both pass, as on DynamoDB Local', async () => {
    await start(1, { latency: { fixedMs: 200 } });
    const both = await Promise.all([1, 2].map(() => outcome(transact(client, [add('COUNTER#off')]))));
    expect(both).toEqual(['ok', 'ok']);
  });
});

describe('throttling', () => {
  it('raises ProvisionedThroughputExceededException, or ThrottlingException, at the set rate', async () => {
    await start(1, { throttle: { rate: 1 } });
    const pt = await outcome(client.send(new GetItemCommand({ TableName: TABLE, Key: key('T-1') })));
    expect(pt).toBeInstanceOf(ProvisionedThroughputExceededException);
    await proxy?.set({ throttle: { rate: 1, kind: 'Throttling' } });
    const th = await outcome(client.send(new PutItemCommand({ TableName: TABLE, Item: key('T-1') })));
    expect(th).toBeInstanceOf(ThrottlingException);
    expect(
      (await direct.send(new GetItemCommand({ TableName: TABLE, Key: key('T-1') }))).Item,
    ).toBeUndefined();
    await proxy?.set({ throttle: null });
    expect(await outcome(client.send(new PutItemCommand({ TableName: TABLE, Item: key('T-1') })))).toBe('ok');
    expect(proxy?.stats().throttled).toBe(2);
  });

  it('cancels a transaction touching a hot key with a throttling reason at that item only', async () => {
    await start(1, { throttle: { hotKeys: [{ pk: 'COUNTER#city' }], kind: 'Throttling' } });
    const hot = await outcome(transact(client, [put('K-1'), add('COUNTER#city')]));
    expect(hot).toBeInstanceOf(TransactionCanceledException);
    expect((hot as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'ThrottlingError',
    ]);
    expect(await outcome(transact(client, [put('K-2'), add('COUNTER#office')]))).toBe('ok');
  });
});

describe('lost answers, latency and a database gone', () => {
  it('commits a write and drops its answer: the client sees the connection reset, the item is there', async () => {
    await start(1, { dropWriteResponses: 1 });
    const lost = await outcome(transact(client, [put('L-1'), put('L-1', 'EVENT')]));
    expect(lost).toBeInstanceOf(Error);
    expect((lost as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(
      (await direct.send(new GetItemCommand({ TableName: TABLE, Key: key('L-1', 'EVENT') }))).Item,
    ).toBeDefined();
    // Reads are answered.
    expect(await outcome(client.send(new GetItemCommand({ TableName: TABLE, Key: key('L-1') })))).toBe('ok');
    expect(proxy?.stats().droppedResponses).toBe(1);
  });

  it('adds the set latency', async () => {
    await start(1, { latency: { fixedMs: 150, jitterMs: 50 } });
    const started = Date.now();
    await client.send(new GetItemCommand({ TableName: TABLE, Key: key('X-1') }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(proxy?.stats().delayed).toBe(1);
  });

  it('refuses connections, or closes them at once, while down; answers again once up', async () => {
    await start();
    const get = () => outcome(client.send(new GetItemCommand({ TableName: TABLE, Key: key('X-1') })));
    expect(await get()).toBe('ok');
    await proxy?.set({ down: 'refuse' });
    // A pooled connection is reset first; a new one is refused.
    const codes = [await get(), await get()].map((e) => (e as NodeJS.ErrnoException).code);
    expect(codes[1]).toBe('ECONNREFUSED');
    expect(codes.every((c) => c === 'ECONNREFUSED' || c === 'ECONNRESET')).toBe(true);
    await proxy?.set({ down: 'close' });
    expect(((await get()) as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(proxy?.stats().refusedConnections).toBeGreaterThanOrEqual(1);
    await proxy?.set({ down: false });
    expect(await get()).toBe('ok');
  });
});

describe('seeded decisions', () => {
  async function pattern(seed: number): Promise<string> {
    await start(seed, { throttle: { rate: 0.5 } });
    let seen = '';
    for (let i = 0; i < 40; i++) {
      const r = await outcome(client.send(new GetItemCommand({ TableName: TABLE, Key: key(`S-${i}`) })));
      seen += r === 'ok' ? '.' : 'T';
    }
    client.destroy();
    await proxy?.close();
    proxy = undefined;
    return seen;
  }

  it('the same seed throttles the same requests of the same sequence; another seed others', async () => {
    const a = await pattern(42);
    expect(a).toMatch(/T/);
    expect(a).toMatch(/\./);
    expect(await pattern(42)).toBe(a);
    expect(await pattern(43)).not.toBe(a);
  });
});

describe('a test server behind the proxy', () => {
  it('reaches DynamoDB Local only through the proxy, and the proxy can be switched while it runs', async () => {
    const { startTestApi } = await import('../support/local-api');
    const api = await startTestApi('demo', { faultProxy: { seed: 3 } });
    try {
      const via = api.proxy as FaultProxy;
      via.resetStats();
      expect((await api.call('GET', '/me', { as: 'admin' })).status).toBe(200);
      expect(via.stats().requests).toBeGreaterThan(0);
      await via.set({ down: 'refuse' });
      const down = await api.call('GET', '/people?limit=1', { as: 'admin' });
      expect(down.status).toBe(503);
      await via.set({ down: false });
      expect((await api.call('GET', '/people?limit=1', { as: 'admin' })).status).toBe(200);
    } finally {
      await api.close();
    }
    expect(process.env.DYNAMODB_ENDPOINT).toBe(endpoint);
  });
});
