/**
 * The local stand-in for S3 (docs/decisions/0051, 0056): an s3rver on a free port, path-style,
 * holding the attachments bucket and the exports bucket in a directory (.data/s3 for `npm start`, a
 * temporary one per test server). The handlers reach both through the same @aws-sdk/client-s3 code
 * as in AWS (functions/src/s3-client.ts), pointed at it by S3_ENDPOINT. Its `event` (the shape of
 * an S3 notification) runs what the buckets' notifications run in AWS: the attachments checker for
 * uploads under `incoming/`, the grid import job for bodies under `grid-imports/`.
 *
 * Where s3rver falls short of S3, this file makes up for it: it does NOT enforce a POST policy's
 * conditions (NOTES.md: the checker measures what arrived), nor check a presigned URL's SigV4
 * signature (only its expiry), nor run lifecycle rules. The last two are stood in for below.
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GRID_IMPORTS_PREFIX } from '@gridpatrol/functions';
import { ATTACHMENTS_BUCKET_ENV, INCOMING_PREFIX } from '@gridpatrol/functions/attachments/bucket';
import { EXPORTS_BUCKET_ENV } from '@gridpatrol/functions/exports/object-store';
import { S3_ENDPOINT_ENV, s3 } from '@gridpatrol/functions/s3-client';
import type { S3Event } from 'aws-lambda';
import S3rver, { type KoaContext } from 's3rver';

/**
 * The field app uploads from its own origin with the slot's form and shows photos by their links,
 * so the bucket answers CORS for POST and GET, as the CDK bucket does for the app's origin (any
 * origin here: the local app's port changes per run).
 */
const ATTACHMENTS_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/**
 * The console fetches an export, follows the API's 303 to the presigned URL and saves the file
 * under the name its Content-Disposition gives: GET and HEAD, and those headers exposed, as
 * infra/lib/exports.ts allows the app's origin (any origin here).
 */
const EXPORTS_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>Content-Disposition</ExposeHeader><ExposeHeader>Content-Length</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/** The local attachments bucket's name (in AWS, CloudFormation generates one). */
export const LOCAL_ATTACHMENTS_BUCKET = 'gridpatrol-attachments';
/** The local exports bucket's name: exports and grid import bodies (in AWS, generated too). */
export const LOCAL_EXPORTS_BUCKET = 'gridpatrol-exports';

export interface LocalS3 {
  readonly endpoint: string;
  /** The buckets it holds, by what they are for. */
  readonly buckets: { readonly attachments: string; readonly exports: string };
  /** Resolves once every check, import job and expiry started so far has finished. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts s3rver with both buckets, points the handlers at it, runs the checker on each upload and
 * the grid import job on each import body, and expires old exports; `stop` waits for work under
 * way, then closes it.
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
    configureBuckets: [
      { name: LOCAL_ATTACHMENTS_BUCKET, configs: [ATTACHMENTS_CORS] },
      { name: LOCAL_EXPORTS_BUCKET, configs: [EXPORTS_CORS] },
    ],
  });
  // First of all middleware: s3rver would serve a forged link or an anonymous GET.
  server.middleware.unshift(refuseWhatS3Refuses);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  process.env[S3_ENDPOINT_ENV] = endpoint;
  process.env[ATTACHMENTS_BUCKET_ENV] = LOCAL_ATTACHMENTS_BUCKET;
  process.env[EXPORTS_BUCKET_ENV] = LOCAL_EXPORTS_BUCKET;

  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>, what: string) => {
    const tracked = work
      .catch((err: unknown) => console.error(`[local] ${what} failed:`, err))
      .finally(() => running.delete(tracked));
    running.add(tracked);
  };
  const onEvent = (event: S3Event) => {
    const created = (event.Records ?? []).filter((r) => r.eventName.startsWith('ObjectCreated:'));
    const inBucket = (bucket: string, prefix: string) =>
      created.filter((r) => r.s3.bucket.name === bucket && r.s3.object.key.startsWith(prefix));
    const uploads = inBucket(LOCAL_ATTACHMENTS_BUCKET, INCOMING_PREFIX);
    if (uploads.length > 0)
      track(
        import('@gridpatrol/functions/attachments/handler').then(({ handler }) =>
          handler({ Records: uploads }),
        ),
        'attachment check',
      );
    // The job's own Lambda entry, as the bucket notification of infra/lib/grid-imports.ts invokes it.
    const imports = inBucket(LOCAL_EXPORTS_BUCKET, GRID_IMPORTS_PREFIX);
    if (imports.length > 0)
      track(
        import('@gridpatrol/functions/grid-import/handler').then(({ handler }) =>
          handler({ Records: imports }),
        ),
        'grid import job',
      );
    // An export written (anything else in the exports bucket): the lifecycle rule's stand-in runs.
    const exportWritten = inBucket(LOCAL_EXPORTS_BUCKET, '').some(
      (r) => !r.s3.object.key.startsWith(GRID_IMPORTS_PREFIX),
    );
    if (exportWritten) track(expireExports(), 'exports expiry');
  };
  server.on('event', onEvent);
  await expireExports();
  const settle = async () => {
    while (running.size > 0) await Promise.all([...running]);
  };
  // Stopping twice (a server closed by a test, then by its afterAll) is one stop.
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    buckets: { attachments: LOCAL_ATTACHMENTS_BUCKET, exports: LOCAL_EXPORTS_BUCKET },
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

/**
 * Stands in for the exports bucket's lifecycle rule (infra/lib/exports.ts: objects expire a day
 * after they were written), which s3rver does not run: deletes every object of the local exports
 * bucket written before yesterday (UTC), as S3 does with a one-day rule, which rounds expiry up to the
 * next midnight UTC. Runs when the local S3 starts and after each export is written.
 *
 * @example await expireExports(new Date('2026-12-07T10:00:00Z')) // deletes what was written before 2026-12-06
 */
export async function expireExports(now = new Date()): Promise<{ deleted: number }> {
  const yesterday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1);
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await (await s3()).send(
      new ListObjectsV2Command({ Bucket: LOCAL_EXPORTS_BUCKET, ContinuationToken: token }),
    );
    const expired = (page.Contents ?? []).filter(
      (o) => o.Key && o.LastModified && o.LastModified.getTime() < yesterday,
    );
    if (expired.length > 0) {
      await (await s3()).send(
        new DeleteObjectsCommand({
          Bucket: LOCAL_EXPORTS_BUCKET,
          Delete: { Objects: expired.map((o) => ({ Key: o.Key })), Quiet: true },
        }),
      );
      deleted += expired.length;
    }
    token = page.NextContinuationToken;
  } while (token);
  return { deleted };
}

