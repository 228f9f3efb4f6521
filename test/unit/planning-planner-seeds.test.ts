import { readFileSync } from 'node:fs';
import type { Person } from '@gridpatrol/core/people';
import { planWeek } from '@gridpatrol/core/planning/planner';
import type { Plan, PlanCell, PlanInputArg } from '@gridpatrol/core/planning/schema';
import { scarcePeopleOptions, syntheticPlanInput } from '@gridpatrol/core/planning/synthetic';
import { describe, expect, it } from 'vitest';

/**
 * Issue 22: the same week drafted with any seed reaches the optimum. The small office: 4×4 cells,
 * zone Z-A (columns 0–1) with one officer of capacity 5, zone Z-B (columns 2–3) with two officers
 * who have room, cell C-21 straddling both (Z-A primary), one grid partner per two neighbouring
 * cells, one shift a day. Before the hand-over moves, half the seeds (seed 0 among them) stopped at
 * 97.3% of the optimum: the greedy gave the straddling cell to the scarce Z-A officer and the
 * improvement pass never moved only the officer of a task.
 */
const input = JSON.parse(
  readFileSync(new URL('../fixtures/planner/small-office.json', import.meta.url), 'utf8'),
) as PlanInputArg & { cells: PlanCell[]; people: Person[] };

/**
 * An upper bound of the weighted patrols any plan can assign, computed by brute force apart from
 * the planner: weekly counts only (slots ignored, each zone's officers pooled), every way each
 * partner can split their capacity over their cells. A plan that reaches it is optimal.
 */
function upperBound(plan: Plan): number {
  const demand = new Map(plan.cells.map((c) => [c.cellId, c]));
  const zonesOf = new Map(input.cells.map((c) => [c.id, c.zones]));
  const zoneCap = (z: string) =>
    input.people
      .filter((p) => p.role === 'zone_officer' && p.zones?.includes(z))
      .reduce((s, p) => s + (p.capacity ?? 0), 0);
  const capA = zoneCap('Z-A');
  const capB = zoneCap('Z-B');
  const partners = input.people.filter((p) => p.role === 'grid_worker');
  // The fixture's shape, which the bound relies on: each cell has one partner, zones Z-A and Z-B.
  expect(partners.flatMap((p) => p.cells).sort()).toEqual(input.cells.map((c) => c.id).sort());
  /** Every vector of patrols of the partner's cells within demand and the partner's capacity. */
  const options = (p: (typeof partners)[number]): number[][] => {
    let out: number[][] = [[]];
    for (const cellId of p.cells ?? [])
      out = out.flatMap((xs) =>
        Array.from({ length: (demand.get(cellId)?.demand ?? 0) + 1 }, (_, x) => [...xs, x]),
      );
    return out.filter((xs) => xs.reduce((s, x) => s + x, 0) <= (p.capacity ?? 0));
  };
  // Load on Z-A only, on Z-B only, and on cells touching both; best weight of each combination.
  const best = new Map<string, number>();
  const walk = (i: number, a: number, b: number, both: number, w: number): void => {
    const p = partners[i];
    if (!p) {
      const key = `${a},${b},${both}`;
      best.set(key, Math.max(best.get(key) ?? 0, w));
      return;
    }
    for (const xs of options(p)) {
      let [na, nb, nboth, nw] = [a, b, both, w];
      xs.forEach((x, j) => {
        const cellId = (p.cells ?? [])[j] as string;
        const zones = zonesOf.get(cellId) ?? [];
        if (zones.length > 1) nboth += x;
        else if (zones[0] === 'Z-A') na += x;
        else nb += x;
        nw += x * (demand.get(cellId)?.weight ?? 0);
      });
      if (na <= capA && nb <= capB && na + nb + nboth <= capA + capB) walk(i + 1, na, nb, nboth, nw);
    }
  };
  walk(0, 0, 0, 0, 0);
  return Math.max(...best.values());
}

describe('planWeek: near the optimum whatever the seed (issue 22)', () => {
  const bound = upperBound(planWeek(input, 0));

  it('seed 0, which stopped at 97.3%, reaches the optimum', () => {
    expect(planWeek(input, 0).metrics.weightedAssigned).toBeCloseTo(bound, 6);
  });

  it('every one of 200 seeds reaches the optimum', () => {
    const short = Array.from({ length: 200 }, (_, seed) => seed).filter(
      (seed) => planWeek(input, seed).metrics.weightedAssigned < bound - 1e-6,
    );
    expect(short).toEqual([]);
  });
});

/**
 * The bench's instance 17 (`npm run bench -- planner`), whose optimum moves officers of two
 * straddling cells to the other zone's officers and partners of lighter cells to heavier ones, six
 * cells at once: 153 of 200 seeds stopped at 97.72% of it before the hand-over could also free the
 * other side (decision 0046). Its optimum, 188.6 weighted patrols, is the bench's exact ILP (HiGHS).
 */
describe('planWeek: bench instance 17 at ≥ 98% of its optimum whatever the seed (issue 22)', () => {
  const instance17 = syntheticPlanInput(scarcePeopleOptions(17, 1017));
  const OPTIMUM = 188.6;

  it('reaches 98% with each of 50 seeds, seed 0 (97.72% before) among them', () => {
    const short = Array.from({ length: 50 }, (_, seed) => seed)
      .map((seed) => ({ seed, share: planWeek(instance17, seed).metrics.weightedAssigned / OPTIMUM }))
      .filter(({ share }) => share < 0.98);
    expect(short).toEqual([]);
  });
});
