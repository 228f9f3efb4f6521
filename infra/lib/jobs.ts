/**
 * The scheduled jobs: one function for all of them (they share the runner and the table access),
 * and one EventBridge rule per job whose input names the job. How often each runs is stated once,
 * in functions/src/jobs/schedule.ts (JOBS), so that the template, the CLI and the docs agree.
 */
import type { CityConfig } from '@gridpatrol/core';
import { JOB_NAMES, JOBS, type JobName } from '@gridpatrol/functions';
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
  readonly rules: Readonly<Record<JobName, Rule>>;

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
    // Writes findings, tasks, plans and their events, like the HTTP groups.
    this.function.bindTable({ table: props.table, access: 'RW' });

    const rules = {} as Record<JobName, Rule>;
    for (const name of JOB_NAMES) {
      const job = JOBS[name];
      // 'missed-tasks' → 'MissedTasksSchedule' (the findings jobs keep their ids: OverdueSchedule, RevisitsSchedule).
      const id = `${name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}Schedule`;
      rules[name] = new Rule(this, id, {
        description: job.description,
        schedule: Schedule.rate(Duration.minutes(job.everyMinutes)),
        targets: [
          new LambdaFunction(this.function, {
            event: RuleTargetInput.fromObject({ job: name }),
            // A failed run is not retried: the next scheduled run does the same work anyway.
            retryAttempts: 0,
          }),
        ],
      });
    }
    this.rules = rules;
  }
}
