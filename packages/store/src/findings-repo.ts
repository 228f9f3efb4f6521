/**
 * Findings, their events and their counters. Every state change is ONE TransactWriteItems
 * (DESIGN.md): the finding (conditioned on the version read, or on not existing yet), its immutable
 * event (conditioned on not existing), and an ADD per counted area of what the change moves (core
 * `counterDeltas`). A report made under an Idempotency-Key also writes the key's record in the
 * same transaction, so a retry finds either nothing or everything.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type CounterArea,
  type Counters,
  canonicalJson,
  Finding,
  FindingEvent,
  type FindingStatus,
  UnprocessableError,
} from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import { counterUpdates, type TransactItem } from './counters';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { findingReporterPartition, findingStatePrefix, findingZonePartition, keys, primaryKey } from './keys';
import { mergedIndexPage } from './merged-page';

/** One transaction holds at most 100 items; a change touches 2–3 plus ≤ 4 counter areas. */
const MAX_TRANSACTION_ITEMS = 100;
/**
 * Open findings read per zone for the duplicate check. A zone's open findings are tens, rarely
 * hundreds; past this the check looks at the oldest open ones only (a missed flag, never a wrong
 * write), and the report still goes through.
 */
export const MAX_DUPLICATE_CANDIDATES_PER_ZONE = 1000;

const ITEM_KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity'];

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(item)) if (!ITEM_KEYS.includes(k)) out[k] = val;
  return out;
}

/**
 * The id of a finding reported under an Idempotency-Key: the same (reporter, key) always gives the
 * same id, so the create's `attribute_not_exists` is what makes parallel retries create one finding.
 * The reporter is part of it so that two phones choosing the same key never collide.
 *
 * @example findingIdFor('worker-liu', '7f1c…') // 'F-3b9a…' (always the same)
 */
export function findingIdFor(reporterId: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(`${reporterId}\u0000${idempotencyKey}`).digest('hex');
  return `F-${h.slice(0, 32)}`;
}

/** A fresh id for a report made without a key (office callers). */
export function newFindingId(): string {
  return `F-${randomUUID().replaceAll('-', '')}`;
}

/** The hash of a request body, independent of the order of its fields. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

/** What a report's Idempotency-Key recorded: who, the body's hash, and the first answer. */
export interface IdempotencyRecord {
  readonly findingId: string;
  readonly reporterId: string;
  readonly requestHash: string;
  /** The finding as the first request answered it (version 1), replayed to every retry. */
  readonly response: Finding;
  readonly createdAt: string;
}

export async function getFinding(id: string): Promise<Finding | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.findingById(id),
      ConsistentRead: true,
    }),
  );
  return out.Item ? Finding.parse(strip(out.Item)) : undefined;
}

export async function getIdempotencyRecord(findingId: string): Promise<IdempotencyRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: primaryKey(keys.findingIdempotency(findingId)),
      // Strongly consistent: a retry racing the first request must see its record once written.
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return undefined;
  const item = out.Item;
  return {
    findingId: String(item.findingId),
    reporterId: String(item.reporterId),
    requestHash: String(item.requestHash),
    response: Finding.parse(item.response),
    createdAt: String(item.createdAt),
  };
}

const findingItem = (f: Finding) => ({ ...keys.finding(f), entity: 'finding', ...f });
const eventItem = (e: FindingEvent) => ({
  ...keys.findingEvent(e.findingId, e.version),
  entity: 'finding_event',
  ...e,
});

function checkSize(items: readonly TransactItem[], findingId: string): void {
  // Cannot happen with four counter areas; guarded so that a future metric area fails loudly.
  if (items.length > MAX_TRANSACTION_ITEMS)
    throw new UnprocessableError(`A change of '${findingId}' would touch ${items.length} items.`);
}

/** The reason DynamoDB gave for the first item (the finding) of a cancelled transaction. */
function findingConditionFailed(err: TransactionCanceledException): boolean {
  return err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
}

/**
 * Writes a new finding (version 1), its first event, the counters it moves and, when reported under
 * an Idempotency-Key, the key's record, in one transaction. Returns 'exists' when a finding of
 * that id is already there (a retry or a parallel twin of the same submission): nothing is written.
 *
 * @example await createFindingTx(finding, event, counterDeltas(null, finding), { reporterId, requestHash })
 */
