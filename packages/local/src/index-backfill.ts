/** How the backfill of the city-wide finding index reads to an operator (CLI and `npm start`). */
import { type Say, sayInEnglish } from '@gridpatrol/core';
import type { IndexBackfillReport } from '@gridpatrol/store';

/**
 * @example formatIndexBackfill(report) // 'City-wide finding index: 3 finding(s) lacked its keys ...'
 */
export function formatIndexBackfill(r: IndexBackfillReport, say: Say = sayInEnglish): string {
  const lines = [
    say('cli.backfill.summary', {
      found: r.found,
      partitions: r.zonePartitions,
      updated: r.updated,
      unzoned: r.unzonedCounted,
    }),
  ];
  if (r.changedMeanwhile > 0) lines.push(say('cli.backfill.changedMeanwhile', { count: r.changedMeanwhile }));
  if (r.unreadable > 0)
    lines.push(say('cli.backfill.unreadable', { count: r.unreadable, ids: r.unreadableIds.join(', ') }));
  if (!r.complete) lines.push(say('cli.backfill.stopped'));
  return lines.join('\n');
}
