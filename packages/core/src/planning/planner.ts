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
 * Each step is linear in cells (people per cell and slots per week are bounded), so time grows
 * near-linearly with the city; bench/planner.ts measures it and the gap to the ILP optimum.
 */
import { BadRequestError } from '../errors';
import { zodIssuesToDetails } from '../validation';
import { addDays, cellDemands } from './demand';
import { createRandom, type Random } from './random';
import {
  type CellDemand,
  isoWeekday,
  type PairReason,
  type Plan,
  PlanInput,
  type PlanInputArg,
  type PlanTask,
  type UnmetDemand,
  type UnmetReason,
} from './schema';

interface Member {
  readonly id: string;
  readonly cap: number;
  /** Bit s set when the person may work slot s (day × shift). */
  readonly avail: number;
  load: number;
  readonly slotCount: Uint8Array;
  /** Officers: cells of their tasks in each slot, for compactness. */
  readonly slotCells: number[][];
  readonly tasks: Set<number>;
  /** Partners: demand of their cells per unit of capacity (static), to spare the busiest. */
  pressure: number;
}

interface CellState {
  readonly id: string;
  readonly demand: CellDemand;
  readonly weight: number;
  readonly x: number;
  readonly y: number;
  /** Eligible officers with capacity, the zone each serves the cell through, and whether it is primary. */
  readonly officers: number[];
  readonly officerZone: string[];
  readonly officerPrimary: boolean[];
  readonly partners: number[];
  readonly lastOfficers: ReadonlySet<number>;
  readonly hasOfficer: boolean;
  readonly hasPartner: boolean;
  /** Slots in which some eligible officer and some eligible partner are both available. */
  readonly possible: number;
  slotsUsed: number;
  assigned: number;
  readonly tasks: Set<number>;
}

interface TaskState {
  readonly cell: number;
  readonly officer: number;
  readonly partner: number;
  readonly slot: number;
  alive: boolean;
  reasons: PairReason[];
}

interface Candidate {
  officer: number;
  officerPos: number;
  partner: number;
  slot: number;
  repeat: number;
  secondary: number;
  ratio: number;
  dayUsed: number;
  compact: number;
  pressure: number;
  pRatio: number;
}

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

