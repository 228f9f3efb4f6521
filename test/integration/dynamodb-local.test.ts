import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { readCityConfig } from '@gridpatrol/cities';
import { assertJava, JavaMissingError, openDatabase, startDynamoDbLocal } from '@gridpatrol/local';
import { createTableInput, ensureTable, ensureTableUpToDate, TABLE } from '@gridpatrol/store';
import { describe, expect, it } from 'vitest';
import { testDatabaseEndpoint } from '../support/database';

const clientFor = (endpoint: string, accessKeyId: string, region: string) =>
  new DynamoDBClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey: 'x' } });

describe('the table from its one definition', () => {
  it('has exactly the keys, indexes and TTL that TABLE declares', async () => {
    const client = clientFor(testDatabaseEndpoint(), 'a', 'local');
    const name = `def-${randomUUID().slice(0, 8)}`;
    expect(await ensureTable(client, name)).toBe(true);
    expect(await ensureTable(client, name)).toBe(false); // idempotent
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    const gsis = (Table?.GlobalSecondaryIndexes ?? []).map((g) => [
      g.IndexName,
      g.KeySchema?.map((k) => k.AttributeName),
    ]);
    expect(gsis.sort()).toEqual(
      TABLE.globalSecondaryIndexes.map((g) => [g.indexName, [g.partitionKey, g.sortKey]]).sort(),
    );
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TABLE.timeToLiveAttribute);
    // The counter fold's source (docs/decisions/0028).
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    client.destroy();
  });

  it('gains its stream when made before the counter fold, holding the changes from then on', async () => {
    const client = clientFor(testDatabaseEndpoint(), 'a', 'local');
    const name = `nostream-${randomUUID().slice(0, 8)}`;
    const { StreamSpecification: _none, ...withoutStream } = createTableInput(name);
    await client.send(new CreateTableCommand(withoutStream));
    expect(await ensureTableUpToDate(client, name)).toEqual({
      created: false,
      addedIndexes: [],
      streamEnabled: true,
    });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toContain(name);
    // Once is enough: a second start changes nothing.
    expect((await ensureTableUpToDate(client, name)).streamEnabled).toBe(false);
    client.destroy();
  });

  it('gains the indexes added to the definition since an older table was made', async () => {
    // Its own DynamoDB Local: the shared one builds indexes in the background, and under the whole
    // suite's load that can take minutes, which says nothing about this code.
    const db = await startDynamoDbLocal();
    const client = clientFor(db.endpoint, 'a', 'local');
    try {
      const name = `old-${randomUUID().slice(0, 8)}`;
      // A table from before the last index was added (gsi5, the city's findings).
      const older = { ...TABLE, globalSecondaryIndexes: TABLE.globalSecondaryIndexes.slice(0, -1) };
      await client.send(new CreateTableCommand(createTableInput(name, older)));
      // Named, so that the caller (npm start) knows to backfill the findings' gsi5 keys.
      expect(await ensureTableUpToDate(client, name)).toEqual({
        created: false,
        addedIndexes: ['gsi5'],
        streamEnabled: false,
      });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      expect((Table?.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g.IndexStatus]).sort()).toEqual(
        TABLE.globalSecondaryIndexes.map((g) => [g.indexName, 'ACTIVE']).sort(),
      );
    } finally {
      client.destroy();
      await db.stop();
    }
  }, 120_000);

  it('is shared by clients with different credentials and regions (-sharedDb)', async () => {
    const endpoint = testDatabaseEndpoint();
    const a = clientFor(endpoint, 'alice', 'eu-west-1');
    const b = clientFor(endpoint, 'bob', 'cn-north-1');
    const name = `shared-${randomUUID().slice(0, 8)}`;
    await ensureTable(a, name);
    const { TableNames } = await b.send(new ListTablesCommand({}));
    expect(TableNames).toContain(name);
    a.destroy();
    b.destroy();
  });
});

describe('DynamoDB Local lifecycle', () => {
  it('starts on a free port and stops without leaving a java process', async () => {
    const db = await startDynamoDbLocal();
    const port = new URL(db.endpoint).port;
    const running = () => spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`]).status === 0;
    expect(running()).toBe(true);
    await db.stop();
    expect(running()).toBe(false);
  });

  it('fails at once, saying how to install java, when java is missing', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => assertJava()).toThrow(JavaMissingError);
      expect(() => assertJava()).toThrow(/apt-get install -y default-jre-headless/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('a database the process starts itself (no DYNAMODB_ENDPOINT given)', () => {
  it('is forgotten when stopped, so the next one opened in the process is started, not the dead one reused', async () => {
    const fileDatabase = process.env.DYNAMODB_ENDPOINT;
    delete process.env.DYNAMODB_ENDPOINT;
    const config = readCityConfig('demo');
    try {
      const first = await openDatabase(config, { persist: false, tableName: 'own-1', foldCounters: false });
      expect(first.owned).toBe(true);
      expect(process.env.DYNAMODB_ENDPOINT).toBe(first.endpoint);
      await first.stop();
      expect(process.env.DYNAMODB_ENDPOINT).toBeUndefined();
      // The web bench opens two in turn: the second one used to be sent to the first's port.
      const second = await openDatabase(config, { persist: false, tableName: 'own-2', foldCounters: false });
      expect(second.owned).toBe(true);
      expect(second.endpoint).not.toBe(first.endpoint);
      await second.stop();
    } finally {
      process.env.DYNAMODB_ENDPOINT = fileDatabase;
    }
  }, 60_000);
});
