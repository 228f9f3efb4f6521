import { addDays } from '@gridpatrol/core/calendar';
import { BadRequestError } from '@gridpatrol/core/errors';
import type { Person } from '@gridpatrol/core/people';
import { planWeek } from '@gridpatrol/core/planning/planner';
import {
  isoWeekday,
  type Plan,
  PlanInput,
  type PlanInputArg,
  Plan as PlanSchema,
} from '@gridpatrol/core/planning/schema';
import { syntheticPlanInput } from '@gridpatrol/core/planning/synthetic';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { person } from '../support/people';

const WEEK = '2025-03-03'; // a Monday
const DATES = Array.from({ length: 7 }, (_, d) => addDays(WEEK, d));
const ZONES = ['Z0', 'Z1', 'Z2'];

/** Small instances that hit every rule: empty zones, zero capacity, dates off, conflicts, inactive people. */
const instance = fc
  .record({
    nCells: fc.integer({ min: 1, max: 8 }),
    shifts: fc.constantFrom(['am'], ['am', 'pm'], ['am', 'pm', 'night']).map((s) => [...s]),
    maxTasksPerOfficerShift: fc.integer({ min: 1, max: 3 }),
    baseRate: fc.integer({ min: 0, max: 3 }),
    improvementRounds: fc.integer({ min: 0, max: 2 }),
  })
  .chain((h) => {
    const cellIds = Array.from({ length: h.nCells }, (_, i) => `C${i}`);
    const availability = fc.record({
      weekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7]),
      datesOff: fc.subarray(DATES, { maxLength: 3 }),
    });
    const common = {
      capacity: fc.integer({ min: 0, max: 8 }),
      availability,
      conflictCells: fc.subarray(cellIds, { maxLength: Math.min(2, cellIds.length) }),
      active: fc.oneof(
        { arbitrary: fc.constant(true), weight: 5 },
        { arbitrary: fc.constant(false), weight: 1 },
      ),
    };
    const cell = (id: string) =>
      fc.record({
        id: fc.constant(id),
        zones: fc.shuffledSubarray(ZONES, { maxLength: 2 }),
        centroid: fc.tuple(
          fc.double({ min: 120, max: 120.1, noNaN: true }),
          fc.double({ min: 30, max: 30.1, noNaN: true }),
        ),
        stats: fc
          .record({
            open: fc.integer({ min: 0, max: 6 }),
            overdue: fc.integer({ min: 0, max: 6 }),
            recent: fc.integer({ min: 0, max: 6 }),
            reopened: fc.integer({ min: 0, max: 2 }),
          })
          .map((s) => ({ ...s, overdue: Math.min(s.overdue, s.open) })),
        lastPatrolDate: fc.option(fc.constantFrom('2025-02-20', '2025-03-01'), { nil: null }),
        manualPriority: fc.integer({ min: 0, max: 5 }),
      });
    const officer = (i: number) =>
      fc.record({
        id: fc.constant(`o${i}`),
        role: fc.constant('zone_officer' as const),
        zones: fc.subarray(ZONES, { minLength: 1 }),
        ...common,
      });
    const partner = (i: number) =>
      fc.record({
        id: fc.constant(`g${i}`),
        role: fc.constantFrom('grid_leader' as const, 'grid_worker' as const, 'volunteer' as const),
        cells: fc.subarray(cellIds, { minLength: 1 }),
        ...common,
      });
    return fc.record({
      h: fc.constant(h),
      cells: fc.tuple(...cellIds.map(cell)),
      officers: fc
        .integer({ min: 0, max: 4 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => officer(i)))),
      partners: fc
        .integer({ min: 0, max: 6 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => partner(i)))),
      lastWeek: fc.array(
        fc.record({ officerId: fc.constantFrom('o0', 'o1', 'o2'), cellId: fc.constantFrom(...cellIds) }),
        { maxLength: 4 },
      ),
    });
  })
  .map(
    ({ h, cells, officers, partners, lastWeek }): PlanInputArg => ({
      weekStart: WEEK,
      config: {
        shifts: h.shifts,
        baseRate: h.baseRate,
        maxTasksPerOfficerShift: h.maxTasksPerOfficerShift,
        improvementRounds: h.improvementRounds,
      },
      cells,
      people: [...officers, ...partners].map((p) => person(p)),
      lastWeek,
    }),
  );

