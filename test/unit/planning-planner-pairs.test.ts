import type { Person } from '@gridpatrol/core/people';
import { planWeek } from '@gridpatrol/core/planning/planner';
import type { Plan, PlanInputArg } from '@gridpatrol/core/planning/schema';
import { describe, expect, it } from 'vitest';
import { person } from '../support/people';

/**
 * Issue 22, item 2: who patrols with whom rotates week over week (廉洁), not only who patrols where.
 * Two weeks of one zone: six cells, two officers; in week 1 only grid workers g1 and g2 serve the
 * cells, in week 2 g3 and g4 join them, so every task of week 2 has a pair that did not meet.
 */
const WEEK1 = '2025-03-03';
const WEEK2 = '2025-03-10';
const CELLS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
const cells = CELLS.map((id, i) => ({
  id,
  zones: ['Z1'],
  centroid: [116.3 + i * 0.01, 39.9] as [number, number],
}));
const officers = [
  person({ id: 'o1', role: 'zone_officer', zones: ['Z1'] }),
  person({ id: 'o2', role: 'zone_officer', zones: ['Z1'] }),
];
const worker = (id: string, capacity = 5): Person =>
  person({ id, role: 'grid_worker', cells: CELLS, capacity });

const week = (weekStart: string, people: Person[], extra: Partial<PlanInputArg> = {}): PlanInputArg => ({
  weekStart,
  config: { shifts: ['am'], baseRate: 1, patrolsPerRiskPoint: 0 },
  cells,
  people,
  ...extra,
});

/** Last week's pairings as the draft reads them from a published plan. */
const pairingsOf = (plan: Plan) =>
  plan.tasks.map((t) => ({ officerId: t.officerId, cellId: t.cellId, partnerId: t.partnerId }));
const pairKey = (t: { officerId: string; partnerId: string }) => `${t.officerId}+${t.partnerId}`;

describe('planWeek: pairs rotate (issue 22)', () => {
  const week1 = planWeek(week(WEEK1, [...officers, worker('g1'), worker('g2')]), 1);
  const met = new Set(week1.tasks.map(pairKey));
  const week2People = [...officers, worker('g1'), worker('g2'), worker('g3'), worker('g4')];

  it('with alternatives available, no officer meets last week’s partner again', () => {
    expect(week1.tasks).toHaveLength(6);
    for (const seed of [1, 2, 3, 4, 5]) {
      const plan = planWeek(week(WEEK2, week2People, { lastWeek: pairingsOf(week1) }), seed);
      expect(plan.tasks).toHaveLength(6);
      expect(plan.tasks.filter((t) => met.has(pairKey(t)))).toEqual([]);
      expect(plan.metrics.partnerRepeatRate).toBe(0);
    }
  });

  it('a city that turns rotation of pairs off gets repeats on the same fixture (the test can fail)', () => {
    const repeats = [1, 2, 3, 4, 5].map(
      (seed) =>
        planWeek(
          week(WEEK2, week2People, {
            lastWeek: pairingsOf(week1),
            config: { shifts: ['am'], baseRate: 1, patrolsPerRiskPoint: 0, rotatePairs: false },
          }),
          seed,
        ).metrics.partnerRepeatRate,
    );
    expect(Math.max(...repeats)).toBeGreaterThan(0);
  });

  it('a pair repeats when no other can take the task, and says so', () => {
    // Week 2 with g1 alone: o1 and o2 both met g1 in week 1, so every task repeats a pair.
    const plan = planWeek(week(WEEK2, [...officers, worker('g1', 6)], { lastWeek: pairingsOf(week1) }), 1);
    expect(plan.tasks.length).toBeGreaterThan(0);
    const g1Pairs = new Set(week1.tasks.filter((t) => t.partnerId === 'g1').map(pairKey));
    expect(plan.tasks.some((t) => g1Pairs.has(pairKey(t)))).toBe(true);
    for (const t of plan.tasks)
      expect(t.reasons.pair.includes('pair_repeat_no_alternative')).toBe(g1Pairs.has(pairKey(t)));
    expect(plan.metrics.partnerRepeatRate).toBe(
      plan.tasks.filter((t) => g1Pairs.has(pairKey(t))).length / plan.tasks.length,
    );
  });

  it('pairings recorded without a partner rotate nothing and count no pair repeat', () => {
    const plan = planWeek(
      week(WEEK2, week2People, {
        lastWeek: week1.tasks.map((t) => ({ officerId: t.officerId, cellId: t.cellId })),
      }),
      1,
    );
    expect(plan.metrics.partnerRepeatRate).toBe(0);
    expect(plan.tasks.every((t) => !t.reasons.pair.includes('pair_repeat_no_alternative'))).toBe(true);
  });
});
