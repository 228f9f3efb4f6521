/**
 * Findings and their events. Every state change is ONE TransactWriteItems (DESIGN.md): the finding
 * (conditioned on the version read, or on not existing yet) and its immutable event (conditioned on
 * not existing). A report made under an Idempotency-Key also writes the key's record in the same
 * transaction, so a retry finds either nothing or everything. Counters are not in it: they are
 * folded in from the table's stream (core `counterDeltas` of the item's old and new image,
 * docs/decisions/0028), so two different findings never write the same item.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  BadRequestError,
  ConflictError,
  detail,
  FINDING_STATUSES,
  Finding,
  FindingEvent,
  type FindingStatus,
  message,
} from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import type { TransactItem } from './counters';
import { decodeAfterCursor, encodeAfterCursor, type Page } from './cursor';
import { historyPage } from './events';
import { keyRecordPut, readKeyRecord } from './idempotency';
import { recordOf } from './item';
import {
  FINDINGS_CITY_PARTITION,
  FINDINGS_ESCALATED_PARTITION,
  findingCellPartition,
  findingReporterPartition,
  findingStatePrefix,
  findingZonePartition,
  keys,
} from './keys';
import { mergedRangePage } from './merged-page';
import { type ChangeExtras, notificationPuts } from './notifications-repo';
import { partitionPage } from './query';
import { transactWrite } from './transact';

/**
 * Open findings read per cell for the duplicate check. A cell's open findings are a handful, rarely
 * tens; past this the check looks at the oldest open ones only (a missed flag, never a wrong
 * write), and the report still goes through.
 */
export const MAX_DUPLICATE_CANDIDATES_PER_PARTITION = 1000;

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

// Where the tests of report hashing have always found it.
export { requestHash } from './idempotency';

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
  return out.Item ? Finding.parse(recordOf(out.Item)) : undefined;
}

export async function getIdempotencyRecord(findingId: string): Promise<IdempotencyRecord | undefined> {
  const item = await readKeyRecord(keys.findingIdempotency(findingId));
  if (!item) return undefined;
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

/** A condition of ours failed somewhere in the transaction: a real conflict, answered 409. */
function anyConditionFailed(err: TransactionCanceledException): boolean {
  return (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

/** The reason DynamoDB gave for the first item (the finding) of a cancelled transaction. */
function findingConditionFailed(err: TransactionCanceledException): boolean {
  return err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
}

/**
 * Writes a new finding (version 1), its first event and, when reported under an Idempotency-Key,
 * the key's record, in one transaction. Returns 'exists' when a finding of that id is already there
 * (a retry or a parallel twin of the same submission): nothing is written.
 *
 * @example await createFindingTx(finding, event, { reporterId, requestHash })
 */
export async function createFindingTx(
  finding: Finding,
  event: FindingEvent,
  idempotency?: { readonly reporterId: string; readonly requestHash: string },
  /**
   * More of the same change, after the finding's own items: the photos it references (0051), and who
   * hears of it (the outbox, 0052).
   */
  { extra = [], notifications = [] }: ChangeExtras = {},
): Promise<'created' | 'exists'> {
  const table = tableName();
  const items: TransactItem[] = [
    {
      Put: { TableName: table, Item: findingItem(finding), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    { Put: { TableName: table, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...(idempotency
      ? [
          keyRecordPut(table, keys.findingIdempotency(finding.id), 'finding_idempotency', {
            findingId: finding.id,
            reporterId: idempotency.reporterId,
            requestHash: idempotency.requestHash,
            response: finding,
            createdAt: finding.reportedAt,
          }),
        ]
      : []),
    ...extra,
    // The outbox (docs/decisions/0052): last, so the reasons above keep their places.
    ...notificationPuts(table, notifications),
  ];
  try {
    await transactWrite(items);
    return 'created';
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      if (findingConditionFailed(err)) return 'exists';
      if (anyConditionFailed(err))
        throw new ConflictError(message('finding.storedConflict', { id: finding.id }));
    }
    // Contention past the retry budget is a 503 (unavailable.ts), never a 409: nothing of ours failed.
    throw err;
  }
}

/**
 * Writes one step of a finding: the new record conditioned on the version it was read at, and the
 * step's event. A finding changed meanwhile is a 409 and nothing is written.
 *
 * @example await applyActionTx(before, next, event)
 */
export async function applyActionTx(
  before: Finding,
  after: Finding,
  event: FindingEvent,
  /**
   * More of the same change, after the finding's own items: the photos it references (0051), and who
   * hears of it (the outbox, 0052).
   */
  { extra = [], notifications = [] }: ChangeExtras = {},
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
    ...extra,
    ...notificationPuts(table, notifications),
  ];
  try {
    await transactWrite(items);
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      if (findingConditionFailed(err))
        throw new ConflictError(message('finding.changed', { id: after.id, version: before.version }), [
          detail('body.expectedVersion', message('version.noLongerCurrent', { version: before.version })),
        ]);
      if (anyConditionFailed(err))
        throw new ConflictError(message('finding.storedConflict', { id: after.id }));
    }
    throw err;
  }
}

/** One step of a finding's history, by the version it produced. */
export async function getFindingEvent(findingId: string, version: number): Promise<FindingEvent | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.findingEvent(findingId, version),
      ConsistentRead: true,
    }),
  );
  return out.Item ? FindingEvent.parse(recordOf(out.Item)) : undefined;
}

