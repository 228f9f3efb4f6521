/** How the move of events to their own partitions (0040) reads to an operator (CLI and `npm start`). */
import { type Say, sayInEnglish } from '@gridpatrol/core';
import type { EventMoveReport } from '@gridpatrol/store';

/**
 * @example formatEventMove({ found: 3, copied: 3, complete: true }) // 'Finding and task events: 3 found …'
 */
export function formatEventMove(r: EventMoveReport, say: Say = sayInEnglish): string {
  const lines = [say('cli.events.moved', { found: r.found, copied: r.copied })];
  if (!r.complete) lines.push(say('cli.events.stopped'));
  return lines.join('\n');
}
