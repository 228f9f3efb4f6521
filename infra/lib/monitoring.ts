/**
 * What tells a city's operators that something is wrong: one SNS topic (subscribed from the city
 * file's deployment.alarmEmails), an alarm for each way the stack fails, and one dashboard showing
 * the same alarms. Thresholds are stated here with why; docs/decisions/0039 says what is watched.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmWidget,
  ComparisonOperator,
  Dashboard,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The operations the app calls: the ones whose throttles and system errors are summed. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

/** Five-minute periods: short enough to page within minutes, long enough not to flap. */
const PERIOD = Duration.minutes(5);

export const ALARM_THRESHOLDS = {
  /** Any unhandled error: handlers turn every expected failure into a 4xx, so an error is a bug. */
  functionErrors: 1,
  /** Any throttle: reserved concurrency was reached, requests were refused. */
  functionThrottles: 1,
  /** 5xx as a share of requests, in percent, when there are at least apiMinRequests. */
  api5xxPercent: 1,
  apiMinRequests: 20,
  /**
   * p99 latency in ms. The slow routes (imports, exports, drafts) take seconds by design and are
   * well under 1% of requests; most routes answer in a few hundred ms.
   */
  apiP99LatencyMs: 5000,
  /** Any DynamoDB throttle or system error on the table. */
  tableThrottles: 1,
  tableSystemErrors: 1,
  /** Any message in a dead-letter queue. */
  deadLetters: 1,
} as const;

export interface GridPatrolMonitoringProps {
  /** Who is told: each address is subscribed to the topic. */
  readonly alarmEmails: readonly string[];
  /** @default the stack's name */
  readonly dashboardName?: string;
}

export class GridPatrolMonitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: GridPatrolMonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'GridPatrol alarms',
      // Only CloudWatch publishes here, and only over TLS.
      enforceSSL: true,
    });
    for (const email of props.alarmEmails) this.topic.addSubscription(new EmailSubscription(email));
    Validations.of(this.topic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'E-mail subscriptions: a mail that cannot be delivered has no one to replay it to, and the alarm state stays in CloudWatch and on the dashboard.',
    });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
  }

  /** Errors and throttles of one function. */
  watchFunction(name: string, fn: IFunction): void {
    // One dashboard row per thing watched (a row wraps at the dashboard's 24 columns).
    this.dashboard.addWidgets(
      this.alarm(`${name}Errors`, `${name}: unhandled errors`, fn.metricErrors({ period: PERIOD }), {
        threshold: ALARM_THRESHOLDS.functionErrors,
      }),
      this.alarm(
        `${name}Throttles`,
        `${name}: throttled invocations`,
        fn.metricThrottles({ period: PERIOD }),
        {
          threshold: ALARM_THRESHOLDS.functionThrottles,
        },
      ),
    );
  }

  /** The API's server-error rate and its p99 latency. */
  watchApi(api: HttpApi): void {
    const rate = new MathExpression({
      label: '5xx %',
      expression: `IF(requests >= ${ALARM_THRESHOLDS.apiMinRequests}, 100 * errors / requests, 0)`,
      usingMetrics: {
        errors: api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
        requests: api.metricCount({ period: PERIOD, statistic: 'Sum' }),
      },
      period: PERIOD,
    });
    this.dashboard.addWidgets(
      this.alarm('Api5xxRate', 'API: share of 5xx answers (%)', rate, {
        threshold: ALARM_THRESHOLDS.api5xxPercent,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      this.alarm(
        'ApiLatencyP99',
        'API: p99 latency (ms)',
        api.metricLatency({ period: PERIOD, statistic: 'p99' }),
        {
          threshold: ALARM_THRESHOLDS.apiP99LatencyMs,
          comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
          // Three periods in a row: one slow export burst is not an incident.
          evaluationPeriods: 3,
        },
      ),
    );
  }

  /** Throttled requests and system errors of the table, over every operation the app calls. */
  watchTable(table: TableV2): void {
    this.dashboard.addWidgets(
      this.alarm(
        'TableThrottles',
        'DynamoDB: throttled requests',
        table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD }),
        { threshold: ALARM_THRESHOLDS.tableThrottles },
      ),
      this.alarm(
        'TableSystemErrors',
        'DynamoDB: system errors',
        table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD }),
        { threshold: ALARM_THRESHOLDS.tableSystemErrors },
      ),
    );
  }

  /** Any message in a dead-letter queue: something failed for good and waits for an operator. */
  watchDeadLetters(queues: Readonly<Record<string, IQueue>>): void {
    this.dashboard.addWidgets(
      ...Object.entries(queues).map(([name, queue]) =>
        this.alarm(
          `${name}DeadLetters`,
          `${name}: messages in the dead-letter queue`,
          queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
          { threshold: ALARM_THRESHOLDS.deadLetters },
        ),
      ),
    );
  }

  private alarm(
    id: string,
    title: string,
    metric: IMetric,
    options: { threshold: number; comparison?: ComparisonOperator; evaluationPeriods?: number },
  ): AlarmWidget {
    const alarm = new Alarm(this, id, {
      alarmDescription: title,
      metric,
      threshold: options.threshold,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      // No data is no traffic (or an empty queue), not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return new AlarmWidget({ title, alarm, width: 12 });
  }
}
