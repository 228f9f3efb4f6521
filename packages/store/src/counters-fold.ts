/**
 * The store side of the counter fold (docs/decisions/0028): turns stream records of finding and task
 * items into core `CountedChange`s, and applies each batch's summed increments exactly once. Each
 * transaction holds the ADDs of a chunk and, per source item in it, a ledger item conditioned on its
 * last applied sequence number being below the chunk's first for that item: a batch delivered again
 * (Lambda's at-least-once, bisect on error, a second local poller) finds its changes in the ledger and
 * adds nothing. The ledger is per item, not per shard, because Lambda's stream event does not say
 * which shard a batch came from; an item's records are in one shard, in order.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type CountedChange,
  type CountedImage,
  Finding,
  type FoldChunk,
  foldChunks,
  PatrolTask,
  paddedSequence,
  pendingChanges,
} from '@gridpatrol/core';
import { batchGet } from './batch';
import { tableName } from './client';
import { counterUpdates, type TransactItem } from './counters';
import { recordOf } from './item';
import { keys, primaryKey } from './keys';
import { COUNTED_ENTITIES } from './table';
import { transactWrite } from './transact';

/**
 * A stream record as Lambda delivers it (and as the local poller rebuilds it from GetRecords): only
 * the fields the fold reads. Images are DynamoDB attribute-value maps.
 */
export interface CounterStreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly SequenceNumber?: string;
    readonly Keys?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
  };
}

/**
 * How long a ledger entry outlives its last use. A stream keeps records 24 h, so no delivery can
 * bring an older record after that; a week leaves room and keeps the ledger from growing for ever.
 */
const LEDGER_TTL_SECONDS = 7 * 24 * 3600;
/** A ledger that moved under us (another poller folding the same records) is read again this often. */
const LEDGER_REREADS = 3;

const entityOf = (image: Record<string, unknown> | undefined) => {
  const e = image?.entity as { S?: unknown } | undefined;
  return typeof e?.S === 'string' ? e.S : undefined;
};

/** True for a record of a finding or task item (what the event source's filter lets through). */
export function isCountedRecord(record: CounterStreamRecord): boolean {
  const entity = entityOf(record.dynamodb?.NewImage) ?? entityOf(record.dynamodb?.OldImage);
  return (COUNTED_ENTITIES as readonly (string | undefined)[]).includes(entity);
}

function imageOf(raw: Record<string, unknown> | undefined, where: string): CountedImage | null {
  if (raw === undefined) return null;
  const item = unmarshall(raw as Record<string, AttributeValue>);
  const record = recordOf(item);
  if (item.entity === 'finding') {
    const parsed = Finding.safeParse(record);
    if (!parsed.success)
      throw new Error(`${where}: the finding image does not parse: ${parsed.error.message}`);
    // Written before the city-wide index: its no-zone share was never counted (0027).
    return { kind: 'finding', finding: parsed.data, inUnzoned: item.gsi5pk !== undefined };
  }
  const parsed = PatrolTask.safeParse(record);
  if (!parsed.success) throw new Error(`${where}: the task image does not parse: ${parsed.error.message}`);
  return { kind: 'task', task: parsed.data };
}

/** A counted record as the core fold sees it. Throws on a record without keys or sequence number. */
export function countedChangeOf(record: CounterStreamRecord): CountedChange {
  const d = record.dynamodb;
  const pk = (d?.Keys?.pk as { S?: unknown } | undefined)?.S;
  if (typeof pk !== 'string' || d?.SequenceNumber === undefined)
    throw new Error('A stream record without keys or sequence number: is the stream NEW_AND_OLD_IMAGES?');
  const where = `${pk} @ ${d.SequenceNumber}`;
  return {
    source: pk,
    sequence: paddedSequence(d.SequenceNumber),
    before: imageOf(d.OldImage, where),
    after: record.eventName === 'REMOVE' ? null : imageOf(d.NewImage, where),
  };
}

/** What one batch did. */
export interface FoldReport {
  /** Records of finding and task items in the batch. */
  readonly counted: number;
  /** Of those, already in the counters (a batch delivered again): nothing added for them. */
  readonly alreadyApplied: number;
  readonly transactions: number;
  /** Counter items written (summed per area over a chunk). */
  readonly counterItems: number;
}

/** The last applied sequence number per source, read strongly consistent (our own last write). */
async function readLedger(sources: readonly string[]): Promise<Map<string, string>> {
  const items = await batchGet(
    sources.map((s) => primaryKey(keys.foldLedger(s))),
    { consistent: true },
  );
  const applied = new Map<string, string>();
  sources.forEach((source, i) => {
    const item = items[i];
    if (item && typeof item.lastSequence === 'string') applied.set(source, item.lastSequence);
  });
  return applied;
}

function chunkItems(chunk: FoldChunk, table: string, now: Date): TransactItem[] {
  const expiresAt = Math.floor(now.getTime() / 1000) + LEDGER_TTL_SECONDS;
  const ledger: TransactItem[] = [...chunk.ledger].map(([source, { first, last }]) => ({
    Update: {
      TableName: table,
      Key: primaryKey(keys.foldLedger(source)),
      UpdateExpression: 'SET #entity = :entity, #last = :last, #expires = :expires',
      ConditionExpression: 'attribute_not_exists(#last) OR #last < :first',
      ExpressionAttributeNames: { '#entity': 'entity', '#last': 'lastSequence', '#expires': 'expiresAt' },
      ExpressionAttributeValues: {
        ':entity': 'fold_ledger',
        ':last': last,
        ':first': first,
        ':expires': expiresAt,
      },
    },
  }));
  return [...ledger, ...counterUpdates(chunk.deltas, table)];
}

/**
 * Folds a batch of stream records into the counters, exactly once per record: records of other
 * items are skipped, changes the ledger already holds are left out, the rest are summed per area and
 * written in transactions of at most 100 items. Throws (so that Lambda retries, then bisects) on
 * anything else; a retry adds only what is still missing.
 *
 * @example await foldCounterRecords(event.Records, cityConfig().timeZone)
 */
export async function foldCounterRecords(
  records: readonly CounterStreamRecord[],
  timeZone: string,
  now = new Date(),
): Promise<FoldReport> {
  const table = tableName();
  const changes = records.filter(isCountedRecord).map(countedChangeOf);
  let alreadyApplied = 0;
  let transactions = 0;
  let counterItems = 0;
  let remaining = changes;
  for (let read = 1; remaining.length > 0; read++) {
    const applied = await readLedger([...new Set(remaining.map((c) => c.source))]);
    const pending = pendingChanges(remaining, applied);
    if (read === 1) alreadyApplied = remaining.length - pending.length;
    let moved = false;
    for (const chunk of foldChunks(pending, timeZone)) {
      try {
        await transactWrite(chunkItems(chunk, table, now));
      } catch (err) {
        const reasons = err instanceof TransactionCanceledException ? (err.CancellationReasons ?? []) : [];
        if (!reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw err;
        moved = true; // another folder applied some of these meanwhile: read the ledger again
        break;
      }
      transactions++;
      counterItems += Object.keys(chunk.deltas).length;
    }
    if (!moved) break;
    if (read >= LEDGER_REREADS)
      throw new Error('The counter ledger keeps moving under this fold; retry the batch.');
    remaining = pending;
  }
  return { counted: changes.length, alreadyApplied, transactions, counterItems };
}
