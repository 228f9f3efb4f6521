/**
 * The one way this app makes a dead-letter queue: where an asynchronous consumer (the scheduled
 * jobs, the grid import job, the counter fold) puts what it gave up on, for an operator to look
 * at and replay. Every such queue gets an alarm in GridPatrolMonitoring (infra/lib/monitoring.ts).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export function deadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // SQS's maximum: a failure seen on a Friday evening is still there after a long weekend.
    retentionPeriod: Duration.days(14),
    // It may hold the only record of what failed: kept, like the logs.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const reason =
    'This queue is itself a dead-letter queue (an on-failure destination); a DLQ of a DLQ has no reader.';
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}
