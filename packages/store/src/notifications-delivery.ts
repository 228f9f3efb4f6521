/**
 * What the delivery worker keeps on a notification item (docs/decisions/0052): per channel a mark
 * (`delivery_<channel>`: sending, sent, failed, with its attempts), so that a stream record
 * delivered again sends nothing twice; and, for an item held back by quiet hours or a digest, its
 * place in the deferred list (gsi3) until the worker sends it. Also a person's own settings.
 */
import { type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Channel, DEFAULT_SETTINGS, type Notification, NotificationSettings } from '@gridpatrol/core';
import { conditionalWrite, documentClient, tableName } from './client';
import type { Page } from './cursor';
import { keys, NOTIFICATIONS_DEFERRED_PARTITION, primaryKey } from './keys';
import { NOTIFICATION_ENTITY, notificationFromItem } from './notifications-repo';
import { partitionPage } from './query';

/** What the delivery worker reads of a stream record (Lambda's DynamoDB stream record shape). */
export interface NotificationStreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: { readonly NewImage?: Record<string, unknown> };
}

/** A stream record of a new notification item: the delivery worker's filter (CDK's and the local feeder's). */
export function isNotificationInsert(r: NotificationStreamRecord): boolean {
  const entity = r.dynamodb?.NewImage?.entity as { S?: string } | undefined;
  return r.eventName === 'INSERT' && entity?.S === NOTIFICATION_ENTITY;
}

/** The notification a stream record's new image holds. */
export const notificationOfRecord = (r: NotificationStreamRecord): Notification =>
  notificationFromItem(unmarshall(r.dynamodb?.NewImage as Record<string, AttributeValue>));

export interface DeliveryMark {
  /** skipped: the channel had nowhere to send (no robot for the office, no address). */
  readonly status: 'sending' | 'sent' | 'skipped' | 'failed';
  readonly attempts: number;
  readonly at: string;
  readonly lastError?: string;
}

const keyOf = (n: Pick<Notification, 'recipientId' | 'id'>) =>
  primaryKey(keys.notification({ ...n, createdAt: '', read: false }));
const markName = (channel: Channel) => `delivery_${channel}`;

/** A claim older than this is a worker that died mid-send: another may take the channel over. */
export const CLAIM_STALE_MS = 5 * 60_000;

/**
 * Takes one channel of an item for sending: true when this worker may send it (no mark yet, or a
 * claim gone stale), false when it was sent, failed for good, or is being sent by another worker.
 *
 * @example if (await claimChannel(n, 'wecom', now)) await send()
 */
export async function claimChannel(n: Notification, channel: Channel, now: Date): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keyOf(n),
        UpdateExpression: 'SET #m = :claim',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(#m) OR (#m.#status = :sending AND #m.#at < :stale))',
        ExpressionAttributeNames: { '#m': markName(channel), '#status': 'status', '#at': 'at' },
        ExpressionAttributeValues: {
          ':claim': { status: 'sending', attempts: 0, at: now.toISOString() },
          ':sending': 'sending',
          ':stale': new Date(now.getTime() - CLAIM_STALE_MS).toISOString(),
        },
      }),
    ),
  );
}

/** Records how a channel's send ended (sent, or failed after its attempts). */
export async function markChannel(n: Notification, channel: Channel, mark: DeliveryMark): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keyOf(n),
      UpdateExpression: 'SET #m = :mark',
      ExpressionAttributeNames: { '#m': markName(channel) },
      ExpressionAttributeValues: { ':mark': mark },
    }),
  );
}

/** The marks of an item, by channel (a test's and an operator's view). */
export async function deliveryMarks(
  n: Pick<Notification, 'recipientId' | 'id'>,
): Promise<Record<string, DeliveryMark>> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keyOf(n), ConsistentRead: true }),
  );
  const marks: Record<string, DeliveryMark> = {};
  for (const [k, v] of Object.entries(out.Item ?? {}))
    if (k.startsWith('delivery_')) marks[k.slice('delivery_'.length)] = v as DeliveryMark;
  return marks;
}

/** Holds an item back until `sendAt` (quiet hours, a digest): it joins the deferred list. */
export async function deferNotification(n: Notification, sendAt: Date): Promise<void> {
  const at = sendAt.toISOString();
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keyOf(n),
      UpdateExpression: 'SET sendAt = :at, gsi3pk = :pk, gsi3sk = :sk',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':at': at,
        ':pk': NOTIFICATIONS_DEFERRED_PARTITION,
        ':sk': `${at}#${n.recipientId}#${n.id}`,
      },
    }),
  );
}

/** A page of the held-back items whose time has come, earliest first. */
export function deferredDue(now: Date, cursor?: string, limit = 100): Promise<Page<Notification>> {
  return partitionPage(
    { index: 'gsi3', pk: NOTIFICATIONS_DEFERRED_PARTITION, range: { hi: `${now.toISOString()}#~` } },
    notificationFromItem,
    cursor,
    limit,
  );
}

/** Takes an item off the deferred list once it was sent (or given up). */
export async function clearDeferred(n: Notification): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keyOf(n),
      UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
    }),
  );
}

/** A person's notification settings, or the defaults when they never set any. */
export async function getNotificationSettings(personId: string): Promise<NotificationSettings> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.notificationSettings(personId) }),
  );
  if (!out.Item) return DEFAULT_SETTINGS;
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = out.Item;
  return NotificationSettings.parse(rest);
}

/** Replaces a person's notification settings. */
export async function putNotificationSettings(
  personId: string,
  settings: NotificationSettings,
): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.notificationSettings(personId), entity: 'notification_settings', ...settings },
    }),
  );
}
