/**
 * TransactWriteItems with the retry DynamoDB asks for. A transaction is cancelled as a whole when
 * another transaction is writing one of its items at that moment (`TransactionConflict`): the
 * city's counter item is in every report, so under load two reports meet there although neither
 * did anything wrong. Those are retried a few times with jitter; a failed condition (the
 * caller's to interpret: a stale version, an id already taken) is never retried.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client';
import type { TransactItem } from './counters';

/** Attempts in all, and the base of the jittered back-off between them (ms). */
const ATTEMPTS = 4;
const BACKOFF_MS = 15;

const RETRYABLE = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Cancelled only because of other writers or throttling: no condition of ours failed. */
export function cancelledByContention(err: TransactionCanceledException): boolean {
  const codes = (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.some((c) => RETRYABLE.has(c)) && codes.every((c) => c === 'None' || RETRYABLE.has(c));
}

/**
 * Sends one transaction, retrying contention; any other cancellation (or contention that outlasts
 * the attempts) is thrown as it came, for the caller to map.
 *
 * @example await transactWrite([{ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } }, ...counterUpdates(d, table)])
 */
export async function transactWrite(items: TransactItem[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      if (
        !(err instanceof TransactionCanceledException) ||
        !cancelledByContention(err) ||
        attempt >= ATTEMPTS
      )
        throw err;
      const wait = BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
