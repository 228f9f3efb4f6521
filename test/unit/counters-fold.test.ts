/**
 * The pure part of the counter fold (docs/decisions/0028): a batch of stream changes becomes per-area
 * sums equal to a recount of where the records ended; the ledger condition (last applied below a
 * chunk's first, per source) lets a batch delivered twice count once; a batch too large for one
 * transaction is split into chunks that each fit and together sum to the same.
 */

import { type Counters, recount, unzonedContribution } from '@gridpatrol/core/findings/counters';
import { applyAction } from '@gridpatrol/core/findings/lifecycle';
import type { Finding } from '@gridpatrol/core/findings/schema';
import { recountTasks } from '@gridpatrol/core/planning/tasks';
import {
  type CountedChange,
  changeDeltas,
  type FoldChunk,
  foldChunks,
  paddedSequence,
  pendingChanges,
} from '@gridpatrol/core/stats/fold';
import { mergeCounters } from '@gridpatrol/core/stats/verify';
import { describe, expect, it } from 'vitest';
import { publishedTask } from '../support/tasks';
import { admin, at, config, DAY, newFinding, routingZ1, scopeFor } from './findings-fixtures';

const TZ = config.timeZone;
const image = (finding: Finding, inUnzoned = true) => ({ kind: 'finding' as const, finding, inUnzoned });

/** A stream of changes with increasing sequence numbers, as one shard delivers them. */
function stream(steps: [Finding | null, Finding | null][], startAt = 100): CountedChange[] {
  return steps.map(([before, after], i) => ({
    source: `FINDING#${(after ?? before)?.id}`,
    sequence: paddedSequence(String(startAt + i)),
    before: before && image(before),
    after: after && image(after),
  }));
}

/**
 * The store's transaction in memory: every ledger condition of a chunk holds (last applied below the
 * chunk's first of that source) or nothing of the chunk is written, as DynamoDB cancels it.
 */
function applyChunk(state: { counters: Counters; ledger: Map<string, string> }, chunk: FoldChunk): boolean {
  for (const [source, { first }] of chunk.ledger) {
    const last = state.ledger.get(source);
    if (last !== undefined && !(last < first)) return false;
  }
  for (const [source, { last }] of chunk.ledger) state.ledger.set(source, last);
  state.counters = mergeCounters(state.counters, chunk.deltas);
  return true;
}

/** What the store does with one delivered batch: leave out what the ledger holds, then chunk and apply. */
function deliver(state: { counters: Counters; ledger: Map<string, string> }, batch: CountedChange[]) {
  const chunks = foldChunks(pendingChanges(batch, state.ledger), TZ);
  return chunks.map((c) => applyChunk(state, c));
}

function lifeOf(id: string, cellId: string, zoneId: string | null) {
  const reported = newFinding({
    reporter: admin,
    id,
    routing: {
      ...routingZ1,
      cellId,
      zoneId,
      zones: zoneId ? [zoneId] : [],
      officeId: zoneId ? 'east' : null,
    },
  });
  return { reported, verified: verifiedByAdmin(reported) };
}

/** The finding verified by the city admin a day after it was reported. */
const verifiedByAdmin = (f: Finding): Finding =>
  applyAction(f, { action: 'verify', expectedVersion: 1 }, admin, scopeFor(admin), at(DAY), config).finding;

