/**
 * What the scheduled jobs read: the findings whose deadline or revisit date has come, from gsi3.
 * gsi3 holds a finding only while a job may still need it (keys.ts `findingDue`), so a run reads
 * what is due and never scans the table.
 */
import type { Finding } from '@gridpatrol/core';
import type { Page } from './cursor';
import { findingFromItem } from './findings-repo';
import { FINDING_DUE_PARTITIONS, type FindingDueKind } from './keys';
import { partitionPage } from './query';

/**
 * A page of the findings due at `now`, earliest first: one Query on the kind's gsi3 partition for
 * sort keys up to `now`. The sort key is `<instant>#<id>`, so `<now>#~` bounds it ('~' sorts above
 * every character of an id) and a finding due exactly at `now` is read too; the core rules decide
 * whether it is strictly late. The index is eventually consistent: a job re-reads a finding before
 * it writes.
 *
 * @example await findingsDue('deadline', new Date(), undefined, 100)
 */
export function findingsDue(
  kind: FindingDueKind,
  now: Date,
  cursor?: string,
  limit = 100,
): Promise<Page<Finding>> {
  const pk = FINDING_DUE_PARTITIONS[kind];
  return partitionPage(
    { index: 'gsi3', pk, range: { hi: `${now.toISOString()}#~` } },
    findingFromItem,
    cursor,
    limit,
  );
}