/**
 * A page of a finding's history, oldest first: a Query on its events' partition.
 *
 * @example (await listFindingEvents('F-1')).items.map((e) => e.action) // ['report', 'verify', …]
 */
export function listFindingEvents(
  findingId: string,
  cursor?: string,
  limit = 100,
): Promise<Page<FindingEvent>> {
  return historyPage(
    keys.findingEvent(findingId, 0).pk,
    (i) => FindingEvent.parse(recordOf(i)),
    cursor,
    limit,
  );
}

/** What the duplicate check (and a patrol task's list of its cell's cases) reads of an open finding. */
export type OpenFindingSummary = Pick<
  Finding,
  'id' | 'lon' | 'lat' | 'businessName' | 'address' | 'status' | 'overdue' | 'cellId'
>;

/**
 * Open findings of some cells (gsi4) or, for a point in no cell, of the unzoned list (gsi1), for
 * the duplicate check: one begins_with Query per partition, at most
 * MAX_DUPLICATE_CANDIDATES_PER_PARTITION each, only the fields the check compares.
 */
export async function openFindingsNear(cells: readonly string[] | null): Promise<OpenFindingSummary[]> {
  const reads =
    cells === null
      ? [{ index: 'gsi1', pk: findingZonePartition(null) }]
      : [...new Set(cells)].map((c) => ({ index: 'gsi4', pk: findingCellPartition(c) }));
  const pages = await Promise.all(
    reads.map(async ({ index, pk }) => {
      const found: OpenFindingSummary[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await documentClient().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: index,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :open)',
            ExpressionAttributeValues: { ':pk': pk, ':open': 'OPEN#' },
            ProjectionExpression: 'id, lon, lat, businessName, address, #status, overdue, cellId',
            ExpressionAttributeNames: { '#status': 'status', '#pk': `${index}pk`, '#sk': `${index}sk` },
            ExclusiveStartKey: start,
            Limit: MAX_DUPLICATE_CANDIDATES_PER_PARTITION - found.length,
          }),
        );
        for (const i of out.Items ?? [])
          found.push({
            id: String(i.id),
            lon: Number(i.lon),
            lat: Number(i.lat),
            businessName: String(i.businessName),
            address: String(i.address ?? ''),
            status: Finding.shape.status.parse(i.status),
            overdue: i.overdue === true,
            cellId: typeof i.cellId === 'string' ? i.cellId : null,
          });
        start = out.LastEvaluatedKey;
      } while (start !== undefined && found.length < MAX_DUPLICATE_CANDIDATES_PER_PARTITION);
      return found;
    }),
  );
  return pages.flat();
}

