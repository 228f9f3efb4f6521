/**
 * The attachments bucket as the handlers reach it: the container's one S3 client (../s3-client.ts), the
 * bucket named by ATTACHMENTS_BUCKET (CDK sets it; the local runtime points it at its s3rver with
 * S3_ENDPOINT), and the two prefixes of docs/decisions/0051: uploads land under `incoming/` (which
 * the lifecycle rule empties after a day or two), a photo a step references is copied to `photos/`
 * (which nothing expires).
 */
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

/** The client lives beside the exports bucket's, in one place (functions/src/s3-client.ts). */
export { s3, s3Sdk } from '../s3-client';

/** The bucket's name; unset is a configuration error (an internal 500). */
export function attachmentsBucket(env: NodeJS.ProcessEnv = process.env): string {
  const bucket = env[ATTACHMENTS_BUCKET_ENV];
  if (!bucket) throw new Error(`No attachments bucket: set ${ATTACHMENTS_BUCKET_ENV}.`);
  return bucket;
}
