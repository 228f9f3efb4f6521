/**
 * The scheduled jobs and how often they run: the one place for it. A job is a name, a schedule and
 * a runner (functions/src/jobs/run.ts maps each name to its runner). infra/lib/jobs.ts makes one
 * EventBridge rule per job from this table, `npm start`'s timer runs them, and
 * `gridpatrol jobs run <name>` accepts these names. Pure (no store import), so that the CDK app
 * can read it without loading the AWS SDK.
 */

export const JOB_NAMES = ['overdue', 'revisits', 'missed-tasks', 'draft-plans', 'grid-imports'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** The findings jobs' gsi3 partition kinds (still accepted wherever a job is named). */
export const JOB_KINDS = ['deadline', 'revisit'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobSchedule {
  /** The operator's name for the job (`gridpatrol jobs run overdue`). */
  readonly name: JobName;
  /** Minutes between two runs in AWS (`rate(...)`). */
  readonly everyMinutes: number;
  /** Minutes between two runs under `npm start` (a developer wants to see effects soon). */
  readonly localEveryMinutes: number;
  readonly description: string;
  /** Older names an event or a script may still use (the findings jobs' kinds). */
  readonly aliases: readonly string[];
}

export const JOBS: Readonly<Record<JobName, JobSchedule>> = {
  // A deadline is a day: a quarter of an hour of lag is invisible to the supervisor who is told,
  // and still cheap (each run reads only cases whose deadline has passed and not yet reached the admins).
  overdue: {
    name: 'overdue',
    everyMinutes: 15,
    localEveryMinutes: 1,
    description: 'Marks findings past their deadline overdue and escalates them (supervisor, then admins).',
    aliases: ['deadline'],
  },
  // A revisit is due days after resolution; an hour of lag does not matter.
  revisits: {
    name: 'revisits',
    everyMinutes: 60,
    localEveryMinutes: 1,
    description: 'Moves resolved findings whose revisit date has come to revisit_due.',
    aliases: ['revisit'],
  },
  // A shift lasts hours and the grace half an hour: a quarter of an hour later the task shows as missed.
  'missed-tasks': {
    name: 'missed-tasks',
    everyMinutes: 15,
    localEveryMinutes: 1,
    description: 'Marks patrol tasks still assigned after their shift and grace ended as missed.',
    aliases: [],
  },
  // Once a day: each run drafts next week's plan for every office that has none yet and skips the
  // rest, so running daily (rather than on one weekday) means a missed or failed run is made good
  // the next day, and a week's drafts are ready days before it starts.
  'draft-plans': {
    name: 'draft-plans',
    everyMinutes: 24 * 60,
    localEveryMinutes: 60,
    description: "Drafts next week's joint-patrol plan for every office that has none yet.",
    aliases: [],
  },
  // An import job sends a heartbeat every 15 s and a stall is declared after the city's
  // importStallMinutes (10): a sweep every 5 minutes marks a dead import failed within 15.
  'grid-imports': {
    name: 'grid-imports',
    everyMinutes: 5,
    localEveryMinutes: 1,
    description:
      'Marks grid imports that stopped sending their heartbeat failed and deletes what failed imports left.',
    aliases: [],
  },
};

/** Every job's schedule, in JOB_NAMES order. */
export const JOB_SCHEDULES: readonly JobSchedule[] = JOB_NAMES.map((n) => JOBS[n]);

/**
 * The job named by an operator or by an event: its name, or an alias (a findings kind).
 *
 * @example jobNameOf('overdue') // 'overdue'; jobNameOf('deadline') // 'overdue'; jobNameOf('x') // undefined
 */
export function jobNameOf(name: unknown): JobName | undefined {
  return JOB_NAMES.find((n) => n === name || JOBS[n].aliases.includes(name as string));
}

/** The EventBridge expression of a job's AWS schedule, as CDK renders `Schedule.rate`. */
export function rateExpression(everyMinutes: number): string {
  if (everyMinutes % 1440 === 0) return `rate(${everyMinutes / 1440} day${everyMinutes === 1440 ? '' : 's'})`;
  if (everyMinutes % 60 === 0) return `rate(${everyMinutes / 60} hour${everyMinutes === 60 ? '' : 's'})`;
  return `rate(${everyMinutes} minute${everyMinutes === 1 ? '' : 's'})`;
}
