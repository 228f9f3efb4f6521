/**
 * Counter items: one item per counted area (`city`, `cell#C`, `zone#Z`, `office#O`), one number per
 * metric. Findings and patrol tasks move them with ADDs inside the transaction of the change they
 * count, so a counter never runs ahead of or behind what it counts.
 */
import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '@gridpatrol/core';
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
