/**
 * Counter items: one item per counted area (`city`, `cell#C`, `zone#Z`, `office#O`), one number per
 * metric. Only the counter fold writes them (counters-fold.ts): ADDs of the changes of findings and
 * patrol tasks read from the table's stream, so a business transaction never holds a counter item
 * that every other write of the city also holds (docs/decisions/0028).
 */
import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterArea, Counters } from '@gridpatrol/core';
import { batchGet } from './batch';
import { recordOf } from './item';
import { keys, primaryKey } from './keys';

/** One item of a TransactWriteItems request. */
export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** One ADD per area: numbers appear on first use, so a new area needs no create step. */
export function counterUpdates(deltas: Counters, table: string): TransactItem[] {
  return Object.entries(deltas).map(([area, row]) => {
    const metrics = Object.entries(row);
    const names: Record<string, string> = { '#entity': 'entity', '#area': 'area' };
    const values: Record<string, unknown> = { ':entity': 'counter', ':area': area };
    const adds = metrics.map(([metric, n], i) => {
      names[`#m${i}`] = metric;
      values[`:m${i}`] = n;
      return `#m${i} :m${i}`;
    });
    return {
      Update: {
        TableName: table,
        Key: primaryKey(keys.counter(area)),
        UpdateExpression: `SET #entity = :entity, #area = :area${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}

/**
 * The stored counters of some areas (missing areas are left out), as core `Counters`.
 *
 * @example (await getCounters(['city'])).city?.open
 */
export async function getCounters(areas: readonly CounterArea[]): Promise<Counters> {
  const unique = [...new Set(areas)];
  const items = await batchGet(unique.map((a) => primaryKey(keys.counter(a))));
  const counters: Counters = {};
  for (const item of items) {
    if (!item) continue;
    const row: Record<string, number> = {};
    for (const [k, val] of Object.entries(recordOf(item))) if (typeof val === 'number') row[k] = val;
    counters[String(item.area)] = row;
  }
  return counters;
}
