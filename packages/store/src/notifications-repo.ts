/**
 * Notifications (docs/decisions/0052): the outbox items a change writes in its own transaction, a
 * person's list (unread first), marking read and the unread count. The delivery worker's marks live
 * on the same item (notifications-delivery.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Notification } from '@gridpatrol/core';
import { conditionalWrite, documentClient, tableName } from './client';
import type { TransactItem } from './counters';
import type { Page } from './cursor';
import { recordOf } from './item';
import { keys, notificationsPartition, primaryKey } from './keys';
import { partitionPage } from './query';

/**
 * What a finding's or task's step writes beside its own items, in its transaction: the photos it
 * references (0051) and the notifications of who must hear of it (0052), after the entity's items so
 * that the cancellation reasons read by position keep their places.
 */
export interface ChangeExtras {
  readonly extra?: readonly TransactItem[];
  readonly notifications?: readonly Notification[];
}

/** The `entity` of a notification item: the delivery worker's stream filter passes these only. */
export const NOTIFICATION_ENTITY = 'notification';

/** A stored notification item as the record it holds (its keys and delivery marks dropped). */
export function notificationFromItem(item: Record<string, unknown>): Notification {
  const { delivery: _d, ...rest } = recordOf(item);
  return Notification.parse(rest);
}

export const notificationItem = (n: Notification) => ({
  ...keys.notification({ ...n, read: n.readAt !== undefined }),
  entity: NOTIFICATION_ENTITY,
  ...n,
});

/**
 * The Puts of a change's notification items, for its transaction. Each is conditioned on being new:
 * its key is derived from the change, and a change is written once (its event is conditioned the
 * same way), so the condition only guards against a bug writing one item twice.
 *
 * @example await transactWrite([findingPut, eventPut, ...notificationPuts(table, items)])
 */
export function notificationPuts(table: string, items: readonly Notification[]): TransactItem[] {
  return items.map((n) => ({
    Put: { TableName: table, Item: notificationItem(n), ConditionExpression: 'attribute_not_exists(pk)' },
  }));
}

/**
 * Writes one notification unless its dedup id is already there (a reminder, which changes nothing
 * else): true when written.
 *
 * @example await putNotificationOnce(reminder) // false the second time
 */
export async function putNotificationOnce(n: Notification): Promise<boolean> {
  const [put] = notificationPuts(tableName(), [n]);
  return conditionalWrite(() =>
    documentClient().send(new PutCommand(put?.Put as ConstructorParameters<typeof PutCommand>[0])),
  );
}

/**
 * A page of a person's notifications, unread first, newest first within each: one Query on their
 * gsi2 partition.
 *
 * @example (await listNotifications('officer-li')).items[0]?.readAt // undefined while any is unread
 */
export function listNotifications(
  recipientId: string,
  cursor?: string,
  limit = 50,
): Promise<Page<Notification>> {
  return partitionPage(
    { index: 'gsi2', pk: notificationsPartition(recipientId), descending: true },
    notificationFromItem,
    cursor,
    limit,
  );
}

/**
 * Marks one of a person's notifications read (its list key moves to the read part). Undefined when
 * the person has none of that id; one already read keeps its first `readAt`.
 *
 * @example await markNotificationRead('officer-li', 'finding.F-1.v1.finding_routed', now)
 */
export async function markNotificationRead(
  recipientId: string,
  id: string,
  at: Date,
): Promise<Notification | undefined> {
  const key = primaryKey(keys.notification({ recipientId, id, createdAt: '', read: false }));
  const got = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
  );
  if (got.Item?.entity !== NOTIFICATION_ENTITY) return undefined;
  const stored = notificationFromItem(got.Item);
  if (stored.readAt !== undefined) return stored;
  const read = { ...stored, readAt: at.toISOString() };
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET readAt = if_not_exists(readAt, :at), gsi2sk = :sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':at': read.readAt,
          ':sk': keys.notification({ ...read, read: true }).gsi2sk,
        },
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
  return read;
}

/** The Query of the unread part of a person's gsi2 partition (keys.notification: 'U#' before unread). */
const unreadOf = (recipientId: string) => ({
  TableName: tableName(),
  IndexName: 'gsi2',
  KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :unread)',
  ExpressionAttributeValues: { ':pk': notificationsPartition(recipientId), ':unread': 'U#' },
});

/**
 * Marks up to `max` of a person's unread notifications read, newest first. `more` says unread ones
 * remain (the caller asks again): a bounded request whatever a person let pile up.
 *
 * @example await markAllNotificationsRead('officer-li', now) // { marked: 3, more: false }
 */
export async function markAllNotificationsRead(
  recipientId: string,
  at: Date,
  max = 100,
): Promise<{ marked: number; more: boolean }> {
  const out = await documentClient().send(
    new QueryCommand({
      ...unreadOf(recipientId),
      ProjectionExpression: 'pk, sk, gsi2sk',
      Limit: max,
    }),
  );
  const items = out.Items ?? [];
  const readAt = at.toISOString();
  await Promise.all(
    items.map((i) =>
      documentClient()
        .send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { pk: i.pk, sk: i.sk },
            UpdateExpression: 'SET readAt = if_not_exists(readAt, :at), gsi2sk = :sk',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': readAt, ':sk': `R#${String(i.gsi2sk).slice(2)}` },
          }),
        )
        .catch((err) => {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }),
    ),
  );
  return { marked: items.length, more: out.LastEvaluatedKey !== undefined };
}

/** Past this many the count reads "at least": a badge shows 99+ long before. */
export const UNREAD_COUNT_CAP = 1000;

/**
 * How many of a person's notifications are unread, up to UNREAD_COUNT_CAP: a COUNT Query on the
 * unread part of their gsi2 partition.
 *
 * @example await unreadNotificationCount('officer-li') // 2
 */
export async function unreadNotificationCount(recipientId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new QueryCommand({
        ...unreadOf(recipientId),
        Select: 'COUNT',
        Limit: UNREAD_COUNT_CAP - count,
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start !== undefined && count < UNREAD_COUNT_CAP);
  return count;
}
