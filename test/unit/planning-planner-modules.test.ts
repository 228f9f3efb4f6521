import { countRuns, fillRuns, offsets, popcount } from '@gridpatrol/core/planning/planner/arrays';
import { applyPick, bestPick, decodeReasons, REASON } from '@gridpatrol/core/planning/planner/candidates';
import { greedy, unitOrder } from '@gridpatrol/core/planning/planner/greedy';
import { improve } from '@gridpatrol/core/planning/planner/improve';
import { planOutput } from '@gridpatrol/core/planning/planner/output';
import {
  addTask,
  attachTask,
  buildState,
  type PlannerState,
  removeTask,
  weekOf,
} from '@gridpatrol/core/planning/planner/state';
import { createRandom } from '@gridpatrol/core/planning/random';
import { PlanInput, type PlanInputArg } from '@gridpatrol/core/planning/schema';
import { scarcePeopleOptions, syntheticPlanInput } from '@gridpatrol/core/planning/synthetic';
import { describe, expect, it } from 'vitest';
import { person } from '../support/people';

const WEEK = '2025-03-03'; // a Monday

const stateOf = (raw: PlanInputArg, seed = 1): PlannerState =>
  buildState(weekOf(PlanInput.parse(raw)), createRandom(seed));

/** Officer index of a task. */
const officerOf = (s: PlannerState, t: number) => s.offK[s.tEntry[t] as number] as number;

/** The live tasks of the state. */
function liveTasks(s: PlannerState): number[] {
  const out: number[] = [];
  for (let t = 0; t < s.nTasks; t++) if (s.tAlive[t]) out.push(t);
  return out;
}

/**
 * Every fact the state keeps about its tasks, recomputed from the live tasks alone: loads, slots,
 * runs of live tasks and the places of each task in them; and the hard rules (capacity, one task
 * a shift for a cell and a partner, maxTasksPerOfficerShift, availability).
 */
function expectConsistent(s: PlannerState): void {
  const live = liveTasks(s);
  const oLoad = new Int32Array(s.nOff);
  const pLoad = new Int32Array(s.nPart);
  const assigned = new Int32Array(s.nCells);
  const slotsUsed = new Int32Array(s.nCells);
  const oSlot = new Map<number, number[]>();
  const pSlot = new Map<number, number>();
  for (const t of live) {
    const ci = s.tCell[t] as number;
    const k = officerOf(s, t);
    const pk = s.tPartner[t] as number;
    const slot = s.tSlot[t] as number;
    oLoad[k] = (oLoad[k] as number) + 1;
    pLoad[pk] = (pLoad[pk] as number) + 1;
    assigned[ci] = (assigned[ci] as number) + 1;
    expect((slotsUsed[ci] as number) & (1 << slot), `cell ${ci} twice in slot ${slot}`).toBe(0);
    slotsUsed[ci] = (slotsUsed[ci] as number) | (1 << slot);
    const os = k * s.nSlots + slot;
    oSlot.set(os, [...(oSlot.get(os) ?? []), ci]);
    pSlot.set(pk * s.nSlots + slot, (pSlot.get(pk * s.nSlots + slot) ?? 0) + 1);
    expect(((s.oAvail[k] as number) >>> slot) & 1).toBe(1);
    expect(((s.pAvail[pk] as number) >>> slot) & 1).toBe(1);
    expect(s.oTasks[(s.oTaskStart[k] as number) + (s.tPosO[t] as number)]).toBe(t);
    expect(s.pTasks[(s.pTaskStart[pk] as number) + (s.tPosP[t] as number)]).toBe(t);
  }
  expect([...s.oLoad]).toEqual([...oLoad]);
  expect([...s.pLoad]).toEqual([...pLoad]);
  expect([...s.assigned]).toEqual([...assigned]);
  expect([...s.slotsUsed]).toEqual([...slotsUsed]);
  for (let k = 0; k < s.nOff; k++) expect(s.oLoad[k]).toBeLessThanOrEqual(s.oCap[k] as number);
  for (let k = 0; k < s.nPart; k++) expect(s.pLoad[k]).toBeLessThanOrEqual(s.pCap[k] as number);
  for (let ci = 0; ci < s.nCells; ci++) expect(s.assigned[ci]).toBeLessThanOrEqual(s.demand[ci] as number);
  for (let os = 0; os < s.nOff * s.nSlots; os++) {
    const cells = oSlot.get(os) ?? [];
    expect(s.oSlotCount[os]).toBe(cells.length);
    expect(cells.length).toBeLessThanOrEqual(s.maxPerShift);
    const kept = [...s.oSlotCells.subarray(os * s.maxPerShift, os * s.maxPerShift + cells.length)];
    expect(kept.sort()).toEqual(cells.sort());
  }
  for (let ps = 0; ps < s.nPart * s.nSlots; ps++) {
    expect(s.pSlotCount[ps]).toBe(pSlot.get(ps) ?? 0);
    expect(s.pSlotCount[ps]).toBeLessThanOrEqual(1);
  }
}

