/**
 * The one way this app makes an S3 bucket: every public access blocked, objects owned by the
 * bucket's account (no ACLs), encrypted at rest, TLS only. What differs (lifecycle, CORS, removal)
 * is the caller's; so is the reason it keeps no S3 access log, which cdk-nag (AwsSolutions-S1)
 * would otherwise ask for.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** The cdk-nag IAM5 finding id of a grant on `bucket.arnForObjects(pattern)`, to acknowledge it. */
export const bucketObjectsFinding = (bucket: Bucket, pattern: string): string =>
  `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/${pattern}]`;

export interface PrivateBucketProps
  extends Omit<BucketProps, 'blockPublicAccess' | 'objectOwnership' | 'encryption' | 'enforceSSL'> {
  /** Why an S3 access log would add nothing here (acknowledges AwsSolutions-S1). */
  readonly noAccessLogBecause: string;
}

/** @example const bucket = privateBucket(this, 'Bucket', { removalPolicy: RemovalPolicy.RETAIN, noAccessLogBecause: '…' }); */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): Bucket {
  const { noAccessLogBecause, ...rest } = props;
  const bucket = new Bucket(scope, id, {
    ...rest,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
  });
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: noAccessLogBecause });
  return bucket;
}
