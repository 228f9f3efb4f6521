/**
 * The scheduled jobs' runners, one per job name (schedule.ts says when each runs). The findings
 * and missed-task jobs share one loop: read what is due at `now` page by page from gsi3, let a core
 * time rule decide, and write each change as one version-checked transaction. The rules return
 * null when nothing is to change, so a second run at the same `now` writes nothing: the jobs are
 * idempotent, and a run that stops half-way is finished by the next. `now` is a parameter so that
 * tests and `gridpatrol jobs run --now` can set the clock.
 */
import {
  ConflictError,
  deadlineAudience,
  deadlineReminders,
  dueForRevisit,
  type Finding,
  type FindingsConfig,
  markOverdue,
  missTask,
  type PatrolConfig,
  type TimedChange,
} from '@gridpatrol/core';
import {
  applyActionTx,
  findingsDue,
  getFinding,
  getPatrolTask,
  putNotificationOnce,
  tasksEndedBy,
  writeTaskChange,
} from '@gridpatrol/store';
import { EMPTY_TOPOLOGY, gridTopology } from '../grid-cache';
import { sweepGridImports } from '../grid-import/sweep';
import { findingOutbox, readAudience, taskOutbox } from '../notifications/outbox';
import { draftNextWeekPlans } from '../plans/draft';
import { cityConfig, logger } from '../runtime';
import { type JobKind, type JobName, jobNameOf } from './schedule';

export interface JobCounts {
  /** Due items read from the index (draft-plans: offices considered). */
  scanned: number;
  /** Items changed, one event each (draft-plans: plans drafted). */
  changed: number;
  /** Changes refused because a person changed the item meanwhile; the next run retries them. */
  conflicts: number;
}

export interface RunJobOptions {
  /** Items per page (and per batch of parallel writes). @default 50 */
  readonly limit?: number;
  /** @default the city config of this process */
  readonly config?: FindingsConfig & { readonly patrols: PatrolConfig };
}

type Runner = (now: Date, opts: RunJobOptions) => Promise<JobCounts>;

const RUNNERS: Readonly<Record<JobName, Runner>> = {
  overdue: (now, opts) => runFindingsJob('deadline', now, opts),
  revisits: (now, opts) => runFindingsJob('revisit', now, opts),
  'missed-tasks': runMissedTasks,
  'draft-plans': async (now) => {
    const { drafted, skipped } = await draftNextWeekPlans(now);
    return { scanned: drafted + skipped, changed: drafted, conflicts: 0 };
  },
  'grid-imports': (now) => sweepGridImports(now),
};

/**
 * Runs one job at `now` and returns what it did. `job` is a job name or a findings kind.
 *
 * @example await runJob('overdue', new Date()) // { scanned: 12, changed: 3, conflicts: 0 }
 */
export async function runJob(
  job: JobName | JobKind,
  now: Date,
  opts: RunJobOptions = {},
): Promise<JobCounts> {
  const name = jobNameOf(job);
  if (name === undefined) throw new Error(`No job '${job}'.`);
  return RUNNERS[name](now, opts);
}

// ---------------------------------------------------------------------------------------------
// Findings: overdue and revisits
// ---------------------------------------------------------------------------------------------

const RULES: Readonly<
  Record<JobKind, (f: Finding, now: Date, config: FindingsConfig) => TimedChange | null>
> = { deadline: markOverdue, revisit: dueForRevisit };

async function runFindingsJob(kind: JobKind, now: Date, opts: RunJobOptions): Promise<JobCounts> {
  const config = opts.config ?? cityConfig();
  const rule = RULES[kind];
  const counts: JobCounts = { scanned: 0, changed: 0, conflicts: 0 };
  let cursor: string | undefined;
  do {
    const page = await findingsDue(kind, now, cursor, opts.limit ?? 50);
    counts.scanned += page.items.length;
    const outcomes = await Promise.all(
      page.items.map((f) =>
        rule(f, now, config) === null ? 'unchanged' : applyFinding(f.id, rule, now, config),
      ),
    );
    for (const o of outcomes) if (o !== 'unchanged') counts[o] += 1;
    cursor = page.cursor;
  } while (cursor !== undefined);
  if (kind === 'deadline') await remindDeadlines(now, opts);
  return counts;
}

