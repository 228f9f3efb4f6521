/**
 * The planner's working state: one object of flat typed arrays indexed by cell, officer, partner,
 * slot and task, built once from the week's input with counting passes (no per-cell Sets or
 * arrays, no per-candidate objects), then changed only by `addTask` and `removeTask`/`attachTask`,
 * which keep its bookkeeping (loads, slots used, runs of live tasks) in step with the live tasks.
 *
 * A slot is one shift of one day: slot s = day × shifts + shift. Masks of slots are 32-bit
 * (7 days × at most 3 shifts).
 */

import { addDays } from '../../calendar';
import type { Person } from '../../people';
import { cellDemands } from '../demand';
import type { Random } from '../random';
import {
  type CellDemand,
  isoWeekday,
  type PastPairing,
  type PlanCell,
  type PlanInput,
  type PlannerConfig,
} from '../schema';
import { countRuns, fillRuns, grown, offsets } from './arrays';

const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON_EQUATOR = 111.32;

/** The week to plan: the parsed input in a canonical order, with its dates and demands. */
export interface Week {
  readonly weekStart: string;
  readonly config: PlannerConfig;
  /** Monday to Sunday. */
  readonly dates: readonly string[];
  /** Sorted by id, so that the plan does not depend on the order the caller listed things in. */
  readonly cells: readonly PlanCell[];
  readonly people: readonly Person[];
  readonly lastWeek: readonly PastPairing[];
  /** Risk, weight and demand of each cell, in the order of `cells`. */
  readonly demands: readonly CellDemand[];
}

/** The week of a parsed plan input. */
export function weekOf(input: PlanInput): Week {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cells = [...input.cells].sort(byId);
  return {
    weekStart: input.weekStart,
    config: input.config,
    dates: Array.from({ length: 7 }, (_, d) => addDays(input.weekStart, d)),
    cells,
    people: [...input.people].sort(byId),
    lastWeek: input.lastWeek,
    demands: cellDemands(cells, input.weekStart, input.config),
  };
}

export type PlannerState = ReturnType<typeof buildState>;

/**
 * The state of a week before any task: who may patrol which cell, when, and how much.
 *
 * People: inactive people and conflicts (回避) are never eligible; people without capacity or
 * availability are eligible (they explain unmet demand) but never candidates. A cell's candidates
 * are compressed rows: officers offK[offStart[c]] … offK[offStart[c + 1] - 1] (with the zone
 * they serve the cell for, whether it is the cell's primary zone and whether they patrolled it
 * last week), partners partK[partStart[c]] … likewise.
 */
