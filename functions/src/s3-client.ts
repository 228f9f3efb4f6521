/**
 * The one S3 client of a container (STYLE.md: SDK clients made once, never per request), shared by
 * the attachments bucket and the exports bucket: AWS's default chain in Lambda; locally a path-style
 * endpoint (the local s3rver, packages/local/src/s3-local.ts, which takes any key signed with its
 * own credentials) when S3_ENDPOINT is set. The same commands either way.
 */
import { S3Client } from '@aws-sdk/client-s3';

/** The local runtime sets it to its s3rver; CDK never does. */
export const S3_ENDPOINT_ENV = 'S3_ENDPOINT';

let client: S3Client | undefined;
/** The endpoint the client was made for: a local runtime restarted on another port gets a new one. */
let clientEndpoint: string | undefined;

export function s3(env: NodeJS.ProcessEnv = process.env): S3Client {
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
