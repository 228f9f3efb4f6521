/**
 * The exports bucket: each export is one multipart upload fed from a stream (at most `queueSize`
 * parts of `partSize` in memory, whatever the file's size), handed out as a presigned GET URL. The
 * bucket's lifecycle rule deletes exports after a day (infra/lib/exports.ts; locally a stand-in in
 * packages/local/src/s3-local.ts). Its client is the container's one (../s3-client.ts).
 */
import { PassThrough } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '../s3-client';
import { contentDisposition, type ObjectMeta, type ObjectSink, type ObjectStore, streamSink } from './sink';

/** S3's smallest part is 5 MiB; 8 MiB parts make a 30 MB export four parts, uploaded as they fill. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

export class S3ObjectStore implements ObjectStore {
  constructor(readonly bucket: string) {}

  writeStream(key: string, meta: ObjectMeta): ObjectSink {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: s3(),
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: meta.contentType,
        ContentDisposition: contentDisposition(meta.filename),
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    return streamSink(body, upload.done(), () => upload.abort());
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await s3().send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<string> {
    const out = await s3().send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return out.Body.transformToString('utf8');
  }

  async remove(key: string): Promise<void> {
    await s3().send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  presignedUrl(key: string, expiresAt: Date): Promise<string> {
    const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 1000));
    return getSignedUrl(s3(), new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }
}