export function buildState(week: Week, rng: Random) {
  const { config, dates, people } = week;
  const cellsIn = week.cells;
  const demands = week.demands;
  const nShifts = config.shifts.length;
  const nSlots = 7 * nShifts;
  const maxPerShift = config.maxTasksPerOfficerShift;
  const nCells = cellsIn.length;
  const cellIndex = new Map<string, number>();
  for (let i = 0; i < nCells; i++) cellIndex.set((cellsIn[i] as PlanCell).id, i);

  const weekdays = dates.map(isoWeekday);
  const shiftBits = (1 << nShifts) - 1;
  const availMask = (p: Person): number => {
    const off = p.availability.datesOff;
    const days = p.availability.weekdays;
    let mask = 0;
    for (let d = 0; d < 7; d++)
      if (days.includes(weekdays[d] ?? 0) && !off.includes(dates[d] ?? ''))
        mask |= shiftBits << (d * nShifts);
    return mask >>> 0;
  };

  const oIds: string[] = [];
  const oCapList: number[] = [];
  const oAvailList: number[] = [];
  const oConflicts: (Set<string> | null)[] = [];
  const pIds: string[] = [];
  const pCapList: number[] = [];
  const pAvailList: number[] = [];
  const pConflicts: (Set<string> | null)[] = [];
  const zoneOfficers = new Map<string, number[]>();
  // (partner, cell) memberships in partner order, each pair once.
  const memberPartner: number[] = [];
  const memberCell: number[] = [];
  /** The partner that last listed each cell, to count a cell listed twice once. */
  const cellSeen = new Int32Array(nCells).fill(-1);
  for (const p of people) {
    if (!p.active) continue;
    if (p.role === 'zone_officer') {
      const k = oIds.push(p.id) - 1;
      oCapList.push(p.capacity);
      oAvailList.push(availMask(p));
      oConflicts.push(p.conflictCells.length > 0 ? new Set(p.conflictCells) : null);
      p.zones.forEach((z, zi) => {
        if (p.zones.indexOf(z) !== zi) return;
        const list = zoneOfficers.get(z);
        if (list) list.push(k);
        else zoneOfficers.set(z, [k]);
      });
    } else if (p.role === 'grid_leader' || p.role === 'grid_worker') {
      const k = pIds.push(p.id) - 1;
      pCapList.push(p.capacity);
      pAvailList.push(availMask(p));
      pConflicts.push(p.conflictCells.length > 0 ? new Set(p.conflictCells) : null);
      for (const cellId of p.cells) {
        const c = cellIndex.get(cellId);
        if (c === undefined || cellSeen[c] === k) continue;
        cellSeen[c] = k;
        memberPartner.push(k);
        memberCell.push(c);
      }
    }
  }
  const nOff = oIds.length;
  const nPart = pIds.length;
  const oCap = Int32Array.from(oCapList);
  const oAvail = Int32Array.from(oAvailList);
  const pCap = Int32Array.from(pCapList);
  const pAvail = Int32Array.from(pAvailList);
  const officerIndex = new Map<string, number>();
  for (let k = 0; k < nOff; k++) officerIndex.set(oIds[k] as string, k);

  // Last week's officers of each cell (a compressed row per cell, repeats kept), and how many
  // distinct ones each cell had.
  const lastCell: number[] = [];
  const lastOfficer: number[] = [];
  for (const { officerId, cellId } of week.lastWeek) {
    const ci = cellIndex.get(cellId);
    const k = officerIndex.get(officerId);
    if (ci === undefined || k === undefined) continue;
    lastCell.push(ci);
    lastOfficer.push(k);
  }
  // Last week's officer–partner pairs, as officer × nPart + partner.
  const pIndex = new Map<string, number>();
  for (let k = 0; k < pIds.length; k++) pIndex.set(pIds[k] as string, k);
  const lastPairs = new Set<number>();
  for (const { officerId, partnerId } of week.lastWeek) {
    const k = officerIndex.get(officerId);
    const pk = partnerId === undefined ? undefined : pIndex.get(partnerId);
    if (k !== undefined && pk !== undefined) lastPairs.add(k * pIds.length + pk);
  }
  const lastStart = offsets(countRuns(lastCell, nCells));
  const lastK = new Int32Array(lastCell.length);
  fillRuns(lastStart, lastCell, lastOfficer, lastK);
  const wasLast = (ci: number, k: number): boolean => {
    for (let e = lastStart[ci] as number; e < (lastStart[ci + 1] as number); e++)
      if (lastK[e] === k) return true;
    return false;
  };
  const lastCount = new Int32Array(nCells);
  for (let ci = 0; ci < nCells; ci++)
    for (let e = lastStart[ci] as number; e < (lastStart[ci + 1] as number); e++) {
      const k = lastK[e] as number;
      let first = true;
      for (let f = lastStart[ci] as number; f < e && first; f++) if (lastK[f] === k) first = false;
      if (first) lastCount[ci] = (lastCount[ci] as number) + 1;
    }

  const meanLat = cellsIn.length ? cellsIn.reduce((s, c) => s + c.centroid[1], 0) / cellsIn.length : 0;
  const kmPerDegLon = KM_PER_DEG_LON_EQUATOR * Math.cos((meanLat * Math.PI) / 180);

  // Cells: static facts, then their candidate officers and partners as compressed rows.
  const weight = new Float64Array(nCells);
  const demand = new Int32Array(nCells);
  const cx = new Float64Array(nCells);
  const cy = new Float64Array(nCells);
  const possible = new Int32Array(nCells);
  const hasOfficer = new Uint8Array(nCells);
  const hasPartner = new Uint8Array(nCells);

  const memberStart = offsets(countRuns(memberCell, nCells));
  const memberK = new Int32Array(memberCell.length);
  fillRuns(memberStart, memberCell, memberPartner, memberK);

  const offStartList: number[] = [0];
  const offKList: number[] = [];
  const offZone: string[] = [];
  const offPrimaryList: number[] = [];
  const offRepeatList: number[] = [];
  const partStartList: number[] = [0];
  const partKList: number[] = [];
  const officerSeen = new Int32Array(nOff).fill(-1);
  for (let ci = 0; ci < nCells; ci++) {
    const cell = cellsIn[ci] as PlanCell;
    const d = demands[ci] as CellDemand;
    weight[ci] = d.weight;
    demand[ci] = d.demand;
    cx[ci] = cell.centroid[0] * kmPerDegLon;
    cy[ci] = cell.centroid[1] * KM_PER_DEG_LAT;
    let officerAvail = 0;
    for (let zi = 0; zi < cell.zones.length; zi++) {
      const z = cell.zones[zi] as string;
      for (const k of zoneOfficers.get(z) ?? []) {
        if (officerSeen[k] === ci || oConflicts[k]?.has(cell.id)) continue;
        officerSeen[k] = ci;
        hasOfficer[ci] = 1;
        officerAvail |= oAvail[k] as number;
        if ((oCap[k] as number) <= 0 || oAvail[k] === 0) continue;
        offKList.push(k);
        offZone.push(z);
        offPrimaryList.push(zi === 0 ? 1 : 0);
        offRepeatList.push(wasLast(ci, k) ? 1 : 0);
      }
    }
    offStartList.push(offKList.length);
    let partnerAvail = 0;
    for (let e = memberStart[ci] as number; e < (memberStart[ci + 1] as number); e++) {
      const k = memberK[e] as number;
      if (pConflicts[k]?.has(cell.id)) continue;
      hasPartner[ci] = 1;
      partnerAvail |= pAvail[k] as number;
      if ((pCap[k] as number) > 0 && pAvail[k] !== 0) partKList.push(k);
    }
    partStartList.push(partKList.length);
    possible[ci] = officerAvail & partnerAvail;
  }
  const offStart = Int32Array.from(offStartList);
  const offK = Int32Array.from(offKList);
  const partStart = Int32Array.from(partStartList);
  const partK = Int32Array.from(partKList);

  /** Partners: demand of their cells per unit of capacity (static), to spare the busiest. */
  const pPressure = new Float64Array(nPart);
  for (let ci = 0; ci < nCells; ci++)
    for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
      const k = partK[e] as number;
      pPressure[k] = (pPressure[k] as number) + (demand[ci] as number);
    }
  for (let k = 0; k < nPart; k++)
    pPressure[k] = (pCap[k] as number) > 0 ? (pPressure[k] as number) / (pCap[k] as number) : 0;

  const oTaskStart = offsets(oCap);
  const pTaskStart = offsets(pCap);
  const taskCap = 256;
  return {
    nCells,
    nOff,
    nPart,
    nShifts,
    nSlots,
    maxPerShift,
    newShiftCost: config.newShiftCostKm,
    /** Bits of the slots of slot s's day. */
    dayMask: Array.from({ length: nSlots }, (_, s) => shiftBits << (Math.floor(s / nShifts) * nShifts)),
    /** The seeded draw (双随机) among equal choices. */
    rng,

    // Officers (index k) and partners (index pk): id, weekly capacity, mask of available slots.
    oIds,
    oCap,
    oAvail,
    pIds,
    pCap,
    pAvail,
    pPressure,

    /** Last week's officer–partner pairs (officer × nPart + partner), for the metric. */
    lastPairs,
    /** Pairs rotate: the pick prefers a pair not in `lastPairs` (empty set when it is off). */
    avoidPairs: config.rotatePairs ? lastPairs : new Set<number>(),

    // Cells (index ci): value of a patrol, patrols wanted, position in km, slots in which some
    // eligible officer and partner are both available, whether any eligible officer / partner
    // exists at all, and how many distinct officers patrolled it last week.
    weight,
    demand,
    cx,
    cy,
    possible,
    hasOfficer,
    hasPartner,
    lastCount,

    // Candidates of each cell (entries e of the compressed rows).
    offStart,
    offK,
    offZone,
    offPrimary: Uint8Array.from(offPrimaryList),
    offRepeat: Uint8Array.from(offRepeatList),
    partStart,
    partK,

    // Working state of cells: bits of the slots patrolled, patrols assigned.
    slotsUsed: new Int32Array(nCells),
    assigned: new Int32Array(nCells),
    // People's working state: load, tasks per slot (officers: the cells of those tasks, for
    // compactness), and their live tasks in a run of `capacity` places (load never exceeds it).
    oLoad: new Int32Array(nOff),
    oSlotCount: new Uint8Array(nOff * nSlots),
    oSlotCells: new Int32Array(nOff * nSlots * maxPerShift),
    oTaskStart,
    oTasks: new Int32Array(oTaskStart[nOff] as number),
    pLoad: new Int32Array(nPart),
    pSlotCount: new Uint8Array(nPart * nSlots),
    pTaskStart,
    pTasks: new Int32Array(pTaskStart[nPart] as number),

    // Tasks, by id in order of creation; a move kills tasks and makes new ones, so the arrays
    // start small and double when full (`addTask` replaces them: never keep one across it).
    nTasks: 0,
    tCell: new Int32Array(taskCap),
    /** The candidate entry: officer offK[e] serving zone offZone[e]. */
    tEntry: new Int32Array(taskCap),
    tPartner: new Int32Array(taskCap),
    tSlot: new Int32Array(taskCap),
    tAlive: new Uint8Array(taskCap),
    /** Pair reasons as bits (candidates.ts REASON). */
    tReasons: new Uint16Array(taskCap),
    /** Places of the task in its officer's and partner's runs. */
    tPosO: new Int32Array(taskCap),
    tPosP: new Int32Array(taskCap),
    /** Scratch mark of the improvement pass (once per task and augment). */
    tStamp: new Uint32Array(taskCap),

    // The pick of `bestPick`, read right after it returns true.
    pickEntry: 0,
    pickPartner: 0,
    pickSlot: 0,
    pickReasons: 0,
    /** Scratch marks of `bestPick`: partners counted in this call. */
    partnerStamp: new Uint32Array(nPart),
    stamp: 0,
  };
}

