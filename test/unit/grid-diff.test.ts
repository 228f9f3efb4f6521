/** Core diffGrids and reviewActivation on a small hand-made pair of versions (issue 15.3). */
import { ConflictError, diffGrids, type GridDiffInput, reviewActivation } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

// Active: four cells of 1,000 m² each (A–D) in zones Z1 and Z2. Draft: A unchanged, B shrunk to
// 900 m², C moved from Z1 to Z3, D gone, E new; zone Z2 gone, Z3 new.
const input: GridDiffInput = {
  active: {
    version: 3,
    cells: [
      { id: 'A', areaM2: 1000, primaryZone: 'Z1' },
      { id: 'B', areaM2: 1000, primaryZone: 'Z1' },
      { id: 'C', areaM2: 1000, primaryZone: 'Z1' },
      { id: 'D', areaM2: 1000, primaryZone: 'Z2' },
    ],
    zones: [{ id: 'Z1' }, { id: 'Z2' }],
  },
  draft: {
    version: 4,
    cells: [
      { id: 'A', areaM2: 1000.0001, primaryZone: 'Z1' },
      { id: 'B', areaM2: 900, primaryZone: 'Z1' },
      { id: 'C', areaM2: 1000, primaryZone: 'Z3' },
      { id: 'E', areaM2: 500, primaryZone: 'Z3' },
    ],
    zones: [{ id: 'Z1' }, { id: 'Z3' }],
  },
  people: [
    { id: 'worker-d', role: 'grid_worker', cells: ['D', 'A'] },
    { id: 'officer-2', role: 'zone_officer', zones: ['Z2'] },
    { id: 'worker-a', role: 'grid_worker', cells: ['A'] },
  ],
  openFindings: [
    { id: 'F-2', cellId: 'D', status: 'reported' },
    { id: 'F-1', cellId: 'A', status: 'verified' },
  ],
  futureTasks: [
    { id: 'T-1', cellId: 'D', date: '2026-12-09', planId: 'P-1' },
    { id: 'T-2', cellId: 'B', date: '2026-12-09', planId: 'P-1' },
  ],
  // The geometric measure (core's droppedAreaOfIndexes, tested in geo-dropped-area.test.ts) as it
  // would come out for these shapes: D's 1,000 m² and B's lost 100 m² of 4,000 m².
  droppedArea: { activeM2: 4000, droppedM2: 1100 },
  maxDroppedAreaShare: 0.05,
};

describe('diffGrids', () => {
  const diff = diffGrids(input);

  it('lists cells added, removed, reshaped by their area change, and whose primary zone changes', () => {
    expect(diff.fromVersion).toBe(3);
    expect(diff.toVersion).toBe(4);
    expect(diff.cells).toEqual({
      before: 4,
      after: 4,
      added: ['E'],
      removed: ['D'],
      reshaped: [{ id: 'B', areaBeforeM2: 1000, areaAfterM2: 900, changeM2: -100 }],
      primaryZoneChanged: [{ id: 'C', before: 'Z1', after: 'Z3' }],
    });
    expect(diff.zones).toEqual({ added: ['Z3'], removed: ['Z2'] });
  });

  it('names the people, open findings and future tasks that name what the draft drops', () => {
    expect(diff.strandedPeople).toEqual([
      { id: 'officer-2', role: 'zone_officer', cells: [], zones: ['Z2'] },
      { id: 'worker-d', role: 'grid_worker', cells: ['D'], zones: [] },
    ]);
    expect(diff.strandedFindings).toEqual([{ id: 'F-2', cellId: 'D', status: 'reported' }]);
    expect(diff.strandedTasks).toEqual([{ id: 'T-1', cellId: 'D', date: '2026-12-09', planId: 'P-1' }]);
  });

  it('takes the dropped share of the active area from the geometric measure, over the city share', () => {
    // D (1,000 m²) and B's 100 m² of 4,000 m²; E's new land does not make up for them.
    expect(diff.area).toEqual({
      activeM2: 4000,
      droppedM2: 1100,
      droppedShare: 0.275,
      maxDroppedShare: 0.05,
    });
    expect(diff.blockers.map((b) => b.path)).toEqual(['people', 'findings', 'tasks', 'area']);
    expect(diff.blockers[0]?.message).toContain('officer-2 (Z2), worker-d (D)');
    expect(diff.blockers[3]?.message).toContain('27.5%');
  });

  it('has no blockers for a draft that only grows', () => {
    const grows = diffGrids({
      ...input,
      draft: {
        version: 4,
        cells: [...input.active.cells, { id: 'E', areaM2: 10, primaryZone: 'Z1' }],
        zones: input.active.zones,
      },
      droppedArea: { activeM2: 4000, droppedM2: 0 },
    });
    expect(grows.cells.added).toEqual(['E']);
    expect(grows.blockers).toEqual([]);
    expect(grows.area.droppedShare).toBe(0);
  });

  it('allows a small drop within the city share, and refuses one just past it', () => {
    const within = diffGrids({
      ...input,
      people: [],
      openFindings: [],
      futureTasks: [],
      maxDroppedAreaShare: 0.3,
    });
    expect(within.blockers).toEqual([]);
    const past = diffGrids({
      ...input,
      people: [],
      openFindings: [],
      futureTasks: [],
      maxDroppedAreaShare: 0.27,
    });
    expect(past.blockers.map((b) => b.path)).toEqual(['area']);
  });
});

describe('reviewActivation', () => {
  const diff = diffGrids(input);
  const now = new Date('2026-12-07T06:00:00Z');

  it('refuses with a 409 naming each blocker unless forced with a reason', () => {
    let refused: unknown;
    try {
      reviewActivation(diff, undefined, 'admin', now);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).details).toEqual(diff.blockers);
    expect(() => reviewActivation(diff, { force: true }, 'admin', now)).toThrow(ConflictError);
  });

  it('returns the override to record when forced with a reason, and nothing when there is nothing to force', () => {
    expect(reviewActivation(diff, { force: true, reason: 'street merger' }, 'admin', now)).toEqual({
      by: 'admin',
      at: '2026-12-07T06:00:00.000Z',
      reason: 'street merger',
      blockers: diff.blockers,
    });
    const clean = diffGrids({ ...input, draft: input.active, droppedArea: { activeM2: 4000, droppedM2: 0 } });
    expect(reviewActivation(clean, { force: true, reason: 'no need' }, 'admin', now)).toBeUndefined();
  });
});
