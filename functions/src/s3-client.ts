/**
 * The one S3 client of a container (STYLE.md: SDK clients made once, never per request), shared by
 * the attachments bucket and the exports bucket: AWS's default chain in Lambda; locally a path-style
 * endpoint (the local s3rver, packages/local/src/s3-local.ts, which takes any key signed with its
 * own credentials) when S3_ENDPOINT is set. The same commands either way.
 *
 * The S3 SDK is loaded at its first use, never at init: most requests of a group with a photo or an
 * export route never touch S3, and loading it at every cold start cost them ~20 ms (decision 0058).
 * So nothing the Lambdas bundle may import a value from `@aws-sdk/client-s3` (or the packages built
 * on it) statically: `await s3Sdk()` and `await import(…)` instead; types are free.
 */
import type { S3Client } from '@aws-sdk/client-s3';

export type S3Sdk = typeof import('./s3-sdk');
/** The S3 SDK's commands and client class, those the functions use (s3-sdk.ts). */
export const s3Sdk = (): Promise<S3Sdk> => import('./s3-sdk');

/** The local runtime sets it to its s3rver; CDK never does. */
export const S3_ENDPOINT_ENV = 'S3_ENDPOINT';

let client: S3Client | undefined;
/** The endpoint the client was made for: a local runtime restarted on another port gets a new one. */
let clientEndpoint: string | undefined;

export async function s3(env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  const { S3Client } = await s3Sdk();
  const endpoint = env[S3_ENDPOINT_ENV];
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