/** Negative when a is better. */
function compare(a: Candidate, b: Candidate): number {
  return (
    a.repeat - b.repeat ||
    a.secondary - b.secondary ||
    a.ratio - b.ratio ||
    a.dayUsed - b.dayUsed ||
    a.compact - b.compact ||
    a.pressure - b.pressure ||
    a.pRatio - b.pRatio
  );
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

  // Sorted by id so that the plan does not depend on the order the caller listed things in.
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cellsIn = [...input.cells].sort(byId);
  const peopleIn = [...input.people].sort(byId);
  const demands = cellDemands(cellsIn, input.weekStart, config);
  const cellIndex = new Map(cellsIn.map((c, i) => [c.id, i]));

  const weekdays = dates.map(isoWeekday);
  const availMask = (p: (typeof peopleIn)[number]): number => {
    const off = p.availability.datesOff;
    const days = p.availability.weekdays;
    let mask = 0;
    dates.forEach((date, d) => {
      if (days.includes(weekdays[d] ?? 0) && !off.includes(date))
        for (let s = 0; s < nShifts; s++) mask |= 1 << (d * nShifts + s);
    });
    return mask >>> 0;
  };
  const newMember = (p: (typeof peopleIn)[number]): Member => ({
    id: p.id,
    cap: p.capacity,
    avail: availMask(p),
    load: 0,
    slotCount: new Uint8Array(nSlots),
    slotCells: Array.from({ length: nSlots }, () => []),
    tasks: new Set(),
    pressure: 0,
  });

  // Who may serve each cell. Inactive people and conflicts (回避) are never eligible; people without
  // capacity or availability are eligible (they explain unmet demand) but never candidates.
  const officers: Member[] = [];
  const partners: Member[] = [];
  const zoneOfficers = new Map<string, number[]>();
  const cellPartners = new Map<number, number[]>();
  const officerConflicts: Set<string>[] = [];
  const partnerConflicts: Set<string>[] = [];
  for (const p of peopleIn) {
    if (!p.active) continue;
    if (p.role === 'zone_officer') {
      const k = officers.push(newMember(p)) - 1;
      officerConflicts.push(new Set(p.conflictCells));
      for (const z of new Set(p.zones)) zoneOfficers.set(z, [...(zoneOfficers.get(z) ?? []), k]);
    } else if (p.role === 'grid_leader' || p.role === 'grid_worker') {
      const k = partners.push(newMember(p)) - 1;
      partnerConflicts.push(new Set(p.conflictCells));
      for (const cellId of new Set(p.cells)) {
        const c = cellIndex.get(cellId);
        if (c !== undefined) cellPartners.set(c, [...(cellPartners.get(c) ?? []), k]);
      }
    }
  }

  const pastByCell = new Map<string, Set<string>>();
  for (const { officerId, cellId } of input.lastWeek)
    pastByCell.set(cellId, (pastByCell.get(cellId) ?? new Set()).add(officerId));
  const officerIndex = new Map(officers.map((o, i) => [o.id, i]));

  const meanLat = cellsIn.length ? cellsIn.reduce((s, c) => s + c.centroid[1], 0) / cellsIn.length : 0;
  const kmPerDegLon = KM_PER_DEG_LON_EQUATOR * Math.cos((meanLat * Math.PI) / 180);

  const cells: CellState[] = cellsIn.map((cell, i) => {
    const demand = demands[i] as CellDemand;
    const officerList: number[] = [];
    const officerZone: string[] = [];
    const officerPrimary: boolean[] = [];
    const seen = new Set<number>();
    let officerAvail = 0;
    let hasOfficer = false;
    cell.zones.forEach((z, zi) => {
      for (const k of zoneOfficers.get(z) ?? []) {
        if (seen.has(k) || officerConflicts[k]?.has(cell.id)) continue;
        seen.add(k);
        hasOfficer = true;
        const o = officers[k] as Member;
        officerAvail |= o.avail;
        if (o.cap <= 0 || o.avail === 0) continue;
        officerList.push(k);
        officerZone.push(z);
        officerPrimary.push(zi === 0);
      }
    });
    let partnerAvail = 0;
    let hasPartner = false;
    const partnerList: number[] = [];
    for (const k of cellPartners.get(i) ?? []) {
      if (partnerConflicts[k]?.has(cell.id)) continue;
      hasPartner = true;
      const p = partners[k] as Member;
      partnerAvail |= p.avail;
      if (p.cap > 0 && p.avail !== 0) partnerList.push(k);
    }
    const last = new Set<number>();
    for (const id of pastByCell.get(cell.id) ?? []) {
      const k = officerIndex.get(id);
      if (k !== undefined) last.add(k);
    }
    return {
      id: cell.id,
      demand,
      weight: demand.weight,
      x: cell.centroid[0] * kmPerDegLon,
      y: cell.centroid[1] * KM_PER_DEG_LAT,
      officers: officerList,
      officerZone,
      officerPrimary,
      partners: partnerList,
      lastOfficers: last,
      hasOfficer,
      hasPartner,
      possible: (officerAvail & partnerAvail) >>> 0,
      slotsUsed: 0,
      assigned: 0,
      tasks: new Set(),
    };
  });

  for (const c of cells) for (const k of c.partners) (partners[k] as Member).pressure += c.demand.demand;
  for (const p of partners) p.pressure = p.cap > 0 ? p.pressure / p.cap : 0;

  const tasks: TaskState[] = [];
  const dayMask = (s: number): number => {
    const d = Math.floor(s / nShifts);
    return (((1 << nShifts) - 1) << (d * nShifts)) >>> 0;
  };

  // Scratch state of `best`, reused across calls: it runs for every unit and every improvement try,
  // and allocating per candidate made garbage collection the largest cost at 20k cells.
  const blank = (): Candidate => ({
    officer: 0,
    officerPos: 0,
    partner: 0,
    slot: 0,
    repeat: 0,
    secondary: 0,
    ratio: 0,
    dayUsed: 0,
    compact: 0,
    pressure: 0,
    pRatio: 0,
  });
  const cur = blank();
  const top = blank();
  const partnerStamp = new Uint32Array(partners.length);
  let stamp = 0;

  /** The best feasible (slot, officer, partner) for one more patrol of cell c, or null. */
  const best = (ci: number): { cand: Candidate; reasons: PairReason[] } | null => {
    const c = cells[ci] as CellState;
    let found = false;
    let ties = 0;
    let feasibleOfficers = 0;
    let minRatio = Number.POSITIVE_INFINITY;
    let feasiblePartners = 0;
    let minPressure = Number.POSITIVE_INFINITY;
    stamp++;
    for (let pos = 0; pos < c.officers.length; pos++) {
      const k = c.officers[pos] as number;
      const o = officers[k] as Member;
      if (o.load >= o.cap) continue;
      const free = (o.avail & ~c.slotsUsed & c.possible) >>> 0;
      if (free === 0) continue;
      const ratio = o.load / o.cap;
      let officerCounted = false;
      for (let s = 0; s < nSlots; s++) {
        if (!((free >>> s) & 1) || (o.slotCount[s] ?? 0) >= maxPerShift) continue;
        let compact = config.newShiftCostKm;
        for (const other of o.slotCells[s] ?? []) {
          const oc = cells[other] as CellState;
          const dist = Math.hypot(oc.x - c.x, oc.y - c.y);
          if (dist < compact) compact = dist;
        }
        const dayUsed = (c.slotsUsed & dayMask(s)) !== 0 ? 1 : 0;
        for (const pk of c.partners) {
          const p = partners[pk] as Member;
          if (p.load >= p.cap || !((p.avail >>> s) & 1) || (p.slotCount[s] ?? 0) > 0) continue;
          if (!officerCounted) {
            officerCounted = true;
            feasibleOfficers++;
            if (ratio < minRatio) minRatio = ratio;
          }
          if (partnerStamp[pk] !== stamp) {
            partnerStamp[pk] = stamp;
            feasiblePartners++;
            if (p.pressure < minPressure) minPressure = p.pressure;
          }
          cur.officer = k;
          cur.officerPos = pos;
          cur.partner = pk;
          cur.slot = s;
          cur.repeat = c.lastOfficers.has(k) ? 1 : 0;
          cur.secondary = c.officerPrimary[pos] ? 0 : 1;
          cur.ratio = ratio;
          cur.dayUsed = dayUsed;
          cur.compact = compact;
          cur.pressure = p.pressure;
          cur.pRatio = p.load / p.cap;
          const cmp = found ? compare(cur, top) : -1;
          if (cmp < 0) {
            Object.assign(top, cur);
            found = true;
            ties = 1;
          } else if (cmp === 0) {
            ties++;
            if (rng.int(ties) === 0) Object.assign(top, cur);
          }
        }
      }
    }
    if (!found) return null;
    const reasons: PairReason[] = [top.secondary ? 'secondary_zone' : 'primary_zone'];
    if (feasibleOfficers > 1 && top.ratio <= minRatio) reasons.push('least_loaded');
    if (top.repeat) reasons.push('repeat_no_alternative');
    else if (c.lastOfficers.size > 0) reasons.push('rotated');
    if (top.compact < config.newShiftCostKm) reasons.push('near_own_tasks');
    if (feasiblePartners > 1 && top.pressure <= minPressure) reasons.push('partner_least_needed');
    if (ties > 1) reasons.push('drawn');
    return { cand: { ...top }, reasons };
  };

  const attach = (t: number): void => {
    const task = tasks[t] as TaskState;
    const c = cells[task.cell] as CellState;
    const o = officers[task.officer] as Member;
    const p = partners[task.partner] as Member;
    task.alive = true;
    c.slotsUsed = (c.slotsUsed | (1 << task.slot)) >>> 0;
    c.assigned++;
    c.tasks.add(t);
    o.load++;
    o.slotCount[task.slot] = (o.slotCount[task.slot] ?? 0) + 1;
    o.slotCells[task.slot]?.push(task.cell);
    o.tasks.add(t);
    p.load++;
    p.slotCount[task.slot] = (p.slotCount[task.slot] ?? 0) + 1;
    p.tasks.add(t);
  };

  const apply = (
    ci: number,
    officer: number,
    partner: number,
    slot: number,
    reasons: PairReason[],
  ): number => {
    const t = tasks.push({ cell: ci, officer, partner, slot, alive: false, reasons }) - 1;
    attach(t);
    return t;
  };

  const remove = (t: number): void => {
    const task = tasks[t] as TaskState;
    const c = cells[task.cell] as CellState;
    const o = officers[task.officer] as Member;
    const p = partners[task.partner] as Member;
    task.alive = false;
    c.slotsUsed = (c.slotsUsed & ~(1 << task.slot)) >>> 0;
    c.assigned--;
    c.tasks.delete(t);
    o.load--;
    o.slotCount[task.slot] = (o.slotCount[task.slot] ?? 1) - 1;
    const list = o.slotCells[task.slot] ?? [];
    list.splice(list.indexOf(task.cell), 1);
    o.tasks.delete(t);
    p.load--;
    p.slotCount[task.slot] = (p.slotCount[task.slot] ?? 1) - 1;
    p.tasks.delete(t);
  };

  // 2. Units in greedy order. Scarcity: people-capacity and possible slots per unit of demand.
  const scarcity = cells.map((c) => {
    if (c.demand.demand === 0) return 0;
    const oc = c.officers.reduce((s, k) => s + (officers[k] as Member).cap, 0);
    const pc = c.partners.reduce((s, k) => s + (partners[k] as Member).cap, 0);
    return Math.min(oc, pc, popcount(c.possible)) / c.demand.demand;
  });
  const draw = cells.map(() => rng.next());
  const units: { cell: number; k: number }[] = [];
  cells.forEach((c, ci) => {
    for (let k = 0; k < c.demand.demand; k++) units.push({ cell: ci, k });
  });
  units.sort((a, b) => {
    const ca = cells[a.cell] as CellState;
    const cb = cells[b.cell] as CellState;
    return (
      cb.weight - ca.weight ||
      a.k - b.k ||
      (scarcity[a.cell] ?? 0) - (scarcity[b.cell] ?? 0) ||
      (draw[a.cell] ?? 0) - (draw[b.cell] ?? 0) ||
      a.cell - b.cell
    );
  });

  // 3. Greedy. A cell that found no room for one unit finds none for its next (nothing frees up).
  const blocked = new Uint8Array(cells.length);
  for (const u of units) {
    if (blocked[u.cell]) continue;
    const pick = best(u.cell);
    if (pick === null) {
      blocked[u.cell] = 1;
      continue;
    }
    apply(u.cell, pick.cand.officer, pick.cand.partner, pick.cand.slot, pick.reasons);
  }

  // 4. Improvement: augmenting paths of length two, highest-value unmet cells first. A cell whose
  // try failed is tried again in a later round only if one of its people's tasks changed since.
  const byWeight = cells
    .map((_, i) => i)
    .sort((a, b) => (cells[b] as CellState).weight - (cells[a] as CellState).weight || a - b);
  // Cells each person may serve, highest value first, for the refill of a bump.
  const officerCells: number[][] = officers.map(() => []);
  const partnerCells: number[][] = partners.map(() => []);
  for (const ci of byWeight) {
    const c = cells[ci] as CellState;
    for (const k of c.officers) officerCells[k]?.push(ci);
    for (const k of c.partners) partnerCells[k]?.push(ci);
  }
  const cellStamp = new Uint32Array(cells.length);
  // Task ids grow with every move, so a plain array (holes read as undefined) rather than a typed one.
  const taskStamp: number[] = [];
  let stampTasks = 0;
  let stampCells = 0;
  const officerChanged = new Int32Array(officers.length).fill(-1);
  const partnerChanged = new Int32Array(partners.length).fill(-1);
  const triedInRound = new Int32Array(cells.length).fill(-1);
  const changedSince = (c: CellState, round: number) =>
    c.officers.some((k) => (officerChanged[k] ?? -1) >= round) ||
    c.partners.some((k) => (partnerChanged[k] ?? -1) >= round);
  for (let round = 0; round < config.improvementRounds; round++) {
    let improved = false;
    for (const ci of byWeight) {
      const c = cells[ci] as CellState;
      if (c.assigned >= c.demand.demand) continue;
      const last = triedInRound[ci] ?? -1;
      if (last >= 0 && !changedSince(c, last)) continue;
      triedInRound[ci] = round;
      while (c.assigned < c.demand.demand && augment(ci, round)) improved = true;
    }
    if (!improved) break;
  }

  function hasRoom(list: readonly number[], members: readonly Member[], except: number): boolean {
    return list.some((k) => k !== except && (members[k] as Member).load < (members[k] as Member).cap);
  }

  /** Some unmet cell of the list, other than a and b, with an officer (or partner) with room. */
  function unmetWithRoom(list: readonly number[], a: number, b: number, officerSide: boolean): boolean {
    return list.some((cj) => {
      const o = cells[cj] as CellState;
      if (cj === a || cj === b || o.assigned >= o.demand.demand) return false;
      return officerSide ? hasRoom(o.officers, officers, -1) : hasRoom(o.partners, partners, -1);
    });
  }

  /**
   * A necessary condition for bumping `task` to pay off for cell c. When all of c's officers are at
   * capacity, c must take the bumped officer, so the bumped cell needs another officer with room,
   * or what is freed is only the partner, useful to an unmet cell of that partner whose officer has
   * room; symmetrically for partners. Without this, the pass tried thousands of hopeless bumps at
   * city scale, where officers are all busy.
   */
  function promising(ci: number, officersFull: boolean, partnersFull: boolean, task: TaskState): boolean {
    const c = cells[ci] as CellState;
    const oc = cells[task.cell] as CellState;
    if (c.weight > oc.weight) return true;
    if (officersFull && partnersFull)
      return hasRoom(oc.officers, officers, task.officer) && hasRoom(oc.partners, partners, task.partner);
    if (officersFull)
      return (
        hasRoom(oc.officers, officers, task.officer) ||
        unmetWithRoom(partnerCells[task.partner] ?? [], ci, task.cell, true)
      );
    if (partnersFull)
      return (
        hasRoom(oc.partners, partners, task.partner) ||
        unmetWithRoom(officerCells[task.officer] ?? [], ci, task.cell, false)
      );
    return true;
  }

  /**
   * One more patrol for cell ci by bumping one task that uses one of its people. When all the cell's
   * officers (or partners) are at weekly capacity, only a task of one of them can help, and the
   * bumped cell can then be re-placed only through another officer (partner) with room: tasks that
   * can neither be re-placed nor are worth less than the unit are skipped without trying.
   */
  function augment(ci: number, round: number): boolean {
    const c = cells[ci] as CellState;
    const officersFull = !hasRoom(c.officers, officers, -1);
    const partnersFull = !hasRoom(c.partners, partners, -1);
    const around: number[] = [];
    stampTasks++;
    const collect = (m: Member) => {
      for (const t of m.tasks) {
        const task = tasks[t] as TaskState;
        if (taskStamp[t] === stampTasks || task.cell === ci) continue;
        taskStamp[t] = stampTasks;
        if (officersFull && !c.officers.includes(task.officer)) continue;
        if (partnersFull && !c.partners.includes(task.partner)) continue;
        if (promising(ci, officersFull, partnersFull, task)) around.push(t);
      }
    };
    if (!partnersFull || officersFull) for (const k of c.officers) collect(officers[k] as Member);
    if (!officersFull) for (const k of c.partners) collect(partners[k] as Member);
    // Cheapest tasks first: bumping them costs least if they cannot be re-placed.
    around.sort((a, b) => {
      const wa = (cells[(tasks[a] as TaskState).cell] as CellState).weight;
      const wb = (cells[(tasks[b] as TaskState).cell] as CellState).weight;
      return wa - wb || a - b;
    });
    const mark = (task: TaskState) => {
      officerChanged[task.officer] = round;
      partnerChanged[task.partner] = round;
    };
    for (const t of around) {
      const old = tasks[t] as TaskState;
      if (!old.alive) continue;
      const oc = cells[old.cell] as CellState;
      remove(t);
      const pick = best(ci);
      if (pick !== null) {
        const placed = apply(ci, pick.cand.officer, pick.cand.partner, pick.cand.slot, [
          ...pick.reasons,
          'improvement',
        ]);
        const again = best(old.cell);
        const added = [placed];
        let gain = c.weight;
        if (again !== null) {
          added.push(
            apply(old.cell, again.cand.officer, again.cand.partner, again.cand.slot, [
              ...again.reasons,
              'improvement',
            ]),
          );
        } else {
          // The bumped patrol found no other place: what it freed may serve other unmet cells of
          // its officer and partner (one out, several in), highest value first.
          gain -= oc.weight;
          stampCells++;
          for (const list of [officerCells[old.officer], partnerCells[old.partner]])
            for (const cj of list ?? []) {
              if (cellStamp[cj] === stampCells || cj === ci || cj === old.cell) continue;
              cellStamp[cj] = stampCells;
              const other = cells[cj] as CellState;
              if (other.assigned >= other.demand.demand) continue;
              const fill = best(cj);
              if (fill === null) continue;
              added.push(
                apply(cj, fill.cand.officer, fill.cand.partner, fill.cand.slot, [
                  ...fill.reasons,
                  'improvement',
                ]),
              );
              gain += other.weight;
            }
        }
        if (gain > 1e-9) {
          mark(old);
          for (const a of added) mark(tasks[a] as TaskState);
          return true;
        }
        for (const a of added.reverse()) remove(a);
      }
      attach(t);
    }
    return false;
  }

  // 5. Fill: moves of the improvement pass may have freed room that a cell blocked earlier can use;
  // one greedy sweep leaves the plan maximal (no unmet cell has a feasible pair and shift left).
  if (config.improvementRounds > 0)
    for (const ci of byWeight) {
      const c = cells[ci] as CellState;
      while (c.assigned < c.demand.demand) {
        const pick = best(ci);
        if (pick === null) break;
        apply(ci, pick.cand.officer, pick.cand.partner, pick.cand.slot, [...pick.reasons, 'improvement']);
      }
    }

  // Output, in a stable order: tasks by date, shift, cell.
  const live = tasks.filter((t) => t.alive).sort((a, b) => a.slot - b.slot || a.cell - b.cell);
  const pastPairs = new Set(input.lastWeek.map((p) => `${p.officerId}#${p.cellId}`));
  let repeats = 0;
  const planTasks: PlanTask[] = live.map((t) => {
    const c = cells[t.cell] as CellState;
    const o = officers[t.officer] as Member;
    const p = partners[t.partner] as Member;
    const date = dates[Math.floor(t.slot / nShifts)] ?? '';
    const shift = config.shifts[t.slot % nShifts] ?? '';
    if (pastPairs.has(`${o.id}#${c.id}`)) repeats++;
    const pos = c.officers.indexOf(t.officer);
    return {
      id: `${date}#${shift}#${c.id}`,
      date,
      shift,
      cellId: c.id,
      zoneId: c.officerZone[pos] ?? '',
      officerId: o.id,
      partnerId: p.id,
      value: c.weight,
      reasons: { risk: c.demand.risk, pair: t.reasons },
    };
  });

  const unmet: UnmetDemand[] = [];
  let demandTotal = 0;
  let weightedDemand = 0;
  let weightedAssigned = 0;
  const cellOut: CellDemand[] = cells.map((c) => {
    demandTotal += c.demand.demand;
    weightedDemand += c.weight * c.demand.demand;
    weightedAssigned += c.weight * c.assigned;
    const missing = c.demand.demand - c.assigned;
    if (missing > 0) {
      let reason: UnmetReason = 'capacity';
      if (!c.hasOfficer) reason = 'no_officer';
      else if (!c.hasPartner) reason = 'no_partner';
      else if (popcount(c.possible) < c.demand.demand) reason = 'unavailable';
      unmet.push({ cellId: c.id, missing, reason });
    }
    return { ...c.demand, assigned: c.assigned };
  });

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
      cells: cells.length,
      demand: demandTotal,
      assigned: planTasks.length,
      weightedDemand,
      weightedAssigned,
      weightedCoverage: weightedDemand > 0 ? weightedAssigned / weightedDemand : 1,
      officerLoad: loadSummary(officers.filter((o) => o.cap > 0).map((o) => o.load)),
      partnerLoad: loadSummary(partners.filter((p) => p.cap > 0).map((p) => p.load)),
      pairRepeatRate: planTasks.length > 0 ? repeats / planTasks.length : 0,
    },
  };
}
