/**
 * The backfill of the city-wide finding index on DynamoDB Local (decision 0027): a table made before
 * gsi5 gains it when the local runtime opens it, and the runtime backfills its findings at once; a
 * bounded run stops and the next goes on; a finding written between the backfill's read and its
 * write is left to that write (never overwritten, never counted twice).
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '@gridpatrol/core';
import { type LocalDynamo, openDatabase, startDynamoDbLocal } from '@gridpatrol/local';
import {
  backfillFindingIndex,
  createTableInput,
  documentClient,
  FINDINGS_CITY_PARTITION,
  getCounters,
  getFinding,
  keys,
  partitionItems,
  TABLE,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drainCounterStream } from '../support/counter-fold';
import { config, newFinding, routingZ1 } from '../unit/findings-fixtures';

let db: LocalDynamo;
let raw: DynamoDBDocumentClient;
const tables: string[] = [];

/** A zone-less finding as a version before gsi5 stored it: every key but gsi5's. */
async function putOld(table: string, id: string): Promise<Finding> {
  const f = newFinding({ id, routing: { ...routingZ1, zoneId: null, zones: [], officeId: null } });
  const { gsi5pk: _pk, gsi5sk: _sk, ...older } = keys.finding(f);
  await raw.send(new PutCommand({ TableName: table, Item: { ...older, entity: 'finding', ...f } }));
  return f;
}

/** A table made by the definition as it was before gsi5 (the last index). */
async function olderTable(): Promise<string> {
  const name = `old-${randomUUID().slice(0, 8)}`;
  const older = { ...TABLE, globalSecondaryIndexes: TABLE.globalSecondaryIndexes.slice(0, -1) };
  await raw.send(new CreateTableCommand(createTableInput(name, older)));
  tables.push(name);
  return name;
}

const cityIds = async () =>
  (await partitionItems({ index: 'gsi5', pk: FINDINGS_CITY_PARTITION, projection: ['id'] })).map((i) => i.id);

beforeAll(async () => {
  // Its own DynamoDB Local: building an index on the shared one can take minutes under the suite's load.
  db = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  raw = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
}, 60_000);
afterAll(async () => {
  raw?.destroy();
  await db?.stop();
});

describe('a table made before the city-wide index', () => {
  it('is backfilled by the local runtime when it gains the index', async () => {
    const table = await olderTable();
    await putOld(table, 'F-old-1');
    await putOld(table, 'F-old-2');
    const printed: unknown[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => void printed.push(...args));
    try {
      const opened = await openDatabase(config, { persist: false, tableName: table });
      await opened.stop();
    } finally {
      log.mockRestore();
    }
    expect(printed.join('\n')).toMatch(/2 finding\(s\) lacked its keys.*2 given them, 2 of those zone-less/s);
    expect((await cityIds()).sort()).toEqual(['F-old-1', 'F-old-2']);
    expect((await getCounters(['unzoned'])).unzoned).toMatchObject({ total: 2, open: 2 });
  }, 120_000);
});

describe('backfillFindingIndex', () => {
  it('stops at its bound, goes on when run again, then finds nothing to do', async () => {
    const table = `full-${randomUUID().slice(0, 8)}`;
    await raw.send(new CreateTableCommand(createTableInput(table)));
    tables.push(table);
    process.env.TABLE_NAME = table;
    for (const id of ['F-a', 'F-b', 'F-c']) await putOld(table, id);

    const first = await backfillFindingIndex({ timeZone: config.timeZone, maxUpdates: 2 });
    expect(first).toMatchObject({ updated: 2, complete: false });
    const second = await backfillFindingIndex({ timeZone: config.timeZone, maxUpdates: 2 });
    expect(second).toMatchObject({ found: 1, updated: 1, unzonedCounted: 1, complete: true });
    const third = await backfillFindingIndex({ timeZone: config.timeZone });
    expect(third).toMatchObject({ found: 0, updated: 0, complete: true });
    expect((await cityIds()).sort()).toEqual(['F-a', 'F-b', 'F-c']);
    await drainCounterStream();
    expect((await getCounters(['unzoned'])).unzoned).toMatchObject({ total: 3 });
  });

  it('leaves a finding written between its read and its write to that write', async () => {
    const table = `race-${randomUUID().slice(0, 8)}`;
    await raw.send(new CreateTableCommand(createTableInput(table)));
    tables.push(table);
    process.env.TABLE_NAME = table;
    const f = await putOld(table, 'F-race');
    // A newer version writes the finding (version 2, with all its keys) just before the backfill's
    // transaction goes out; that write counts itself, so the backfill must add nothing.
    const newer: Finding = { ...f, version: 2, businessName: '改名小吃店' };
    let raced = false;
    documentClient().middlewareStack.add(
      (next) => async (args) => {
        if (!raced && 'TransactItems' in (args.input as object)) {
          raced = true;
          await raw.send(
            new PutCommand({
              TableName: table,
              Item: { ...keys.finding(newer), entity: 'finding', ...newer },
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'concurrentWriter' },
    );
    try {
      const r = await backfillFindingIndex({ timeZone: config.timeZone });
      expect(r).toMatchObject({ found: 1, updated: 0, changedMeanwhile: 1, unzonedCounted: 0 });
    } finally {
      documentClient().middlewareStack.remove('concurrentWriter');
    }
    expect(raced).toBe(true);
    expect(await getFinding('F-race')).toMatchObject({ version: 2, businessName: '改名小吃店' });
    expect(await getCounters(['unzoned'])).toEqual({});
  });
});
