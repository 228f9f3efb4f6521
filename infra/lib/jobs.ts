/**
 * The scheduled jobs: one function for both (they share the runner and the table access), and one
 * EventBridge rule per job whose input names the job. How often each runs is stated once, in
 * functions/src/jobs/schedule.ts (JOB_SCHEDULES), so that the template, the CLI and the docs agree.
 */
import type { CityConfig } from '@gridpatrol/core';
import { JOB_KINDS, JOB_SCHEDULES, type JobKind } from '@gridpatrol/functions';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GridPatrolFunction } from './function';

export interface GridPatrolJobsProps {
  readonly city: CityConfig;
  readonly table: ITableV2;
  readonly logRetention?: RetentionDays;
}

export class GridPatrolJobs extends Construct {
  readonly function: GridPatrolFunction;
  readonly rules: Readonly<Record<JobKind, Rule>>;

  constructor(scope: Construct, id: string, props: GridPatrolJobsProps) {
    super(scope, id);
    this.function = new GridPatrolFunction(this, 'Function', {
      group: 'jobs',
      city: props.city,
      logRetention: props.logRetention,
      // No API in front, so no 30 s limit: a city's backlog after an outage fits in one run, and
      // a run cut short is finished by the next (the jobs are idempotent).
      timeout: Duration.minutes(5),
    });
    // Writes findings, their events and counters, like the findings group.
    this.function.bindTable({ table: props.table, access: 'RW' });

    const rules = {} as Record<JobKind, Rule>;
    for (const kind of JOB_KINDS) {
      const job = JOB_SCHEDULES[kind];
      rules[kind] = new Rule(this, `${kind === 'deadline' ? 'Overdue' : 'Revisits'}Schedule`, {
        description: job.description,
        schedule: Schedule.rate(Duration.minutes(job.everyMinutes)),
        targets: [
          new LambdaFunction(this.function, {
            event: RuleTargetInput.fromObject({ kind }),
            // A failed run is not retried: the next scheduled run does the same work anyway.
            retryAttempts: 0,
          }),
        ],
      });
    }
    this.rules = rules;
  }
}
