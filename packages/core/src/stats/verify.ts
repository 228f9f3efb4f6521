/**
 * Counter verification (issue 7, "Consistency"): the stored counters must equal a recount from the
 * findings and patrol tasks themselves. This is the pure half: merging the two recounts and listing
 * where the stored counters disagree. The store reads (which partitions, without a Scan) are in
 * packages/store/src/stats-verify.ts. See docs/decisions/0013-counter-verification.md.
 */
import {
  type CounterArea,
  type CounterMetric,
  type Counters,
  counterDifferences,
  pruneCounters,
} from '../findings/counters';
import { type Say, sayInEnglish } from '../messages';

/** One metric of one area whose stored counter is not what a recount gives. */
export interface CounterDisagreement {
  readonly area: CounterArea;
  readonly metric: CounterMetric;
  readonly stored: number;
  readonly recounted: number;
}

/** What `gridpatrol stats verify` reports. */
export interface CounterVerification {
  readonly findingsRead: number;
  readonly tasksRead: number;
  readonly plansRead: number;
  /** gsi1 partitions of findings read (one per zone ever in a grid version, plus the unzoned one). */
  readonly zonePartitions: number;
  /** Areas whose stored counters were read and compared. */
  readonly areasCompared: number;
  readonly disagreements: readonly CounterDisagreement[];
}

/**
 * The sum of several counters (findings' and tasks' recounts share areas, never metric names, but a
 * sum is right either way), pruned of zeros.
 *
 * @example mergeCounters(recount(findings), recountTasks(tasks)).city // { total: 3, ..., 'tasks:completed': 1 }
 */
export function mergeCounters(...parts: readonly Counters[]): Counters {
  const out: Counters = {};
  for (const part of parts)
    for (const [area, row] of Object.entries(part)) {
      const target = out[area] ?? {};
      out[area] = target;
      for (const [metric, n] of Object.entries(row)) target[metric] = (target[metric] ?? 0) + n;
    }
  return pruneCounters(out);
}

/**
 * Where stored counters differ from a recount, by area then metric. A missing area or metric reads
 * as 0 on either side (pruneCounters), so a counter ADDed back to zero is no disagreement.
 *
 * @example compareCounters({ city: { open: 3 } }, { city: { open: 2 } }) // [{ area: 'city', metric: 'open', stored: 3, recounted: 2 }]
 */
export function compareCounters(stored: Counters, recounted: Counters): CounterDisagreement[] {
  return counterDifferences(stored, recounted).map(({ counted, ...d }) => ({ ...d, recounted: counted }));
}

/**
 * The report as the command prints it: a summary line per count, then one line per disagreement.
 *
 * @example formatVerification(report) // 'Findings read      12\n...\nAll counters agree with the recount.'
 */
export function formatVerification(r: CounterVerification, say: Say = sayInEnglish): string {
  const lines = [
    say('cli.stats.findingsRead', { count: r.findingsRead, partitions: r.zonePartitions }),
    say('cli.stats.tasksRead', { count: r.tasksRead, plans: r.plansRead }),
    say('cli.stats.areas', { count: r.areasCompared }),
    say('cli.stats.disagreements', { count: r.disagreements.length }),
  ];
  if (r.disagreements.length === 0) lines.push(say('cli.stats.allAgree'));
  else {
    const width = Math.max(...r.disagreements.map((d) => `${d.area}  ${d.metric}`.length));
    lines.push('', `${say('cli.stats.columnArea').padEnd(width)}  ${say('cli.stats.columnValues')}`);
    for (const d of r.disagreements)
      lines.push(
        `${`${d.area}  ${d.metric}`.padEnd(width)}  ${String(d.stored).padStart(6)}  ${String(d.recounted).padStart(9)}`,
      );
  }
  return lines.join('\n');
}
