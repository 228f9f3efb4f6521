/**
 * The counter fold on DynamoDB Local's real stream (docs/decisions/0028): reports and actions through
 * the local server, the stream drained by the same handler the counters Lambda runs, and the stored
 * counters equal `verifyCounters`' recount. A batch delivered again (whole, or bisected), and two
 * folders draining the same stream at once, change nothing.
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { type Counters, type Finding, pruneCounters, recount } from '@gridpatrol/core';
import { handler as foldHandler } from '@gridpatrol/functions/counters/handler';
import { startCounterFold } from '@gridpatrol/local';
import { getCounters, getFinding, makeDynamoClient, verifyCounters } from '@gridpatrol/store';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomActionBody, reportBody, seeded } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

let api: TestApi;
const random = seeded(20_261_207);
const ids: string[] = [];
const get = async (p: string): Promise<Json> => (await api.call('GET', p, { as: 'admin' })).body;
const verify = () =>
  verifyCounters({ offices: api.config.offices.map((o) => o.id), timeZone: api.config.timeZone });

/** Every record of the table's stream so far, in the shape Lambda delivers. */
async function streamRecords(): Promise<DynamoDBRecord[]> {
  const endpoint = process.env.DYNAMODB_ENDPOINT as string;
  const dynamo = makeDynamoClient(endpoint);
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const arn = (await dynamo.send(new DescribeTableCommand({ TableName: api.tableName }))).Table
      ?.LatestStreamArn as string;
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription
      ?.Shards;
    const out: StreamRecord[] = [];
    for (const shard of shards ?? []) {
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        out.push(...(page.Records ?? []));
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return out.map(
      (r) => ({ ...r, dynamodb: { ...r.dynamodb, ApproximateCreationDateTime: undefined } }) as never,
    );
  } finally {
    streams.destroy();
    dynamo.destroy();
  }
}

/** The stored counters of every area (live and month buckets) the reported findings count in. */
async function storedCounters(): Promise<Counters> {
  const findings = await Promise.all(ids.map(async (id) => (await getFinding(id)) as Finding));
  return pruneCounters(await getCounters(Object.keys(recount(findings, api.config.timeZone))));
}

beforeAll(async () => {
  api = await startTestApi('demo');
  const cells: string[] = ((await get('/cells?limit=6')).items ?? []).map((c: Json) => c.id);
  for (const cell of cells.slice(0, 4)) {
    const at = await pointInCell(get, cell);
    if (!at) continue;
    for (let i = 0; i < 3; i++) {
      const res = await api.call('POST', '/findings', {
        as: 'admin',
        body: reportBody({ lon: at.lon + i * 1e-6, lat: at.lat }, `店铺${randomUUID().slice(0, 6)}`),
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
  }
  for (const id of ids) {
    const f = (await api.call('GET', `/findings/${id}`, { as: 'admin' })).body;
    const allowed: string[] = f.allowedActions ?? [];
    if (allowed.length === 0) continue;
    const body = randomActionBody(random.pick(allowed), f.version, {
      at: Date.now(),
      maxDays: 20,
      transferDeadlineChance: 0.5,
      departments: api.config.departments,
      random,
    });
    const res = await api.call('POST', `/findings/${id}/actions`, { as: 'admin', body });
    expect([200, 422], res.text).toContain(res.status);
  }
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('counters folded from the stream', () => {
  it('equal the recount once the stream is drained', async () => {
    expect(ids.length).toBeGreaterThan(5);
    await api.settle();
    const report = await verify();
    expect(report.disagreements).toEqual([]);
    expect(report.findingsRead).toBe(ids.length);
    expect((await getCounters(['city'])).city?.total).toBe(ids.length);
  });

  it('add nothing when a batch is delivered again, whole or bisected', async () => {
    await api.settle();
    const before = await storedCounters();
    const records = await streamRecords();
    expect(records.length).toBeGreaterThan(ids.length);
    await foldHandler({ Records: records });
    const half = Math.floor(records.length / 2);
    await foldHandler({ Records: records.slice(0, half) });
    await foldHandler({ Records: records.slice(half) });
    await foldHandler({ Records: records.slice(half - 3, half + 3) });
    expect(await storedCounters()).toEqual(before);
    expect((await verify()).disagreements).toEqual([]);
  });

  it('count each change once when two folders drain the same stream at once', async () => {
    const a = startCounterFold({
      endpoint: process.env.DYNAMODB_ENDPOINT as string,
      tableName: api.tableName,
      background: false,
    });
    const b = startCounterFold({
      endpoint: process.env.DYNAMODB_ENDPOINT as string,
      tableName: api.tableName,
      background: false,
    });
    try {
      // Fresh folders start at the stream's beginning, like a second `npm start`: all already applied.
      const f = await getFinding(ids[0] as string);
      expect(f).toBeDefined();
      const res = await api.call('POST', '/findings', {
        as: 'admin',
        body: reportBody({ lon: (f?.lon ?? 0) + 2e-6, lat: f?.lat ?? 0 }, `店铺${randomUUID().slice(0, 6)}`),
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
      await Promise.all([a.settle(), b.settle(), api.settle()]);
    } finally {
      await a.stop();
      await b.stop();
    }
    expect((await getCounters(['city'])).city?.total).toBe(ids.length);
    expect((await verify()).disagreements).toEqual([]);
  });
});