/** A stored finding item as the record it holds (its keys dropped). */
export const findingFromItem = (item: Record<string, unknown>) => Finding.parse(recordOf(item));

/** What a findings list is narrowed by, besides its partitions. */
export interface FindingListFilter {
  readonly status?: FindingStatus | undefined;
  /** Several states at once (a to-do list); `status` wins when both are given. */
  readonly statuses?: readonly FindingStatus[] | undefined;
  readonly overdue?: boolean | undefined;
  /**
   * With `overdue: true` on a zone list: zones whose findings in `statuses` are all listed, overdue
   * or not (a supervisor's zones left with no active officer); the other zones' overdue ones only.
   */
  readonly wholeZones?: readonly string[] | undefined;
  /** Leaves out the cases escalated to the city admins (listed on their own escalation list). */
  readonly notEscalatedToAdmin?: boolean | undefined;
  /** Report time, UTC instants in the stored format, both included. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** With a cell list: only findings whose responsible zone is this one. */
  readonly zone?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

/** States an overdue finding can be in: only running deadlines turn overdue. */
const OVERDUE_STATES: readonly FindingStatus[] = ['rectifying', 'transferred'];

/**
 * A page of the findings of some responsible zones (gsi1), of no zone (gsi1), of some cells (gsi4) or
 * of the whole city (gsi5):
 * open ones first by state, then by report time. Sort keys are `OPEN|SHUT#status#reportedAt#id`, so
 * a state is a prefix and a report-time range is a key range within it: with a time range and no
 * state, every state's range is read (one Query each per partition, merged). Only the overdue flag,
 * a cell list's zone and the admin escalation are filters, read within those ranges (overdue ones
 * are among two states only).
 *
 * @example await listFindings({ by: 'zone', ids: ['Z-01'] }, { status: 'reported', limit: 50 })
 */
export async function listFindings(
  plan: { readonly by: 'zone' | 'cell' | 'city' | 'unzoned'; readonly ids: readonly string[] },
  opts: FindingListFilter,
): Promise<Page<Finding>> {
  const states: readonly (FindingStatus | undefined)[] = opts.status
    ? [opts.status]
    : opts.statuses
      ? opts.statuses
      : opts.overdue === true
        ? OVERDUE_STATES
        : opts.from !== undefined || opts.to !== undefined
          ? FINDING_STATUSES
          : [undefined];
  const whole = new Set(opts.wholeZones ?? []);
  const partitions =
    plan.by === 'city'
      ? [{ id: '', pk: FINDINGS_CITY_PARTITION }]
      : plan.by === 'unzoned'
        ? [{ id: '', pk: findingZonePartition(null) }]
        : [...new Set(plan.ids)].map((id) => ({
            id,
            pk: plan.by === 'zone' ? findingZonePartition(id) : findingCellPartition(id),
          }));
  const ranges = partitions.flatMap(({ id, pk }) =>
    // Outside the whole zones only overdue cases are wanted, and those are in two states only.
    (whole.size > 0 && !whole.has(id) ? states.filter((s) => s && OVERDUE_STATES.includes(s)) : states).map(
      (s) => {
        const prefix = s === undefined ? '' : findingStatePrefix(s);
        return {
          pk,
          lo: s === undefined ? '!' : `${prefix}${opts.from ?? ''}`,
          hi: s === undefined ? '~' : `${prefix}${opts.to ?? ''}~`,
        };
      },
    ),
  );
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const conditions: string[] = [];
  if (opts.overdue !== undefined) {
    names['#fOverdue'] = 'overdue';
    values[':fOverdue'] = opts.overdue;
    if (whole.size > 0) {
      names['#fZone'] = 'zoneId';
      const zones = [...whole].sort().map((z, i) => {
        values[`:fWhole${i}`] = z;
        return `:fWhole${i}`;
      });
      // IN takes at most 100 operands: an office with more zones is split into several.
      const ins: string[] = [];
      for (let i = 0; i < zones.length; i += 100)
        ins.push(`#fZone IN (${zones.slice(i, i + 100).join(', ')})`);
      conditions.push(`(#fOverdue = :fOverdue OR ${ins.join(' OR ')})`);
    } else conditions.push('#fOverdue = :fOverdue');
  }
  if (plan.by === 'cell' && opts.zone !== undefined) {
    names['#fZone'] = 'zoneId';
    values[':fZone'] = opts.zone;
    conditions.push('#fZone = :fZone');
  }
  if (opts.notEscalatedToAdmin === true) {
    names['#fEscalation'] = 'escalation';
    values[':fAdmin'] = 'admin';
    conditions.push('(attribute_not_exists(#fEscalation) OR #fEscalation <> :fAdmin)');
  }
  const index = plan.by === 'cell' ? 'gsi4' : plan.by === 'city' ? 'gsi5' : 'gsi1';
  return mergedRangePage(
    {
      index,
      ranges,
      ...(conditions.length > 0 ? { filter: { expression: conditions.join(' AND '), names, values } } : {}),
      cursor: opts.cursor,
      limit: opts.limit ?? 50,
    },
    findingFromItem,
  );
}

/**
 * A page of what one person reported, newest first: one Query on their gsi2 partition.
 *
 * @example await listFindingsByReporter('volunteer-zhou')
 */
export function listFindingsByReporter(
  reporterId: string,
  cursor?: string,
  limit = 50,
): Promise<Page<Finding>> {
  const pk = findingReporterPartition(reporterId);
  return partitionPage({ index: 'gsi2', pk, descending: true }, findingFromItem, cursor, limit);
}

/**
 * A page of the open cases escalated to the city admins, longest overdue first: one Query on their
 * gsi3 partition (keys.ts `findingDue`).
 *
 * @example (await listEscalatedFindings()).items.every((f) => f.escalation === 'admin') // true
 */
export function listEscalatedFindings(cursor?: string, limit = 50): Promise<Page<Finding>> {
  return partitionPage({ index: 'gsi3', pk: FINDINGS_ESCALATED_PARTITION }, findingFromItem, cursor, limit);
}

/**
 * A page of the city admins' to-do: first the cases escalated to the city (longest overdue first),
 * then the findings routed to no zone in a state where the next step is the city's (not escalated
 * again: those are already on the first list). Two lists one after the other, so the cursor names
 * the list it stands in and that list's own cursor.
 *
 * @example await listCityTodo(['reported', 'verified'], undefined, 50)
 */
export async function listCityTodo(
  unzonedStatuses: readonly FindingStatus[],
  cursor?: string,
  limit = 50,
): Promise<Page<Finding>> {
  const list = 'todo:city';
  const at = decodeAfterCursor(cursor, list);
  const inner = at?.slice(2) || undefined;
  const unzoned = (c: string | undefined, n: number) =>
    listFindings(
      { by: 'unzoned', ids: [] },
      { statuses: unzonedStatuses, notEscalatedToAdmin: true, cursor: c, limit: n },
    );
  if (at?.startsWith('U:')) {
    const page = await unzoned(inner, limit);
    return {
      items: page.items,
      ...(page.cursor ? { cursor: encodeAfterCursor(list, `U:${page.cursor}`) } : {}),
    };
  }
  if (at !== undefined && !at.startsWith('E:'))
    throw new BadRequestError(message('error.invalid_cursor'), [
      detail('query.cursor', message('cursor.notThisList')),
    ]);
  const escalated = await listEscalatedFindings(inner, limit);
  if (escalated.cursor !== undefined)
    return { items: escalated.items, cursor: encodeAfterCursor(list, `E:${escalated.cursor}`) as string };
  const rest = limit - escalated.items.length;
  if (rest === 0) return { items: escalated.items, cursor: encodeAfterCursor(list, 'U:') as string };
  const page = await unzoned(undefined, rest);
  return {
    items: [...escalated.items, ...page.items],
    ...(page.cursor ? { cursor: encodeAfterCursor(list, `U:${page.cursor}`) } : {}),
  };
}
