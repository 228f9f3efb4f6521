/**
 * The attachments bucket as the handlers reach it: one S3 client per container (STYLE.md), the
 * bucket named by ATTACHMENTS_BUCKET (CDK sets it; the local runtime points it at its s3rver with
 * S3_ENDPOINT), and the two prefixes of docs/decisions/0051: uploads land under `incoming/` (which
 * the lifecycle rule empties after a day or two), a photo a step references is copied to `photos/`
 * (which nothing expires).
 */
import { S3Client } from '@aws-sdk/client-s3';

export const ATTACHMENTS_BUCKET_ENV = 'ATTACHMENTS_BUCKET';
/** Where an upload slot puts the photo: the only prefix the checker is triggered by. */
export const INCOMING_PREFIX = 'incoming/';
/** Where a referenced photo is kept for good. */
export const PHOTOS_PREFIX = 'photos/';

export const incomingKey = (id: string) => `${INCOMING_PREFIX}${id}`;
export const photoKey = (id: string) => `${PHOTOS_PREFIX}${id}`;

/** The attachment id an upload's key names, or undefined for any other key. */
export function idOfIncomingKey(key: string): string | undefined {
  const m = /^incoming\/(A-[0-9a-f]{32})$/.exec(key);
  return m?.[1];
}

let client: S3Client | undefined;
/** The endpoint the client was made for: a local runtime restarted on another port gets a new one. */
let clientEndpoint: string | undefined;

/**
 * The one S3 client: AWS's default chain in Lambda; a path-style endpoint (an S3-compatible server
 * such as the local s3rver, which takes any key signed with its own credentials) when S3_ENDPOINT
 * is set. The same commands either way.
 */
export function s3(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.S3_ENDPOINT;
  if (client && clientEndpoint === endpoint) return client;
  clientEndpoint = endpoint;
  client = endpoint
    ? new S3Client({
        endpoint,
        forcePathStyle: true,
        region: env.AWS_REGION ?? 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      })
    : new S3Client({});
  return client;
}

/** The bucket's name; unset is a configuration error (an internal 500). */
export function attachmentsBucket(env: NodeJS.ProcessEnv = process.env): string {
  const bucket = env[ATTACHMENTS_BUCKET_ENV];
  if (!bucket) throw new Error(`No attachments bucket: set ${ATTACHMENTS_BUCKET_ENV}.`);
  return bucket;
}
