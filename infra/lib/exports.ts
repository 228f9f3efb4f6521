/**
 * The exports bucket of one city: where GET /exports/* writes its files, handed out by presigned
 * URLs (docs/decisions/0016-exports.md). Private (every public access blocked, owner-enforced
 * objects, TLS only), encrypted at rest, and an export lives one day: a lifecycle rule deletes it,
 * and any multipart upload left unfinished. A download link is valid 15 minutes, so a day is ample.
 */
import { EXPORTS_BUCKET_ENV } from '@gridpatrol/functions/exports/object-store';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bucketObjectsFinding, privateBucket } from './private-bucket';

/** The environment variable naming the bucket: functions/src/exports/object-store.ts owns the name. */
export { EXPORTS_BUCKET_ENV };

export interface GridPatrolExportsProps {
  /**
   * Browser origins that may fetch an export after the API's redirect (the city config's
   * cors.allowOrigins); none: only non-browser clients and top-level navigation.
   * @default []
   */
  readonly allowOrigins?: readonly string[];
  /**
   * How long an export is kept.
   * @default Duration.days(1)
   */
  readonly expiration?: Duration;
  /**
   * What happens to the bucket when the stack goes: kept, as the table is (it holds findings' data
   * until the lifecycle rule empties it, and a non-empty bucket cannot be deleted anyway).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class GridPatrolExports extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: GridPatrolExportsProps = {}) {
    super(scope, id);
    const expiration = props.expiration ?? Duration.days(1);
    // No bucketName: CloudFormation generates one, so cities never collide.
    this.bucket = privateBucket(this, 'Bucket', {
      lifecycleRules: [
        { id: 'expire-exports', expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      cors:
        props.allowOrigins && props.allowOrigins.length > 0
          ? [
              {
                allowedOrigins: [...props.allowOrigins],
                allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
                allowedHeaders: ['*'],
                exposedHeaders: ['content-disposition', 'content-length'],
                maxAge: 600,
              },
            ]
          : undefined,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      noAccessLogBecause:
        'Objects live a day and only our functions write them; every download is a presigned GET issued by a logged API request (API access log + function log), so S3 access logs would add a bucket without adding an answer.',
    });
  }

  /**
   * Lets a function write exports and sign download links: it puts objects (multipart included,
   * and aborts them) and gets them (a presigned GET is only as good as its signer's right to GET),
   * and is told the bucket's name. Nothing else: no listing, no deleting.
   */
  bindWriter(fn: LambdaFunction): void {
    // Named, not grantPut's s3:PutObject* and s3:Abort*: a multipart upload needs only these.
    const statement = new PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
      resources: [this.bucket.arnForObjects('*')],
    });
    fn.addToRolePolicy(statement);
    Validations.of(fn).acknowledge({
      id: bucketObjectsFinding(this.bucket, '*'),
      reason:
        "The exports bucket's objects: an export's key is made per request (`<date>/<random id>.<ext>`), so no narrower ARN exists at deploy time.",
    });
    fn.addEnvironment(EXPORTS_BUCKET_ENV, this.bucket.bucketName);
  }

  /**
   * Lets pages of `origin` read exports: the console fetches an export, follows the API's redirect
   * to the presigned URL and saves the file, a cross-origin read (the app's origin is known only once
   * the distribution exists, after this bucket).
   */
  allowBrowserOrigin(origin: string): void {
    this.bucket.addCorsRule({
      allowedOrigins: [origin],
      allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
      allowedHeaders: ['*'],
      exposedHeaders: ['content-disposition', 'content-length'],
      maxAge: 600,
    });
  }
}
