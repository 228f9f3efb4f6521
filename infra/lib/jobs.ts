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
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letters';
import { GridPatrolFunction, type TableAccess } from './function';

/** A failed run is not retried: the next scheduled run does the same work anyway (0009). */
export const JOB_RETRY_ATTEMPTS = 0;

/**
 * Writes findings, tasks, plans and their events like the HTTP groups: drafts replace tasks in bulk
 * (BatchWriteItem), ending a missed task moves its memberships (a transaction's Delete).
 */
export const JOBS_TABLE_ACCESS: TableAccess = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];

export interface GridPatrolJobsProps {
  readonly city: CityConfig;
  readonly table: ITableV2;
  readonly logRetention?: RetentionDays;
}

export class GridPatrolJobs extends Construct {
  readonly function: GridPatrolFunction;
  readonly rules: Readonly<Record<JobName, Rule>>;
  /** Failed runs (Lambda's on-failure destination) and undeliverable schedule events. */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: GridPatrolJobsProps) {
    super(scope, id);
    this.function = new GridPatrolFunction(this, 'Function', {
      group: 'jobs',
      city: props.city,
      logRetention: props.logRetention,
      // No API in front, so no 30 s limit: a city's backlog after an outage fits in one run, and
      // a run cut short is finished by the next (the jobs are idempotent).
      timeout: Duration.minutes(5),
      // Every job may fall due in the same minute; more runs at once would only race each other.
      reservedConcurrentExecutions: JOB_NAMES.length,
    });
    this.function.bindTable({ table: props.table, access: JOBS_TABLE_ACCESS });

    // The code's rule, "a failed run is not retried: the next scheduled run does the same work",
    // made true on both legs: EventBridge does not retry its delivery (retryAttempts below), and
    // Lambda does not retry the asynchronous invocation (its default is two retries). A run that
    // fails, or an event that could not be delivered, lands in this queue and raises its alarm.
    this.failures = deadLetterQueue(this, 'Failures');
    this.function.configureAsyncInvoke({
      retryAttempts: JOB_RETRY_ATTEMPTS,
      // A run older than its shortest period is stale: the next one is already due.
      maxEventAge: Duration.minutes(Math.min(...JOB_NAMES.map((n) => JOBS[n].everyMinutes))),
      onFailure: new SqsDestination(this.failures),
    });

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
            retryAttempts: JOB_RETRY_ATTEMPTS,
            deadLetterQueue: this.failures,
          }),
        ],
      });
    }
    this.rules = rules;
  }
}