const seedArb = fc.integer({ min: 0, max: 0xffffffff });

/** Every hard rule of the issue, checked from the plan alone against the input. */
function assertValid(raw: PlanInputArg, plan: Plan): void {
  const input = PlanInput.parse(raw);
  PlanSchema.parse(plan);
  const people = new Map(input.people.map((p) => [p.id, p]));
  const cells = new Map(input.cells.map((c) => [c.id, c]));
  const M = input.config.maxTasksPerOfficerShift;
  const count = new Map<string, number>();
  const bump = (key: string) => {
    const n = (count.get(key) ?? 0) + 1;
    count.set(key, n);
    return n;
  };
  for (const t of plan.tasks) {
    const cell = cells.get(t.cellId);
    const officer = people.get(t.officerId);
    const partner = people.get(t.partnerId);
    if (!cell || !officer || !partner) throw new Error(`unknown id in ${t.id}`);
    expect(t.id).toBe(`${t.date}#${t.shift}#${t.cellId}`);
    expect(input.config.shifts).toContain(t.shift);
    expect(DATES).toContain(t.date);
    // Eligibility: the officer serves the zone named, which the cell touches; the partner serves the cell.
    expect(officer.role).toBe('zone_officer');
    expect(officer.zones).toContain(t.zoneId);
    expect(cell.zones).toContain(t.zoneId);
    expect(['grid_leader', 'grid_worker']).toContain(partner.role);
    expect(partner.cells).toContain(t.cellId);
    for (const p of [officer, partner]) {
      expect(p.active).toBe(true);
      expect(p.conflictCells).not.toContain(t.cellId);
      expect(p.availability.weekdays).toContain(isoWeekday(t.date));
      expect(p.availability.datesOff).not.toContain(t.date);
      expect(bump(`week#${p.id}`)).toBeLessThanOrEqual(p.capacity);
    }
    expect(bump(`shift#${officer.id}#${t.date}#${t.shift}`)).toBeLessThanOrEqual(M);
    expect(bump(`shift#${partner.id}#${t.date}#${t.shift}`)).toBe(1);
    expect(bump(`cell#${t.id}`)).toBe(1);
    expect(officer.id).not.toBe(partner.id);
  }
  // Demand bookkeeping: assigned ≤ demand; unmet lists exactly the shortfall.
  for (const c of plan.cells) {
    const n = plan.tasks.filter((t) => t.cellId === c.cellId).length;
    expect(c.assigned).toBe(n);
    expect(n).toBeLessThanOrEqual(c.demand);
    const u = plan.unmet.find((x) => x.cellId === c.cellId);
    expect(u?.missing ?? 0).toBe(c.demand - n);
  }
  expect(plan.metrics.assigned).toBe(plan.tasks.length);
  expect(plan.metrics.demand).toBe(plan.cells.reduce((s, c) => s + c.demand, 0));
  expect(plan.metrics.weightedCoverage).toBeGreaterThanOrEqual(0);
  expect(plan.metrics.weightedCoverage).toBeLessThanOrEqual(1 + 1e-9);
}

/** No unmet cell could take one more patrol with what the plan leaves free (the plan is maximal). */
function assertMaximal(raw: PlanInputArg, plan: Plan): void {
  const input = PlanInput.parse(raw);
  const M = input.config.maxTasksPerOfficerShift;
  const week = new Map<string, number>();
  const shift = new Map<string, number>();
  for (const t of plan.tasks) {
    for (const id of [t.officerId, t.partnerId]) {
      week.set(id, (week.get(id) ?? 0) + 1);
      shift.set(`${id}#${t.date}#${t.shift}`, (shift.get(`${id}#${t.date}#${t.shift}`) ?? 0) + 1);
    }
    shift.set(`${t.cellId}#${t.date}#${t.shift}`, 1);
  }
  const free = (p: Person, cellId: string, date: string, s: string, limit: number) =>
    p.active &&
    !p.conflictCells.includes(cellId) &&
    p.availability.weekdays.includes(isoWeekday(date)) &&
    !p.availability.datesOff.includes(date) &&
    (week.get(p.id) ?? 0) < p.capacity &&
    (shift.get(`${p.id}#${date}#${s}`) ?? 0) < limit;
  for (const u of plan.unmet) {
    const cell = input.cells.find((c) => c.id === u.cellId);
    if (!cell) throw new Error('unmet names an unknown cell');
    for (const date of DATES)
      for (const s of input.config.shifts) {
        if (shift.has(`${cell.id}#${date}#${s}`)) continue;
        const o = input.people.find(
          (p) =>
            p.role === 'zone_officer' &&
            p.zones.some((z) => cell.zones.includes(z)) &&
            free(p, cell.id, date, s, M),
        );
        const g = input.people.find(
          (p) =>
            (p.role === 'grid_leader' || p.role === 'grid_worker') &&
            p.cells.includes(cell.id) &&
            free(p, cell.id, date, s, 1),
        );
        expect(o !== undefined && g !== undefined, `${cell.id} could still be patrolled ${date} ${s}`).toBe(
          false,
        );
      }
  }
}

