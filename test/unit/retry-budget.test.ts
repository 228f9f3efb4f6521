/**
 * The retry budget's arithmetic (decision 0029): full-jitter back-off, the request deadline that keeps
 * one worst attempt clear of the function's timeout, the budget's booking, which errors are
 * contention, and what the SDK strategy built on it retries.
 */
import { errorToResponse } from '@gridpatrol/functions/http/errors';
import {
  cancelledByContention,
  DYNAMODB_TIMEOUTS,
  fullJitterBackoff,
  mayRetry,
  RETRY_BUDGET,
  RequestBudgetRetryStrategy,
  RequestDeadlineExceeded,
  requestDeadline,
  withRequestBudget,
  worstAttemptMs,
} from '@gridpatrol/store';
import { describe, expect, it } from 'vitest';

describe('full-jitter back-off', () => {
  it('waits uniformly below min(cap, base × 2^retry)', () => {
    expect(fullJitterBackoff(0, () => 0)).toBe(0);
    expect(fullJitterBackoff(0, () => 0.999)).toBe(RETRY_BUDGET.baseMs - 1);
    expect(fullJitterBackoff(3, () => 0.5)).toBe(100);
    expect(fullJitterBackoff(20, () => 0.999)).toBe(RETRY_BUDGET.capMs - 1);
  });

  it('spreads its waits over the whole range (no two clients in step)', () => {
    const waits = Array.from({ length: 2_000 }, () => fullJitterBackoff(4));
    const ceiling = RETRY_BUDGET.baseMs * 2 ** 4;
    expect(Math.min(...waits)).toBeLessThan(ceiling * 0.05);
    expect(Math.max(...waits)).toBeGreaterThan(ceiling * 0.95);
    expect(Math.max(...waits)).toBeLessThan(ceiling);
  });
});

describe('the layers add up', () => {
  const AWS_ATTEMPT = DYNAMODB_TIMEOUTS.connectionTimeout + DYNAMODB_TIMEOUTS.requestTimeout;
  const FUNCTION_TIMEOUT = 10_000; // GridPatrolFunction's default (infra/lib/function.ts), findings and tasks

  it('no attempt starts after the deadline, and one started just before it still ends inside the function timeout', () => {
    const deadline = requestDeadline(FUNCTION_TIMEOUT, AWS_ATTEMPT, 0);
    expect(deadline).toBe(7_000);
    expect(deadline + AWS_ATTEMPT + RETRY_BUDGET.marginMs).toBe(FUNCTION_TIMEOUT);
    // The retry budget ends before the deadline in a function of the default size.
    expect(RETRY_BUDGET.spendMs).toBeLessThanOrEqual(deadline);
  });

  it('a local endpoint gets its slower attempts and the local server’s 30 s', () => {
    expect(worstAttemptMs('http://127.0.0.1:8000')).toBe(
      DYNAMODB_TIMEOUTS.connectionTimeout + DYNAMODB_TIMEOUTS.localRequestTimeout,
    );
    expect(worstAttemptMs(undefined)).toBe(AWS_ATTEMPT);
    expect(requestDeadline(30_000, worstAttemptMs('http://x'), 0)).toBe(23_500);
  });
});

describe('booking the budget', () => {
  it('books a failed attempt and its wait, and refuses once the spend would pass the budget', () => {
    const budget = { deadline: Number.POSITIVE_INFINITY, spentMs: 0, retries: 0 };
    expect(mayRetry(budget, 100, 50, 0)).toBe(true);
    expect(budget).toEqual({ deadline: Number.POSITIVE_INFINITY, spentMs: 150, retries: 1 });
    budget.spentMs = RETRY_BUDGET.spendMs - 100;
    expect(mayRetry(budget, 60, 50, 0)).toBe(false);
    expect(budget.retries).toBe(1);
  });

  it('refuses a wait that would end past the deadline, whatever is left of the spend', () => {
    const budget = { deadline: 1_000, spentMs: 0, retries: 0 };
    expect(mayRetry(budget, 0, 200, 900)).toBe(false);
    expect(mayRetry(budget, 0, 50, 900)).toBe(true);
  });
});

describe('what counts as contention', () => {
  const cancelled = (...codes: string[]) => ({
    name: 'TransactionCanceledException',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

  it('a cancellation by other writers or throttling only', () => {
    expect(cancelledByContention(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(cancelledByContention(cancelled('ThrottlingError', 'None'))).toBe(true);
    expect(cancelledByContention(cancelled('ProvisionedThroughputExceeded'))).toBe(true);
    expect(cancelledByContention(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(cancelledByContention(cancelled('None', 'None'))).toBe(false);
    expect(cancelledByContention(cancelled('ValidationError'))).toBe(false);
  });

  it('past the budget is a 503 with Retry-After, never a 409 or a 500', () => {
    for (const err of [
      cancelled('None', 'TransactionConflict'),
      Object.assign(new Error('Transaction is ongoing for the item'), {
        name: 'TransactionConflictException',
      }),
      new RequestDeadlineExceeded(),
    ]) {
      const out = errorToResponse(err, 'r1');
      expect(out.status).toBe(503);
      expect(out.headers['retry-after']).toMatch(/^\d+$/);
    }
    expect(errorToResponse(cancelled('ConditionalCheckFailed', 'TransactionConflict'), 'r1').status).toBe(
      500,
    );
  });
});

describe('the SDK retry strategy on the request budget', () => {
  const strategy = new RequestBudgetRetryStrategy();

  it('retries throttling, transient errors and TransactionConflictException; not a client error', async () => {
    await withRequestBudget(Number.POSITIVE_INFINITY, async () => {
      const token = await strategy.acquireInitialRetryToken('');
      const next = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
      expect(next.getRetryCount()).toBe(1);
      expect(next.getRetryDelay()).toBeLessThan(RETRY_BUDGET.baseMs * 2);
      await strategy.refreshRetryTokenForRetry(next, { errorType: 'TRANSIENT' });
      await strategy.refreshRetryTokenForRetry(next, {
        errorType: 'CLIENT_ERROR',
        error: { name: 'TransactionConflictException' },
      });
      await expect(
        strategy.refreshRetryTokenForRetry(next, {
          errorType: 'CLIENT_ERROR',
          error: { name: 'ValidationException' },
        }),
      ).rejects.toThrow();
    });
  });

  it('shares one budget across the calls of a request, and starts no attempt past the deadline', async () => {
    await withRequestBudget(Number.POSITIVE_INFINITY, async () => {
      const a = await strategy.acquireInitialRetryToken('');
      await strategy.refreshRetryTokenForRetry(a, { errorType: 'THROTTLING' });
      const b = await strategy.acquireInitialRetryToken('');
      await strategy.refreshRetryTokenForRetry(b, { errorType: 'THROTTLING' });
      expect(b.budget).toBe(a.budget);
      expect(a.budget.retries).toBe(2);
    });
    await withRequestBudget(Date.now() - 1, async () => {
      await expect(strategy.acquireInitialRetryToken('')).rejects.toBeInstanceOf(RequestDeadlineExceeded);
    });
  });
});
