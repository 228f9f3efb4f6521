/**
 * Which SDK errors mean "the database cannot serve this now, try again shortly" (HTTP 503 with
 * Retry-After) rather than a bug (500): it could not be reached, it timed out, it throttled or other
 * writers held our items past the request's retry budget (retry-budget.ts), or DynamoDB itself
 * failed. The HTTP chain asks this; the store stays HTTP-free.
 */
import { cancelledByContention } from './transact';

/** Error names DynamoDB and the SDK give these cases. */
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // A single write that met a transaction on its item, past the retry budget.
  'TransactionConflictException',
  // The request's deadline came before the database answered.
  'RequestDeadlineExceeded',
]);

/** Node's codes for a connection that could not be made or broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * @example isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // true
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 3) return false;
  const e = err as SdkLikeError;
  if (typeof e.name === 'string' && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) return true;
  // A DynamoDB answer with a 5xx status: the service failed, not the request.
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500 && status < 600) return true;
  // Cancelled by throttling or other writers only, past the retry budget: nothing of ours failed.
  if (cancelledByContention(err)) return true;
  if (err instanceof AggregateError)
    return err.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
  return isDatabaseUnavailable(e.cause, depth + 1);
}
