/**
 * The local stand-in for the counters Lambda's event source mapping: polls the table's stream on
 * DynamoDB Local (which serves the Streams API on the same endpoint) and calls the same handler with
 * the same event shape, batches of at most 100 records of one shard, shards in order (a parent
 * before its children), records of finding and task items only (the mapping's filter). A failed
 * batch is read again from the last one that succeeded, as Lambda retries it; the ledger makes a
 * record count once however often it is delivered. docs/decisions/0028.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { paddedSequence } from '@gridpatrol/core';
import { handler as foldCounters } from '@gridpatrol/functions/counters/handler';
import { handler as deliverNotifications } from '@gridpatrol/functions/notifications/handler';
import {
  isCountedRecord,
  isNotificationInsert,
  keys,
  makeDocumentClient,
  makeDynamoClient,
} from '@gridpatrol/store';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** The event source mapping's batch size (infra/lib/counters.ts): the same batches here. */
export const FOLD_BATCH_SIZE = 100;
/**
 * Records read per GetRecords (the API's maximum). Lambda filters before it batches, so a batch
 * is up to 100 *counted* records; reading 1000 at a time skips the other items' records (a seed's
 * cells, events, the counters themselves) in a tenth of the calls.
 */
const READ_LIMIT = 1000;
/** Lambda polls a shard four times a second; so does this. */
export const FOLD_POLL_MS = 250;
/**
 * The background poll lists the stream's shards again this often (or when a shard it reads ends):
 * new shards are rare, and each listing costs the emulator CPU. settle() always
 * lists them, so that it never misses a shard opened since.
 */
const DESCRIBE_EVERY_MS = 10_000;
/**
 * The slowest pace of the background poll on an idle stream: a change made after a quiet spell is
 * folded within this (plus one poll), well inside the 5 s lag the README states.
 */
const IDLE_POLL_MAX_MS = 2_000;

export interface CounterFold {
  /** Resolves once every record written before the call is folded into the counters. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface CounterFoldOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** @default FOLD_POLL_MS */
  readonly pollMs?: number;
  /** Poll in the background; false folds only when settle() is called (a test's one drain). @default true */
  readonly background?: boolean;
  /** A failed poll (database gone, a batch the handler refused); it is retried on the next poll. */
  readonly onError?: (err: Error) => void;
  /**
   * Also feed new notification items to the delivery worker, as its own event source mapping does
   * in AWS (docs/decisions/0052), and send what it held back every DEFERRED_EVERY_MS. @default true
   */
  readonly deliver?: boolean;
}

/** How often the local runtime sends held-back notifications (AWS: the delivery worker's schedule). */
export const DEFERRED_EVERY_MS = 60_000;

interface ShardState {
  iterator?: string;
  /** The last record handed to the handler successfully: where a retry starts. */
  lastSequence?: string;
  /** The stored checkpoint was read (once per process and shard). */
  resumed?: boolean;
  closed: boolean;
}

/** A stream record from GetRecords in the shape Lambda passes (dates as epoch seconds). */
function lambdaRecord(r: StreamRecord, streamArn: string): DynamoDBRecord {
  const created = r.dynamodb?.ApproximateCreationDateTime;
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion,
    eventSource: r.eventSource,
    awsRegion: r.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(r.dynamodb as NonNullable<DynamoDBRecord['dynamodb']>),
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
    },
  };
}

/**
 * Starts polling the stream of `tableName` and folding it. `settle()` drains every shard to its
 * end; the background poll does the same every `pollMs`, one drain at a time.
 *
 * @example const fold = startCounterFold({ endpoint, tableName }); …; await fold.settle();
 */
