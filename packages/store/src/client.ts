/**
 * One DynamoDB document client per process, created at module scope so that a warm Lambda
 * container reuses its connections. `DYNAMODB_ENDPOINT` points it at DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RequestBudgetRetryStrategy } from './retry-budget';

/**
 * How long one attempt may wait: to connect, and for the next byte of an answer. The SDK's default
 * is to wait for ever, so a vanished database held a request until the Lambda (10 s) or API (30 s)
 * timeout. This SDK only logs a request timeout unless told to throw (throwOnRequestTimeout).
 * DynamoDB answers in milliseconds; DynamoDB Local on a busy laptop can take seconds for a large
 * batch, so a local endpoint gets 5 s. DYNAMODB_REQUEST_TIMEOUT_MS overrides either. How many
 * attempts follow is the request's retry budget's to say (retry-budget.ts): attempts never start
 * after the request's deadline, which keeps one worst attempt (`worstAttemptMs`) clear of the
 * function's timeout.
 */
export const DYNAMODB_TIMEOUTS = {
  connectionTimeout: 1_000,
  requestTimeout: 1_500,
  localRequestTimeout: 5_000,
} as const;

function requestTimeoutFor(endpoint: string | undefined): number {
  const configured = Number(process.env.DYNAMODB_REQUEST_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0
    ? configured
    : endpoint
      ? DYNAMODB_TIMEOUTS.localRequestTimeout
      : DYNAMODB_TIMEOUTS.requestTimeout;
}

/** The longest one attempt can take against this endpoint: connecting, then waiting for bytes. */
export function worstAttemptMs(endpoint = process.env.DYNAMODB_ENDPOINT): number {
  return DYNAMODB_TIMEOUTS.connectionTimeout + requestTimeoutFor(endpoint);
}

function requestHandlerOptions(endpoint: string | undefined) {
  return {
    connectionTimeout: DYNAMODB_TIMEOUTS.connectionTimeout,
    requestTimeout: requestTimeoutFor(endpoint),
    throwOnRequestTimeout: true,
  };
}

export function makeDynamoClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  return new DynamoDBClient({
    requestHandler: requestHandlerOptions(endpoint),
    // Retries spend the request's budget; the attempts are bounded by time, not by a count.
    retryStrategy: new RequestBudgetRetryStrategy(),
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

/**
 * Runs a conditional write: true when it was written, false when its condition did not hold (then
 * nothing was written). Any other failure is thrown.
 *
 * @example await conditionalWrite(() => documentClient().send(new UpdateCommand({ …, ConditionExpression })))
 */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
