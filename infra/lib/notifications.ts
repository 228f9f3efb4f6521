/**
 * The notification delivery worker in AWS (docs/decisions/0052): its own event source on the table's
 * stream, filtered to new notification items, bisected and retried, with an on-failure queue; a
 * schedule that sends what quiet hours or a digest held back; its own dead-letter queue for sends it
 * gives up on. Least privilege: its own items of the table, the robot addresses under its SSM path,
 * SNS Publish and SES SendEmail only when the city file enables SMS or e-mail. The local runtime
 * feeds the same handler from its stream poller (packages/local/src/counter-stream.ts).
 */
import type { CityConfig } from '@gridpatrol/core';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letters';
import { GridPatrolFunction } from './function';

export interface GridPatrolNotificationsProps {
  readonly city: CityConfig;
  /** The city's table, with its NEW_AND_OLD_IMAGES stream (GridPatrolData). */
  readonly table: ITableV2;
  readonly logRetention?: RetentionDays;
}

/** How the stream reaches the worker. */
export const NOTIFICATION_STREAM = {
  /** A batch's sends run side by side; 20 keeps one invocation's slowest robot within its timeout. */
  batchSize: 20,
  maxBatchingWindow: Duration.seconds(1),
  parallelizationFactor: 1,
  /** The worker retries each send itself: these are for the database failing under it. */
  retryAttempts: 3,
} as const;

/** How often held-back notifications are sent: a quiet window's end is late by at most this. */
export const DEFERRED_EVERY = Duration.minutes(5);

/** The SSM path of a city's robot addresses: `<path>/<office>/<wecom|dingtalk>`, SecureString JSON. */
export const robotParameterPath = (city: CityConfig) => `/gridpatrol/${city.name}/notifications`;

export class GridPatrolNotifications extends Construct {
  readonly function: GridPatrolFunction;
  /** Stream batches the worker failed on (the database), by their place in the stream. */
  readonly failures: Queue;
  /** Sends given up after their attempts, one message each, for an operator to redo. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: GridPatrolNotificationsProps) {
    super(scope, id);
    const { city } = props;
    const { region, account } = Stack.of(this);
    this.failures = deadLetterQueue(this, 'Failures');
    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    const parameters = robotParameterPath(city);
    this.function = new GridPatrolFunction(this, 'Function', {
      group: 'notifications',
      city,
      logRetention: props.logRetention,
      // A channel's five tries wait 0.5+1+2+4 s, each send up to 5 s: a batch stays well within this.
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: 10,
      environment: {
        NOTIFY_DLQ_URL: this.deadLetters.queueUrl,
        NOTIFY_PARAMETER_PREFIX: parameters,
        ...(city.notifications.emailFrom ? { NOTIFY_EMAIL_FROM: city.notifications.emailFrom } : {}),
      },
    });
    // Reads the person and their settings, marks its notification items: nothing else of the table.
    this.function.bindTableItems({
      table: props.table,
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      keyPrefixes: ['PERSON#', 'NOTIFY#'],
    });
    // The held-back list (gsi3) is the one index it reads.
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.table.tableArn}/index/gsi3`] }),
    );
    this.deadLetters.grantSendMessages(this.function);
    // Robot URLs and secrets: SecureStrings under the city's path only. They are encrypted with the
    // AWS-managed aws/ssm key, whose key policy already lets the account's principals decrypt via SSM.
    const robotsArn = `arn:${Stack.of(this).partition}:ssm:${region}:${account}:parameter${parameters}/*`;
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [robotsArn] }),
    );
    const stack = Stack.of(this);
    // As cdk-nag names the resource: pseudo parameters of an environment-agnostic stack as <AWS::…>.
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    Validations.of(this.function).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'Partition')}:ssm:${shown(region, 'Region')}:${shown(account, 'AccountId')}:parameter${parameters}/*]`,
      reason:
        "The city's robot parameters, one per office and channel: offices come and go without a deploy.",
    });
    if (city.notifications.channels.includes('sms')) {
      this.function.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
      Validations.of(this.function).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'SMS: sns:Publish to a phone number has no topic ARN, so AWS requires Resource *.',
      });
    }
    if (city.notifications.channels.includes('email')) {
      const domain = city.notifications.emailFrom?.split('@')[1] ?? '*';
      this.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [`arn:${Stack.of(this).partition}:ses:${region}:${account}:identity/${domain}`],
        }),
      );
    }

    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        ...NOTIFICATION_STREAM,
        bisectBatchOnError: true,
        onFailure: new SqsDlq(this.failures),
        // New notification items only: marks and reads never invoke it again.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { entity: { S: FilterRule.isEqual('notification') } } },
          }),
        ],
      }),
    );

    new Rule(this, 'DeferredSchedule', {
      description: 'Sends the notifications that quiet hours or a daily digest held back.',
      schedule: Schedule.rate(DEFERRED_EVERY),
      targets: [
        new LambdaFunction(this.function, {
          event: RuleTargetInput.fromObject({ deferred: true }),
          // Like the jobs: no retry of a run, the next one is due in minutes.
          retryAttempts: 0,
          deadLetterQueue: this.failures,
        }),
      ],
    });
  }
}
