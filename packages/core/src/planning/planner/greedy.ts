/**
 * The greedy pass (planner.ts, steps 2 and 3): patrol units (cell, k-th patrol) taken by weight,
 * then k, then scarcity, then a seeded draw; each takes the best feasible pick of candidates.ts.
 */
import { popcount } from './arrays';
import { applyPick, bestPick } from './candidates';
import type { PlannerState } from './state';

/** Cells in greedy order and the runs of equal weight in it. */
export interface UnitOrder {
  /** Cells by weight (highest first), then scarcity (scarcest first), then the seeded draw. */
  readonly order: readonly number[];
  /** Ends of the runs of equal weight in `order`: the cells of order[groupEnd[g - 1]] … order[groupEnd[g] - 1]. */
  readonly groupEnd: readonly number[];
}

/**
 * Units in greedy order: by weight, then k, then scarcity (people-capacity and possible slots per
 * unit of demand), then the seeded draw. Within one weight the cells keep one order for every k,
 * so the cells are sorted once and each weight's cells are swept k times. Draws one number a cell
 * from the state's PRNG.
 */
export function unitOrder(s: PlannerState): UnitOrder {
  const { nCells, demand, weight, offStart, offK, oCap, partStart, partK, pCap, possible } = s;
  const scarcity = new Float64Array(nCells);
  for (let ci = 0; ci < nCells; ci++) {
    if (demand[ci] === 0) continue;
    let oc = 0;
    for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++)
      oc += oCap[offK[e] as number] as number;
    let pc = 0;
    for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++)
      pc += pCap[partK[e] as number] as number;
    scarcity[ci] = Math.min(oc, pc, popcount(possible[ci] as number)) / (demand[ci] as number);
  }
  const draw = new Float64Array(nCells);
  for (let ci = 0; ci < nCells; ci++) draw[ci] = s.rng.next();
  // The three keys of a cell side by side: the sort reads one place of memory per cell, not three.
  const keys = new Float64Array(3 * nCells);
  for (let ci = 0; ci < nCells; ci++) {
    keys[3 * ci] = weight[ci] as number;
    keys[3 * ci + 1] = scarcity[ci] as number;
    keys[3 * ci + 2] = draw[ci] as number;
  }
  const order = Array.from({ length: nCells }, (_, i) => i).sort(
    (a, b) =>
      (keys[3 * b] as number) - (keys[3 * a] as number) ||
      (keys[3 * a + 1] as number) - (keys[3 * b + 1] as number) ||
      (keys[3 * a + 2] as number) - (keys[3 * b + 2] as number) ||
      a - b,
  );
  const groupEnd: number[] = [];
  for (let i = 1; i <= nCells; i++)
    if (i === nCells || weight[order[i] as number] !== weight[order[i - 1] as number]) groupEnd.push(i);
  return { order, groupEnd };
}

/**
 * Books each unit in `units` order into the state. A cell that found no room for one unit finds
 * none for its next (nothing frees up), so it is skipped from then on.
 */
export function greedy(s: PlannerState, units: UnitOrder): void {
  const { order, groupEnd } = units;
  const { demand } = s;
  const blocked = new Uint8Array(s.nCells);
  let g = 0;
  for (const h of groupEnd) {
    let maxDemand = 0;
    for (let i = g; i < h; i++) maxDemand = Math.max(maxDemand, demand[order[i] as number] as number);
    for (let k = 0; k < maxDemand; k++)
      for (let i = g; i < h; i++) {
        const ci = order[i] as number;
        if ((demand[ci] as number) <= k || blocked[ci]) continue;
        if (bestPick(s, ci)) applyPick(s, ci, 0);
        else blocked[ci] = 1;
      }
    g = h;
  }
}
