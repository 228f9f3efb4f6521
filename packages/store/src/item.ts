/**
 * Stored items carry their table and index keys beside the record they hold; readers drop them.
 * One list of those attributes, so that a new index is added in one place.
 */
import { TABLE } from './table';

const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE.partitionKey,
  TABLE.sortKey,
  ...TABLE.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  'entity',
]);

/**
 * The record an item holds: the item without its keys and its `entity` tag.
 *
 * @example recordOf({ pk: 'FINDING#F-1', sk: 'FINDING', entity: 'finding', id: 'F-1' }) // { id: 'F-1' }
 */
export function recordOf(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(k)) out[k] = v;
  return out;
}
