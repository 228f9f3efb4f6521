/**
 * The local stand-in for the EventBridge schedules: `npm start` runs the jobs on a timer. Locally
 * each job runs on its `localEveryMinutes` (every minute for the findings, missed-task and grid-imports jobs,
 * hourly for draft-plans), not on the AWS rates (functions/src/jobs/schedule.ts): a developer who
 * moves a deadline into the past wants to see the escalation without waiting a quarter of an hour.
 */
import { JOB_NAMES, JOBS, type JobName } from '@gridpatrol/functions';
import { now as clockNow } from '@gridpatrol/functions/clock';
import { type JobCounts, runJob } from '@gridpatrol/functions/jobs/run';
import { englishSpeaker, type Speaker } from './cli-language';

export interface JobTimer {
  /** Stops the timer and waits for a run under way, so the database is not closed under it. */
  stop(): Promise<void>;
}

export interface JobTimerOptions {
  /** The timer's tick. @default 60_000 */
  readonly everyMs?: number;
  /** The clock the jobs run at; tests pass their own. @default the handlers' clock (moved by `--clock`) */
  readonly now?: () => Date;
  /** The jobs to run. @default every job */
  readonly jobs?: readonly JobName[];
  /**
   * Run every job on every tick, ignoring `localEveryMinutes` (tests with a fast tick).
   * @default false
   */
  readonly everyTick?: boolean;
  /** Told what each run changed (the CLI prints runs that changed something). */
  readonly onRun?: (job: JobName, counts: JobCounts) => void;
  readonly onError?: (job: JobName, err: unknown) => void;
}

/**
 * Each `everyMs`, runs every job whose local interval has passed since its last run (all of them on
 * the first tick), one run at a time (a slow run is not overlapped by the next tick). The timer is
 * unref'd: it never keeps the process alive on its own.
 *
 * @example const timer = startJobTimer({ onRun: (j, c) => console.log(j, c) }); await timer.stop();
 */
export function startJobTimer(opts: JobTimerOptions = {}): JobTimer {
  let running: Promise<void> | undefined;
  let stopped = false;
  const lastRun = new Map<JobName, number>();
  const jobs = opts.jobs ?? JOB_NAMES;
  const tick = () => {
    if (running !== undefined || stopped) return;
    running = (async () => {
      for (const job of jobs) {
        if (stopped) return;
        // Wall time decides when a job is due locally; the jobs themselves run at `now()`.
        const last = lastRun.get(job);
        if (!opts.everyTick && last !== undefined && Date.now() - last < JOBS[job].localEveryMinutes * 60_000)
          continue;
        lastRun.set(job, Date.now());
        try {
          opts.onRun?.(job, await runJob(job, opts.now?.() ?? clockNow()));
        } catch (err) {
          opts.onError?.(job, err);
        }
      }
    })().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, opts.everyMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * `overdue: scanned 3, changed 1, conflicts 0`: one line per run, as the CLI prints it, in the
 * command's language (English by default).
 */
export const formatJobCounts = (job: JobName, c: JobCounts, s: Speaker = englishSpeaker): string =>
  job === 'draft-plans'
    ? s.say('cli.job.draftPlans', {
        job,
        scanned: c.scanned,
        changed: c.changed,
        skipped: c.scanned - c.changed,
      })
    : s.say('cli.job.counts', { job, scanned: c.scanned, changed: c.changed, conflicts: c.conflicts });
