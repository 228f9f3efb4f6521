/**
 * The two shapes every partition read here takes: one page of a partition (with a cursor bound to
 * it), or the whole of a bounded partition, page by page. Keys are named by index, so a read of the
 * table and a read of gsi1–4 are written alike. And every item of a bounded paged list.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import { decodeCursor, encodeCursor, type Page } from './cursor';

export interface PartitionRead {
  /** The table itself (undefined) or one of its indexes. */
  readonly index?: 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4' | 'gsi5';
  readonly pk: string;
  /** Only sort keys starting with this. */
  readonly prefix?: string;
  /** Only sort keys from `lo` and/or up to `hi`, both included (not with `prefix`). */
  readonly range?: { readonly lo?: string; readonly hi?: string };
  /** Attributes to return (all otherwise). */
  readonly projection?: readonly string[];
  /** Strongly consistent (the table only): a history read right after its write. */
  readonly consistent?: boolean;
  /** Newest first. */
  readonly descending?: boolean;
}

function query(r: PartitionRead, start: Record<string, unknown> | undefined, limit?: number) {
  const pkName = r.index ? `${r.index}pk` : 'pk';
  const skName = r.index ? `${r.index}sk` : 'sk';
  const names: Record<string, string> = { '#pk': pkName };
  const values: Record<string, unknown> = { ':pk': r.pk };
  let condition = '#pk = :pk';
  if (r.prefix !== undefined) {
    names['#sk'] = skName;
    values[':prefix'] = r.prefix;
    condition += ' AND begins_with(#sk, :prefix)';
  } else if (r.range?.lo !== undefined || r.range?.hi !== undefined) {
    names['#sk'] = skName;
    const { lo, hi } = r.range;
    if (lo !== undefined) values[':lo'] = lo;
    if (hi !== undefined) values[':hi'] = hi;
    condition +=
      lo !== undefined && hi !== undefined
        ? ' AND #sk BETWEEN :lo AND :hi'
        : lo !== undefined
          ? ' AND #sk >= :lo'
          : ' AND #sk <= :hi';
  }
  const projection = r.projection?.map((a, i) => {
    names[`#p${i}`] = a;
    return `#p${i}`;
  });
  return documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      ...(r.index ? { IndexName: r.index } : {}),
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
      ...(r.consistent ? { ConsistentRead: true } : {}),
      ...(r.descending ? { ScanIndexForward: false } : {}),
      ExclusiveStartKey: start,
      ...(limit !== undefined ? { Limit: limit } : {}),
    }),
  );
}

/**
 * One page of a partition, from a cursor that only this partition's reads hand out.
 *
 * @example await partitionPage({ pk: 'FINDING#F-1', prefix: 'EVENT#', consistent: true }, toEvent, cursor, 100)
 */
export async function partitionPage<T>(
  r: PartitionRead,
  toItem: (item: Record<string, unknown>) => T,
  cursor: string | undefined,
  limit: number,
): Promise<Page<T>> {
  const start = decodeCursor(cursor, { name: r.index ? `${r.index}pk` : 'pk', value: r.pk });
  const out = await query(r, start, limit);
  const next = encodeCursor(out.LastEvaluatedKey);
  return { items: (out.Items ?? []).map(toItem), ...(next ? { cursor: next } : {}) };
}

/**
 * Every item of a bounded list that is read a page at a time through its cursor (a plan's tasks,
 * the people of some offices); with `max`, no further page once it holds `max` items or more.
 *
 * @example await everyPage((cursor) => listPlanTasks(planId, cursor, 1000))
 */
export async function everyPage<T>(
  readPage: (cursor: string | undefined) => Promise<Page<T>>,
  max?: number,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await readPage(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor && (max === undefined || items.length < max));
  return items;
}

/**
 * Every item of a bounded partition (a plan's tasks, a cell's geometry parts), page by page; with
 * `max`, the first `max` only.
 *
 * @example await partitionItems({ pk: `PLAN#${id}`, prefix: 'CELL#' })
 */
export async function partitionItems(r: PartitionRead, max?: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await query(r, start, max === undefined ? undefined : max - items.length);
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && (max === undefined || items.length < max));
  return items;
}