export async function createFindingTx(
  finding: Finding,
  event: FindingEvent,
  deltas: Counters,
  idempotency?: { readonly reporterId: string; readonly requestHash: string },
): Promise<'created' | 'exists'> {
  const table = tableName();
  const items: TransactItem[] = [
    {
      Put: { TableName: table, Item: findingItem(finding), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    { Put: { TableName: table, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...(idempotency
      ? [
          {
            Put: {
              TableName: table,
              Item: {
                ...keys.findingIdempotency(finding.id),
                entity: 'finding_idempotency',
                findingId: finding.id,
                reporterId: idempotency.reporterId,
                requestHash: idempotency.requestHash,
                response: finding,
                createdAt: finding.reportedAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]
      : []),
    ...counterUpdates(deltas, table),
  ];
  checkSize(items, finding.id);
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return 'created';
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      if (findingConditionFailed(err)) return 'exists';
      throw new ConflictError(`Finding '${finding.id}' is being written by another request; retry.`);
    }
    throw err;
  }
}

/**
 * Writes one step of a finding: the new record conditioned on the version it was read at, the
 * step's event, and the counters it moves. A finding changed meanwhile is a 409 and nothing is
 * written.
 *
 * @example await applyActionTx(before, next, event, counterDeltas(before, next))
 */
export async function applyActionTx(
  before: Finding,
  after: Finding,
  event: FindingEvent,
  deltas: Counters,
): Promise<void> {
  const table = tableName();
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: findingItem(after),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': before.version },
      },
    },
    { Put: { TableName: table, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...counterUpdates(deltas, table),
  ];
  checkSize(items, after.id);
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      if (findingConditionFailed(err))
        throw new ConflictError(
          `Finding '${after.id}' changed after version ${before.version} was read; reload it.`,
          [{ path: 'body.expectedVersion', message: `version ${before.version} is no longer current` }],
        );
      throw new ConflictError(`Finding '${after.id}' is being changed by another request; retry.`);
    }
    throw err;
  }
}

/**
 * A page of a finding's history, oldest first: a Query on its own partition.
 *
 * @example (await listFindingEvents('F-1')).items.map((e) => e.action) // ['report', 'verify', …]
 */
export async function listFindingEvents(
  findingId: string,
  cursor?: string,
  limit = 100,
): Promise<Page<FindingEvent>> {
  const pk = keys.findingEvent(findingId, 0).pk;
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
      ExpressionAttributeValues: { ':pk': pk, ':events': 'EVENT#' },
      ExclusiveStartKey: decodeCursor(cursor, { name: 'pk', value: pk }),
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  const next = encodeCursor(out.LastEvaluatedKey);
  return {
    items: (out.Items ?? []).map((i) => FindingEvent.parse(strip(i))),
    ...(next ? { cursor: next } : {}),
  };
}

/** What the duplicate check reads of an open finding. */
export type OpenFindingSummary = Pick<Finding, 'id' | 'lon' | 'lat' | 'businessName' | 'status'>;

/**
 * Open findings whose responsible zone is one of `zones` (null: routed to no zone), for the
 * duplicate check: one begins_with Query per zone on gsi1, at most
 * MAX_DUPLICATE_CANDIDATES_PER_ZONE each, only the fields the check compares.
 */
export async function openFindingsInZones(zones: readonly (string | null)[]): Promise<OpenFindingSummary[]> {
  const pages = await Promise.all(
    [...new Set(zones)].map(async (zone) => {
      const found: OpenFindingSummary[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await documentClient().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :open)',
            ExpressionAttributeValues: { ':pk': findingZonePartition(zone), ':open': 'OPEN#' },
            ProjectionExpression: 'id, lon, lat, businessName, #status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExclusiveStartKey: start,
            Limit: MAX_DUPLICATE_CANDIDATES_PER_ZONE - found.length,
          }),
        );
        for (const i of out.Items ?? [])
          found.push({
            id: String(i.id),
            lon: Number(i.lon),
            lat: Number(i.lat),
            businessName: String(i.businessName),
            status: Finding.shape.status.parse(i.status),
          });
        start = out.LastEvaluatedKey;
      } while (start !== undefined && found.length < MAX_DUPLICATE_CANDIDATES_PER_ZONE);
      return found;
    }),
  );
  return pages.flat();
}

/**
 * The stored counters of some areas (missing areas are left out), as core `Counters`.
 *
 * @example (await getCounters(['city'])).city?.open
 */
export async function getCounters(areas: readonly CounterArea[]): Promise<Counters> {
  const counters: Counters = {};
  const unique = [...new Set(areas)];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [tableName()]: { Keys: unique.slice(i, i + 100).map((a) => primaryKey(keys.counter(a))) },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await documentClient().send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[tableName()] ?? []) {
        const row: Record<string, number> = {};
        for (const [k, val] of Object.entries(item))
          if (typeof val === 'number' && !ITEM_KEYS.includes(k)) row[k] = val;
        counters[String(item.area)] = row;
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return counters;
}

const stripFinding = (item: Record<string, unknown>) => Finding.parse(strip(item));

/**
 * A page of the findings whose responsible zone is one of `zones`, optionally in one state: open
 * ones first by state, then by report time. Every zone's partition is read from the cursor on with
 * the page's limit and merged (as people lists are), so a page costs one Query per zone.
 *
 * @example await listFindingsInZones(['Z-01'], { status: 'reported', limit: 50 })
 */
export async function listFindingsInZones(
  zones: readonly string[],
  opts: { status?: FindingStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Finding>> {
  // Sort keys are `OPEN|SHUT#status#instant#id`, so a state is a prefix (mergedIndexPage).
  return mergedIndexPage(
    {
      pks: [...new Set(zones)].map(findingZonePartition),
      prefix: opts.status ? findingStatePrefix(opts.status) : undefined,
      cursor: opts.cursor,
      limit: opts.limit ?? 50,
    },
    stripFinding,
  );
}

/**
 * A page of what one person reported, newest first: one Query on their gsi2 partition.
 *
 * @example await listFindingsByReporter('volunteer-zhou')
 */
export async function listFindingsByReporter(
  reporterId: string,
  cursor?: string,
  limit = 50,
): Promise<Page<Finding>> {
  const pk = findingReporterPartition(reporterId);
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ExclusiveStartKey: decodeCursor(cursor, { name: 'gsi2pk', value: pk }),
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const next = encodeCursor(out.LastEvaluatedKey);
  return { items: (out.Items ?? []).map(stripFinding), ...(next ? { cursor: next } : {}) };
}
