/**
 * The plan of a planned state: its tasks in a stable order (date, shift, cell), each cell's demand
 * and what it got, the unmet demand with its reason, and the metrics.
 */
import { round6 } from '../demand';
import type { CellDemand, PairReason, Plan, PlanCell, PlanTask, UnmetDemand, UnmetReason } from '../schema';
import { popcount } from './arrays';
import { decodeReasons } from './candidates';
import type { PlannerState, Week } from './state';

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function loadSummary(loads: number[]) {
  const sorted = [...loads].sort((a, b) => a - b);
  return {
    people: sorted.length,
    min: sorted[0] ?? 0,
    median: median(sorted),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** Loads of the people with some capacity (the others cannot be loaded and would skew the summary). */
function loads(load: Int32Array, cap: Int32Array): number[] {
  const out: number[] = [];
  for (let k = 0; k < load.length; k++) if ((cap[k] as number) > 0) out.push(load[k] as number);
  return out;
}

/** Why a cell did not get all its patrols, from the first rule that explains it. */
function unmetReason(s: PlannerState, ci: number, demand: number): UnmetReason {
  if (!s.hasOfficer[ci]) return 'no_officer';
  if (!s.hasPartner[ci]) return 'no_partner';
  if (popcount(s.possible[ci] as number) < demand) return 'unavailable';
  return 'capacity';
}

/** The plan of the live tasks of state s for the week, drawn with `seed`. */
export function planOutput(week: Week, s: PlannerState, seed: number): Plan {
  const { config, dates, demands } = week;
  const { nShifts, tCell, tSlot, tAlive, tEntry, tPartner, tReasons, offRepeat, offZone, offK } = s;
  const live: number[] = [];
  for (let t = 0; t < s.nTasks; t++) if (tAlive[t]) live.push(t);
  live.sort(
    (a, b) => (tSlot[a] as number) - (tSlot[b] as number) || (tCell[a] as number) - (tCell[b] as number),
  );
  const reasonLists = new Map<number, PairReason[]>();
  let repeats = 0;
  let partnerRepeats = 0;
  const planTasks: PlanTask[] = live.map((t) => {
    const ci = tCell[t] as number;
    const entry = tEntry[t] as number;
    const slot = tSlot[t] as number;
    const c = week.cells[ci] as PlanCell;
    const d = demands[ci] as CellDemand;
    const date = dates[Math.floor(slot / nShifts)] ?? '';
    const shift = config.shifts[slot % nShifts] ?? '';
    // Last week's pairing of this officer and cell (the officer is active, so it is indexed).
    if (offRepeat[entry]) repeats++;
    if (s.lastPairs.has((offK[entry] as number) * s.nPart + (tPartner[t] as number))) partnerRepeats++;
    const mask = tReasons[t] as number;
    let reasons = reasonLists.get(mask);
    if (!reasons) {
      reasons = decodeReasons(mask);
      reasonLists.set(mask, reasons);
    }
    return {
      id: `${date}#${shift}#${c.id}`,
      date,
      shift,
      cellId: c.id,
      zoneId: offZone[entry] ?? '',
      officerId: s.oIds[offK[entry] as number] ?? '',
      partnerId: s.pIds[tPartner[t] as number] ?? '',
      value: s.weight[ci] as number,
      reasons: { risk: d.risk, pair: [...reasons] },
    };
  });

  const unmet: UnmetDemand[] = [];
  let demandTotal = 0;
  let weightedDemand = 0;
  let weightedAssigned = 0;
  const cellOut: CellDemand[] = demands.map((d, ci) => {
    const got = s.assigned[ci] as number;
    demandTotal += d.demand;
    weightedDemand += d.weight * d.demand;
    weightedAssigned += d.weight * got;
    const missing = d.demand - got;
    if (missing > 0) unmet.push({ cellId: d.cellId, missing, reason: unmetReason(s, ci, d.demand) });
    return { cellId: d.cellId, risk: d.risk, weight: d.weight, demand: d.demand, assigned: got };
  });

  return {
    seed,
    weekStart: week.weekStart,
    dates: [...dates],
    shifts: [...config.shifts],
    config,
    cells: cellOut,
    tasks: planTasks,
    unmet,
    metrics: {
      cells: s.nCells,
      demand: demandTotal,
      assigned: planTasks.length,
      // Sums of products carry float noise (839.0000000000016); the weights themselves are round6.
      weightedDemand: round6(weightedDemand),
      weightedAssigned: round6(weightedAssigned),
      weightedCoverage: weightedDemand > 0 ? round6(weightedAssigned) / round6(weightedDemand) : 1,
      officerLoad: loadSummary(loads(s.oLoad, s.oCap)),
      partnerLoad: loadSummary(loads(s.pLoad, s.pCap)),
      pairRepeatRate: planTasks.length > 0 ? repeats / planTasks.length : 0,
      partnerRepeatRate: planTasks.length > 0 ? partnerRepeats / planTasks.length : 0,
    },
  };
}
