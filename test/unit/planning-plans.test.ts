/**
 * The pure parts of stored plans (core planning/plans.ts): the reassignment rules agree with the
 * planner (every planned task kept where it is breaks none) and each rule names itself and the
 * person; exclusions of a week under way; supersede and publish rules; which cells a plan covers.
 */

import { addDays } from '@gridpatrol/core/calendar';
import { ConflictError, UnprocessableError } from '@gridpatrol/core/errors';
import type { GridTopology } from '@gridpatrol/core/grid/topology';
import { render } from '@gridpatrol/core/messages/index';
import type { Person } from '@gridpatrol/core/people';
import { cellDemands } from '@gridpatrol/core/planning/demand';
import { planWeek } from '@gridpatrol/core/planning/planner';
import {
  applyExclusions,
  assertReassignable,
  PlanCreateBody,
  planCellIds,
  planCellViews,
  planInputFrom,
  publishCheck,
  ReassignBody,
  type ReassignCheck,
  reassignProblems,
  supersedeTarget,
  type TaskSlotRef,
  toPatrolTasks,
} from '@gridpatrol/core/planning/plans';
import { PatrolTask, type PlanRecord } from '@gridpatrol/core/planning/records';
import { type PlanCell, PlanInput, PlannerConfig } from '@gridpatrol/core/planning/schema';
import { syntheticPlanInput } from '@gridpatrol/core/planning/synthetic';
import { describe, expect, it } from 'vitest';

const WEEK = '2025-03-03'; // a Monday
const config = PlannerConfig.parse({});

const person = (p: Partial<Person> & Pick<Person, 'id' | 'role'>): Person => ({
  name: p.id,
  zones: [],
  cells: [],
  capacity: 5,
  availability: { weekdays: [1, 2, 3, 4, 5], datesOff: [] },
  conflictCells: [],
  active: true,
  ...p,
});

const officer = person({ id: 'o1', role: 'zone_officer', zones: ['Z1'] });
const partner = person({ id: 'p1', role: 'grid_worker', cells: ['C1', 'C2'] });
const task = { id: 'T1', cellId: 'C1', officerId: 'o1', partnerId: 'p1', date: WEEK, shift: 'am' };
const slot = (t: Partial<TaskSlotRef> & Pick<TaskSlotRef, 'id'>): TaskSlotRef => ({
  officerId: 'o1',
  partnerId: 'p1',
  date: WEEK,
  shift: 'am',
  cellId: 'C1',
  status: 'draft',
  ...t,
});

const check = (over: Partial<ReassignCheck> = {}): ReassignCheck => ({
  task,
  target: { officerId: 'o1', partnerId: 'p1', date: WEEK, shift: 'am' },
  officer,
  partner,
  cellZones: ['Z1', 'Z2'],
  weekStart: WEEK,
  shifts: ['am', 'pm'],
  maxTasksPerOfficerShift: 2,
  tasks: [slot({ id: 'T1' })],
  ...over,
});
const rules = (c: ReassignCheck) => reassignProblems(c).map((p) => `${p.rule}:${p.personId ?? ''}`);

