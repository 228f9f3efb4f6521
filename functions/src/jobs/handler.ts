/**
 * The Lambda of the scheduled jobs. EventBridge calls it with the rule's input, `{ "kind": … }`
 * (infra/lib/jobs.ts); an event whose `detail` names the kind works too, so a custom event can
 * start a run by hand. No HTTP chain: nobody calls this over the API.
 */
import type { Context } from 'aws-lambda';
import { cityConfig, logger } from '../runtime';
import { type JobCounts, runJob } from './run';
import { jobKindOf } from './schedule';

export async function handler(event: unknown, context?: Context): Promise<JobCounts> {
  if (context) logger.addContext(context);
  const e = (typeof event === 'object' && event !== null ? event : {}) as {
    kind?: unknown;
    detail?: { kind?: unknown };
  };
  const kind = jobKindOf(e.kind ?? e.detail?.kind);
  if (kind === undefined) {
    // A wrong rule input is a deployment error: fail loudly so that the invocation shows as failed.
    throw new Error(`No job kind in the event (expected { kind: 'deadline' | 'revisit' }).`);
  }
  const started = Date.now();
  const counts = await runJob(kind, new Date(), { config: cityConfig() });
  logger.info('job: done', { kind, ...counts, ms: Date.now() - started });
  return counts;
}
