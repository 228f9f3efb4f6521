/**
 * One DynamoDB document client per process, created at module scope so that a warm Lambda
 * container reuses its connections. `DYNAMODB_ENDPOINT` points it at DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * How long one attempt may wait: to connect, and for the next byte of an answer. The SDK's default
 * is to wait for ever, so a vanished database held a request until the Lambda (10 s) or API (30 s)
 * timeout. With the SDK's 3 attempts and its backoff, 3 × (1 s + 1.5 s) stays under the shortest
 * function timeout (10 s), so the caller gets our 503. This SDK only logs a request timeout unless
 * told to throw (throwOnRequestTimeout). DynamoDB answers in milliseconds; DynamoDB Local on a busy laptop can
 * take seconds for a large batch, so a local endpoint gets 5 s (3 × 6 s under the local server's
 * 30 s). DYNAMODB_REQUEST_TIMEOUT_MS overrides either.
 */
export const DYNAMODB_TIMEOUTS = {
  connectionTimeout: 1_000,
  requestTimeout: 1_500,
  localRequestTimeout: 5_000,
} as const;

function requestHandlerOptions(endpoint: string | undefined) {
  const configured = Number(process.env.DYNAMODB_REQUEST_TIMEOUT_MS);
  const requestTimeout =
    Number.isInteger(configured) && configured > 0
      ? configured
      : endpoint
        ? DYNAMODB_TIMEOUTS.localRequestTimeout
        : DYNAMODB_TIMEOUTS.requestTimeout;
  return {
    connectionTimeout: DYNAMODB_TIMEOUTS.connectionTimeout,
    requestTimeout,
    throwOnRequestTimeout: true,
  };
}

export function makeDynamoClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  return new DynamoDBClient({
    requestHandler: requestHandlerOptions(endpoint),
    ...(endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          // DynamoDB Local runs with -sharedDb, so any credentials see the same data.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
}

export function makeDocumentClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(makeDynamoClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

let shared: { client: DynamoDBDocumentClient; endpoint: string | undefined } | undefined;

/**
 * The process-wide client; made on first use so that tests can set the endpoint first, and made
 * again if the endpoint changes (a test putting its server behind a fault proxy).
 */
export function documentClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!shared || shared.endpoint !== endpoint) shared = { client: makeDocumentClient(endpoint), endpoint };
  return shared.client;
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}