/**
 * What S3 refuses and s3rver serves: a presigned GET or HEAD whose SigV4 signature does not match
 * (s3rver checks a presigned URL's expiry, not its signature: a changed key, expiry or signature
 * would be served), and an anonymous GET or HEAD (both buckets are private). Each is S3's 403 with
 * its XML error. The signature is checked by signing the same request again with the same date and
 * lifetime (the SDK's presigner, the local credentials) and comparing.
 */
async function refuseWhatS3Refuses(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
  if ('authorization' in ctx.headers) return next();
  const query = new URL(ctx.url, 'http://s3.local').searchParams;
  if (!query.has('X-Amz-Algorithm'))
    return s3Refusal(ctx, 'AccessDenied', 'Access Denied (the local buckets are private, as in AWS)');
  if (!(await presignedSignatureMatches(ctx.method, ctx.path, query)))
    return s3Refusal(
      ctx,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  return next();
}

async function presignedSignatureMatches(method: string, path: string, query: URLSearchParams) {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  const given = query.get('X-Amz-Signature') ?? '';
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  const expiresIn = Number(query.get('X-Amz-Expires'));
  if (!match?.[1] || !match[2] || !date || !Number.isInteger(expiresIn)) return false;
  const [, y, mo, d, h, mi, s] = date.map(Number) as number[];
  const signingDate = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
  let key: string;
  try {
    key = decodeURIComponent(match[2]);
  } catch {
    return false;
  }
  const request = { Bucket: decodeURIComponent(match[1]), Key: key };
  const expected = await getSignedUrl(
    await s3(),
    method === 'HEAD' ? new HeadObjectCommand(request) : new GetObjectCommand(request),
    { expiresIn, signingDate },
  );
  const wanted = Buffer.from(new URL(expected).searchParams.get('X-Amz-Signature') ?? '');
  const provided = Buffer.from(given);
  // Every other parameter is signed: a query that differs from the one signed is refused too.
  const resigned = new URL(expected).searchParams;
  resigned.delete('X-Amz-Signature');
  const asked = new URLSearchParams(query);
  asked.delete('X-Amz-Signature');
  asked.sort();
  resigned.sort();
  return (
    asked.toString() === resigned.toString() &&
    wanted.length === provided.length &&
    timingSafeEqual(wanted, provided)
  );
}

function s3Refusal(ctx: KoaContext, code: string, message: string): void {
  ctx.status = 403;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
