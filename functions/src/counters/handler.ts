/**
 * The Lambda of the counter fold: the table's stream (finding and task items only, by the event
 * source's filter) in batches, folded into the counter items exactly once (store
 * `foldCounterRecords`, docs/decisions/0028). The local runtime calls this same handler with the
 * same event shape from its stream poller. A thrown error makes Lambda retry the batch, then bisect
 * it; the ledger makes every retry add only what is still missing.
 */
import { foldCounterRecords } from '@gridpatrol/store';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { cityConfig, logger } from '../runtime';

export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<void> {
  if (context) logger.addContext(context);
  const started = Date.now();
  const report = await foldCounterRecords(event.Records ?? [], cityConfig().timeZone);
  logger.debug('counters: folded', {
    records: event.Records?.length ?? 0,
    ...report,
    ms: Date.now() - started,
  });
}
