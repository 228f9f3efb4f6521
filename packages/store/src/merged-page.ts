import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import { decodeAfterCursor, encodeAfterCursor, type Page } from './cursor';

export interface MergedPageOptions {
  /** gsi1 partitions whose union is the list. */
  readonly pks: readonly string[];
  /** Restricts the sort keys to those starting with this (e.g. a role or a state); all otherwise. */
  readonly prefix?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/**
 * A page of the union of several gsi1 partitions, in sort-key order, each sort key once. Every
 * partition is read from the cursor on with the page's limit and the results merged, so a page costs
 * one Query per partition however long the list. Sort keys must use only characters between '!' and
 * '~' (ids, roles, states and ISO instants do): `after!` is then the first key after `after`, and
 * `prefix~` the last key of a prefix. The cursor is bound to the list it came from.
 *
 * @example await mergedIndexPage({ pks: ['PEOPLE#CELL#C-1', 'PEOPLE#CELL#C-2'], prefix: 'grid_worker#', limit: 50 }, toRecord)
 */
export async function mergedIndexPage<T>(
  opts: MergedPageOptions,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const list = createHash('sha256')
    .update(JSON.stringify([opts.pks, opts.prefix ?? '']))
    .digest('base64url')
    .slice(0, 16);
  const after = decodeAfterCursor(opts.cursor, list);
  const low = opts.prefix ?? '!';
  const lo = after !== undefined && `${after}!` > low ? `${after}!` : low;
  const hi = opts.prefix ? `${opts.prefix}~` : '~';
  const pages = await Promise.all(
    opts.pks.map((pk) =>
      documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi },
          Limit: opts.limit,
        }),
      ),
    ),
  );
  const bySk = new Map<string, Record<string, unknown>>();
  for (const page of pages) for (const item of page.Items ?? []) bySk.set(String(item.gsi1sk), item);
  const taken = [...bySk.keys()].sort().slice(0, opts.limit);
  const more = bySk.size > opts.limit || pages.some((p) => p.LastEvaluatedKey !== undefined);
  const items = taken.flatMap((sk) => {
    const item = bySk.get(sk);
    return item ? [toItem(item)] : [];
  });
  const last = taken[taken.length - 1];
  return { items, ...(more && last !== undefined ? { cursor: encodeAfterCursor(list, last) } : {}) };
}
