/**
 * The local stand-in for the EventBridge schedules: `npm start` runs both jobs on a timer. Locally
 * every minute, not on the AWS rates (functions/src/jobs/schedule.ts): a developer who moves a
 * deadline into the past wants to see the escalation without waiting a quarter of an hour.
 */
import { JOB_KINDS, JOB_SCHEDULES, type JobKind } from '@gridpatrol/functions';
import { type JobCounts, runJob } from '@gridpatrol/functions/jobs/run';

export interface JobTimer {
  /** Stops the timer and waits for a run under way, so the database is not closed under it. */
  stop(): Promise<void>;
}

export interface JobTimerOptions {
  /** @default 60_000 */
  readonly everyMs?: number;
  /** The clock; tests pass their own. @default () => new Date() */
  readonly now?: () => Date;
  /** Told what each run changed (the CLI prints runs that changed something). */
  readonly onRun?: (kind: JobKind, counts: JobCounts) => void;
  readonly onError?: (kind: JobKind, err: unknown) => void;
}

/**
 * Runs every job each `everyMs`, one run at a time (a slow run is not overlapped by the next
 * tick). The timer is unref'd: it never keeps the process alive on its own.
 *
 * @example const timer = startJobTimer({ onRun: (k, c) => console.log(k, c) }); await timer.stop();
 */
export function startJobTimer(opts: JobTimerOptions = {}): JobTimer {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running !== undefined || stopped) return;
    running = (async () => {
      for (const kind of JOB_KINDS) {
        if (stopped) return;
        try {
          opts.onRun?.(kind, await runJob(kind, opts.now?.() ?? new Date()));
        } catch (err) {
          opts.onError?.(kind, err);
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

/** `overdue: scanned 3, changed 1, conflicts 0`: one line per run, as the CLI prints it. */
export const formatJobCounts = (kind: JobKind, c: JobCounts): string =>
  `${JOB_SCHEDULES[kind].name}: scanned ${c.scanned}, changed ${c.changed}, conflicts ${c.conflicts}`;
