import { addDays, daysBetween, planningWeekStart } from '@gridpatrol/core/calendar';
import { cellDemands, riskScore } from '@gridpatrol/core/planning/demand';
import { createRandom, seedFromString } from '@gridpatrol/core/planning/random';
import { PlanCell, PlannerConfig } from '@gridpatrol/core/planning/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const config = PlannerConfig.parse({});
const WEEK = '2025-03-03';
const cell = (over: Partial<PlanCell> = {}): PlanCell =>
  PlanCell.parse({ id: 'C1', zones: ['Z1'], centroid: [120, 30], lastPatrolDate: '2025-02-24', ...over });

describe('riskScore', () => {
  it('keeps every component: overdue weighs most, staleness counts days since the last joint patrol', () => {
    const risk = riskScore(
      cell({ stats: { open: 4, overdue: 1, recent: 3, reopened: 1 }, manualPriority: 2 }),
      WEEK,
      config,
    );
    expect(risk.components).toEqual({
      open: { count: 3, points: 3 },
      overdue: { count: 1, points: 3 },
      recent: { count: 3, points: 1.5 },
      reopened: { count: 1, points: 2 },
      staleness: { count: 7, points: 0.7 },
      manualPriority: { count: 2, points: 4 },
    });
    expect(risk.score).toBe(14.2);
  });

  it('caps each component, and counts a cell never patrolled as the staleness cap', () => {
    const risk = riskScore(
      cell({ stats: { open: 50, overdue: 40, recent: 100, reopened: 9 }, lastPatrolDate: null }),
      WEEK,
      config,
    );
    expect(risk.components.open.count).toBe(10);
    expect(risk.components.overdue.count).toBe(10);
    expect(risk.components.recent.count).toBe(20);
    expect(risk.components.reopened.count).toBe(5);
    expect(risk.components.staleness).toEqual({ count: 28, points: 2.8 });
  });

  it('never goes down when a finding is added, and is never negative', () => {
    const stats = fc.record({
      open: fc.integer({ min: 0, max: 30 }),
      overdue: fc.integer({ min: 0, max: 30 }),
      recent: fc.integer({ min: 0, max: 30 }),
      reopened: fc.integer({ min: 0, max: 30 }),
    });
    fc.assert(
      fc.property(stats, fc.constantFrom('open', 'recent', 'reopened'), (s, key) => {
        const base = { ...s, overdue: Math.min(s.overdue, s.open) };
        const before = riskScore(cell({ stats: base }), WEEK, config).score;
        const after = riskScore(cell({ stats: { ...base, [key]: base[key] + 1 } }), WEEK, config).score;
        expect(before).toBeGreaterThanOrEqual(0);
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  it('rejects more overdue than open findings', () => {
    expect(
      PlanCell.safeParse({ id: 'C1', zones: [], centroid: [0, 0], stats: { open: 1, overdue: 2 } }).success,
    ).toBe(false);
  });
});

describe('cellDemands', () => {
  it('is the base rate plus risk, rounded and capped; the weight is 1 + risk', () => {
    const [quiet, hot, hottest] = cellDemands(
      [
        cell({ id: 'quiet' }),
        cell({ id: 'hot', stats: { open: 3, overdue: 2, recent: 0, reopened: 0 } }),
        cell({ id: 'hottest', stats: { open: 10, overdue: 10, recent: 20, reopened: 0 }, manualPriority: 5 }),
      ],
      WEEK,
      config,
    );
    expect(quiet).toMatchObject({ cellId: 'quiet', demand: 1, weight: 1.7, assigned: 0 }); // 1 + 0.7·0.25
    expect(hot).toMatchObject({ demand: 3, weight: 8.7 }); // 1 + 7.7·0.25 = 2.9
    expect(hottest?.demand).toBe(config.maxPatrolsPerCell);
  });

  it('never asks more patrols than the week has shifts', () => {
    const one = PlannerConfig.parse({ shifts: ['day'], baseRate: 20, maxPatrolsPerCell: 28 });
    expect(cellDemands([cell()], WEEK, one)[0]?.demand).toBe(7);
  });

  it('asks nothing of a quiet cell when the base rate is 0 and the cell was just patrolled', () => {
    const zero = PlannerConfig.parse({ baseRate: 0 });
    expect(cellDemands([cell({ lastPatrolDate: '2025-03-02' })], WEEK, zero)[0]?.demand).toBe(0);
  });
});

describe('dates', () => {
  it('counts days and adds them across months and years', () => {
    expect(daysBetween('2025-02-24', '2025-03-03')).toBe(7);
    expect(addDays('2024-12-30', 6)).toBe('2025-01-05');
    expect(addDays('2024-02-26', 3)).toBe('2024-02-29');
  });

  it('finds the Monday of the week in the city’s time zone', () => {
    // Sunday 17:00 UTC is already Monday 01:00 in Shanghai, but still Sunday in London.
    expect(planningWeekStart('2025-03-09T17:00:00Z', 'Asia/Shanghai')).toBe('2025-03-10');
    expect(planningWeekStart('2025-03-09T17:00:00Z', 'Europe/London')).toBe('2025-03-03');
    expect(planningWeekStart(new Date('2025-03-05T12:00:00Z'), 'Asia/Shanghai')).toBe('2025-03-03');
  });
});

describe('random', () => {
  it('reproduces a stream from its seed and varies it between seeds', () => {
    const draw = (seed: number) => {
      const r = createRandom(seed);
      return Array.from({ length: 8 }, () => r.int(1000));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const x = createRandom(seed).int(n);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
      }),
    );
    expect(seedFromString('hangzhou#2025-03-03')).toBe(seedFromString('hangzhou#2025-03-03'));
  });
});