describe('planWeek: properties on random instances', () => {
  it('books nobody twice a shift, over capacity, unavailable or in conflict; every pair is eligible', () => {
    fc.assert(
      fc.property(instance, seedArb, (input, seed) => {
        assertValid(input, planWeek(input, seed));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no unmet cell that could still be patrolled with the room left', () => {
    fc.assert(
      fc.property(instance, seedArb, (input, seed) => {
        assertMaximal(input, planWeek(input, seed));
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same plan for the same input and seed, whatever the order of cells and people', () => {
    fc.assert(
      fc.property(instance, seedArb, (input, seed) => {
        const plan = planWeek(input, seed);
        expect(planWeek(structuredClone(input), seed)).toEqual(plan);
        const reordered = {
          ...input,
          cells: [...input.cells].reverse(),
          people: [...input.people].reverse(),
        };
        expect(planWeek(reordered, seed)).toEqual(plan);
        expect(plan.seed).toBe(seed);
      }),
      { numRuns: 100 },
    );
  });

  it('holds the same rules on a synthetic city of 300 cells', () => {
    const input = syntheticPlanInput({ cells: 300, seed: 11 });
    const plan = planWeek(input, 99);
    assertValid(input, plan);
    assertMaximal(input, plan);
    expect(plan.tasks.length).toBeGreaterThan(100);
  });
});

/** One cell, one officer, four interchangeable partners, every shift open: many equally good choices. */
const tieInput = (): PlanInputArg => ({
  weekStart: WEEK,
  config: { baseRate: 1, patrolsPerRiskPoint: 0 },
  cells: [{ id: 'C1', zones: ['Z1'], centroid: [120, 30] }],
  people: [
    person({ id: 'o1', role: 'zone_officer', zones: ['Z1'] }),
    ...['g1', 'g2', 'g3', 'g4'].map((id) => person({ id, role: 'grid_worker', cells: ['C1'] })),
  ],
});

describe('planWeek: the seeded draw (双随机)', () => {
  it('draws among equal choices: different seeds give different pairs and shifts, each reproducible', () => {
    const picks = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const plan = planWeek(tieInput(), seed);
      const t = plan.tasks[0];
      expect(plan.tasks).toHaveLength(1);
      expect(t?.reasons.pair).toContain('drawn');
      picks.add(`${t?.partnerId}#${t?.id}`);
      expect(planWeek(tieInput(), seed).tasks).toEqual(plan.tasks);
    }
    // 4 partners × 14 shifts are equally good: 30 seeds must not all land on one.
    expect(picks.size).toBeGreaterThan(10);
  });

  it('refuses a seed that is not a 32-bit unsigned integer, and an input that does not parse', () => {
    expect(() => planWeek(tieInput(), -1)).toThrow(BadRequestError);
    expect(() => planWeek(tieInput(), 1.5)).toThrow(BadRequestError);
    expect(() => planWeek({ ...tieInput(), weekStart: '2025-03-04' }, 1)).toThrow(/invalid/);
    try {
      planWeek({ ...tieInput(), weekStart: '2025-03-04' }, 1);
    } catch (e) {
      expect((e as BadRequestError).details[0]?.path).toBe('input.weekStart');
    }
  });
});

describe('planWeek: examples', () => {
  const base = (
    people: Person[],
    cells: PlanInputArg['cells'],
    extra: Partial<PlanInputArg> = {},
  ): PlanInputArg => ({
    weekStart: WEEK,
    config: { baseRate: 1, patrolsPerRiskPoint: 0 },
    cells,
    people,
    ...extra,
  });

  it('names the reason of each unmet cell', () => {
    const monOnly = { weekdays: [1], datesOff: [] };
    const tueOnly = { weekdays: [2], datesOff: [] };
    const plan = planWeek(
      base(
        [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], capacity: 1 }),
          person({ id: 'o2', role: 'zone_officer', zones: ['Z2'], availability: monOnly }),
          person({ id: 'g1', role: 'grid_worker', cells: ['C-cap1', 'C-cap2', 'C-none-o'] }),
          person({ id: 'g3', role: 'grid_worker', cells: ['C-avail'], availability: tueOnly }),
        ],
        [
          { id: 'C-cap1', zones: ['Z1'], centroid: [120, 30], manualPriority: 1 },
          { id: 'C-cap2', zones: ['Z1'], centroid: [120, 30] },
          { id: 'C-none-o', zones: ['Z9'], centroid: [120, 30] },
          { id: 'C-none-p', zones: ['Z1'], centroid: [120, 30] },
          { id: 'C-avail', zones: ['Z2'], centroid: [120, 30] },
        ],
      ),
      1,
    );
    expect(plan.tasks.map((t) => t.cellId)).toEqual(['C-cap1']); // the higher-risk cell wins o1's one slot
    expect(plan.unmet).toEqual([
      { cellId: 'C-avail', missing: 1, reason: 'unavailable' },
      { cellId: 'C-cap2', missing: 1, reason: 'capacity' },
      { cellId: 'C-none-o', missing: 1, reason: 'no_officer' },
      { cellId: 'C-none-p', missing: 1, reason: 'no_partner' },
    ]);
  });

  it('never pairs anyone with a cell they declared a conflict with (回避)', () => {
    const plan = planWeek(
      base(
        [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], conflictCells: ['C1'] }),
          person({ id: 'o2', role: 'zone_officer', zones: ['Z1'], capacity: 9 }),
          person({ id: 'g1', role: 'grid_leader', cells: ['C1'], conflictCells: ['C1'] }),
          person({ id: 'g2', role: 'grid_worker', cells: ['C1'] }),
        ],
        [{ id: 'C1', zones: ['Z1'], centroid: [120, 30] }],
        { config: { baseRate: 3, patrolsPerRiskPoint: 0 } },
      ),
      5,
    );
    expect(plan.tasks).toHaveLength(3);
    for (const t of plan.tasks) expect([t.officerId, t.partnerId]).toEqual(['o2', 'g2']);
  });

  it('rotates the officer of a cell away from last week when another has room, else repeats and says so', () => {
    const cells = [{ id: 'C1', zones: ['Z1'], centroid: [120, 30] as [number, number] }];
    const g = person({ id: 'g1', role: 'grid_worker', cells: ['C1'] });
    const lastWeek = [{ officerId: 'o1', cellId: 'C1' }];
    const rotated = planWeek(
      base(
        [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'] }),
          person({ id: 'o2', role: 'zone_officer', zones: ['Z1'] }),
          g,
        ],
        cells,
        { lastWeek },
      ),
      3,
    );
    expect(rotated.tasks[0]?.officerId).toBe('o2');
    expect(rotated.tasks[0]?.reasons.pair).toContain('rotated');
    expect(rotated.metrics.pairRepeatRate).toBe(0);

    const repeated = planWeek(
      base(
        [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'] }),
          person({ id: 'o2', role: 'zone_officer', zones: ['Z1'], capacity: 0 }),
          g,
        ],
        cells,
        { lastWeek },
      ),
      3,
    );
    expect(repeated.tasks[0]?.officerId).toBe('o1');
    expect(repeated.tasks[0]?.reasons.pair).toContain('repeat_no_alternative');
    expect(repeated.metrics.pairRepeatRate).toBe(1);
  });

  it('takes the primary zone officer first, then balances load', () => {
    const plan = planWeek(
      base(
        [
          person({ id: 'o-primary', role: 'zone_officer', zones: ['Z1'], capacity: 1 }),
          person({ id: 'o-second', role: 'zone_officer', zones: ['Z2'], capacity: 5 }),
          person({ id: 'g1', role: 'grid_worker', cells: ['C1'] }),
        ],
        [{ id: 'C1', zones: ['Z1', 'Z2'], centroid: [120, 30] }],
        { config: { baseRate: 2, patrolsPerRiskPoint: 0 } },
      ),
      8,
    );
    const byOfficer = plan.tasks.map((t) => [t.officerId, t.zoneId, t.reasons.pair[0]]);
    expect(byOfficer).toContainEqual(['o-primary', 'Z1', 'primary_zone']);
    expect(byOfficer).toContainEqual(['o-second', 'Z2', 'secondary_zone']);
  });

  it('spreads a cell over days and balances officers of one zone', () => {
    const people = [
      person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], capacity: 10 }),
      person({ id: 'o2', role: 'zone_officer', zones: ['Z1'], capacity: 10 }),
      ...['C1', 'C2', 'C3'].map((c) =>
        person({ id: `g-${c}`, role: 'grid_worker', cells: [c], capacity: 5 }),
      ),
    ];
    const cells = ['C1', 'C2', 'C3'].map((id) => ({
      id,
      zones: ['Z1'],
      centroid: [120, 30] as [number, number],
    }));
    const plan = planWeek(base(people, cells, { config: { baseRate: 4, patrolsPerRiskPoint: 0 } }), 21);
    expect(plan.metrics.assigned).toBe(12);
    expect(plan.metrics.officerLoad).toEqual({ people: 2, min: 6, median: 6, max: 6 });
    for (const c of ['C1', 'C2', 'C3']) {
      const days = plan.tasks.filter((t) => t.cellId === c).map((t) => t.date);
      expect(new Set(days).size).toBe(4);
    }
  });

  it('reports metrics: coverage weighted by risk, loads and repeats', () => {
    const plan = planWeek(
      base(
        [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], capacity: 1 }),
          person({ id: 'o-idle', role: 'zone_officer', zones: ['Z7'], capacity: 3 }),
          person({ id: 'g1', role: 'grid_worker', cells: ['C-hot', 'C-quiet'] }),
        ],
        [
          {
            id: 'C-hot',
            zones: ['Z1'],
            centroid: [120, 30],
            stats: { open: 3, overdue: 1 },
            lastPatrolDate: '2025-03-02',
          },
          { id: 'C-quiet', zones: ['Z1'], centroid: [120, 30], lastPatrolDate: '2025-03-02' },
        ],
        { lastWeek: [{ officerId: 'o1', cellId: 'C-hot' }] },
      ),
      2,
    );
    // C-hot: open 2·1 + overdue 1·3 + staleness 1 day·0.1 = 5.1 → weight 6.1; C-quiet: 0.1 → 1.1.
    expect(plan.cells.map((c) => [c.cellId, c.weight, c.demand, c.assigned])).toEqual([
      ['C-hot', 6.1, 1, 1],
      ['C-quiet', 1.1, 1, 0],
    ]);
    expect(plan.metrics).toMatchObject({
      cells: 2,
      demand: 2,
      assigned: 1,
      officerLoad: { people: 2, min: 0, median: 0.5, max: 1 },
      partnerLoad: { people: 1, min: 1, median: 1, max: 1 },
      pairRepeatRate: 1,
    });
    expect(plan.metrics.weightedCoverage).toBeCloseTo(6.1 / 7.2, 9);
    expect(plan.tasks[0]?.reasons.risk.components.overdue).toEqual({ count: 1, points: 3 });
  });

  it('keeps an officer’s tasks of one shift close together', () => {
    // One officer, two shifts open (Monday and Tuesday am). C-a must be Monday (its partner works
    // only then); C-near (next in value) joins that shift, C-far (19 km away) gets its own.
    const monTue = { weekdays: [1, 2], datesOff: [] };
    const plan = planWeek(
      {
        weekStart: WEEK,
        config: { shifts: ['am'], baseRate: 1, patrolsPerRiskPoint: 0, maxTasksPerOfficerShift: 2 },
        cells: [
          { id: 'C-a', zones: ['Z1'], centroid: [120, 30], manualPriority: 2 },
          { id: 'C-near', zones: ['Z1'], centroid: [120.005, 30], manualPriority: 1 },
          { id: 'C-far', zones: ['Z1'], centroid: [120.2, 30] },
        ],
        people: [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], availability: monTue }),
          person({
            id: 'g1',
            role: 'grid_worker',
            cells: ['C-a'],
            availability: { weekdays: [1], datesOff: [] },
          }),
          person({ id: 'g2', role: 'grid_worker', cells: ['C-near', 'C-far'], availability: monTue }),
        ],
      },
      4,
    );
    expect(plan.tasks.map((t) => [t.date, t.cellId])).toEqual([
      [WEEK, 'C-a'],
      [WEEK, 'C-near'],
      ['2025-03-04', 'C-far'],
    ]);
    expect(plan.tasks.find((t) => t.cellId === 'C-near')?.reasons.pair).toContain('near_own_tasks');
    expect(plan.tasks.find((t) => t.cellId === 'C-far')?.reasons.pair).not.toContain('near_own_tasks');
  });

  it('counts a zone or cell listed twice, and a pairing of last week listed twice, once', () => {
    const input = (twice: boolean) =>
      base(
        [
          person({ id: 'o1', role: 'zone_officer', zones: twice ? ['Z1', 'Z2', 'Z1'] : ['Z1', 'Z2'] }),
          person({ id: 'o2', role: 'zone_officer', zones: ['Z2'] }),
          person({ id: 'g1', role: 'grid_worker', cells: twice ? ['C1', 'C2', 'C1'] : ['C1', 'C2'] }),
          person({ id: 'g2', role: 'grid_worker', cells: ['C2'] }),
        ],
        [
          { id: 'C1', zones: twice ? ['Z1', 'Z1'] : ['Z1'], centroid: [120, 30] },
          { id: 'C2', zones: ['Z2', 'Z1'], centroid: [120.01, 30] },
        ],
        {
          config: { baseRate: 3, patrolsPerRiskPoint: 0 },
          lastWeek: [
            { officerId: 'o1', cellId: 'C1' },
            ...(twice ? [{ officerId: 'o1', cellId: 'C1' }] : []),
            { officerId: 'o2', cellId: 'C2' },
          ],
        },
      );
    for (let seed = 0; seed < 10; seed++) {
      const plan = planWeek(input(true), seed);
      expect(plan).toEqual(planWeek(input(false), seed));
      expect(plan.tasks.length).toBeGreaterThan(3);
    }
  });

  it('ignores supervisors, volunteers and inactive people', () => {
    const plan = planWeek(
      base(
        [
          person({ id: 'sup', role: 'supervisor', zones: ['Z1'] }),
          person({ id: 'o-off', role: 'zone_officer', zones: ['Z1'], active: false }),
          person({ id: 'vol', role: 'volunteer', cells: ['C1'] }),
          person({ id: 'g1', role: 'grid_worker', cells: ['C1'] }),
        ],
        [{ id: 'C1', zones: ['Z1'], centroid: [120, 30] }],
      ),
      1,
    );
    expect(plan.tasks).toEqual([]);
    expect(plan.unmet).toEqual([{ cellId: 'C1', missing: 1, reason: 'no_officer' }]);
  });
});

describe('planWeek: dates', () => {
  it('plans Monday to Sunday and honours dates off', () => {
    const plan = planWeek(
      {
        weekStart: WEEK,
        config: { shifts: ['day'], baseRate: 7, patrolsPerRiskPoint: 0, maxPatrolsPerCell: 7 },
        cells: [{ id: 'C1', zones: ['Z1'], centroid: [120, 30] }],
        people: [
          person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], capacity: 7 }),
          person({
            id: 'g1',
            role: 'grid_worker',
            cells: ['C1'],
            capacity: 7,
            availability: { weekdays: [1, 2, 3, 4, 5, 6, 7], datesOff: ['2025-03-05'] },
          }),
        ],
      },
      1,
    );
    expect(plan.dates).toEqual(DATES);
    expect(plan.tasks.map((t) => t.date)).toEqual(DATES.filter((d) => d !== '2025-03-05'));
    expect(plan.unmet).toEqual([{ cellId: 'C1', missing: 1, reason: 'unavailable' }]);
  });
});
