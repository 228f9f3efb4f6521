/**
 * The presigned POST of an upload slot: what the browser or phone sends the photo with, straight to
 * the bucket. Its conditions are S3's to enforce (the local s3rver does not: the checker measures
 * again, docs/decisions/0051): the key is the server's, the Content-Type the one declared, the size
 * 1 byte to MAX_PHOTO_BYTES.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type Attachment, MAX_PHOTO_BYTES } from '@gridpatrol/core';

/** How long a slot's form may be used: long enough for a slow upload on a field connection. */
export const SLOT_SECONDS = 15 * 60;

/** The policy's conditions, on their own so that a unit test can read what S3 will be told. */
export const uploadConditions = (a: Pick<Attachment, 'objectKey' | 'contentType'>) =>
  [
    ['content-length-range', 1, MAX_PHOTO_BYTES],
    ['eq', '$Content-Type', a.contentType],
    ['eq', '$key', a.objectKey],
  ] as const;

/** The form of one slot: URL, fields (key, type, policy, signature) and when it stops working. */
export async function uploadForm(client: S3Client, bucket: string, a: Attachment, now: Date) {
  // Loaded here, not at init: it carries the S3 SDK (../s3-client.ts).
  const { createPresignedPost } = await import('@aws-sdk/s3-presigned-post');
  const post = await createPresignedPost(client, {
    Bucket: bucket,
    Key: a.objectKey,
    Conditions: uploadConditions(a).map((c) => [...c]) as never,
    Fields: { 'Content-Type': a.contentType },
    Expires: SLOT_SECONDS,
  });
  return {
    url: post.url,
    fields: post.fields,
    expiresAt: new Date(now.getTime() + SLOT_SECONDS * 1000).toISOString(),
    maxBytes: MAX_PHOTO_BYTES,
  };
}
