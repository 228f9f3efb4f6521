/**
 * The exports bucket: each export is one multipart upload fed from a stream (at most `queueSize`
 * parts of `partSize` in memory, whatever the file's size), handed out as a presigned GET URL. The
 * bucket's lifecycle rule deletes exports after a day (infra/lib/exports.ts; locally a stand-in in
 * packages/local/src/s3-local.ts). Its client is the container's one (../s3-client.ts).
 */
import { PassThrough } from 'node:stream';
import { s3, s3Sdk } from '../s3-client';
import { contentDisposition, type ObjectMeta, type ObjectSink, type ObjectStore, streamSink } from './sink';

/** S3's smallest part is 5 MiB; 8 MiB parts make a 30 MB export four parts, uploaded as they fill. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

export class S3ObjectStore implements ObjectStore {
  constructor(readonly bucket: string) {}

  writeStream(key: string, meta: ObjectMeta): ObjectSink {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    // The upload starts once the SDK is loaded (../s3-client.ts); the stream holds what is written
    // meanwhile, as it would while a part is in flight.
    const upload = Promise.all([import('@aws-sdk/lib-storage'), s3()]).then(
      ([{ Upload }, client]) =>
        new Upload({
          client,
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
        }),
    );
    return streamSink(
      body,
      upload.then((u) => u.done()),
      async () => (await upload).abort(),
    );
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    const { PutObjectCommand } = await s3Sdk();
    await (await s3()).send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<string> {
    const { GetObjectCommand } = await s3Sdk();
    const out = await (await s3()).send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return out.Body.transformToString('utf8');
  }

  async remove(key: string): Promise<void> {
    const { DeleteObjectCommand } = await s3Sdk();
    await (await s3()).send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignedUrl(key: string, expiresAt: Date): Promise<string> {
    const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 1000));
    const [{ GetObjectCommand }, { getSignedUrl }, client] = await Promise.all([
      s3Sdk(),
      import('@aws-sdk/s3-request-presigner'),
      s3(),
    ]);
    return getSignedUrl(client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }
}
