/**
 * One retry budget per request (docs/decisions/0029-retry-budget-and-fault-proxy.md). DynamoDB says
 * "not now" in several ways: throttling (ProvisionedThroughputExceeded, Throttling,
 * RequestLimitExceeded), a single write meeting a transaction (TransactionConflictException), a
 * transaction cancelled because another one held an item or an item was throttled, and a connection
 * that broke or timed out. All of them are retried with full-jitter exponential back-off by two
 * layers that draw on the same budget: the SDK's retry strategy of the one client (everything the
 * SDK can retry by itself, resending the very same request) and `transactWrite` (cancelled
 * transactions, which the SDK never retries). The budget is the time spent on failed attempts and
 * back-off, and a request deadline below the function's timeout that no attempt may start after;
 * when either is spent, the last error goes up and the HTTP chain answers 503 with Retry-After.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const RETRY_BUDGET = {
  /** Full jitter: the n-th retry waits uniformly in [0, min(cap, base × 2^n)). */
  baseMs: 25,
  capMs: 1_000,
  /** Failed attempts plus back-off one request may spend before it gives up (503). */
  spendMs: 5_000,
  /** Kept back from the function's remaining time: the answer must still be written. */
  marginMs: 500,
} as const;

/**
 * The wait before retry number `retry` (0 for the first retry).
 *
 * @example fullJitterBackoff(3, () => 0.5) // 100: half of min(1000, 25 × 2³)
 */
export function fullJitterBackoff(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_BUDGET.capMs, RETRY_BUDGET.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** What one request has left to retry with. */
export interface RequestBudget {
  /** Epoch ms after which no attempt starts (Infinity outside a function with a timeout). */
  readonly deadline: number;
  /** Failed attempts and back-off so far (ms). */
  spentMs: number;
  /** Retries so far, of any call of the request. */
  retries: number;
}

/** Thrown instead of starting an attempt past the request's deadline; the chain makes it a 503. */
export class RequestDeadlineExceeded extends Error {
  constructor() {
    super('The request deadline passed before DynamoDB could be called again.');
    this.name = 'RequestDeadlineExceeded';
  }
}

const current = new AsyncLocalStorage<RequestBudget>();

/**
 * The request's deadline: its function's remaining time, less one DynamoDB attempt at its worst
 * (`worstAttemptMs`: the attempt may start just before the deadline and must end before the
 * timeout) and a margin for answering.
 *
 * @example requestDeadline(10_000, 2_500, 0) // 7_000: a 10 s function, attempts of at most 2.5 s
 */
export function requestDeadline(remainingMs: number, worstAttemptMs: number, now = Date.now()): number {
  return now + remainingMs - worstAttemptMs - RETRY_BUDGET.marginMs;
}

/** Runs one request with a budget of its own; calls made outside one get a budget per call. */
export function withRequestBudget<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  return current.run({ deadline, spentMs: 0, retries: 0 }, fn);
}

/** The budget of the running request, or a fresh one for a caller outside a request (CLI, jobs). */
export function requestBudget(): RequestBudget {
  return current.getStore() ?? { deadline: Number.POSITIVE_INFINITY, spentMs: 0, retries: 0 };
}

/**
 * Books a failed attempt that lasted `attemptMs` and, when the budget allows another attempt after
 * `waitMs`, books that wait too and says yes.
 *
 * @example mayRetry({ deadline: Infinity, spentMs: 4_900, retries: 9 }, 50, 80) // false: 5,030 ms > 5,000
 */
export function mayRetry(
  budget: RequestBudget,
  attemptMs: number,
  waitMs: number,
  now = Date.now(),
): boolean {
  budget.spentMs += attemptMs;
  if (budget.spentMs + waitMs > RETRY_BUDGET.spendMs || now + waitMs > budget.deadline) return false;
  budget.spentMs += waitMs;
  budget.retries++;
  return true;
}

/** The SDK's view of an error, as its retry middleware hands it to a strategy. */
interface RetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  error?: { name?: string };
}

class BudgetToken {
  constructor(
    readonly budget: RequestBudget,
    private readonly count: number,
    private readonly delay: number,
    /** When the attempt this token allows begins (after its back-off). */
    readonly attemptStartsAt: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * The SDK's retry strategy, on the request's budget: it retries what the SDK's standard strategy
 * retries (throttling, timeouts, broken connections, 5xx) and TransactionConflictException (a single
 * write refused because a transaction held its item: nothing was written). The SDK resends the same
 * serialised request, so a TransactWriteItems keeps its ClientRequestToken and a retry of one that
 * committed but lost its answer is answered "done" without writing again (DynamoDB, and DynamoDB
 * Local: checked). No retry quota: the deadline already bounds what one request can add to a storm.
 */
export class RequestBudgetRetryStrategy {
  readonly mode = 'standard';

  async acquireInitialRetryToken(_scope: string): Promise<BudgetToken> {
    const budget = requestBudget();
    const now = Date.now();
    if (now > budget.deadline) throw new RequestDeadlineExceeded();
    return new BudgetToken(budget, 0, 0, now);
  }

  async refreshRetryTokenForRetry(token: BudgetToken, info: RetryErrorInfo): Promise<BudgetToken> {
    const retryable =
      info.errorType === 'THROTTLING' ||
      info.errorType === 'TRANSIENT' ||
      info.error?.name === 'TransactionConflictException';
    const now = Date.now();
    const wait = fullJitterBackoff(token.getRetryCount());
    if (!retryable || !mayRetry(token.budget, now - token.attemptStartsAt, wait, now))
      throw new Error('retry budget spent'); // the SDK then throws the call's own last error
    return new BudgetToken(token.budget, token.getRetryCount() + 1, wait, now + wait);
  }

  recordSuccess(_token: BudgetToken): void {}
}