describe('planner/arrays: compressed rows', () => {
  it('lays items out row by row, keeping their order within a row', () => {
    const rows = [2, 0, 2, 2];
    const start = offsets(countRuns(rows, 3));
    expect([...start]).toEqual([0, 1, 1, 4]);
    const out = new Int32Array(4);
    fillRuns(start, rows, [10, 11, 12, 13], out);
    expect([...out]).toEqual([11, 10, 12, 13]);
    expect(popcount(0b1011)).toBe(3);
    expect(popcount(0xffffffff)).toBe(32);
  });
});

describe('planner/state: built once from the week', () => {
  const input: PlanInputArg = {
    weekStart: WEEK,
    config: { shifts: ['am', 'pm'] },
    cells: [
      { id: 'C2', zones: ['Z2', 'Z1'], centroid: [120.01, 30] },
      { id: 'C1', zones: ['Z1'], centroid: [120, 30] },
    ],
    people: [
      person({ id: 'o1', role: 'zone_officer', zones: ['Z1'] }),
      person({ id: 'o2', role: 'zone_officer', zones: ['Z2'], conflictCells: ['C2'] }),
      person({ id: 'o3', role: 'zone_officer', zones: ['Z2'], capacity: 0 }),
      person({ id: 'g1', role: 'grid_worker', cells: ['C1', 'C2', 'C1'] }),
      person({
        id: 'g2',
        role: 'grid_leader',
        cells: ['C2'],
        availability: { weekdays: [1], datesOff: [] },
      }),
      person({ id: 'v1', role: 'volunteer', cells: ['C1'] }),
    ],
    lastWeek: [{ officerId: 'o1', cellId: 'C2' }],
  };

  it('lists each cell’s candidates: eligible, with capacity and availability, each once', () => {
    const s = stateOf(input);
    // Cells and people by id: C1 = 0, C2 = 1; o1 = 0, o2 = 1, o3 = 2; g1 = 0, g2 = 1.
    const officers = (ci: number) => [...s.offK.subarray(s.offStart[ci], s.offStart[ci + 1])];
    const partners = (ci: number) => [...s.partK.subarray(s.partStart[ci], s.partStart[ci + 1])];
    expect(officers(0)).toEqual([0]);
    // C2: o2 is in conflict (回避), o3 has no capacity (eligible, so C2 has an officer, but no
    // candidate): only o1, for the secondary zone Z1, last week's officer.
    expect(officers(1)).toEqual([0]);
    const e = s.offStart[1] as number;
    expect([s.offZone[e], s.offPrimary[e], s.offRepeat[e]]).toEqual(['Z1', 0, 1]);
    expect([...s.hasOfficer]).toEqual([1, 1]);
    expect([...s.lastCount]).toEqual([0, 1]);
    expect(partners(0)).toEqual([0]);
    expect(partners(1)).toEqual([0, 1]);
    // Two shifts a day: Monday's slots are bits 0 and 1, g2 works Mondays only.
    expect(s.pAvail[1]).toBe(0b11);
    expect(popcount(s.possible[1] as number)).toBe(14);
    expect(s.dayMask[3]).toBe(0b1100);
  });

  it('keeps its bookkeeping when tasks are added, removed and attached again, past the first growth', () => {
    const s = stateOf(syntheticPlanInput({ cells: 400, seed: 5 }));
    const units = unitOrder(s);
    greedy(s, units);
    expect(s.nTasks).toBeGreaterThan(256);
    expectConsistent(s);
    const some = liveTasks(s).filter((_, i) => i % 3 === 0);
    for (const t of some) removeTask(s, t);
    expectConsistent(s);
    for (const t of some.reverse()) attachTask(s, t);
    expectConsistent(s);
    const t = liveTasks(s)[0] as number;
    removeTask(s, t);
    const again = addTask(
      s,
      s.tCell[t] as number,
      s.tEntry[t] as number,
      s.tPartner[t] as number,
      s.tSlot[t] as number,
      s.tReasons[t] as number,
    );
    expect(again).toBe(s.nTasks - 1);
    expectConsistent(s);
  });
});

