/**
 * TransactWriteItems with the retries the real service needs. A transaction is cancelled as a whole
 * when another transaction holds one of its items at that moment (`TransactionConflict`) or one of
 * its items is throttled: nothing of it was written, and neither says anything about our data. The
 * SDK never retries a cancellation, so this does, on the request's retry budget (retry-budget.ts);
 * a failed condition (the caller's to interpret: a stale version, an id already taken) is never
 * retried.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client';
import type { TransactItem } from './counters';
import { fullJitterBackoff, mayRetry, requestBudget } from './retry-budget';

/** Cancellation reasons that are other writers or throttling, never a condition of ours. */
const CONTENTION_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

interface CancelledLike {
  name?: unknown;
  CancellationReasons?: { Code?: string }[];
}

/**
 * Cancelled only because of other writers or throttling: no condition of ours failed.
 *
 * @example cancelledByContention({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] }) // true
 */
export function cancelledByContention(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as CancelledLike;
  if (e.name !== 'TransactionCanceledException') return false;
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return (
    codes.some((c) => CONTENTION_REASONS.has(c)) &&
    codes.every((c) => c === 'None' || CONTENTION_REASONS.has(c))
  );
}

/**
 * Sends one transaction, retrying cancellations by contention while the request's budget lasts.
 * Safe because a cancelled transaction wrote nothing and the retry checks every condition again:
 * a create is conditioned on its item not existing, a change on the version it was read at, so a
 * retry can never apply a step twice or over someone else's. Anything else (and contention that
 * outlasts the budget, which the HTTP chain answers 503) is thrown as it came, for the caller to map.
 *
 * @example await transactWrite([{ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } }, ...counterUpdates(d, table)])
 */
export async function transactWrite(items: TransactItem[]): Promise<void> {
  const budget = requestBudget();
  for (let retry = 0; ; retry++) {
    const started = Date.now();
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      if (!cancelledByContention(err)) throw err;
      const wait = fullJitterBackoff(retry);
      if (!mayRetry(budget, Date.now() - started, wait)) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
