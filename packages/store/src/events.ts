/**
 * Findings' and tasks' histories, in the partitions of their own that 0040 moved them to
 * (`EVENT#FINDING#<id>`, `EVENT#TASK#<id>`), and the move of the events stored before.
 *
 * Until the move has run on a table (its marker, `keys.eventsMoved`), a history is read from both
 * places and merged by version, whole in one page (a history is tens of events); afterwards it is
 * one paged Query. New events are written under the new keys from the first deploy of this version.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import type { Page } from './cursor';
import { keys, legacyEventPartition } from './keys';
import { partitionItems, partitionPage } from './query';
import { EVENT_PARTITION_PREFIX } from './table';
import { transactWrite } from './transact';

const EVENT_SORT_PREFIX = 'EVENT#';
/** Tables whose move is known done in this process (it is never undone). */
const movedTables = new Set<string>();

/** True once every event of the table is under its own partition. */
export async function eventsMoved(): Promise<boolean> {
  const table = tableName();
  if (movedTables.has(table)) return true;
  const out = await documentClient().send(
    new GetCommand({ TableName: table, Key: keys.eventsMoved, ConsistentRead: true }),
  );
  if (out.Item) movedTables.add(table);
  return out.Item !== undefined;
}

/** Marks the table's events as moved: a new table has none stored the old way. */
export async function markEventsMoved(at = new Date()): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: tableName(), Item: { ...keys.eventsMoved, movedAt: at.toISOString() } }),
  );
  movedTables.add(tableName());
}

/**
 * A page of one history (its events' partition key), oldest first.
 *
 * @example await historyPage(keys.findingEvent('F-1', 0).pk, toEvent, undefined, 100)
 */
export async function historyPage<T>(
  pk: string,
  toEvent: (item: Record<string, unknown>) => T,
  cursor: string | undefined,
  limit: number,
): Promise<Page<T>> {
  const read = { pk, prefix: EVENT_SORT_PREFIX, consistent: true };
  if (cursor !== undefined || (await eventsMoved())) return partitionPage(read, toEvent, cursor, limit);
  const [moved, legacy] = await Promise.all([
    partitionItems(read),
    partitionItems({ ...read, pk: legacyEventPartition(pk) }),
  ]);
  // An event half-way through its move is in both places, the same: one of them is kept.
  const bySort = new Map<string, Record<string, unknown>>();
  for (const item of [...legacy, ...moved]) bySort.set(String(item.sk), item);
  const sorted = [...bySort.keys()].sort();
  return { items: sorted.map((sk) => toEvent(bySort.get(sk) as Record<string, unknown>)) };
}

export interface EventMoveReport {
  /** Events found under their old key. */
  readonly found: number;
  /** Copied to their new key (the rest were there already, from a run that stopped). */
  readonly copied: number;
  /** True when the scan reached the end and the table is marked moved. */
  readonly complete: boolean;
}

const PAGE = 100;
const PARALLEL = 8;

/**
 * Moves every event stored in its finding's or task's partition to its own (copy on condition that
 * the new key is free, and delete the old one, in one transaction), then marks the table. Reads the
 * table with Scan, so it runs with an operator's credentials (the CLI, `npm start`), never a
 * function's. Safe to stop and run again: what was moved is not found again.
 *
 * @example (await moveEvents()).complete // true
 */
export async function moveEvents(opts: { maxMoves?: number } = {}): Promise<EventMoveReport> {
  const table = tableName();
  let found = 0;
  let copied = 0;
  let start: Record<string, unknown> | undefined;
  const moveOne = async (item: Record<string, unknown>) => {
    const moved = { ...item, pk: `${EVENT_PARTITION_PREFIX}${String(item.pk)}` };
    const old = { pk: item.pk, sk: item.sk };
    try {
      await transactWrite([
        { Put: { TableName: table, Item: moved, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Delete: { TableName: table, Key: old } },
      ]);
      copied++;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      if (err.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw err;
      // Copied by a run that stopped before its delete: the copy stays, the original goes.
      await transactWrite([{ Delete: { TableName: table, Key: old } }]);
    }
  };
  do {
    if (opts.maxMoves !== undefined && found >= opts.maxMoves) return { found, copied, complete: false };
    const out = await documentClient().send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(sk, :event) AND (begins_with(pk, :finding) OR begins_with(pk, :task))',
        ExpressionAttributeValues: { ':event': EVENT_SORT_PREFIX, ':finding': 'FINDING#', ':task': 'TASK#' },
        ExclusiveStartKey: start,
        Limit: PAGE,
        ConsistentRead: true,
      }),
    );
    start = out.LastEvaluatedKey;
    const items = out.Items ?? [];
    found += items.length;
    for (let i = 0; i < items.length; i += PARALLEL)
      await Promise.all(items.slice(i, i + PARALLEL).map(moveOne));
  } while (start);
  await markEventsMoved();
  return { found, copied, complete: true };
}
