/**
 * The Lambda of the delivery worker (docs/decisions/0052): fed by the table's stream (new
 * notification items only, by the event source's filter), and every few minutes by a schedule that
 * sends what quiet hours or a digest held back. The local runtime calls this same handler from its
 * stream poller. A send that keeps failing is dead-lettered by the worker itself; an error thrown
 * here (the database) makes Lambda retry and bisect the batch, then put it on the on-failure queue.
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { now } from '../clock';
import { logger } from '../runtime';
import { deliverRecords, sendDeferred } from './deliver';

/** The scheduled event's body (infra/lib/notifications.ts). */
export interface DeferredEvent {
  readonly deferred: true;
}

export async function handler(event: DynamoDBStreamEvent | DeferredEvent, context?: Context): Promise<void> {
  if (context) logger.addContext(context);
  const started = Date.now();
  if ('deferred' in event) {
    const sent = await sendDeferred(now());
    logger.info('notifications: deferred sent', { sent, ms: Date.now() - started });
    return;
  }
  const items = await deliverRecords(event.Records ?? [], now());
  logger.debug('notifications: delivered', {
    records: event.Records?.length ?? 0,
    items,
    ms: Date.now() - started,
  });
}
