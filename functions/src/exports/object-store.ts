/**
 * Where exports (and grid import bodies) are written and how they are handed out: the exports
 * bucket, written as a stream (S3 multipart upload) and read through a presigned GET. The bucket is
 * named by EXPORTS_BUCKET: CDK sets it in AWS, the local runtime sets it to the exports bucket of its
 * s3rver (packages/local/src/s3-local.ts, with S3_ENDPOINT): the same code either way.
 */
import { S3ObjectStore } from './s3-store';
import type { ObjectStore } from './sink';

export type { ObjectMeta, ObjectSink, ObjectStore } from './sink';

/** The environment variable naming the exports bucket (infra/lib/exports.ts sets it). */
export const EXPORTS_BUCKET_ENV = 'EXPORTS_BUCKET';

/**
 * The object store this process writes to: the exports bucket; no EXPORTS_BUCKET is a configuration
 * error (an internal 500).
 *
 * @example await objectStore().put('grid-imports/000004-….json', body, 'application/json')
 */
export function objectStore(env: NodeJS.ProcessEnv = process.env): ObjectStore {
  const bucket = env[EXPORTS_BUCKET_ENV];
  if (bucket) return new S3ObjectStore(bucket);
  throw new Error(`No object store for exports: set ${EXPORTS_BUCKET_ENV}.`);
}
