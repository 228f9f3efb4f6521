/**
 * Where exports are written and how they are handed out: an object store, written as a stream and
 * read through a short-lived signed URL. In AWS it is the exports bucket (EXPORTS_BUCKET, S3
 * multipart upload and presigned GET); locally, where there is no S3, files under the local data
 * directory that the local server hands out at URLs signed the same way (GRIDPATROL_EXPORTS_DIR,
 * GRIDPATROL_EXPORTS_URL, GRIDPATROL_EXPORTS_KEY; packages/local/src/server.ts sets them).
 */
import { LocalObjectStore } from './local-store';
import { S3ObjectStore } from './s3-store';
import type { ObjectStore } from './sink';

export type { ObjectMeta, ObjectSink, ObjectStore } from './sink';

/**
 * The object store this process writes exports to: the S3 bucket when EXPORTS_BUCKET is set (as CDK
 * sets it), else the local stand-in; neither is a configuration error (an internal 500).
 */
export function objectStore(env: NodeJS.ProcessEnv = process.env): ObjectStore {
  const bucket = env.EXPORTS_BUCKET;
  if (bucket) return new S3ObjectStore(bucket);
  const { GRIDPATROL_EXPORTS_DIR: dir, GRIDPATROL_EXPORTS_URL: url, GRIDPATROL_EXPORTS_KEY: key } = env;
  if (dir && url && key) return new LocalObjectStore(dir, url, Buffer.from(key, 'hex'));
  throw new Error('No object store for exports: set EXPORTS_BUCKET, or run under the local server.');
}