export function startCounterFold(opts: CounterFoldOptions): CounterFold {
  const dynamo = makeDynamoClient(opts.endpoint);
  const documents = makeDocumentClient(opts.endpoint);
  const streams = new DynamoDBStreamsClient({
    endpoint: opts.endpoint,
    region: process.env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const shards = new Map<string, ShardState>();
  let streamArn: string | undefined;
  let listed: Shard[] = [];
  let listedAt = Number.NEGATIVE_INFINITY;
  /** A shard was read to its end: its children may be new, so list the shards again. */
  let shardEnded = false;
  let running: Promise<void> = Promise.resolve();
  /** Stream records read so far (counted or not): tells the poll whether the stream is idle. */
  let recordsRead = 0;
  let stopped = false;
  /** Deliveries under way: settle() and stop() wait for them. */
  const deliveries = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    const done: Promise<void> = p
      .catch((err: Error) => opts.onError?.(err))
      .finally(() => deliveries.delete(done));
    deliveries.add(done);
  };
  const deliveriesDone = async () => {
    while (deliveries.size > 0) await Promise.all([...deliveries]);
  };

  const describeShards = async (arn: string): Promise<Shard[]> => {
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }),
      );
      all.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return all;
  };

  /**
   * A process starts a shard where the last one left it (a CLI command beside `npm start` need not
   * read the whole stream again); a checkpoint only moves forward.
   */
  const readCheckpoint = async (shardId: string): Promise<string | undefined> => {
    const out = await documents.send(
      new GetCommand({ TableName: opts.tableName, Key: keys.foldCheckpoint(shardId), ConsistentRead: true }),
    );
    return typeof out.Item?.lastSequence === 'string' ? out.Item.lastSequence : undefined;
  };
  const writeCheckpoint = async (shardId: string, sequence: string): Promise<void> => {
    const padded = paddedSequence(sequence);
    await documents
      .send(
        new UpdateCommand({
          TableName: opts.tableName,
          Key: keys.foldCheckpoint(shardId),
          UpdateExpression: 'SET #entity = :entity, #seq = :seq, #padded = :padded',
          ConditionExpression: 'attribute_not_exists(#padded) OR #padded < :padded',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#seq': 'lastSequence',
            '#padded': 'paddedSequence',
          },
          ExpressionAttributeValues: { ':entity': 'fold_checkpoint', ':seq': sequence, ':padded': padded },
        }),
      )
      .catch((err: unknown) => {
        // Another process got further: its checkpoint stands.
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      });
  };

  const iteratorFor = (arn: string, shardId: string, after: string | undefined) =>
    streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );

  /** Reads one shard to its current end, handing each batch to the handler. */
  const drainShard = async (arn: string, shardId: string, state: ShardState) => {
    if (!state.resumed) {
      state.lastSequence ??= await readCheckpoint(shardId);
      state.resumed = true;
    }
    for (;;) {
      if (state.iterator === undefined) {
        const out = await iteratorFor(arn, shardId, state.lastSequence).catch((err: unknown) => {
          // The checkpoint's record is gone from the stream (trimmed): everything there is is newer.
          if ((err as Error).name !== 'TrimmedDataAccessException') throw err;
          return iteratorFor(arn, shardId, undefined);
        });
        state.iterator = out.ShardIterator;
        if (state.iterator === undefined) {
          state.closed = true;
          shardEnded = true;
          return;
        }
      }
      const out = await streams
        .send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: READ_LIMIT }))
        .catch((err: unknown) => {
          state.iterator = undefined; // expired or the database went away: start again from the last success
          throw err;
        });
      const records = out.Records ?? [];
      recordsRead += records.length;
      const lambdaRecords = records.map((r) => lambdaRecord(r, arn));
      const counted = lambdaRecords.filter(isCountedRecord);
      // Deliveries run beside the fold (a slow webhook must not hold the counters back); settle()
      // waits for them too.
      const notes = opts.deliver === false ? [] : lambdaRecords.filter(isNotificationInsert);
      for (let i = 0; i < notes.length; i += FOLD_BATCH_SIZE)
        track(deliverNotifications({ Records: notes.slice(i, i + FOLD_BATCH_SIZE) }));
      for (let i = 0; i < counted.length; i += FOLD_BATCH_SIZE) {
        const event: DynamoDBStreamEvent = { Records: counted.slice(i, i + FOLD_BATCH_SIZE) };
        try {
          await foldCounters(event);
        } catch (err) {
          // Read again from the last success next time, as Lambda retries the batch; the batches
          // of this read already folded are left out by the ledger.
          state.iterator = undefined;
          throw err;
        }
      }
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined) state.lastSequence = last;
      // Only after a batch that counted something: the checkpoint's own change is a record too,
      // and must not call for another checkpoint.
      if (last !== undefined && counted.length > 0) await writeCheckpoint(shardId, last);
      state.iterator = out.NextShardIterator;
      if (state.iterator === undefined) {
        state.closed = true;
        shardEnded = true;
        return;
      }
      if (records.length === 0) return;
    }
  };

  const drain = async (relist: boolean) => {
    if (streamArn === undefined) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
      streamArn = Table?.LatestStreamArn;
      if (streamArn === undefined)
        throw new Error(`Table ${opts.tableName} has no stream to fold counters from.`);
    }
    const arn = streamArn;
    if (relist || shardEnded || Date.now() - listedAt > DESCRIBE_EVERY_MS) {
      shardEnded = false;
      listed = await describeShards(arn);
      listedAt = Date.now();
    }
    const ids = new Set(listed.map((s) => s.ShardId));
    // Parents first: a child shard's records come after its parent's.
    const pending = listed.filter((s) => s.ShardId !== undefined && !shards.get(s.ShardId)?.closed);
    for (let progress = true; progress && pending.length > 0; ) {
      progress = false;
      for (const shard of [...pending]) {
        const parent = shard.ParentShardId;
        if (parent !== undefined && ids.has(parent) && !shards.get(parent)?.closed) continue;
        const id = shard.ShardId as string;
        const state = shards.get(id) ?? { closed: false };
        shards.set(id, state);
        await drainShard(arn, id, state);
        pending.splice(pending.indexOf(shard), 1);
        progress = true;
      }
    }
  };

  /** One drain at a time: the background poll and settle() never read a shard twice at once. */
  const exclusive = (work: () => Promise<void>): Promise<void> => {
    const next = running.then(work, work);
    running = next.catch(() => undefined);
    return next;
  };

  let timer: NodeJS.Timeout | undefined;
  const basePollMs = opts.pollMs ?? FOLD_POLL_MS;
  let pollMs = basePollMs;
  const poll = () => {
    timer = setTimeout(async () => {
      if (stopped) return;
      const before = recordsRead;
      try {
        await exclusive(() => drain(false));
      } catch (err) {
        if (!stopped) opts.onError?.(err as Error);
      }
      // An idle stream is polled less and less often (up to IDLE_POLL_MAX_MS): every GetRecords
      // costs DynamoDB Local CPU, which the API and every other poller share. The first
      // record read brings the pace back; settle() never waits for the timer.
      pollMs = recordsRead > before ? basePollMs : Math.min(IDLE_POLL_MAX_MS, pollMs * 2);
      if (!stopped) poll();
    }, pollMs);
    timer.unref();
  };
  if (opts.background !== false) poll();
  const deferred =
    opts.background !== false && opts.deliver !== false
      ? setInterval(() => {
          if (!stopped) track(deliverNotifications({ deferred: true }));
        }, DEFERRED_EVERY_MS)
      : undefined;
  deferred?.unref();

  return {
    settle: async () => {
      await exclusive(() => drain(true));
      await deliveriesDone();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(deferred);
      await running;
      await deliveriesDone();
      streams.destroy();
      documents.destroy();
      dynamo.destroy();
    },
  };
}
