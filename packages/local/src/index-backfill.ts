/** How the backfill of the city-wide finding index reads to an operator (CLI and `npm start`). */
import type { IndexBackfillReport } from '@gridpatrol/store';

/**
 * @example formatIndexBackfill(report) // 'City-wide finding index: 3 finding(s) lacked its keys ...'
 */
export function formatIndexBackfill(r: IndexBackfillReport): string {
  const lines = [
    `City-wide finding index: ${r.found} finding(s) lacked its keys (${r.zonePartitions} zone partition(s) read); ` +
      `${r.updated} given them, ${r.unzonedCounted} of those zone-less and now counted in 'unzoned'.`,
  ];
  if (r.changedMeanwhile > 0)
    lines.push(`${r.changedMeanwhile} changed meanwhile and got their keys from that write.`);
  if (r.unreadable > 0)
    lines.push(
      `${r.unreadable} item(s) do not read as a finding and were left as they are: ${r.unreadableIds.join(', ')}`,
    );
  if (!r.complete) lines.push('Stopped at the limit of updates: run it again to go on.');
  return lines.join('\n');
}
