/**
 * How `gridpatrol grid import --activate` shows the review of an activation (core GridDiff): the
 * counts first, then every blocker, then a few names of each list so the operator sees who and
 * what is concerned (GET /grid/imports/{v}/diff has them all).
 */
import type { GridDiff } from '@gridpatrol/core';

const some = (xs: readonly string[], n = 8) =>
  xs.length === 0
    ? ''
    : `: ${xs.slice(0, n).join(', ')}${xs.length > n ? `, … (${xs.length - n} more)` : ''}`;

/**
 * The diff as lines of text.
 *
 * @example formatGridDiff(diff)[0] // 'Review of version 4 against the active version 3:'
 */
export function formatGridDiff(diff: GridDiff): string[] {
  const { cells, zones, area } = diff;
  const from = diff.fromVersion ? `the active version ${diff.fromVersion}` : 'no active version';
  return [
    `Review of version ${diff.toVersion} against ${from}:`,
    `  cells     ${cells.before} → ${cells.after}: ${cells.added.length} added, ${cells.removed.length} removed, ${cells.reshaped.length} reshaped, ${cells.primaryZoneChanged.length} change primary zone`,
    `  zones     ${zones.added.length} added, ${zones.removed.length} removed${some(zones.removed)}`,
    `  area      ${(area.droppedShare * 100).toFixed(1)}% of the active area no longer covered (${Math.round(area.droppedM2)} m²; the city allows ${(area.maxDroppedShare * 100).toFixed(1)}%)`,
    `  people    ${diff.strandedPeople.length} would lose cells or zones${some(diff.strandedPeople.map((p) => p.id))}`,
    `  findings  ${diff.strandedFindings.length} open in removed cells${some(diff.strandedFindings.map((f) => f.id))}`,
    `  tasks     ${diff.strandedTasks.length} published future tasks in removed cells${some(diff.strandedTasks.map((t) => t.id))}`,
    ...(diff.blockers.length === 0
      ? ['  nothing would be stranded.']
      : ['Blockers:', ...diff.blockers.map((b) => `  ${b.path}: ${b.message}`)]),
  ];
}