/** Books task t (its cell, entry, partner and slot set) into the cell's and people's state. */
export function attachTask(s: PlannerState, t: number): void {
  const { slotsUsed, assigned, oSlotCells, oSlotCount, oTasks, oTaskStart, oLoad } = s;
  const { pSlotCount, pTasks, pTaskStart, pLoad, nSlots, maxPerShift } = s;
  const ci = s.tCell[t] as number;
  const k = s.offK[s.tEntry[t] as number] as number;
  const pk = s.tPartner[t] as number;
  const slot = s.tSlot[t] as number;
  s.tAlive[t] = 1;
  slotsUsed[ci] = (slotsUsed[ci] as number) | (1 << slot);
  assigned[ci] = (assigned[ci] as number) + 1;
  const os = k * nSlots + slot;
  oSlotCells[os * maxPerShift + (oSlotCount[os] as number)] = ci;
  oSlotCount[os] = (oSlotCount[os] as number) + 1;
  s.tPosO[t] = oLoad[k] as number;
  oTasks[(oTaskStart[k] as number) + (oLoad[k] as number)] = t;
  oLoad[k] = (oLoad[k] as number) + 1;
  pSlotCount[pk * nSlots + slot] = (pSlotCount[pk * nSlots + slot] as number) + 1;
  s.tPosP[t] = pLoad[pk] as number;
  pTasks[(pTaskStart[pk] as number) + (pLoad[pk] as number)] = t;
  pLoad[pk] = (pLoad[pk] as number) + 1;
}

