/**
 * Evidence photos (issue 14, docs/decisions/0051): the attachments bucket, the checker its uploads
 * trigger, and what the API functions may do to it. Private (every public access blocked,
 * owner-enforced objects, TLS only), encrypted at rest, CORS for the app's origins (the browser
 * posts the photo straight to the bucket with the slot's presigned form, and loads it by link).
 *
 * Expiry never touches a referenced photo: uploads land under `incoming/`, which the lifecycle rule
 * empties after `incomingExpiration`; a step that references a photo first copies it to `photos/`,
 * which no rule expires, and only then commits. An upload nobody references is gone in two days
 * and, its record pending or verified but never referenced, is never shown by any finding or task.
 */

import type { CityConfig } from '@gridpatrol/core';
import {
  ATTACHMENTS_BUCKET_ENV,
  INCOMING_PREFIX,
  PHOTOS_PREFIX,
} from '@gridpatrol/functions/attachments/bucket';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letters';
import { GridPatrolFunction, type TableAccess } from './function';
import { bucketObjectsFinding, privateBucket } from './private-bucket';

/** The checker records each verdict on the attachment's item: an update, nothing else. */
export const ATTACHMENT_CHECK_TABLE_ACCESS: TableAccess = ['UpdateItem'];

export interface GridPatrolAttachmentsProps {
  readonly city: CityConfig;
  readonly table: ITableV2;
  /** Origins whose pages upload and show photos (the city's CORS list and the app's own origin). */
  readonly allowOrigins: readonly string[];
  readonly logRetention?: RetentionDays;
  /**
   * How long an upload nobody referenced is kept under `incoming/`: a slot's form lives 15
   * minutes, and a field device may queue its report offline for a while.
   * @default Duration.days(2)
   */
  readonly incomingExpiration?: Duration;
  /**
   * Photos are evidence for court and hand-over (案卷): the bucket is kept with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class GridPatrolAttachments extends Construct {
  readonly bucket: Bucket;
  readonly checker: GridPatrolFunction;
  /** Checks that failed after Lambda's retries (an alarm watches it). */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: GridPatrolAttachmentsProps) {
    super(scope, id);
    this.bucket = privateBucket(this, 'Bucket', {
      lifecycleRules: [
        {
          id: 'expire-unreferenced-uploads',
          prefix: INCOMING_PREFIX,
          expiration: props.incomingExpiration ?? Duration.days(2),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      cors: [
        {
          allowedOrigins: [...props.allowOrigins],
          // POST: the slot's form; GET/HEAD: the presigned links.
          allowedMethods: [HttpMethods.POST, HttpMethods.GET, HttpMethods.HEAD],
          allowedHeaders: ['*'],
          exposedHeaders: ['etag'],
          maxAge: 600,
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      noAccessLogBecause:
        'Every upload is a presigned POST and every read a presigned GET, each issued by a logged API request (API access log + function log) naming the person; S3 access logs would add a bucket without adding an answer.',
    });

    this.checker = new GridPatrolFunction(this, 'Checker', {
      group: 'attachments',
      city: props.city,
      logRetention: props.logRetention,
      // Reads at most 10 MB and parses EXIF: well under a second; 30 s leaves room on a cold start.
      timeout: Duration.seconds(30),
      memorySize: 1024,
      reservedConcurrentExecutions: 5,
    });
    this.checker.bindTable({ table: props.table, access: ATTACHMENT_CHECK_TABLE_ACCESS });
    // Reads what arrived, or (once a step references it) the kept copy; nothing else of the bucket.
    this.checker.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          this.bucket.arnForObjects(`${INCOMING_PREFIX}*`),
          this.bucket.arnForObjects(`${PHOTOS_PREFIX}*`),
        ],
      }),
    );
    this.checker.addEnvironment(ATTACHMENTS_BUCKET_ENV, this.bucket.bucketName);
    acknowledge(this.checker, this.bucket, [INCOMING_PREFIX, PHOTOS_PREFIX]);
    // Two retries (a throttled table), then the dead-letter queue and its alarm.
    this.failures = deadLetterQueue(this, 'Failures');
    this.checker.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failures),
    });
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.checker), {
      prefix: INCOMING_PREFIX,
    });
  }

  /**
   * Lets an API function issue upload slots, keep referenced photos and sign links: PutObject under
   * `incoming/` (a presigned POST is only as good as its signer's right to put there), Get under
   * both prefixes (the copy's source and the links), Put under `photos/` (the copy). No list, no delete.
   */
  bindApi(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [
          this.bucket.arnForObjects(`${INCOMING_PREFIX}*`),
          this.bucket.arnForObjects(`${PHOTOS_PREFIX}*`),
        ],
      }),
    );
    fn.addEnvironment(ATTACHMENTS_BUCKET_ENV, this.bucket.bucketName);
    acknowledge(fn, this.bucket, [INCOMING_PREFIX, PHOTOS_PREFIX]);
  }
}

const acknowledge = (fn: LambdaFunction, bucket: Bucket, prefixes: readonly string[]): void => {
  for (const prefix of prefixes)
    Validations.of(fn).acknowledge({
      id: bucketObjectsFinding(bucket, `${prefix}*`),
      reason: `The attachments under ${prefix}: each photo's key is its attachment id, made per request, so the prefix is the narrowest ARN.`,
    });
};
