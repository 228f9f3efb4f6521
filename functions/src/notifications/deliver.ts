/**
 * The delivery worker (docs/decisions/0052): new notification items from the table's stream are
 * sent through the channels the city enables and the person keeps, now or, in quiet hours or for a
 * digest reader, later (the deferred list, sent by `sendDeferred`). Each channel of an item is
 * claimed before it is sent and marked sent after, so a stream record delivered again sends nothing
 * twice; a failing send is retried with growing waits, then marked failed and dead-lettered. It
 * never touches the business item: the change that caused the notification stands whatever happens.
 */
import { createHash } from 'node:crypto';
import {
  type Channel,
  channelsFor,
  DELIVERY_ATTEMPTS,
  message,
  type Notification,
  type NotificationSettings,
  notificationMessage,
  type Person,
  render,
  retryDelayMs,
  sendTime,
} from '@gridpatrol/core';
import {
  claimChannel,
  clearDeferred,
  deferNotification,
  deferredDue,
  getNotificationSettings,
  getPerson,
  isNotificationInsert,
  markChannel,
  notificationOfRecord,
} from '@gridpatrol/store';
import type { DynamoDBRecord } from 'aws-lambda';
import { cityConfig, logger } from '../runtime';
import { type DeliveryPorts, deliveryPorts, type OutgoingMessage, postToRobot } from './ports';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one message on one channel, once. */
async function sendOnce(
  ports: DeliveryPorts,
  channel: Channel,
  m: OutgoingMessage,
): Promise<'sent' | 'nowhere'> {
  if (channel === 'wecom' || channel === 'dingtalk') {
    const robot = await ports.robot(m.officeId, channel);
    if (!robot) return 'nowhere';
    await postToRobot(channel, robot, m, ports.now());
    return 'sent';
  }
  if (channel === 'sms') {
    if (m.phone === undefined) return 'nowhere';
    await ports.sms(m.phone, m.text, m.dedupKey);
    return 'sent';
  }
  if (m.email === undefined) return 'nowhere';
  const subject = render(message('notification.emailSubject'), { language: cityConfig().language });
  await ports.email(m.email, subject, m.text, m.dedupKey);
  return 'sent';
}

/**
 * Sends `items` (one, or a person's digest) to their recipient on `channel`: claims the channel on
 * each (skipping those sent or being sent), tries up to DELIVERY_ATTEMPTS times with growing waits,
 * and marks the outcome on each item; a send given up is dead-lettered.
 */
async function sendOnChannel(
  items: readonly Notification[],
  channel: Channel,
  person: Person,
  settings: NotificationSettings,
  now: Date,
): Promise<void> {
  const claimed = (
    await Promise.all(items.map(async (n) => ((await claimChannel(n, channel, now)) ? [n] : [])))
  ).flat();
  if (claimed.length === 0) return;
  const ports = deliveryPorts();
  const config = cityConfig();
  const reader = { language: config.language, timeZone: config.timeZone };
  const texts = claimed.map((n) => render(notificationMessage(n), reader));
  const ids = claimed.map((n) => n.id);
  const dedupKey =
    claimed.length === 1
      ? `${person.id}/${ids[0]}`
      : `${person.id}/digest/${createHash('sha256').update(ids.sort().join('\n')).digest('hex').slice(0, 32)}`;
  const m: OutgoingMessage = {
    text:
      claimed.length === 1
        ? (texts[0] as string)
        : [
            render(message('notification.digest', { count: claimed.length }), reader),
            ...texts.map((t) => `• ${t}`),
          ].join('\n'),
    dedupKey,
    officeId: claimed[0]?.officeId ?? null,
    phone: settings.phone ?? person.phone,
    email: settings.email,
  };
  let lastError = '';
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
    try {
      const outcome = await sendOnce(ports, channel, m);
      const at = new Date().toISOString();
      await Promise.all(
        claimed.map((n) =>
          // No robot for the office (or no address): nothing to send, and nothing to retry.
          markChannel(n, channel, {
            status: outcome === 'nowhere' ? 'skipped' : 'sent',
            attempts: attempt,
            at,
          }),
        ),
      );
      return;
    } catch (err) {
      lastError = (err as Error).message;
      logger.warn('notifications: send failed', { channel, dedupKey, attempt, error: lastError });
      if (attempt < DELIVERY_ATTEMPTS) await sleep(retryDelayMs(attempt, ports.retryBaseMs));
    }
  }
  const at = new Date().toISOString();
  await Promise.all(
    claimed.map((n) =>
      markChannel(n, channel, { status: 'failed', attempts: DELIVERY_ATTEMPTS, at, lastError }),
    ),
  );
  await ports.deadLetter({
    recipientId: person.id,
    notificationIds: ids,
    channel,
    attempts: DELIVERY_ATTEMPTS,
    lastError,
    dedupKey,
  });
}

/** What a person is sent, and where: nothing for someone gone or reachable on no channel. */
async function recipientOf(id: string) {
  const [person, settings] = await Promise.all([getPerson(id), getNotificationSettings(id)]);
  if (!person?.active) return undefined;
  const channels = channelsFor(cityConfig().notifications.channels, settings, person.phone);
  return channels.length > 0 ? { person, settings, channels } : undefined;
}

/** Sends one new item now, or holds it back to its time. */
async function deliverOne(n: Notification, now: Date): Promise<void> {
  const to = await recipientOf(n.recipientId);
  if (!to) return;
  const config = cityConfig();
  const at = sendTime(now, config.notifications, to.settings, config.timeZone);
  if (at.getTime() > now.getTime()) {
    await deferNotification(n, at);
    return;
  }
  await Promise.all(to.channels.map((c) => sendOnChannel([n], c, to.person, to.settings, now)));
}

/**
 * The stream half: every new notification item of a batch, sent or held back. Other records are
 * ignored (the event source's filter already leaves them out in AWS).
 *
 * @example await deliverRecords(event.Records, new Date())
 */
export async function deliverRecords(records: readonly DynamoDBRecord[], now: Date): Promise<number> {
  if (cityConfig().notifications.channels.length === 0) return 0;
  const items = records.filter(isNotificationInsert).map(notificationOfRecord);
  await Promise.all(items.map((n) => deliverOne(n, now)));
  return items.length;
}

/**
 * The scheduled half: the held-back items whose time has come, one message per person and channel
 * (a digest reader's day in one), then off the deferred list.
 *
 * @example await sendDeferred(new Date()) // 3 (items sent)
 */
export async function sendDeferred(now: Date): Promise<number> {
  let sent = 0;
  let cursor: string | undefined;
  do {
    const page = await deferredDue(now, cursor, 100);
    const byPerson = new Map<string, Notification[]>();
    for (const n of page.items) byPerson.set(n.recipientId, [...(byPerson.get(n.recipientId) ?? []), n]);
    await Promise.all(
      [...byPerson].map(async ([id, items]) => {
        const to = await recipientOf(id);
        if (to)
          await Promise.all(to.channels.map((c) => sendOnChannel(items, c, to.person, to.settings, now)));
        await Promise.all(items.map(clearDeferred));
        sent += items.length;
      }),
    );
    cursor = page.cursor;
  } while (cursor !== undefined);
  return sent;
}
