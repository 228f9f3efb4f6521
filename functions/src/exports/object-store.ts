/**
 * Where exports (and grid import bodies) are written and how they are handed out: an object store,
 * written as a stream and read through a short-lived signed URL. In AWS it is the exports bucket
 * (EXPORTS_BUCKET, which CDK sets: S3 multipart upload and presigned GET). Where there is no S3, the
 * runtime injects its own stand-in with `setObjectStore`: the local server injects files under the
 * local data directory (packages/local/src/file-object-store.ts), so no Lambda bundle carries it.
 */
import { S3ObjectStore } from './s3-store';
import type { ObjectStore } from './sink';

export type { ObjectMeta, ObjectSink, ObjectStore } from './sink';

let injected: ObjectStore | undefined;

/**
 * Makes `store` the object store of this process in place of the bucket (the local runtime's
 * stand-in); no argument removes it again.
 *
 * @example setObjectStore(new LocalObjectStore(dir, server.url, secret))
 */
export function setObjectStore(store?: ObjectStore): void {
  injected = store;
}

/**
 * The object store this process writes to: the one injected, else the S3 bucket when EXPORTS_BUCKET
 * is set (as CDK sets it); neither is a configuration error (an internal 500).
 */
export function objectStore(env: NodeJS.ProcessEnv = process.env): ObjectStore {
  if (injected) return injected;
  const bucket = env.EXPORTS_BUCKET;
  if (bucket) return new S3ObjectStore(bucket);
  throw new Error('No object store for exports: set EXPORTS_BUCKET, or run under the local server.');
}
