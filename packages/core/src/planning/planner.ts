/**
 * The weekly joint-patrol planner (DOMAIN.md "Dual-track joint patrol", "Patrol force follows the
 * incidents", "Integrity"). Pure and deterministic: the same input and seed give the same plan, byte
 * for byte; nothing here reads a clock or the environment.
 *
 * A task is one cell visited in one shift (date × shift) by a pair: a zone officer serving a zone
 * the cell touches and a grid leader/worker of the cell, both active, available that day, under
 * their weekly capacity and not declared in conflict with the cell (回避). A cell gets at most one
 * task a shift; a grid partner at most one task a shift; an officer up to
 * `maxTasksPerOfficerShift` (each with its own partner; their cells lie in the officer's own zones,
 * so they are near by construction, and the compactness tie-break keeps them closer still).
 *
 * Design: greedy by marginal weighted value, then a local improvement pass.
 *  1. Demand and weight per cell (demand.ts): each patrol of a cell is worth 1 + its risk score.
 *  2. Patrol units (cell, k-th patrol) are taken by weight, then k (every cell of a weight gets its
 *     first patrol before any gets a second), then scarcity (cells with fewer people-hours and slots
 *     per unit of demand first: capacity-aware tie-breaking), then a seeded draw.
 *  3. Each unit takes the best feasible (slot, officer, partner) by this key, in order:
 *     not last week's officer of the cell when another eligible one has room (rotation) → primary
 *     zone officer first → lowest officer load ÷ capacity (balance) → a day the cell is not yet
 *     patrolled → compactness (distance to the officer's other tasks in that shift, or
 *     `newShiftCostKm` to open a shift) → the partner whose other cells need them least → partner
 *     load; exact ties are drawn with the seeded PRNG (双随机, reservoir sampling).
 *  4. Improvement: for each unmet unit, try bumping one task that uses one of its people, placing
 *     the unit, then re-placing the bumped task elsewhere; kept when both fit, or when the unit is
 *     worth more than the bumped one (an augmenting path of length two). Repeated a few rounds.
 *
 * Cost: every step is linear in cells (people per cell, cells per person and slots per week are
 * bounded), but for a few sorts (n log n). To keep it so in practice at city scale, the working
 * state is flat typed arrays indexed by cell, person and task (lists of cells, people and tasks in
 * compressed-row form), built once with counting passes: no per-cell Sets or arrays, no
 * per-candidate objects, and no array copied to grow an index. Besides the parsed input, the
 * demands and the plan itself, a run then allocates little, so garbage collection and cache misses
 * do not grow faster than the work. bench/planner.ts measures the growth and the gap to the ILP
 * optimum.
 */
import { BadRequestError } from '../errors';
import { zodIssuesToDetails } from '../validation';
import { addDays, cellDemands, round6 } from './demand';
import { createRandom, type Random } from './random';
import {
  type CellDemand,
  isoWeekday,
  PAIR_REASONS,
  type PairReason,
  type Plan,
  PlanInput,
  type PlanInputArg,
  type PlanTask,
  type UnmetDemand,
  type UnmetReason,
} from './schema';

const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON_EQUATOR = 111.32;
const popcount = (n: number): number => {
  let x = n >>> 0;
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
};

/** Pair reasons as bits, bit i for PAIR_REASONS[i]: decoding in that order gives the order they are found in. */
const REASON = Object.fromEntries(PAIR_REASONS.map((r, i) => [r, 1 << i])) as Record<PairReason, number>;

function decodeReasons(mask: number): PairReason[] {
  const out: PairReason[] = [];
  PAIR_REASONS.forEach((r, i) => {
    if (mask & (1 << i)) out.push(r);
  });
  return out;
}

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

/** Start offsets (length n + 1) of n runs whose lengths are `counts`. */
function offsets(counts: Int32Array): Int32Array {
  const start = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) start[i + 1] = (start[i] as number) + (counts[i] as number);
  return start;
}

