/**
 * What `gridpatrol people import` prints of a deactivation or reactivation. Reading and checking
 * the file is functions/src/people/import-file.ts, shared with POST /people/imports.
 */
import type { DeactivationReport, ReactivationReport } from '@gridpatrol/core';

export {
  CSV_COLUMNS,
  type ReadPeople,
  type RowProblem,
  readPeopleFile,
} from '@gridpatrol/functions/people/import-file';

/**
 * The lines `gridpatrol people import` prints for one deactivated person: every future task now
 * waiting for a reassignment, and where their cases went.
 *
 * @example formatDeactivation(report) // ['Deactivated officer-li: 2 future tasks flagged for reassignment', '  P-….2026-12-09.am.C-1  2026-12-09 am  cell C-1  as officer', …]
 */
export function formatDeactivation(r: DeactivationReport): string[] {
  const n = r.futureTasks.length;
  const lines = [
    `Deactivated ${r.personId}: ${n} future task${n === 1 ? '' : 's'} in published plans flagged for reassignment` +
      (n > 0 && r.newlyFlagged < n ? ` (${n - r.newlyFlagged} already flagged)` : ''),
    ...r.futureTasks.map((t) => `  ${t.id}  ${t.date} ${t.shift}  cell ${t.cellId}  as ${t.as}`),
  ];
  if (n > 0) lines.push('  Reassign each: POST /plans/{planId}/tasks/{taskId}/reassign');
  if (r.zonesWithoutOfficer.length > 0)
    lines.push(
      `  Zones left without an active officer: ${r.zonesWithoutOfficer.join(', ')} (${r.openFindings} open findings); ` +
        `their cases are now in the to-do of ${r.movedTo.length > 0 ? r.movedTo.join(', ') : 'nobody yet (the office has no active supervisor)'}`,
    );
  return lines;
}

/**
 * The lines `gridpatrol people import` prints for one reactivated person whose future tasks were
 * flagged for them: the flags removed, and those moved to a partner who is still deactivated.
 * Nothing when the reactivation changed no task (e.g. it was repeated).
 *
 * @example formatReactivation(report) // ['Reactivated officer-li: 2 future tasks no longer flagged for reassignment', '  P-….2026-12-09.am.C-1  2026-12-09 am  cell C-1  as officer']
 */
export function formatReactivation(r: ReactivationReport): string[] {
  if (r.cleared.length + r.stillFlagged.length === 0) return [];
  const n = r.cleared.length;
  const line = (t: ReactivationReport['cleared'][number]) =>
    `  ${t.id}  ${t.date} ${t.shift}  cell ${t.cellId}  as ${t.as}`;
  const lines = [
    `Reactivated ${r.personId}: ${n} future task${n === 1 ? '' : 's'} no longer flagged for reassignment`,
    ...r.cleared.map(line),
  ];
  if (r.stillFlagged.length > 0)
    lines.push(
      `  Still flagged, the other partner being deactivated: ${r.stillFlagged.length}`,
      ...r.stillFlagged.map((t) => `${line(t)}  (flag now names ${t.needsReassignment?.personId})`),
    );
  return lines;
}
