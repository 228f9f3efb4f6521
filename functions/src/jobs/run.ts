/**
 * The scheduled jobs' one loop: read the findings due at `now` page by page from gsi3, let the core
 * time rules (`markOverdue`, `dueForRevisit`) decide, and write each change as one version-checked
 * transaction. The rules return null when nothing is to change, so a second run at the same `now`
 * writes nothing: the jobs are idempotent, and a run that stops half-way is finished by the next.
 * `now` is a parameter so that tests and `gridpatrol jobs run --now` can set the clock.
 */
import {
  ConflictError,
  counterDeltas,
  dueForRevisit,
  type Finding,
  type FindingsConfig,
  markOverdue,
  type TimedChange,
} from '@gridpatrol/core';
import { applyActionTx, findingsDue, getFinding } from '@gridpatrol/store';
import { cityConfig, logger } from '../runtime';
import type { JobKind } from './schedule';

export interface JobCounts {
  /** Due findings read from the index. */
  scanned: number;
  /** Findings changed (one event each). */
  changed: number;
  /** Changes refused because a person changed the finding meanwhile; the next run retries them. */
  conflicts: number;
}

export interface RunJobOptions {
  /** Findings per page (and per batch of parallel writes). @default 50 */
  readonly limit?: number;
  /** @default the city config of this process */
  readonly config?: FindingsConfig;
}

const RULES: Readonly<
  Record<JobKind, (f: Finding, now: Date, config: FindingsConfig) => TimedChange | null>
> = { deadline: markOverdue, revisit: dueForRevisit };

/**
 * Runs one job at `now` over every due finding and returns what it did.
 *
 * @example await runJob('deadline', new Date()) // { scanned: 12, changed: 3, conflicts: 0 }
 */
export async function runJob(kind: JobKind, now: Date, opts: RunJobOptions = {}): Promise<JobCounts> {
  const config = opts.config ?? cityConfig();
  const rule = RULES[kind];
  const counts: JobCounts = { scanned: 0, changed: 0, conflicts: 0 };
  let cursor: string | undefined;
  do {
    const page = await findingsDue(kind, now, cursor, opts.limit ?? 50);
    counts.scanned += page.items.length;
    const outcomes = await Promise.all(
      page.items.map((f) => (rule(f, now, config) === null ? 'unchanged' : apply(f.id, rule, now, config))),
    );
    for (const o of outcomes) if (o !== 'unchanged') counts[o] += 1;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return counts;
}

async function apply(
  id: string,
  rule: (typeof RULES)[JobKind],
  now: Date,
  config: FindingsConfig,
): Promise<'changed' | 'conflicts' | 'unchanged'> {
  // The index is eventually consistent, so decide again on the finding as stored: a change made
  // by the previous run (or a person) that the index does not show yet must not be repeated.
  const before = await getFinding(id);
  const change = before === undefined ? null : rule(before, now, config);
  if (before === undefined || change === null) return 'unchanged';
  try {
    await applyActionTx(before, change.finding, change.event, counterDeltas(before, change.finding));
  } catch (err) {
    if (err instanceof ConflictError) {
      logger.warn('job: finding changed meanwhile; the next run retries it', { findingId: id });
      return 'conflicts';
    }
    throw err;
  }
  // No notification channel exists yet: the log line is what the supervisor's or admins' alert
  // would be built from (the event on the finding records the same).
  if (change.notify.length > 0)
    logger.info('job: finding escalated', {
      findingId: id,
      action: change.event.action,
      officeId: before.officeId,
      notify: change.notify,
    });
  return 'changed';
}