describe('reassignment rules', () => {
  it('accepts a move that keeps every rule, and names the zone the officer serves the cell through', () => {
    expect(reassignProblems(check())).toEqual([]);
    expect(assertReassignable(check({ cellZones: ['Z0', 'Z1'] }))).toEqual({ zoneId: 'Z1' });
  });

  it('agrees with the planner: no planned task breaks a rule where the planner put it', () => {
    for (const seed of [1, 2, 3]) {
      const input = syntheticPlanInput({ cells: 60, seed });
      const plan = planWeek(input, seed);
      const people = new Map(input.people.map((p) => [p.id, p as Person]));
      const zones = new Map(input.cells.map((c) => [c.id, c.zones]));
      const tasks = plan.tasks.map((t) => ({ ...t, status: 'draft' as const }));
      expect(tasks.length).toBeGreaterThan(0);
      for (const t of tasks)
        expect(
          reassignProblems({
            task: t,
            target: { officerId: t.officerId, partnerId: t.partnerId, date: t.date, shift: t.shift },
            officer: people.get(t.officerId),
            partner: people.get(t.partnerId),
            cellZones: zones.get(t.cellId) ?? [],
            weekStart: plan.weekStart,
            shifts: plan.shifts,
            maxTasksPerOfficerShift: plan.config.maxTasksPerOfficerShift,
            tasks,
          }),
          t.id,
        ).toEqual([]);
    }
  });

  it('names eligibility, role, activity and unknown people', () => {
    const west = person({ id: 'o2', role: 'zone_officer', zones: ['Z9'] });
    expect(rules(check({ target: { ...check().target, officerId: 'o2' }, officer: west }))).toEqual([
      'officer_zone:o2',
    ]);
    const other = person({ id: 'p2', role: 'grid_leader', cells: ['C9'] });
    expect(rules(check({ target: { ...check().target, partnerId: 'p2' }, partner: other }))).toEqual([
      'partner_cell:p2',
    ]);
    expect(rules(check({ partner: { ...officer, id: 'p1', cells: ['C1'] } }))).toContain('partner_role:p1');
    expect(rules(check({ officer: { ...partner, id: 'o1' } }))).toContain('officer_role:o1');
    expect(rules(check({ officer: { ...officer, active: false } }))).toEqual(['inactive:o1']);
    expect(rules(check({ officer: undefined }))).toEqual(['unknown_person:o1']);
  });

  it('names availability (weekday and date off), conflict and capacity', () => {
    const saturday = addDays(WEEK, 5);
    expect(rules(check({ target: { ...check().target, date: saturday } }))).toEqual([
      'availability:o1',
      'availability:p1',
    ]);
    const off = { ...officer, availability: { weekdays: [1, 2, 3, 4, 5], datesOff: [WEEK] } };
    expect(rules(check({ officer: off }))).toEqual(['availability:o1']);
    expect(rules(check({ partner: { ...partner, conflictCells: ['C1'] } }))).toEqual(['conflict:p1']);
    const others = [1, 2].map((d) =>
      slot({ id: `X${d}`, date: addDays(WEEK, d), cellId: 'C2', partnerId: 'p9' }),
    );
    expect(
      rules(check({ officer: { ...officer, capacity: 2 }, tasks: [slot({ id: 'T1' }), ...others] })),
    ).toEqual(['capacity:o1']);
    // Cancelled tasks hold no capacity.
    const cancelled = others.map((t) => ({ ...t, status: 'cancelled' as const }));
    expect(
      rules(check({ officer: { ...officer, capacity: 1 }, tasks: [slot({ id: 'T1' }), ...cancelled] })),
    ).toEqual([]);
  });

  it('names the officer’s shift limit, double booking, a taken cell slot and a slot outside the week', () => {
    const inSlot = [
      slot({ id: 'A', cellId: 'C2', partnerId: 'pa', date: addDays(WEEK, 1) }),
      slot({ id: 'B', cellId: 'C3', partnerId: 'pb', date: addDays(WEEK, 1) }),
    ];
    const target = { ...check().target, date: addDays(WEEK, 1) };
    expect(
      rules(check({ target, tasks: [slot({ id: 'T1' }), ...inSlot], officer: { ...officer, capacity: 9 } })),
    ).toEqual(['officer_shift_limit:o1']);
    const partnerBusy = [slot({ id: 'A', cellId: 'C2', officerId: 'ox', date: addDays(WEEK, 1) })];
    expect(rules(check({ target, tasks: [slot({ id: 'T1' }), ...partnerBusy] }))).toEqual([
      'double_booked:p1',
    ]);
    const cellTaken = [slot({ id: 'A', officerId: 'ox', partnerId: 'px', date: addDays(WEEK, 1) })];
    expect(rules(check({ target, tasks: [slot({ id: 'T1' }), ...cellTaken] }))).toEqual(['cell_slot_taken:']);
    expect(rules(check({ target: { ...check().target, date: addDays(WEEK, 7) } }))).toContain(
      'slot_in_week:',
    );
    expect(rules(check({ target: { ...check().target, shift: 'night' } }))).toContain('slot_in_week:');
  });

  it('names a slot that has already started, and lets one that has not', () => {
    const slotStart = `${WEEK}T00:30:00.000Z`;
    expect(rules(check({ slotStart, now: `${WEEK}T00:30:00.000Z` }))).toEqual(['slot_passed:']);
    expect(rules(check({ slotStart, now: `${WEEK}T03:00:00.000Z` }))).toEqual(['slot_passed:']);
    expect(rules(check({ slotStart, now: `${addDays(WEEK, -1)}T23:00:00.000Z` }))).toEqual([]);
  });

  it('tells a person when the slot started in the city’s time, in their language (issue 16)', () => {
    const slotStart = `${WEEK}T00:30:00.000Z`;
    const [passed] = reassignProblems(check({ slotStart, now: `${WEEK}T03:00:00.000Z` }));
    const text = passed?.text;
    if (!text) throw new Error('no text');
    expect(render(text, { language: 'en', timeZone: 'Asia/Shanghai' })).toContain(
      `started at ${WEEK} 08:30+08:00`,
    );
    expect(render(text, { language: 'zh-CN', timeZone: 'Asia/Shanghai' })).toMatch(
      new RegExp(`^［slot_passed］.*已于 ${WEEK} 08:30\\+08:00 开始`),
    );
  });

  it('throws a 422 whose message and details name the rule and the person', () => {
    const west = person({ id: 'o2', role: 'zone_officer', zones: ['Z9'] });
    try {
      assertReassignable(check({ target: { ...check().target, officerId: 'o2' }, officer: west }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnprocessableError);
      const e = err as UnprocessableError;
      expect(e.message).toContain('officer_zone');
      expect(e.message).toContain('o2');
      expect(e.details[0]).toMatchObject({ path: 'body.officerId' });
    }
  });
});

describe('request schemas', () => {
  it('wants a Monday, and at least one change in a reassignment', () => {
    expect(PlanCreateBody.safeParse({ weekStart: WEEK }).success).toBe(true);
    const tue = PlanCreateBody.safeParse({ weekStart: addDays(WEEK, 1) });
    expect(tue.success).toBe(false);
    expect(tue.error?.issues[0]?.path).toEqual(['weekStart']);
    expect(ReassignBody.safeParse({ expectedVersion: 1 }).success).toBe(false);
    expect(ReassignBody.safeParse({ expectedVersion: 1, shift: 'pm' }).success).toBe(true);
  });
});

const header = (p: Partial<PlanRecord> & Pick<PlanRecord, 'id' | 'status'>): PlanRecord => ({
  weekStart: WEEK,
  officeId: 'east',
  version: 1,
  seed: 1,
  gridVersion: 1,
  shifts: ['am', 'pm'],
  config,
  metrics: {
    cells: 0,
    demand: 0,
    assigned: 0,
    weightedDemand: 0,
    weightedAssigned: 0,
    weightedCoverage: 1,
    officerLoad: { people: 0, min: 0, median: 0, max: 0 },
    partnerLoad: { people: 0, min: 0, median: 0, max: 0 },
    pairRepeatRate: 0,
    partnerRepeatRate: 0,
  },
  unmet: [],
  createdAt: '2025-02-20T00:00:00Z',
  createdBy: 'sup',
  ...p,
});

describe('supersede and publish rules', () => {
  it('a week with a published plan is a 409 naming it unless superseding', () => {
    const pub = header({ id: 'P-pub001', status: 'published' });
    const draft = header({ id: 'P-dra001', status: 'draft' });
    expect(supersedeTarget([draft], [], undefined)).toBeUndefined();
    expect(() => supersedeTarget([draft, pub], [], undefined)).toThrow(/P-pub001/);
    expect(() => supersedeTarget([pub], [], false)).toThrow(ConflictError);
    expect(supersedeTarget([pub], [], true)).toBe('P-pub001');
    // A city-wide plan published over the week blocks an office plan (it would plan the same cells).
    const city = header({ id: 'P-city01', status: 'published', officeId: null });
    expect(() => supersedeTarget([], [city], true)).toThrow(/P-city01/);
  });

  it('publishing: idempotent when published, 409 when superseded or when another plan is live', () => {
    const pub = header({ id: 'P-pub001', status: 'published' });
    expect(publishCheck(pub, [pub])).toBe('done');
    expect(() => publishCheck(header({ id: 'P-old001', status: 'superseded' }), [])).toThrow(ConflictError);
    const draft = header({ id: 'P-dra001', status: 'draft' });
    expect(() => publishCheck(draft, [pub, draft])).toThrow(/P-pub001/);
    const replacing = header({ id: 'P-new001', status: 'draft', supersedes: 'P-pub001' });
    expect(publishCheck(replacing, [pub, replacing])).toBe('go');
    const gone = header({ id: 'P-pub001', status: 'superseded', supersededBy: 'P-zzz001' });
    expect(() => publishCheck(replacing, [gone, replacing])).toThrow(/already superseded/);
    expect(publishCheck(header({ id: 'P-dra001', status: 'publishing' }), [])).toBe('go');
  });
});

describe('a week under way', () => {
  const input = PlanInput.parse(syntheticPlanInput({ cells: 40, seed: 7, weekStart: WEEK }));
  const startOf = (date: string, shift: string) => `${date}T${shift === 'am' ? '00:30' : '05:30'}:00.000Z`;

  it('leaves out past slots and completed patrols, and spends the completed patrols’ capacity', () => {
    const full = planWeek(input, 5);
    const done = full.tasks[0];
    if (!done) throw new Error('no task');
    const exclusions = {
      notBefore: `${addDays(WEEK, 2)}T03:00:00.000Z`,
      completed: [{ ...done }],
      droppedTasks: 0,
    };
    const arg = planInputFrom({
      weekStart: WEEK,
      config: input.config,
      cells: input.cells,
      stats: new Map(input.cells.map((c) => [c.id, c.stats])),
      planning: new Map(
        input.cells.map((c) => [
          c.id,
          { manualPriority: c.manualPriority, lastJointPatrolDate: c.lastPatrolDate },
        ]),
      ),
      people: input.people,
      exclusions,
      shiftStartOf: startOf,
    });
    const someone = arg.people?.find((p) => p.id === done.officerId);
    const original = input.people.find((p) => p.id === done.officerId);
    expect(someone?.capacity).toBe(Math.max(0, (original?.capacity ?? 0) - 1));
    // Monday and Tuesday are wholly past: everyone is off.
    expect(someone?.availability?.datesOff).toEqual(expect.arrayContaining([WEEK, addDays(WEEK, 1)]));
    const { plan, dropped } = applyExclusions(planWeek(arg, 5), exclusions, startOf);
    expect(dropped).toBeGreaterThanOrEqual(0);
    for (const t of plan.tasks) {
      expect(startOf(t.date, t.shift) >= exclusions.notBefore).toBe(true);
      expect(t.cellId === done.cellId && t.date === done.date && t.shift === done.shift).toBe(false);
    }
    const demand = plan.cells.find((c) => c.cellId === done.cellId)?.demand ?? 0;
    expect(plan.tasks.filter((t) => t.cellId === done.cellId).length).toBeLessThanOrEqual(
      Math.max(0, demand - 1),
    );
  });

  it('stores tasks as drafts with their shift instants', () => {
    const plan = planWeek(input, 5);
    const stored = toPatrolTasks(plan.tasks.slice(0, 3), {
      planId: 'P-abc123',
      officeId: 'east',
      weekStart: WEEK,
      shiftTimes: { am: { start: '08:30', end: '12:00' }, pm: { start: '13:30', end: '17:30' } },
      timeZone: 'Asia/Shanghai',
      now: '2025-02-27T00:00:00.000Z',
    });
    for (const t of stored) {
      expect(PatrolTask.parse(t)).toMatchObject({ status: 'draft', version: 1, planId: 'P-abc123' });
      expect(t.id).toBe(`P-abc123.${t.date}.${t.shift}.${t.cellId}`);
    }
  });
});

describe('cells of a plan', () => {
  it('an office takes the cells whose primary zone is its own; the city every zoned cell', () => {
    const topology: GridTopology = {
      version: 1,
      cellZones: new Map([
        ['C1', ['Z1']],
        ['C2', ['Z2', 'Z1']],
        ['C3', ['Z1', 'Z2']],
        ['C4', []],
      ]),
      zoneCells: new Map(),
      zoneOffice: new Map([
        ['Z1', 'east'],
        ['Z2', 'west'],
      ]),
    };
    expect(planCellIds(topology, 'east')).toEqual(['C1', 'C3']);
    expect(planCellIds(topology, 'west')).toEqual(['C2']);
    expect(planCellIds(topology, null)).toEqual(['C1', 'C2', 'C3']);
  });
});

describe('per-cell demand as served (GET /plans/{id}/cells)', () => {
  const cell = (id: string, open: number): PlanCell => ({
    id,
    zones: ['Z1'],
    centroid: [120, 30],
    stats: { open, overdue: 0, recent: 0, reopened: 0 },
    lastPatrolDate: null,
    manualPriority: 0,
  });
  const stored = (id: string, open: number, assigned: number) => {
    const c = cell(id, open);
    const d = cellDemands([c], WEEK, config)[0];
    if (!d) throw new Error('no demand');
    return { cell: c, demand: { ...d, assigned } };
  };
  const header = {
    weekStart: WEEK,
    config,
    unmet: [{ cellId: 'C2', missing: 1, reason: 'capacity' as const }],
    exclusions: undefined,
  };

  it('gives the input, risk, weight and demand, the shortfall and the reason kept with the cell, else the header’s', () => {
    const a = stored('C1', 3, 0);
    const b = stored('C2', 3, 0);
    const [c1, c2] = planCellViews([{ ...a, unmetReason: 'no_partner' }, b], header);
    expect(a.demand.demand).toBeGreaterThan(0);
    expect(c1).toEqual({
      cellId: 'C1',
      zones: ['Z1'],
      stats: { open: 3, overdue: 0, recent: 0, reopened: 0 },
      lastPatrolDate: null,
      manualPriority: 0,
      risk: a.demand.risk,
      weight: a.demand.weight,
      demand: a.demand.demand,
      completedBefore: 0,
      assigned: 0,
      unmet: a.demand.demand,
      unmetReason: 'no_partner',
    });
    expect(c2).toMatchObject({ unmet: b.demand.demand, unmetReason: 'capacity' });
  });

  it('counts a superseded plan’s completed patrols against the demand; a shortfall the planner did not cause is `excluded`', () => {
    const a = stored('C1', 3, 0);
    const done = { date: WEEK, shift: 'am', officerId: 'o', partnerId: 'p', cellId: 'C1' };
    const exclusions = { notBefore: `${WEEK}T00:00:00.000Z`, completed: [done], droppedTasks: 1 };
    const [met] = planCellViews([{ ...a, demand: { ...a.demand, assigned: a.demand.demand - 1 } }], {
      ...header,
      exclusions,
    });
    expect(met).toMatchObject({ completedBefore: 1, unmet: 0, unmetReason: null });
    const [short] = planCellViews([a], { ...header, exclusions });
    expect(short).toMatchObject({ completedBefore: 1, unmet: a.demand.demand - 1, unmetReason: 'excluded' });
  });

  it('recomputes the demand of a cell stored without one, with nothing assigned', () => {
    const c = cell('C3', 2);
    const [view] = planCellViews([{ cell: c }], { ...header, unmet: [] });
    const d = cellDemands([c], WEEK, config)[0];
    expect(view).toMatchObject({ weight: d?.weight, demand: d?.demand, assigned: 0, unmet: d?.demand });
  });
});
