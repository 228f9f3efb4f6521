/**
 * The scheduled jobs and how often they run: the one place for it. infra/lib/jobs.ts makes one
 * EventBridge rule per job from this table, and `gridpatrol jobs run <name>` accepts these names.
 * Pure (no store import), so that the CDK app can read it without loading the AWS SDK.
 */

/** Which gsi3 partition a job reads: running deadlines, or revisits coming up. */
export const JOB_KINDS = ['deadline', 'revisit'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobSchedule {
  /** The operator's name for the job (`gridpatrol jobs run overdue`). */
  readonly name: string;
  /** Minutes between two runs in AWS. */
  readonly everyMinutes: number;
  readonly description: string;
}

export const JOB_SCHEDULES: Readonly<Record<JobKind, JobSchedule>> = {
  // A deadline is a day: a quarter of an hour of lag is invisible to the supervisor who is told,
  // and still cheap (each run reads only cases whose deadline has passed and not yet reached the admins).
  deadline: {
    name: 'overdue',
    everyMinutes: 15,
    description: 'Marks findings past their deadline overdue and escalates them (supervisor, then admins).',
  },
  // A revisit is due days after resolution; an hour of lag does not matter.
  revisit: {
    name: 'revisits',
    everyMinutes: 60,
    description: 'Moves resolved findings whose revisit date has come to revisit_due.',
  },
};

/** The operators' job names: `overdue`, `revisits`. */
export const JOB_NAMES = JOB_KINDS.map((k) => JOB_SCHEDULES[k].name);

/**
 * The kind of a job named by an operator or by an event: its kind or its name.
 *
 * @example jobKindOf('overdue') // 'deadline'
 */
export function jobKindOf(name: unknown): JobKind | undefined {
  return JOB_KINDS.find((k) => k === name || JOB_SCHEDULES[k].name === name);
}
