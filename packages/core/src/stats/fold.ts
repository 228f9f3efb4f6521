/**
 * Counters folded in from the table's change stream (docs/decisions/0028-counters-from-the-stream.md).
 *
 * A business write (a finding or a task, its event, its idempotency record) no longer touches a
 * counter item, so two different findings never share an item. Each change of a finding or task item
 * arrives afterwards as a stream record with the item's old and new image; its increments are the
 * same after − before of the one contribution function (`counterDeltas`, `taskCounterDeltas`), summed
 * per area over a batch and applied by the store with a ledger per source item, so that a batch
 * delivered twice is counted once.
 */
import { type Counters, counterDeltas, recount, unzonedContribution } from '../findings/counters';
import type { Finding } from '../findings/schema';
import type { PatrolTask } from '../planning/records';
import { recountTasks, taskCounterDeltas } from '../planning/tasks';
import { mergeCounters } from './verify';

/**
 * One image of a counted item as the stream shows it. A finding written before the city-wide index
 * (no gsi5 keys, docs/decisions/0027) was never counted in `unzoned`: `inUnzoned` says whether this
 * image's no-zone share is in the counters.
 */
export type CountedImage =
  | { readonly kind: 'finding'; readonly finding: Finding; readonly inUnzoned: boolean }
  | { readonly kind: 'task'; readonly task: PatrolTask };

/** One stream record of a counted item, reduced to what the fold needs. */
export interface CountedChange {
  /** The item's key: the ledger that makes the record count once is per source item. */
  readonly source: string;
  /** The stream sequence number, zero-padded (`paddedSequence`) so that strings compare as numbers. */
  readonly sequence: string;
  readonly before: CountedImage | null;
  readonly after: CountedImage | null;
}

/** Stream sequence numbers are 21 to 40 digits: padded to 40 they order as strings do. */
export const SEQUENCE_DIGITS = 40;
export const paddedSequence = (sequence: string): string => sequence.padStart(SEQUENCE_DIGITS, '0');

const negate = (c: Counters): Counters =>
  Object.fromEntries(
    Object.entries(c).map(([area, row]) => [
      area,
      Object.fromEntries(Object.entries(row).map(([m, n]) => [m, -n])),
    ]),
  );

/** What an image adds to the counters: all of its contribution, less the no-zone share it never had. */
function contributionOf(image: CountedImage, timeZone: string): Counters {
  if (image.kind === 'task') return recountTasks([image.task]);
  const all = recount([image.finding], timeZone);
  return image.inUnzoned ? all : mergeCounters(all, negate(unzonedContribution(image.finding, timeZone)));
}

/**
 * The increments of one change: after − before by the same functions the recount uses. An image
 * pair of the same kind goes through `counterDeltas`/`taskCounterDeltas` themselves; a backfill that
 * gives an old finding its city-wide keys moves only its no-zone share; a removal takes the whole
 * contribution back.
 *
 * @example changeDeltas({ source, sequence, before: null, after: { kind: 'finding', finding, inUnzoned: true } }, tz).city // { total: 1, open: 1, 'status:reported': 1 }
 */
export function changeDeltas(change: CountedChange, timeZone: string): Counters {
  const { before, after } = change;
  if (after === null) return before === null ? {} : negate(contributionOf(before, timeZone));
  if (after.kind === 'task') {
    const old = before?.kind === 'task' ? before.task : null;
    return taskCounterDeltas(old, after.task);
  }
  const old = before?.kind === 'finding' ? before : null;
  const deltas = counterDeltas(old?.finding ?? null, after.finding, timeZone);
  const outsideUnzoned = (image: { finding: Finding; inUnzoned: boolean } | null): Counters =>
    image !== null && !image.inUnzoned ? unzonedContribution(image.finding, timeZone) : {};
  // counterDeltas counts both images in `unzoned`; an image that never was is corrected back.
  return mergeCounters(deltas, outsideUnzoned(old), negate(outsideUnzoned(after)));
}

/** The changes of a batch that the ledger has not seen: sequence above the source's last applied. */
export function pendingChanges(
  changes: readonly CountedChange[],
  applied: ReadonlyMap<string, string>,
): CountedChange[] {
  return changes.filter((c) => {
    const last = applied.get(c.source);
    return last === undefined || c.sequence > last;
  });
}

/** One transaction of the fold: the ledger entries it advances and the summed counter ADDs. */
export interface FoldChunk {
  /** Per source item: the first and last sequence of its changes in this chunk. */
  readonly ledger: ReadonlyMap<string, { readonly first: string; readonly last: string }>;
  readonly deltas: Counters;
  readonly changes: number;
}

/**
 * Splits a batch (in stream order) into chunks that each fit one transaction: a ledger item per
 * source and one ADD per area, at most `maxItems` together. Changes keep their order, so a chunk's
 * ledger condition (last applied below its first) holds only while every earlier chunk is applied.
 *
 * @example foldChunks(changes, tz).length // 1 for a few reports in one cell
 */
export function foldChunks(changes: readonly CountedChange[], timeZone: string, maxItems = 100): FoldChunk[] {
  const chunks: FoldChunk[] = [];
  let ledger = new Map<string, { first: string; last: string }>();
  let parts: Counters[] = [];
  let areas = new Set<string>();
  const close = () => {
    if (ledger.size > 0) chunks.push({ ledger, deltas: mergeCounters(...parts), changes: parts.length });
    ledger = new Map();
    parts = [];
    areas = new Set();
  };
  const grownSize = (source: string, moved: readonly string[]) =>
    ledger.size + (ledger.has(source) ? 0 : 1) + areas.size + moved.filter((a) => !areas.has(a)).length;
  for (const change of changes) {
    const deltas = changeDeltas(change, timeZone);
    const moved = Object.keys(deltas);
    if (moved.length + 1 > maxItems)
      throw new Error(
        `One change of ${change.source} moves ${moved.length} areas: more than one transaction.`,
      );
    if (grownSize(change.source, moved) > maxItems) close();
    const entry = ledger.get(change.source);
    ledger.set(change.source, { first: entry?.first ?? change.sequence, last: change.sequence });
    for (const a of moved) areas.add(a);
    parts.push(deltas);
  }
  close();
  return chunks;
}
