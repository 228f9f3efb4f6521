/**
 * The grid import job (docs/decisions/0021-async-grid-imports.md): POST /grid/imports stores the
 * body under grid-imports/ in the exports bucket and answers 202; the bucket's event notification
 * invokes this function asynchronously, which validates, overlays and writes the version. Sized for
 * the work the API's 29 s could not hold: 15 minutes and 3008 MB (two vCPUs' worth of CPU).
 */
import type { CityConfig } from '@gridpatrol/core';
import { GRID_IMPORTS_PREFIX } from '@gridpatrol/functions';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type Bucket, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letters';
import { EXPORTS_BUCKET_ENV } from './exports';
import { GridPatrolFunction, type TableAccess } from './function';
import { bucketObjectsFinding } from './private-bucket';

/** The id CDK gives its singleton S3-notification handler (aws-s3 BucketNotificationsHandler). */
const CDK_BUCKET_NOTIFICATIONS_HANDLER = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * Writes the version's items in bulk (BatchWriteItem), marks it draft or failed, and deletes a
 * failed one's leftovers in bulk too: no single DeleteItem.
 */
export const GRID_IMPORT_TABLE_ACCESS: TableAccess = ['PutItem', 'UpdateItem', 'BatchWriteItem'];

export interface GridPatrolGridImportsProps {
  readonly city: CityConfig;
  readonly table: ITableV2;
  /** Where import bodies wait for the job (the exports bucket, under grid-imports/). */
  readonly bucket: Bucket;
  readonly logRetention?: RetentionDays;
  /**
   * How long one import may run. A 30,000-cell city validates, overlays and writes in minutes.
   * @default Duration.minutes(15), Lambda's maximum
   */
  readonly timeout?: Duration;
  /** @default 3008 */
  readonly memorySize?: number;
}

export class GridPatrolGridImports extends Construct {
  readonly function: GridPatrolFunction;
  /** Import invocations that failed without the job recording it. */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: GridPatrolGridImportsProps) {
    super(scope, id);
    this.function = new GridPatrolFunction(this, 'Function', {
      group: 'grid-import',
      city: props.city,
      logRetention: props.logRetention,
      timeout: props.timeout ?? Duration.minutes(15),
      // An import is rare and heavy: two at once at most (a third waits in Lambda's queue).
      reservedConcurrentExecutions: 2,
      memorySize: props.memorySize ?? 3008,
    });
    this.function.bindTable({ table: props.table, access: GRID_IMPORT_TABLE_ACCESS });
    // Reads the body, then deletes it; nothing else of the bucket.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [props.bucket.arnForObjects(`${GRID_IMPORTS_PREFIX}*`)],
      }),
    );
    this.function.addEnvironment(EXPORTS_BUCKET_ENV, props.bucket.bucketName);
    acknowledgeImportBodies(this.function, props.bucket);
    // A retry would start the same import again on a version the first attempt has claimed: the
    // job records its own failures, and a dead one is failed by the grid-imports sweep.
    // An invocation that fails outright (a crash, a timeout before the job could record it) lands
    // in this queue and raises its alarm, instead of vanishing after Lambda's attempts.
    this.failures = deadLetterQueue(this, 'Failures');
    this.function.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failures),
    });
    props.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function), {
      prefix: GRID_IMPORTS_PREFIX,
    });
    // CDK's own handler that writes the bucket's notification configuration at deploy time.
    const notificationsHandler = Stack.of(this).node.tryFindChild(CDK_BUCKET_NOTIFICATIONS_HANDLER);
    if (notificationsHandler)
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's deploy-time handler for S3 bucket notifications (not our code): AWS's minimal logging policy, runs only during deployments.",
      });
  }

  /** Lets an API function store import bodies (and only those) and tells it the bucket. */
  bindBodyWriter(fn: LambdaFunction, bucket: Bucket): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${GRID_IMPORTS_PREFIX}*`)],
      }),
    );
    fn.addEnvironment(EXPORTS_BUCKET_ENV, bucket.bucketName);
    acknowledgeImportBodies(fn, bucket);
  }
}

const acknowledgeImportBodies = (fn: LambdaFunction, bucket: Bucket): void =>
  Validations.of(fn).acknowledge({
    id: bucketObjectsFinding(bucket, `${GRID_IMPORTS_PREFIX}*`),
    reason:
      'Only the import bodies under grid-imports/: each body is named by its import at request time, so the prefix is the narrowest ARN.',
  });
