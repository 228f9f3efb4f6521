/**
 * What the scheduled jobs read: the findings whose deadline or revisit date has come, from gsi3.
 * gsi3 holds a finding only while a job may still need it (keys.ts `findingDue`), so a run reads
 * what is due and never scans the table.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '@gridpatrol/core';
import { documentClient, tableName } from './client';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { findingFromItem } from './findings-repo';
import { FINDING_DUE_PARTITIONS, type FindingDueKind } from './keys';

/**
 * A page of the findings due at `now`, earliest first: one Query on the kind's gsi3 partition for
 * sort keys up to `now`. The sort key is `<instant>#<id>`, so `<now>#~` bounds it ('~' sorts above
 * every character of an id) and a finding due exactly at `now` is read too; the core rules decide
 * whether it is strictly late. The index is eventually consistent: a job re-reads a finding before
 * it writes.
 *
 * @example await findingsDue('deadline', new Date(), undefined, 100)
 */
export async function findingsDue(
  kind: FindingDueKind,
  now: Date,
  cursor?: string,
  limit = 100,
): Promise<Page<Finding>> {
  const pk = FINDING_DUE_PARTITIONS[kind];
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :hi',
      ExpressionAttributeValues: { ':pk': pk, ':hi': `${now.toISOString()}#~` },
      ExclusiveStartKey: decodeCursor(cursor, { name: 'gsi3pk', value: pk }),
      Limit: limit,
    }),
  );
  const next = encodeCursor(out.LastEvaluatedKey);
  const items = (out.Items ?? []).map(findingFromItem);
  return { items, ...(next ? { cursor: next } : {}) };
}
