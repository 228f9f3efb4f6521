import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import { decodeAfterCursor, encodeAfterCursor, type Page } from './cursor';

/** One sorted stretch of an index partition: sort keys from `lo` to `hi`, both included. */
export interface IndexRange {
  readonly pk: string;
  readonly lo: string;
  readonly hi: string;
}

export interface MergedRangeOptions {
  /** An index whose keys are `<name>pk` / `<name>sk`. */
  readonly index: 'gsi1' | 'gsi4' | 'gsi5';
  readonly ranges: readonly IndexRange[];
  /** A FilterExpression over the items' own attributes (its names and values start with `#f` / `:f`). */
  readonly filter?: {
    readonly expression: string;
    readonly names: Record<string, string>;
    readonly values: Record<string, unknown>;
  };
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/**
 * A page of the union of several index ranges, in sort-key order, each sort key once. Every range
 * is read from the cursor on with the page's limit and the results merged, so a page costs one
 * Query per range however long the list. Sort keys must use only characters between '!' and '~'
 * (ids, roles, states and ISO instants do): `after!` is then the first key after `after`. The cursor
 * is bound to the list it came from.
 *
 * With a filter, a range may stop early having matched fewer items than the limit: a round then
 * ends at the first such stop (the frontier), since a range stopped there may still hold items that
 * sort before the other ranges' later ones. Rather than answer a short (or empty) page with a cursor,
 * the page reads on from the frontier, FILTERED_READ items per range a round, until it is full or
 * the list ends; after FILTERED_ROUNDS rounds it answers what it has, with the cursor.
 */
export async function mergedRangePage<T>(
  opts: MergedRangeOptions,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  let page = await mergedRound(opts, toItem, opts.limit);
  if (!opts.filter) return page;
  const items = [...page.items];
  for (let round = 1; round < FILTERED_ROUNDS && page.cursor && items.length < opts.limit; round++) {
    const limit = opts.limit - items.length;
    page = await mergedRound({ ...opts, cursor: page.cursor, limit }, toItem, Math.max(limit, FILTERED_READ));
    items.push(...page.items);
  }
  return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/**
 * A selective filter (overdue among many open cases) matches few of the items a Query reads: read
 * this many per range and round, up to this many rounds (at most 1 MB each) for one page.
 */
const FILTERED_READ = 100;
const FILTERED_ROUNDS = 10;

/** One round: every range read once, `read` items at most each, merged up to the frontier. */
async function mergedRound<T>(
  opts: MergedRangeOptions,
  toItem: (item: Record<string, unknown>) => T,
  read: number,
): Promise<Page<T>> {
  const skName = `${opts.index}sk`;
  const list = createHash('sha256')
    .update(JSON.stringify([opts.index, opts.ranges, opts.filter ?? null]))
    .digest('base64url')
    .slice(0, 16);
  const after = decodeAfterCursor(opts.cursor, list);
  const reads = opts.ranges
    .map((r) => ({ ...r, lo: after !== undefined && `${after}!` > r.lo ? `${after}!` : r.lo }))
    .filter((r) => r.lo <= r.hi);
  const pages = await Promise.all(
    reads.map((r) =>
      documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: opts.index,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ...(opts.filter ? { FilterExpression: opts.filter.expression } : {}),
          ExpressionAttributeNames: { '#pk': `${opts.index}pk`, '#sk': skName, ...opts.filter?.names },
          ExpressionAttributeValues: { ':pk': r.pk, ':lo': r.lo, ':hi': r.hi, ...opts.filter?.values },
          Limit: read,
        }),
      ),
    ),
  );
  const bySk = new Map<string, Record<string, unknown>>();
  let frontier: string | undefined;
  for (const page of pages) {
    for (const item of page.Items ?? []) bySk.set(String(item[skName]), item);
    const stop = page.LastEvaluatedKey?.[skName];
    if (stop !== undefined && (frontier === undefined || String(stop) < frontier)) frontier = String(stop);
  }
  const sorted = [...bySk.keys()].sort().filter((sk) => frontier === undefined || sk <= frontier);
  const taken = sorted.slice(0, opts.limit);
  const items = taken.flatMap((sk) => {
    const item = bySk.get(sk);
    return item ? [toItem(item)] : [];
  });
  const full = taken.length === opts.limit && sorted.length > opts.limit;
  const resumeAt = full || frontier === undefined ? taken[taken.length - 1] : frontier;
  const more = full || frontier !== undefined;
  return { items, ...(more && resumeAt !== undefined ? { cursor: encodeAfterCursor(list, resumeAt) } : {}) };
}

export interface MergedPageOptions {
  /** gsi1 partitions whose union is the list. */
  readonly pks: readonly string[];
  /** Restricts the sort keys to those starting with this (e.g. a role or a state); all otherwise. */
  readonly prefix?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/**
 * A page of the union of several whole gsi1 partitions (or of the keys under one prefix in each).
 *
 * @example await mergedIndexPage({ pks: ['PEOPLE#CELL#C-1', 'PEOPLE#CELL#C-2'], prefix: 'grid_worker#', limit: 50 }, toRecord)
 */
export function mergedIndexPage<T>(
  opts: MergedPageOptions,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const lo = opts.prefix ?? '!';
  const hi = opts.prefix ? `${opts.prefix}~` : '~';
  return mergedRangePage(
    { index: 'gsi1', ranges: opts.pks.map((pk) => ({ pk, lo, hi })), cursor: opts.cursor, limit: opts.limit },
    toItem,
  );
}