/** Unbooks live task t: the inverse of `attachTask` (the task keeps its fields, to be attached again). */
export function removeTask(s: PlannerState, t: number): void {
  const { slotsUsed, assigned, oSlotCells, oSlotCount, oTasks, oTaskStart, oLoad } = s;
  const { pSlotCount, pTasks, pTaskStart, pLoad, nSlots, maxPerShift, tPosO, tPosP } = s;
  const ci = s.tCell[t] as number;
  const k = s.offK[s.tEntry[t] as number] as number;
  const pk = s.tPartner[t] as number;
  const slot = s.tSlot[t] as number;
  s.tAlive[t] = 0;
  slotsUsed[ci] = (slotsUsed[ci] as number) & ~(1 << slot);
  assigned[ci] = (assigned[ci] as number) - 1;
  const os = k * nSlots + slot;
  const base = os * maxPerShift;
  const last = base + (oSlotCount[os] as number) - 1;
  for (let i = base; i <= last; i++)
    if (oSlotCells[i] === ci) {
      oSlotCells[i] = oSlotCells[last] as number;
      break;
    }
  oSlotCount[os] = (oSlotCount[os] as number) - 1;
  // Runs of live tasks are sets: the last one takes the removed one's place.
  oLoad[k] = (oLoad[k] as number) - 1;
  const oMoved = oTasks[(oTaskStart[k] as number) + (oLoad[k] as number)] as number;
  oTasks[(oTaskStart[k] as number) + (tPosO[t] as number)] = oMoved;
  tPosO[oMoved] = tPosO[t] as number;
  pSlotCount[pk * nSlots + slot] = (pSlotCount[pk * nSlots + slot] as number) - 1;
  pLoad[pk] = (pLoad[pk] as number) - 1;
  const pMoved = pTasks[(pTaskStart[pk] as number) + (pLoad[pk] as number)] as number;
  pTasks[(pTaskStart[pk] as number) + (tPosP[t] as number)] = pMoved;
  tPosP[pMoved] = tPosP[t] as number;
}

/** Makes and books a new task (cell ci, candidate entry, partner, slot); its id. */
export function addTask(
  s: PlannerState,
  ci: number,
  entry: number,
  partner: number,
  slot: number,
  reasons: number,
): number {
  if (s.nTasks === s.tCell.length) {
    s.tCell = grown(s.tCell, (n) => new Int32Array(n));
    s.tEntry = grown(s.tEntry, (n) => new Int32Array(n));
    s.tPartner = grown(s.tPartner, (n) => new Int32Array(n));
    s.tSlot = grown(s.tSlot, (n) => new Int32Array(n));
    s.tAlive = grown(s.tAlive, (n) => new Uint8Array(n));
    s.tReasons = grown(s.tReasons, (n) => new Uint16Array(n));
    s.tPosO = grown(s.tPosO, (n) => new Int32Array(n));
    s.tPosP = grown(s.tPosP, (n) => new Int32Array(n));
    s.tStamp = grown(s.tStamp, (n) => new Uint32Array(n));
  }
  const t = s.nTasks++;
  s.tCell[t] = ci;
  s.tEntry[t] = entry;
  s.tPartner[t] = partner;
  s.tSlot[t] = slot;
  s.tReasons[t] = reasons;
  attachTask(s, t);
  return t;
}
