/**
 * The Lambda of the scheduled jobs. EventBridge calls it with the rule's input, `{ "job": … }`
 * (infra/lib/jobs.ts); `{ "kind": … }` (a findings job's older input) and an event whose `detail`
 * names the job work too, so a custom event can start a run by hand. No HTTP chain: nobody calls
 * this over the API.
 */
import type { Context } from 'aws-lambda';
import { now } from '../clock';
import { cityConfig, logger } from '../runtime';
import { type JobCounts, runJob } from './run';
import { JOB_NAMES, jobNameOf } from './schedule';

export async function handler(event: unknown, context?: Context): Promise<JobCounts> {
  if (context) logger.addContext(context);
  const e = (typeof event === 'object' && event !== null ? event : {}) as {
    job?: unknown;
    kind?: unknown;
    detail?: { job?: unknown; kind?: unknown };
  };
  const job = jobNameOf(e.job ?? e.kind ?? e.detail?.job ?? e.detail?.kind);
  if (job === undefined) {
    // A wrong rule input is a deployment error: fail loudly so that the invocation shows as failed.
    throw new Error(
      `No job kind in the event (expected { job: ${JOB_NAMES.map((n) => `'${n}'`).join(' | ')} }).`,
    );
  }
  const started = Date.now();
  const counts = await runJob(job, now(), { config: cityConfig() });
  logger.info('job: done', { job, ...counts, ms: Date.now() - started });
  return counts;
}
