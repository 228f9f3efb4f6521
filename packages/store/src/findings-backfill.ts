/**
 * Findings written before the city-wide index (gsi5) existed carry no gsi5 keys, so a table made by
 * an older version (a developer's `.data/`, a deployed table) gains the index but not their place in
 * it; and the zone-less ones among them were never counted in the no-zone bucket (`unzoned`). The
 * backfill gives each such finding its keys and its bucket counts in one transaction conditioned on
 * the version read and on the keys still missing: a finding written meanwhile (which then has its
 * keys) is left alone, and a second run finds nothing to do. docs/decisions/0027.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Finding } from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import type { TransactItem } from './counters';
import { recordOf } from './item';
import { findingZonePartition, keys } from './keys';
import { gridAreasOfAllVersions } from './stats-verify';
import { transactWrite } from './transact';

/** Findings read per Query page (only those lacking keys are returned). */
const PAGE = 100;
/** Updates sent at once (each touches its own finding only). */
const PARALLEL_WRITES = 8;
/** Ids of unreadable findings kept for the report; the count is exact. */
const MAX_LISTED = 20;

export interface IndexBackfillReport {
  /** Findings read that lacked gsi5 keys (a run stopped by `maxUpdates` may leave some of them for the next). */
  readonly found: number;
  /** Given their keys (and, when zone-less, their no-zone counts). */
  readonly updated: number;
  /** Of those, zone-less: the counter fold adds their counts to the `unzoned` bucket. */
  readonly unzonedCounted: number;
  /** Changed by another writer between read and write: that write gave them their keys. */
  readonly changedMeanwhile: number;
  /** Items that do not parse as a finding: left as they are, first ids listed. */
  readonly unreadable: number;
  readonly unreadableIds: readonly string[];
  /** Zone partitions read (every zone of every grid version, and the zone-less one). */
  readonly zonePartitions: number;
  /** False when `maxUpdates` stopped the run: run it again to go on. */
  readonly complete: boolean;
}

/** The gsi5 keys of a finding and the update that adds them only if still missing at that version. */
function backfillItems(f: Finding, table: string): TransactItem[] {
  const k = keys.finding(f);
  return [
    {
      Update: {
        TableName: table,
        Key: keys.findingById(f.id),
        UpdateExpression: 'SET #g5pk = :g5pk, #g5sk = :g5sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#g5pk) AND #version = :version',
        ExpressionAttributeNames: { '#g5pk': 'gsi5pk', '#g5sk': 'gsi5sk', '#version': 'version' },
        ExpressionAttributeValues: { ':g5pk': k.gsi5pk, ':g5sk': k.gsi5sk, ':version': f.version },
      },
    },
  ];
}

/**
 * Gives every finding lacking gsi5 keys its keys, and counts the zone-less ones in the no-zone
 * bucket. Findings are found as `stats verify` finds them (the gsi1 partition of every zone of every
 * grid version, and the zone-less one; no Scan), each page filtered to those still lacking keys, so
 * memory stays one page and a run that stopped half-way is resumed by running it again.
 * Idempotent: a finding is updated only while its keys are missing, in the version it was read at.
 *
 * @example const r = await backfillFindingIndex({ timeZone: config.timeZone }); r.updated // 0 on a table made by this version
 */
export async function backfillFindingIndex(opts: {
  /** Not read any more: the no-zone counts are the counter fold's (0028). Kept for callers. */
  timeZone?: string;
  /** Stop after this many updates (a bounded run; `complete` says whether anything is left). */
  maxUpdates?: number;
}): Promise<IndexBackfillReport> {
  const table = tableName();
  const grid = await gridAreasOfAllVersions();
  const partitions: (string | null)[] = [...[...grid.zones].sort(), null];
  const report = {
    found: 0,
    updated: 0,
    unzonedCounted: 0,
    changedMeanwhile: 0,
    unreadable: 0,
    unreadableIds: [] as string[],
    zonePartitions: partitions.length,
    complete: true,
  };
  const budgetLeft = () =>
    opts.maxUpdates === undefined ? Number.POSITIVE_INFINITY : opts.maxUpdates - report.updated;

  const backfillOne = async (f: Finding) => {
    try {
      await transactWrite(backfillItems(f, table));
      report.updated++;
      if (f.zoneId === null) report.unzonedCounted++;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      if (err.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw err;
      report.changedMeanwhile++;
    }
  };

  for (const zone of partitions) {
    let start: Record<string, unknown> | undefined;
    do {
      if (budgetLeft() <= 0) {
        report.complete = false;
        return report;
      }
      const out = await documentClient().send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: '#entity = :finding AND attribute_not_exists(#g5pk)',
          ExpressionAttributeNames: { '#pk': 'gsi1pk', '#entity': 'entity', '#g5pk': 'gsi5pk' },
          ExpressionAttributeValues: { ':pk': findingZonePartition(zone), ':finding': 'finding' },
          ExclusiveStartKey: start,
          Limit: PAGE,
        }),
      );
      start = out.LastEvaluatedKey;
      const todo: Finding[] = [];
      for (const item of out.Items ?? []) {
        report.found++;
        const parsed = Finding.safeParse(recordOf(item));
        if (parsed.success) todo.push(parsed.data);
        else {
          report.unreadable++;
          if (report.unreadableIds.length < MAX_LISTED) report.unreadableIds.push(String(item.pk));
        }
      }
      const allowed = todo.slice(0, Math.max(0, budgetLeft()));
      if (allowed.length < todo.length) report.complete = false;
      for (let i = 0; i < allowed.length; i += PARALLEL_WRITES)
        await Promise.all(allowed.slice(i, i + PARALLEL_WRITES).map(backfillOne));
      if (!report.complete) return report;
    } while (start);
  }
  return report;
}
