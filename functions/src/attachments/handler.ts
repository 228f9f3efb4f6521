/**
 * The checker's Lambda: the attachments bucket's ObjectCreated notification (filtered to
 * `incoming/` in CDK, infra/lib/attachments.ts) runs `checkUpload` for each object. A failure is
 * thrown, so S3's asynchronous invocation retries it and then sends it to the dead-letter queue.
 */
import type { S3Event } from 'aws-lambda';
import { checkUpload } from './check';

export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records ?? []) {
    // S3 writes keys form-encoded in events: a space is '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    await checkUpload(key);
  }
}