/** Lengths of the runs of a compressed-row list: how many of `rows` (row of each item) name each of n rows. */
function countRuns(rows: readonly number[], n: number): Int32Array {
  const counts = new Int32Array(n);
  for (const r of rows) counts[r] = (counts[r] as number) + 1;
  return counts;
}

/** Puts each item's value in its row's run (start from `offsets`), keeping the items' order within a row. */
function fillRuns(
  start: Int32Array,
  rows: readonly number[],
  values: readonly number[],
  out: Int32Array,
): void {
  const next = start.slice(0, start.length - 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    out[next[r] as number] = values[i] as number;
    next[r] = (next[r] as number) + 1;
  }
}

/** A typed array of twice the length holding a's values, for task arrays that grow with every move. */
function grown<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  a: T,
  make: (n: number) => T,
): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Plans one week of joint patrols. Throws BadRequestError when the input does not parse.
 *
 * @example
 *   const plan = planWeek({ weekStart: '2025-03-03', cells, people, lastWeek }, 0x5eed);
 *   plan.tasks[0] // { id: '2025-03-03#am#C-001', officerId: 'o-li', partnerId: 'w-wang', reasons: {...} }
 *   planWeek(sameInput, 0x5eed) // deep-equal to plan
 */
export function planWeek(rawInput: PlanInputArg, seed: number): Plan {
  const parsed = PlanInput.safeParse(rawInput);
  if (!parsed.success)
    throw new BadRequestError('The plan input is invalid.', zodIssuesToDetails(parsed.error.issues, 'input'));
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new BadRequestError('The seed must be an integer from 0 to 2^32 - 1.', [
      { path: 'seed', message: 'not a 32-bit unsigned integer' },
    ]);
  const input = parsed.data;
  const { config } = input;
  const rng: Random = createRandom(seed);
  const nShifts = config.shifts.length;
  const nSlots = 7 * nShifts;
  const dates = Array.from({ length: 7 }, (_, d) => addDays(input.weekStart, d));
  const maxPerShift = config.maxTasksPerOfficerShift;
  const newShiftCost = config.newShiftCostKm;

  // Sorted by id so that the plan does not depend on the order the caller listed things in.
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cellsIn = [...input.cells].sort(byId);
  const peopleIn = [...input.people].sort(byId);
  const demands = cellDemands(cellsIn, input.weekStart, config);
  const nCells = cellsIn.length;
  const cellIndex = new Map<string, number>();
  for (let i = 0; i < nCells; i++) cellIndex.set((cellsIn[i] as (typeof cellsIn)[number]).id, i);

  const weekdays = dates.map(isoWeekday);
  const shiftBits = (1 << nShifts) - 1;
  const availMask = (p: (typeof peopleIn)[number]): number => {
    const off = p.availability.datesOff;
    const days = p.availability.weekdays;
    let mask = 0;
    for (let d = 0; d < 7; d++)
      if (days.includes(weekdays[d] ?? 0) && !off.includes(dates[d] ?? ''))
        mask |= shiftBits << (d * nShifts);
    return mask >>> 0;
  };
  /** Bits of the slots of slot s's day. */
  const dayMask = Array.from({ length: nSlots }, (_, s) => shiftBits << (Math.floor(s / nShifts) * nShifts));

  // People. Inactive people and conflicts (回避) are never eligible; people without capacity or
  // availability are eligible (they explain unmet demand) but never candidates.
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
  for (const p of peopleIn) {
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
  for (const { officerId, cellId } of input.lastWeek) {
    const ci = cellIndex.get(cellId);
    const k = officerIndex.get(officerId);
    if (ci === undefined || k === undefined) continue;
    lastCell.push(ci);
    lastOfficer.push(k);
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

  // Cells: static facts, then their candidate officers and partners as compressed rows (entries
  // offStart[c] … offStart[c + 1] - 1 of the off* arrays; likewise partStart / partK).
  const weight = new Float64Array(nCells);
  const demand = new Int32Array(nCells);
  const cx = new Float64Array(nCells);
  const cy = new Float64Array(nCells);
  const possible = new Int32Array(nCells);
  const hasOfficer = new Uint8Array(nCells);
  const hasPartner = new Uint8Array(nCells);
  const slotsUsed = new Int32Array(nCells);
  const assigned = new Int32Array(nCells);

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
    const cell = cellsIn[ci] as (typeof cellsIn)[number];
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
  const offPrimary = Uint8Array.from(offPrimaryList);
  const offRepeat = Uint8Array.from(offRepeatList);
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

  // People's working state: load, tasks per slot (officers: the cells of those tasks, for
  // compactness), and their live tasks in a run of `capacity` places (load never exceeds it).
  const oLoad = new Int32Array(nOff);
  const oSlotCount = new Uint8Array(nOff * nSlots);
  const oSlotCells = new Int32Array(nOff * nSlots * maxPerShift);
  const oTaskStart = offsets(oCap);
  const oTasks = new Int32Array(oTaskStart[nOff] as number);
  const pLoad = new Int32Array(nPart);
  const pSlotCount = new Uint8Array(nPart * nSlots);
  const pTaskStart = offsets(pCap);
  const pTasks = new Int32Array(pTaskStart[nPart] as number);

  // Tasks, by id in order of creation; a move kills tasks and makes new ones, so the arrays start
  // small and double when full.
  let nTasks = 0;
  const taskCap = 256;
  let tCell = new Int32Array(taskCap);
  let tEntry = new Int32Array(taskCap);
  let tPartner = new Int32Array(taskCap);
  let tSlot = new Int32Array(taskCap);
  let tAlive = new Uint8Array(taskCap);
  let tReasons = new Uint16Array(taskCap);
  /** Places of the task in its officer's and partner's runs. */
  let tPosO = new Int32Array(taskCap);
  let tPosP = new Int32Array(taskCap);
  let tStamp = new Uint32Array(taskCap);

  const attach = (t: number): void => {
    const ci = tCell[t] as number;
    const k = offK[tEntry[t] as number] as number;
    const pk = tPartner[t] as number;
    const s = tSlot[t] as number;
    tAlive[t] = 1;
    slotsUsed[ci] = (slotsUsed[ci] as number) | (1 << s);
    assigned[ci] = (assigned[ci] as number) + 1;
    const os = k * nSlots + s;
    oSlotCells[os * maxPerShift + (oSlotCount[os] as number)] = ci;
    oSlotCount[os] = (oSlotCount[os] as number) + 1;
    tPosO[t] = oLoad[k] as number;
    oTasks[(oTaskStart[k] as number) + (oLoad[k] as number)] = t;
    oLoad[k] = (oLoad[k] as number) + 1;
    pSlotCount[pk * nSlots + s] = (pSlotCount[pk * nSlots + s] as number) + 1;
    tPosP[t] = pLoad[pk] as number;
    pTasks[(pTaskStart[pk] as number) + (pLoad[pk] as number)] = t;
    pLoad[pk] = (pLoad[pk] as number) + 1;
  };

  const remove = (t: number): void => {
    const ci = tCell[t] as number;
    const k = offK[tEntry[t] as number] as number;
    const pk = tPartner[t] as number;
    const s = tSlot[t] as number;
    tAlive[t] = 0;
    slotsUsed[ci] = (slotsUsed[ci] as number) & ~(1 << s);
    assigned[ci] = (assigned[ci] as number) - 1;
    const os = k * nSlots + s;
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
    pSlotCount[pk * nSlots + s] = (pSlotCount[pk * nSlots + s] as number) - 1;
    pLoad[pk] = (pLoad[pk] as number) - 1;
    const pMoved = pTasks[(pTaskStart[pk] as number) + (pLoad[pk] as number)] as number;
    pTasks[(pTaskStart[pk] as number) + (tPosP[t] as number)] = pMoved;
    tPosP[pMoved] = tPosP[t] as number;
  };

  const apply = (ci: number, entry: number, partner: number, slot: number, reasons: number): number => {
    if (nTasks === tCell.length) {
      tCell = grown(tCell, (n) => new Int32Array(n));
      tEntry = grown(tEntry, (n) => new Int32Array(n));
      tPartner = grown(tPartner, (n) => new Int32Array(n));
      tSlot = grown(tSlot, (n) => new Int32Array(n));
      tAlive = grown(tAlive, (n) => new Uint8Array(n));
      tReasons = grown(tReasons, (n) => new Uint16Array(n));
      tPosO = grown(tPosO, (n) => new Int32Array(n));
      tPosP = grown(tPosP, (n) => new Int32Array(n));
      tStamp = grown(tStamp, (n) => new Uint32Array(n));
    }
    const t = nTasks++;
    tCell[t] = ci;
    tEntry[t] = entry;
    tPartner[t] = partner;
    tSlot[t] = slot;
    tReasons[t] = reasons;
    attach(t);
    return t;
  };

  // The pick of `best`, read right after it returns: it runs for every unit and every improvement
  // try, so it allocates nothing.
  let pickEntry = 0;
  let pickPartner = 0;
  let pickSlot = 0;
  let pickReasons = 0;
  const partnerStamp = new Uint32Array(nPart);
  let stamp = 0;

  /** The best feasible (slot, officer, partner) for one more patrol of cell ci into pick*; false if none. */
  const best = (ci: number): boolean => {
    let found = false;
    let ties = 0;
    let feasibleOfficers = 0;
    let minRatio = Number.POSITIVE_INFINITY;
    let feasiblePartners = 0;
    let minPressure = Number.POSITIVE_INFINITY;
    // The key of the best so far (see the header, step 3); smaller is better, compared in order.
    let bRepeat = 0;
    let bSecondary = 0;
    let bRatio = 0;
    let bDayUsed = 0;
    let bCompact = 0;
    let bPressure = 0;
    let bPRatio = 0;
    stamp++;
    const used = slotsUsed[ci] as number;
    const open = ~used & (possible[ci] as number);
    const x = cx[ci] as number;
    const y = cy[ci] as number;
    const pFirst = partStart[ci] as number;
    const pEnd = partStart[ci + 1] as number;
    for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
      const k = offK[e] as number;
      const load = oLoad[k] as number;
      const cap = oCap[k] as number;
      if (load >= cap) continue;
      const free = (oAvail[k] as number) & open;
      if (free === 0) continue;
      const ratio = load / cap;
      const repeat = offRepeat[e] as number;
      const secondary = offPrimary[e] ? 0 : 1;
      let officerCounted = false;
      for (let s = 0; s < nSlots; s++) {
        const os = k * nSlots + s;
        if (!((free >>> s) & 1) || (oSlotCount[os] as number) >= maxPerShift) continue;
        let compact = newShiftCost;
        const base = os * maxPerShift;
        for (let i = base; i < base + (oSlotCount[os] as number); i++) {
          const other = oSlotCells[i] as number;
          const dist = Math.hypot((cx[other] as number) - x, (cy[other] as number) - y);
          if (dist < compact) compact = dist;
        }
        const dayUsed = (used & (dayMask[s] as number)) !== 0 ? 1 : 0;
        for (let pe = pFirst; pe < pEnd; pe++) {
          const pk = partK[pe] as number;
          const pCapK = pCap[pk] as number;
          const pLoadK = pLoad[pk] as number;
          if (
            pLoadK >= pCapK ||
            !(((pAvail[pk] as number) >>> s) & 1) ||
            (pSlotCount[pk * nSlots + s] as number) > 0
          )
            continue;
          if (!officerCounted) {
            officerCounted = true;
            feasibleOfficers++;
            if (ratio < minRatio) minRatio = ratio;
          }
          const pressure = pPressure[pk] as number;
          if (partnerStamp[pk] !== stamp) {
            partnerStamp[pk] = stamp;
            feasiblePartners++;
            if (pressure < minPressure) minPressure = pressure;
          }
          const pRatio = pLoadK / pCapK;
          const cmp = found
            ? repeat - bRepeat ||
              secondary - bSecondary ||
              ratio - bRatio ||
              dayUsed - bDayUsed ||
              compact - bCompact ||
              pressure - bPressure ||
              pRatio - bPRatio
            : -1;
          if (cmp < 0) {
            found = true;
            ties = 1;
          } else if (cmp === 0) {
            ties++;
            if (rng.int(ties) !== 0) continue;
          } else continue;
          pickEntry = e;
          pickPartner = pk;
          pickSlot = s;
          bRepeat = repeat;
          bSecondary = secondary;
          bRatio = ratio;
          bDayUsed = dayUsed;
          bCompact = compact;
          bPressure = pressure;
          bPRatio = pRatio;
        }
      }
    }
    if (!found) return false;
    let reasons = bSecondary ? REASON.secondary_zone : REASON.primary_zone;
    if (feasibleOfficers > 1 && bRatio <= minRatio) reasons |= REASON.least_loaded;
    if (bRepeat) reasons |= REASON.repeat_no_alternative;
    else if ((lastCount[ci] as number) > 0) reasons |= REASON.rotated;
    if (bCompact < newShiftCost) reasons |= REASON.near_own_tasks;
    if (feasiblePartners > 1 && bPressure <= minPressure) reasons |= REASON.partner_least_needed;
    if (ties > 1) reasons |= REASON.drawn;
    pickReasons = reasons;
    return true;
  };
  const applyPick = (ci: number, extra: number): number =>
    apply(ci, pickEntry, pickPartner, pickSlot, pickReasons | extra);

  // 2. Units in greedy order: by weight, then k, then scarcity (people-capacity and possible slots
  // per unit of demand), then the seeded draw. Within one weight the cells keep one order for every
  // k, so the cells are sorted once and each weight's cells are swept k times.
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
  for (let ci = 0; ci < nCells; ci++) draw[ci] = rng.next();
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
  /** Ends of the runs of equal weight in `order`: the cells of order[groupEnd[g - 1]] … order[groupEnd[g] - 1]. */
  const groupEnd: number[] = [];
  for (let i = 1; i <= nCells; i++)
    if (i === nCells || weight[order[i] as number] !== weight[order[i - 1] as number]) groupEnd.push(i);

  // 3. Greedy. A cell that found no room for one unit finds none for its next (nothing frees up).
  const blocked = new Uint8Array(nCells);
  let g = 0;
  for (const h of groupEnd) {
    let maxDemand = 0;
    for (let i = g; i < h; i++) maxDemand = Math.max(maxDemand, demand[order[i] as number] as number);
    for (let k = 0; k < maxDemand; k++)
      for (let i = g; i < h; i++) {
        const ci = order[i] as number;
        if ((demand[ci] as number) <= k || blocked[ci]) continue;
        if (best(ci)) applyPick(ci, 0);
        else blocked[ci] = 1;
      }
    g = h;
  }

  if (config.improvementRounds > 0) improve();

  /**
   * 4. Improvement: augmenting paths of length two, highest-value unmet cells first; then
   * 5. fill: moves of the improvement pass may have freed room that a cell blocked earlier can use;
   * one greedy sweep leaves the plan maximal (no unmet cell has a feasible pair and shift left).
   */
  function improve(): void {
    // Cells by weight, then index: the runs of equal weight of `order`, each sorted by index.
    const byWeight = Int32Array.from(order);
    let from = 0;
    for (const to of groupEnd) {
      byWeight.subarray(from, to).sort();
      from = to;
    }
    // Cells each person may serve, highest value first, for the refill of a bump.
    const officerCellCount = new Int32Array(nOff);
    for (const k of offK) officerCellCount[k] = (officerCellCount[k] as number) + 1;
    const officerCellStart = offsets(officerCellCount);
    const officerCells = new Int32Array(offK.length);
    const partnerCellCount = new Int32Array(nPart);
    for (const k of partK) partnerCellCount[k] = (partnerCellCount[k] as number) + 1;
    const partnerCellStart = offsets(partnerCellCount);
    const partnerCells = new Int32Array(partK.length);
    {
      const oFill = officerCellStart.slice(0, nOff);
      const pFill = partnerCellStart.slice(0, nPart);
      for (const ci of byWeight) {
        for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
          const k = offK[e] as number;
          officerCells[oFill[k] as number] = ci;
          oFill[k] = (oFill[k] as number) + 1;
        }
        for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
          const k = partK[e] as number;
          partnerCells[pFill[k] as number] = ci;
          pFill[k] = (pFill[k] as number) + 1;
        }
      }
    }
    const cellStamp = new Uint32Array(nCells);
    let stampTasks = 0;
    let stampCells = 0;
    const officerChanged = new Int32Array(nOff).fill(-1);
    const partnerChanged = new Int32Array(nPart).fill(-1);
    const triedInRound = new Int32Array(nCells).fill(-1);
    const around: number[] = [];
    const added: number[] = [];
    const cheapestFirst = (a: number, b: number) =>
      (weight[tCell[a] as number] as number) - (weight[tCell[b] as number] as number) || a - b;

    const officerRoom = (ci: number, except: number): boolean => {
      for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
        const k = offK[e] as number;
        if (k !== except && (oLoad[k] as number) < (oCap[k] as number)) return true;
      }
      return false;
    };
    const partnerRoom = (ci: number, except: number): boolean => {
      for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
        const k = partK[e] as number;
        if (k !== except && (pLoad[k] as number) < (pCap[k] as number)) return true;
      }
      return false;
    };
    const servesOfficer = (ci: number, k: number): boolean => {
      for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++)
        if (offK[e] === k) return true;
      return false;
    };
    const servesPartner = (ci: number, k: number): boolean => {
      for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++)
        if (partK[e] === k) return true;
      return false;
    };
    /** Some unmet cell of the run, other than a and b, with an officer (or partner) with room. */
    const unmetWithRoom = (
      list: Int32Array,
      from: number,
      to: number,
      a: number,
      b: number,
      officerSide: boolean,
    ): boolean => {
      for (let i = from; i < to; i++) {
        const cj = list[i] as number;
        if (cj === a || cj === b || (assigned[cj] as number) >= (demand[cj] as number)) continue;
        if (officerSide ? officerRoom(cj, -1) : partnerRoom(cj, -1)) return true;
      }
      return false;
    };
    const changedSince = (ci: number, round: number): boolean => {
      for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++)
        if ((officerChanged[offK[e] as number] as number) >= round) return true;
      for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++)
        if ((partnerChanged[partK[e] as number] as number) >= round) return true;
      return false;
    };

    /**
     * A necessary condition for bumping task t to pay off for cell ci. When all of ci's officers are
     * at capacity, ci must take the bumped officer, so the bumped cell needs another officer with
     * room, or what is freed is only the partner, useful to an unmet cell of that partner whose
     * officer has room; symmetrically for partners. Without this, the pass tried thousands of
     * hopeless bumps at city scale, where officers are all busy.
     */
    const promising = (ci: number, officersFull: boolean, partnersFull: boolean, t: number): boolean => {
      const bc = tCell[t] as number;
      const k = offK[tEntry[t] as number] as number;
      const pk = tPartner[t] as number;
      if ((weight[ci] as number) > (weight[bc] as number)) return true;
      if (officersFull && partnersFull) return officerRoom(bc, k) && partnerRoom(bc, pk);
      if (officersFull)
        return (
          officerRoom(bc, k) ||
          unmetWithRoom(
            partnerCells,
            partnerCellStart[pk] as number,
            partnerCellStart[pk + 1] as number,
            ci,
            bc,
            true,
          )
        );
      if (partnersFull)
        return (
          partnerRoom(bc, pk) ||
          unmetWithRoom(
            officerCells,
            officerCellStart[k] as number,
            officerCellStart[k + 1] as number,
            ci,
            bc,
            false,
          )
        );
      return true;
    };

    /** Adds task t to `around` if it may be bumped for ci (once per augment). */
    const consider = (ci: number, officersFull: boolean, partnersFull: boolean, t: number): void => {
      if (tStamp[t] === stampTasks || tCell[t] === ci) return;
      tStamp[t] = stampTasks;
      if (officersFull && !servesOfficer(ci, offK[tEntry[t] as number] as number)) return;
      if (partnersFull && !servesPartner(ci, tPartner[t] as number)) return;
      if (promising(ci, officersFull, partnersFull, t)) around.push(t);
    };

    const mark = (t: number): void => {
      officerChanged[offK[tEntry[t] as number] as number] = currentRound;
      partnerChanged[tPartner[t] as number] = currentRound;
    };

    /** Fills the cells of a run not yet tried for the refill of one bump; gain plus their value. */
    const refill = (
      list: Int32Array,
      from: number,
      to: number,
      ci: number,
      bc: number,
      gain: number,
    ): number => {
      for (let i = from; i < to; i++) {
        const cj = list[i] as number;
        if (cellStamp[cj] === stampCells || cj === ci || cj === bc) continue;
        cellStamp[cj] = stampCells;
        if ((assigned[cj] as number) >= (demand[cj] as number) || !best(cj)) continue;
        added.push(applyPick(cj, REASON.improvement));
        gain += weight[cj] as number;
      }
      return gain;
    };

    /**
     * One more patrol for cell ci by bumping one task that uses one of its people. When all the
     * cell's officers (or partners) are at weekly capacity, only a task of one of them can help, and
     * the bumped cell can then be re-placed only through another officer (partner) with room: tasks
     * that can neither be re-placed nor are worth less than the unit are skipped without trying.
     */
    const augment = (ci: number): boolean => {
      const officersFull = !officerRoom(ci, -1);
      const partnersFull = !partnerRoom(ci, -1);
      around.length = 0;
      stampTasks++;
      if (!partnersFull || officersFull)
        for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
          const k = offK[e] as number;
          const from = oTaskStart[k] as number;
          for (let i = from; i < from + (oLoad[k] as number); i++)
            consider(ci, officersFull, partnersFull, oTasks[i] as number);
        }
      if (!officersFull)
        for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
          const k = partK[e] as number;
          const from = pTaskStart[k] as number;
          for (let i = from; i < from + (pLoad[k] as number); i++)
            consider(ci, officersFull, partnersFull, pTasks[i] as number);
        }
      // Cheapest tasks first: bumping them costs least if they cannot be re-placed.
      around.sort(cheapestFirst);
      for (const t of around) {
        if (!tAlive[t]) continue;
        const bc = tCell[t] as number;
        remove(t);
        if (best(ci)) {
          added.length = 0;
          added.push(applyPick(ci, REASON.improvement));
          let gain = weight[ci] as number;
          if (best(bc)) added.push(applyPick(bc, REASON.improvement));
          else {
            // The bumped patrol found no other place: what it freed may serve other unmet cells of
            // its officer and partner (one out, several in), highest value first.
            gain -= weight[bc] as number;
            stampCells++;
            const k = offK[tEntry[t] as number] as number;
            const pk = tPartner[t] as number;
            gain = refill(
              officerCells,
              officerCellStart[k] as number,
              officerCellStart[k + 1] as number,
              ci,
              bc,
              gain,
            );
            gain = refill(
              partnerCells,
              partnerCellStart[pk] as number,
              partnerCellStart[pk + 1] as number,
              ci,
              bc,
              gain,
            );
          }
          if (gain > 1e-9) {
            mark(t);
            for (const a of added) mark(a);
            return true;
          }
          for (let i = added.length - 1; i >= 0; i--) remove(added[i] as number);
        }
        attach(t);
      }
      return false;
    };

    // A cell whose try failed is tried again in a later round only if one of its people's tasks
    // changed since.
    let currentRound = 0;
    for (; currentRound < config.improvementRounds; currentRound++) {
      let improved = false;
      for (const ci of byWeight) {
        if ((assigned[ci] as number) >= (demand[ci] as number)) continue;
        const last = triedInRound[ci] as number;
        if (last >= 0 && !changedSince(ci, last)) continue;
        triedInRound[ci] = currentRound;
        while ((assigned[ci] as number) < (demand[ci] as number) && augment(ci)) improved = true;
      }
      if (!improved) break;
    }

    for (const ci of byWeight)
      while ((assigned[ci] as number) < (demand[ci] as number) && best(ci)) applyPick(ci, REASON.improvement);
  }

  // Output, in a stable order: tasks by date, shift, cell.
  const live: number[] = [];
  for (let t = 0; t < nTasks; t++) if (tAlive[t]) live.push(t);
  live.sort(
    (a, b) => (tSlot[a] as number) - (tSlot[b] as number) || (tCell[a] as number) - (tCell[b] as number),
  );
  const reasonLists = new Map<number, PairReason[]>();
  let repeats = 0;
  const planTasks: PlanTask[] = live.map((t) => {
    const ci = tCell[t] as number;
    const entry = tEntry[t] as number;
    const slot = tSlot[t] as number;
    const c = cellsIn[ci] as (typeof cellsIn)[number];
    const d = demands[ci] as CellDemand;
    const date = dates[Math.floor(slot / nShifts)] ?? '';
    const shift = config.shifts[slot % nShifts] ?? '';
    // Last week's pairing of this officer and cell (the officer is active, so it is indexed).
    if (offRepeat[entry]) repeats++;
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
      officerId: oIds[offK[entry] as number] ?? '',
      partnerId: pIds[tPartner[t] as number] ?? '',
      value: weight[ci] as number,
      reasons: { risk: d.risk, pair: [...reasons] },
    };
  });

  const unmet: UnmetDemand[] = [];
  let demandTotal = 0;
  let weightedDemand = 0;
  let weightedAssigned = 0;
  const cellOut: CellDemand[] = demands.map((d, ci) => {
    const got = assigned[ci] as number;
    demandTotal += d.demand;
    weightedDemand += d.weight * d.demand;
    weightedAssigned += d.weight * got;
    const missing = d.demand - got;
    if (missing > 0) {
      let reason: UnmetReason = 'capacity';
      if (!hasOfficer[ci]) reason = 'no_officer';
      else if (!hasPartner[ci]) reason = 'no_partner';
      else if (popcount(possible[ci] as number) < d.demand) reason = 'unavailable';
      unmet.push({ cellId: d.cellId, missing, reason });
    }
    return { cellId: d.cellId, risk: d.risk, weight: d.weight, demand: d.demand, assigned: got };
  });

  const loads = (load: Int32Array, cap: Int32Array): number[] => {
    const out: number[] = [];
    for (let k = 0; k < load.length; k++) if ((cap[k] as number) > 0) out.push(load[k] as number);
    return out;
  };

  return {
    seed,
    weekStart: input.weekStart,
    dates,
    shifts: [...config.shifts],
    config,
    cells: cellOut,
    tasks: planTasks,
    unmet,
    metrics: {
      cells: nCells,
      demand: demandTotal,
      assigned: planTasks.length,
      // Sums of products carry float noise (839.0000000000016); the weights themselves are round6.
      weightedDemand: round6(weightedDemand),
      weightedAssigned: round6(weightedAssigned),
      weightedCoverage: weightedDemand > 0 ? round6(weightedAssigned) / round6(weightedDemand) : 1,
      officerLoad: loadSummary(loads(oLoad, oCap)),
      partnerLoad: loadSummary(loads(pLoad, pCap)),
      pairRepeatRate: planTasks.length > 0 ? repeats / planTasks.length : 0,
    },
  };
}
