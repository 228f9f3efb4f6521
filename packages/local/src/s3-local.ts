/**
 * The local stand-in for S3 (docs/decisions/0051): an s3rver on a free port, path-style, holding the
 * attachments bucket in a directory (.data/s3 for `npm start`, a temporary one per test server). The
 * handlers reach it through the same @aws-sdk/client-s3 code as in AWS, pointed at it by
 * S3_ENDPOINT. Its `event` (the shape of an S3 notification) runs the attachments checker for
 * uploads under `incoming/`, as the bucket's ObjectCreated trigger does in AWS. s3rver does NOT
 * enforce a POST policy's conditions (NOTES.md): the checker measures what arrived.
 */
import { mkdirSync } from 'node:fs';
import { ATTACHMENTS_BUCKET_ENV, INCOMING_PREFIX } from '@gridpatrol/functions/attachments/bucket';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';

/**
 * The field app uploads from its own origin with the slot's form and shows photos by their links,
 * so the bucket answers CORS for POST and GET, as the CDK bucket does for the app's origin (any
 * origin here: the local app's port changes per run).
 */
const LOCAL_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/** The local attachments bucket's name (in AWS, CloudFormation generates one). */
export const LOCAL_ATTACHMENTS_BUCKET = 'gridpatrol-attachments';

export interface LocalS3 {
  readonly endpoint: string;
  /** Resolves once every check started so far has recorded its verdict. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts s3rver with the attachments bucket, points the handlers at it and runs the checker on each
 * upload; `stop` waits for checks under way, then closes it.
 *
 * @example const s3 = await startLocalS3({ dir: '.data/s3' }); ... await s3.stop();
 */
export async function startLocalS3(opts: { readonly dir: string; readonly port?: number }): Promise<LocalS3> {
  mkdirSync(opts.dir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port ?? 0,
    silent: true,
    directory: opts.dir,
    configureBuckets: [{ name: LOCAL_ATTACHMENTS_BUCKET, configs: [LOCAL_CORS] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  process.env.S3_ENDPOINT = endpoint;
  process.env[ATTACHMENTS_BUCKET_ENV] = LOCAL_ATTACHMENTS_BUCKET;

  const running = new Set<Promise<unknown>>();
  const onEvent = (event: S3Event) => {
    const uploads = (event.Records ?? []).filter(
      (r) => r.eventName.startsWith('ObjectCreated:') && r.s3.object.key.startsWith(INCOMING_PREFIX),
    );
    if (uploads.length === 0) return;
    const check = import('@gridpatrol/functions/attachments/handler')
      .then(({ handler }) => handler({ Records: uploads }))
      .catch((err: unknown) => console.error('[local] attachment check failed:', err))
      .finally(() => running.delete(check));
    running.add(check);
  };
  server.on('event', onEvent);
  const settle = async () => {
    while (running.size > 0) await Promise.all([...running]);
  };
  // Stopping twice (a server closed by a test, then by its afterAll) is one stop.
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    settle,
    stop() {
      stopped ??= (async () => {
        server.off('event', onEvent);
        await settle();
        await server.close();
      })();
      return stopped;
    },
  };
}