/**
 * Reminds the zone's officers of the deadlines coming due within the city's lead time: the running
 * deadlines from `now` to `now + lead` on the job's own index. Each reminder's dedup id names the
 * deadline, so later runs write nothing again and an extended deadline reminds once more.
 */
async function remindDeadlines(now: Date, opts: RunJobOptions): Promise<void> {
  const config = cityConfig();
  const leadHours = config.notifications.deadlineLeadHours;
  const horizon = new Date(now.getTime() + leadHours * 3_600_000);
  const topology = (await gridTopology()) ?? EMPTY_TOPOLOGY;
  let written = 0;
  let cursor: string | undefined;
  do {
    const page = await findingsDue('deadline', horizon, cursor, opts.limit ?? 50);
    const counts = await Promise.all(
      page.items
        .filter((f) => f.deadline !== undefined && Date.parse(f.deadline) > now.getTime())
        .map(async (f) => {
          const people = await readAudience(deadlineAudience(f));
          const sent = await Promise.all(
            deadlineReminders(f, people, topology, now, leadHours).map(putNotificationOnce),
          );
          return sent.filter(Boolean).length;
        }),
    );
    written += counts.reduce((a, b) => a + b, 0);
    cursor = page.cursor;
  } while (cursor !== undefined);
  if (written > 0) logger.info('job: deadline reminders written', { written, leadHours });
}

async function applyFinding(
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
    // Who hears of it (the supervisor, then the admins) is written with it (docs/decisions/0052).
    await applyActionTx(before, change.finding, change.event, {
      notifications: await findingOutbox(change.finding, change.event),
    });
  } catch (err) {
    if (err instanceof ConflictError) {
      logger.warn('job: finding changed meanwhile; the next run retries it', { findingId: id });
      return 'conflicts';
    }
    throw err;
  }
  if (change.notify.length > 0)
    logger.info('job: finding escalated', {
      findingId: id,
      action: change.event.action,
      officeId: before.officeId,
      notify: change.notify,
    });
  return 'changed';
}

// ---------------------------------------------------------------------------------------------
// Patrol tasks: missed
// ---------------------------------------------------------------------------------------------

/**
 * Tasks still assigned once their shift ended and the grace passed become missed. Reads the gsi3
 * partition of assigned tasks (by shift end) up to `now − grace`, page by page; re-reads each task
 * before writing (the index lags) and writes the step with its event and counters in one
 * version-checked transaction. A pair completing the task at the same moment wins (conflict).
 */
async function runMissedTasks(now: Date, opts: RunJobOptions): Promise<JobCounts> {
  const config = (opts.config ?? cityConfig()).patrols;
  const endedBy = new Date(now.getTime() - config.graceMinutes * 60_000);
  const counts: JobCounts = { scanned: 0, changed: 0, conflicts: 0 };
  let cursor: string | undefined;
  do {
    const page = await tasksEndedBy(endedBy, cursor, opts.limit ?? 50);
    counts.scanned += page.items.length;
    const outcomes = await Promise.all(
      page.items.map(async (t): Promise<'changed' | 'conflicts' | 'unchanged'> => {
        if (missTask(t, now, config) === null) return 'unchanged';
        const before = await getPatrolTask(t.id);
        const change = before === undefined ? null : missTask(before, now, config);
        if (before === undefined || change === null) return 'unchanged';
        try {
          const outbox = await taskOutbox(before, change.task, change.event);
          const written = await writeTaskChange(before, change.task, change.event, undefined, {
            notifications: outbox,
          });
          if (written === 'written') return 'changed';
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
        logger.warn('job: task changed meanwhile; the next run retries it', { taskId: t.id });
        return 'conflicts';
      }),
    );
    for (const o of outcomes) if (o !== 'unchanged') counts[o] += 1;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return counts;
}