describe('the counter fold', () => {
  it('sums a batch per area to exactly what a recount of the final records gives', () => {
    const a = lifeOf('F-a', 'C1', 'Z1');
    const b = lifeOf('F-b', 'C1', 'Z1');
    const c = lifeOf('F-c', 'C2', null);
    const batch = stream([
      [null, a.reported],
      [null, b.reported],
      [a.reported, a.verified],
      [null, c.reported],
    ]);
    const chunks = foldChunks(batch, TZ);
    expect(chunks).toHaveLength(1);
    const [chunk] = chunks as [FoldChunk];
    expect(chunk.changes).toBe(4);
    expect(chunk.deltas).toEqual(recount([a.verified, b.reported, c.reported], TZ));
    // One ADD per area for the whole batch: the city's item is written once, not four times.
    expect(chunk.deltas.city).toMatchObject({
      total: 3,
      open: 3,
      'status:reported': 2,
      'status:verified': 1,
    });
    expect(chunk.ledger.get('FINDING#F-a')).toEqual({
      first: paddedSequence('100'),
      last: paddedSequence('102'),
    });
  });

  it('applies a batch delivered twice once, and a bisected redelivery adds only what is missing', () => {
    const lives = ['F-1', 'F-2', 'F-3', 'F-4'].map((id, i) => lifeOf(id, `C${i}`, 'Z1'));
    const batch = stream([
      ...lives.map((l): [Finding | null, Finding | null] => [null, l.reported]),
      ...lives.map((l): [Finding | null, Finding | null] => [l.reported, l.verified]),
    ]);
    const expected = recount(
      lives.map((l) => l.verified),
      TZ,
    );
    const state = { counters: {} as Counters, ledger: new Map<string, string>() };
    // The first half is applied, then the function fails; Lambda bisects and redelivers both halves.
    deliver(state, batch.slice(0, 5));
    deliver(state, batch.slice(0, 4));
    deliver(state, batch.slice(4));
    expect(state.counters).toEqual(expected);
    // And the whole batch once more (at-least-once delivery): nothing changes.
    deliver(state, batch);
    expect(state.counters).toEqual(expected);
    // Without the ledger's filter the condition still refuses a chunk already applied.
    expect(foldChunks(batch, TZ).map((c) => applyChunk(state, c))).toEqual([false]);
    expect(state.counters).toEqual(expected);
  });

  it('splits a batch too large for one transaction into chunks that each fit and sum to the same', () => {
    const lives = Array.from({ length: 30 }, (_, i) => lifeOf(`F-${i}`, `C${i}`, `Z${i}`));
    const batch = stream(lives.map((l): [Finding | null, Finding | null] => [null, l.reported]));
    const whole = foldChunks(batch, TZ, 10_000);
    expect(whole).toHaveLength(1);
    const chunks = foldChunks(batch, TZ, 40);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.ledger.size + Object.keys(c.deltas).length).toBeLessThanOrEqual(40);
    expect(mergeCounters(...chunks.map((c) => c.deltas))).toEqual((whole[0] as FoldChunk).deltas);
    expect(chunks.reduce((n, c) => n + c.changes, 0)).toBe(30);
    // Chunks follow the stream: each starts after the one before ends.
    const firsts = chunks.map((c) => [...c.ledger.values()][0]?.first ?? '');
    expect([...firsts].sort()).toEqual(firsts);
  });

  it('compares sequence numbers as numbers', () => {
    expect(paddedSequence('99') < paddedSequence('100')).toBe(true);
    expect(paddedSequence('000000000000000000002')).toBe(paddedSequence('2'));
  });

  it("counts an old finding's no-zone share when the backfill gives it its city-wide keys", () => {
    const old = newFinding({
      id: 'F-old',
      routing: { ...routingZ1, zoneId: null, zones: [], officeId: null },
    });
    // Written before gsi5: the city and its cell count it, the no-zone bucket does not.
    const written = changeDeltas(
      { source: 'FINDING#F-old', sequence: '1', before: null, after: image(old, false) },
      TZ,
    );
    expect(written.unzoned).toBeUndefined();
    expect(written.city).toMatchObject({ total: 1 });
    const backfilled = changeDeltas(
      { source: 'FINDING#F-old', sequence: '2', before: image(old, false), after: image(old, true) },
      TZ,
    );
    expect(backfilled).toEqual(unzonedContribution(old, TZ));
    expect(mergeCounters(written, backfilled)).toEqual(recount([old], TZ));
    // Changed by the service before any backfill (the new image carries the keys): counted whole,
    // where a transaction's after − before used to leave `unzoned` short by the old state (0027).
    const verified = verifiedByAdmin(old);
    const changed = changeDeltas(
      { source: 'FINDING#F-old', sequence: '2', before: image(old, false), after: image(verified, true) },
      TZ,
    );
    expect(mergeCounters(written, changed)).toEqual(recount([verified], TZ));
  });

  it('takes a removed record back, and folds tasks by their own deltas', () => {
    const f = newFinding({ id: 'F-gone' });
    const removed = changeDeltas(
      { source: 'FINDING#F-gone', sequence: '3', before: image(f), after: null },
      TZ,
    );
    expect(mergeCounters(recount([f], TZ), removed)).toEqual({});
    const task = publishedTask({
      planId: 'P-test01',
      cellId: 'C1',
      zoneId: 'Z1',
      officeId: 'east',
      officerId: 'li',
      partnerId: 'chen',
      date: '2025-03-03',
      shift: 'am',
      shiftStart: '2025-03-03T01:00:00.000Z',
      shiftEnd: '2025-03-03T04:00:00.000Z',
    });
    const published = changeDeltas(
      { source: `TASK#${task.id}`, sequence: '4', before: null, after: { kind: 'task', task } },
      TZ,
    );
    expect(published).toEqual(recountTasks([task]));
  });
});