/** Two cells of zone Z1; C-high also lies in Z2. One task each is wanted; o1 can do only one. */
const bumpInput = (): PlanInputArg => ({
  weekStart: WEEK,
  config: { baseRate: 1, patrolsPerRiskPoint: 0, improvementRounds: 1 },
  cells: [
    { id: 'C-low', zones: ['Z1'], centroid: [120, 30] },
    { id: 'C-high', zones: ['Z1', 'Z2'], centroid: [120.01, 30], manualPriority: 3 },
  ],
  people: [
    person({ id: 'o1', role: 'zone_officer', zones: ['Z1'], capacity: 1 }),
    person({ id: 'o2', role: 'zone_officer', zones: ['Z2'], capacity: 1 }),
    person({ id: 'g1', role: 'grid_worker', cells: ['C-low', 'C-high'] }),
  ],
});

describe('planner/candidates: the pick of one more patrol', () => {
  it('takes the primary zone officer first and says why; finds nothing when every officer is full', () => {
    const s = stateOf(bumpInput());
    // C-high = 0, C-low = 1; o1 = 0, o2 = 1.
    expect(bestPick(s, 0)).toBe(true);
    expect(s.offK[s.pickEntry]).toBe(0);
    expect(decodeReasons(s.pickReasons)).toContain('primary_zone');
    const t = applyPick(s, 0, 0);
    expect(officerOf(s, t)).toBe(0);
    expect(bestPick(s, 1)).toBe(false);
    // C-high's second officer still has room, in its secondary zone.
    expect(bestPick(s, 0)).toBe(true);
    expect(s.offK[s.pickEntry]).toBe(1);
    expect(decodeReasons(s.pickReasons)).toContain('secondary_zone');
  });
});

describe('planner/greedy: units by weight, then scarcity, then the draw', () => {
  it('orders cells by weight and books the heavier cell first, leaving the plan consistent', () => {
    const s = stateOf(syntheticPlanInput({ cells: 300, seed: 3 }), 9);
    const { order, groupEnd } = unitOrder(s);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    for (let i = 1; i < order.length; i++)
      expect(s.weight[order[i] as number]).toBeLessThanOrEqual(s.weight[order[i - 1] as number] as number);
    expect(groupEnd[groupEnd.length - 1]).toBe(300);
    greedy(s, { order, groupEnd });
    expectConsistent(s);
    expect(liveTasks(s).length).toBeGreaterThan(100);

    const small = stateOf(bumpInput());
    greedy(small, unitOrder(small));
    // C-high (weight 9.8) took o1, its primary zone's officer; C-low (3.8) found o1 full.
    expect([...small.assigned]).toEqual([1, 0]);
    expect(officerOf(small, 0)).toBe(0);
  });
});

describe('planner/improve: augmenting paths of length two', () => {
  it('bumps the heavier cell to its second officer so that the lighter one gets the first', () => {
    const s = stateOf(bumpInput());
    const units = unitOrder(s);
    greedy(s, units);
    improve(s, units, 1);
    expectConsistent(s);
    expect([...s.assigned]).toEqual([1, 1]);
    const byCell = new Map(liveTasks(s).map((t) => [s.tCell[t], t]));
    expect(officerOf(s, byCell.get(0) as number)).toBe(1);
    expect(officerOf(s, byCell.get(1) as number)).toBe(0);
    expect((s.tReasons[byCell.get(1) as number] as number) & REASON.improvement).toBeTruthy();
  });

  it('keeps the state consistent and never loses value; gains where people are scarce', () => {
    const gained: number[] = [];
    for (let i = 0; i < 12; i++) {
      const raw = syntheticPlanInput(scarcePeopleOptions(i, 1000 + i));
      const s = stateOf(raw, 1000 + i);
      const units = unitOrder(s);
      greedy(s, units);
      const planValue = () =>
        liveTasks(s).reduce((sum, t) => sum + (s.weight[s.tCell[t] as number] as number), 0);
      const before = planValue();
      improve(s, units, 2);
      expectConsistent(s);
      expect(planValue()).toBeGreaterThanOrEqual(before - 1e-9);
      if (planValue() > before + 1e-9) gained.push(i);
    }
    expect(gained).toEqual(expect.arrayContaining([6, 10]));
  });
});

describe('planner/output: the plan of a state', () => {
  it('lists tasks by date, shift and cell, and each unmet cell with its reason', () => {
    const raw = bumpInput();
    const week = weekOf(PlanInput.parse({ ...raw, config: { ...raw.config, improvementRounds: 0 } }));
    const s = buildState(week, createRandom(1));
    greedy(s, unitOrder(s));
    const plan = planOutput(week, s, 1);
    expect(plan.tasks.map((t) => [t.cellId, t.officerId, t.partnerId])).toEqual([['C-high', 'o1', 'g1']]);
    expect(plan.unmet).toEqual([{ cellId: 'C-low', missing: 1, reason: 'capacity' }]);
    expect(plan.metrics.assigned).toBe(1);
    expect(plan.seed).toBe(1);
  });
});
