/**
 * The improvement pass (planner.ts, steps 4 and 5): augmenting paths of length two and, where they
 * fail, hand-overs of a task to another person of its cell, highest-value unmet cells first; then
 * one sweep of ruin and recreate around each cell still unmet (decision 0042); then one greedy
 * sweep (fill), since moves of the pass may have freed room
 * that a cell blocked earlier can use, leaving the plan maximal (no unmet cell has a feasible pair
 * and shift left).
 *
 * Task arrays of the state grow inside `addTask`: everything here reads them through the state
 * (s.tCell[t]), never from a copy kept across a booking.
 */
import { offsets } from './arrays';
import { applyPick, bestPick, REASON } from './candidates';
import type { UnitOrder } from './greedy';
import { attachTask, type PlannerState, removeTask } from './state';

/** The pass's own lists and scratch, built once. */
interface Improvement {
  /** Cells by weight (highest first), then index: the order unmet cells are tried in. */
  readonly byWeight: Int32Array;
  /** Cells each officer (partner) may serve, highest value first, for the refill of a bump. */
  readonly officerCellStart: Int32Array;
  readonly officerCells: Int32Array;
  readonly partnerCellStart: Int32Array;
  readonly partnerCells: Int32Array;
  /** Cells tried in the refill of the current bump (== stampCells). */
  readonly cellStamp: Uint32Array;
  stampCells: number;
  /** The mark of tasks considered in the current augment, in s.tStamp. */
  stampTasks: number;
  /** The last round in which a task of each officer (partner) changed; -1 if none. */
  readonly officerChanged: Int32Array;
  readonly partnerChanged: Int32Array;
  /** The last round in which each cell was tried; -1 if never. */
  readonly triedInRound: Int32Array;
  /** Tasks that may be bumped for the current cell; tasks booked by the current try. */
  readonly around: number[];
  readonly added: number[];
  readonly cheapestFirst: (a: number, b: number) => number;
  round: number;
}

function buildImprovement(s: PlannerState, units: UnitOrder): Improvement {
  const { nCells, nOff, nPart, offStart, offK, partStart, partK, weight } = s;
  // Cells by weight, then index: the runs of equal weight of `order`, each sorted by index.
  const byWeight = Int32Array.from(units.order);
  let from = 0;
  for (const to of units.groupEnd) {
    byWeight.subarray(from, to).sort();
    from = to;
  }
  const officerCellCount = new Int32Array(nOff);
  for (const k of offK) officerCellCount[k] = (officerCellCount[k] as number) + 1;
  const officerCellStart = offsets(officerCellCount);
  const officerCells = new Int32Array(offK.length);
  const partnerCellCount = new Int32Array(nPart);
  for (const k of partK) partnerCellCount[k] = (partnerCellCount[k] as number) + 1;
  const partnerCellStart = offsets(partnerCellCount);
  const partnerCells = new Int32Array(partK.length);
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
  return {
    byWeight,
    officerCellStart,
    officerCells,
    partnerCellStart,
    partnerCells,
    cellStamp: new Uint32Array(nCells),
    stampCells: 0,
    stampTasks: 0,
    officerChanged: new Int32Array(nOff).fill(-1),
    partnerChanged: new Int32Array(nPart).fill(-1),
    triedInRound: new Int32Array(nCells).fill(-1),
    around: [],
    added: [],
    cheapestFirst: (a, b) =>
      (weight[s.tCell[a] as number] as number) - (weight[s.tCell[b] as number] as number) || a - b,
    round: 0,
  };
}

/**
 * Some person of cell ci's run (officers: offStart/offK; partners: partStart/partK) other than
 * `except` has weekly room.
 */
function someoneWithRoom(
  start: Int32Array,
  people: Int32Array,
  load: Int32Array,
  cap: Int32Array,
  ci: number,
  except: number,
): boolean {
  for (let e = start[ci] as number; e < (start[ci + 1] as number); e++) {
    const k = people[e] as number;
    if (k !== except && (load[k] as number) < (cap[k] as number)) return true;
  }
  return false;
}

const officerRoom = (s: PlannerState, ci: number, except: number): boolean =>
  someoneWithRoom(s.offStart, s.offK, s.oLoad, s.oCap, ci, except);

const partnerRoom = (s: PlannerState, ci: number, except: number): boolean =>
  someoneWithRoom(s.partStart, s.partK, s.pLoad, s.pCap, ci, except);

/** Person k is in cell ci's run (officers or partners). */
function serves(start: Int32Array, people: Int32Array, ci: number, k: number): boolean {
  for (let e = start[ci] as number; e < (start[ci + 1] as number); e++) if (people[e] === k) return true;
  return false;
}

/**
 * Some unmet cell of freed person k (an officer if `freedOfficer`, else a partner), other than a
 * and b, with a person of the other side with room: the freed one alone cannot patrol.
 */
function unmetWithRoom(
  s: PlannerState,
  im: Improvement,
  freedOfficer: boolean,
  k: number,
  a: number,
  b: number,
): boolean {
  const { assigned, demand } = s;
  const list = freedOfficer ? im.officerCells : im.partnerCells;
  const start = freedOfficer ? im.officerCellStart : im.partnerCellStart;
  for (let i = start[k] as number; i < (start[k + 1] as number); i++) {
    const cj = list[i] as number;
    if (cj === a || cj === b || (assigned[cj] as number) >= (demand[cj] as number)) continue;
    if (freedOfficer ? partnerRoom(s, cj, -1) : officerRoom(s, cj, -1)) return true;
  }
  return false;
}

/** A task of one of cell ci's people changed in `round` or later. */
function changedSince(s: PlannerState, im: Improvement, ci: number, round: number): boolean {
  const { offStart, offK, partStart, partK } = s;
  for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++)
    if ((im.officerChanged[offK[e] as number] as number) >= round) return true;
  for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++)
    if ((im.partnerChanged[partK[e] as number] as number) >= round) return true;
  return false;
}

/**
 * A necessary condition for bumping task t to pay off for cell ci. When all of ci's officers are
 * at capacity, ci must take the bumped officer, so the bumped cell needs another officer with
 * room, or what is freed is only the partner, useful to an unmet cell of that partner whose
 * officer has room; symmetrically for partners. Without this, the pass tried thousands of
 * hopeless bumps at city scale, where officers are all busy.
 */
function promising(
  s: PlannerState,
  im: Improvement,
  ci: number,
  officersFull: boolean,
  partnersFull: boolean,
  t: number,
): boolean {
  const bc = s.tCell[t] as number;
  const k = s.offK[s.tEntry[t] as number] as number;
  const pk = s.tPartner[t] as number;
  if ((s.weight[ci] as number) > (s.weight[bc] as number)) return true;
  if (officersFull && partnersFull) return officerRoom(s, bc, k) && partnerRoom(s, bc, pk);
  if (officersFull) return officerRoom(s, bc, k) || unmetWithRoom(s, im, false, pk, ci, bc);
  if (partnersFull) return partnerRoom(s, bc, pk) || unmetWithRoom(s, im, true, k, ci, bc);
  return true;
}

/** Adds task t to `around` if it may be bumped for ci (once per augment). */
function consider(
  s: PlannerState,
  im: Improvement,
  ci: number,
  officersFull: boolean,
  partnersFull: boolean,
  t: number,
): void {
  if (s.tStamp[t] === im.stampTasks || s.tCell[t] === ci) return;
  s.tStamp[t] = im.stampTasks;
  if (officersFull && !serves(s.offStart, s.offK, ci, s.offK[s.tEntry[t] as number] as number)) return;
  if (partnersFull && !serves(s.partStart, s.partK, ci, s.tPartner[t] as number)) return;
  if (promising(s, im, ci, officersFull, partnersFull, t)) im.around.push(t);
}

/** Records that task t's officer and partner changed in this round. */
function mark(s: PlannerState, im: Improvement, t: number): void {
  im.officerChanged[s.offK[s.tEntry[t] as number] as number] = im.round;
  im.partnerChanged[s.tPartner[t] as number] = im.round;
}

/**
 * Fills the cells of person k (an officer if `officerSide`, else a partner) not yet tried for the
 * refill of one bump; gain plus their value.
 */
function refill(
  s: PlannerState,
  im: Improvement,
  officerSide: boolean,
  k: number,
  ci: number,
  bc: number,
  gain: number,
): number {
  const { assigned, demand, weight } = s;
  const list = officerSide ? im.officerCells : im.partnerCells;
  const start = officerSide ? im.officerCellStart : im.partnerCellStart;
  for (let i = start[k] as number; i < (start[k + 1] as number); i++) {
    const cj = list[i] as number;
    if (im.cellStamp[cj] === im.stampCells || cj === ci || cj === bc) continue;
    im.cellStamp[cj] = im.stampCells;
    if ((assigned[cj] as number) >= (demand[cj] as number) || !bestPick(s, cj)) continue;
    im.added.push(applyPick(s, cj, REASON.improvement));
    gain += weight[cj] as number;
  }
  return gain;
}

/**
 * One more patrol for cell ci by bumping one task that uses one of its people; true if the plan
 * gained (and is changed), false if nothing paid off (and the plan is as before). When all the
 * cell's officers (or partners) are at weekly capacity, only a task of one of them can help, and
 * the bumped cell can then be re-placed only through another officer (partner) with room: tasks
 * that can neither be re-placed nor are worth less than the unit are skipped without trying.
 */
function augment(s: PlannerState, im: Improvement, ci: number): boolean {
  const { offStart, offK, oTaskStart, oLoad, oTasks, partStart, partK, pTaskStart, pLoad, pTasks } = s;
  const { weight } = s;
  const { around, added } = im;
  const officersFull = !officerRoom(s, ci, -1);
  const partnersFull = !partnerRoom(s, ci, -1);
  around.length = 0;
  im.stampTasks++;
  if (!partnersFull || officersFull)
    for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
      const k = offK[e] as number;
      const from = oTaskStart[k] as number;
      for (let i = from; i < from + (oLoad[k] as number); i++)
        consider(s, im, ci, officersFull, partnersFull, oTasks[i] as number);
    }
  if (!officersFull)
    for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
      const k = partK[e] as number;
      const from = pTaskStart[k] as number;
      for (let i = from; i < from + (pLoad[k] as number); i++)
        consider(s, im, ci, officersFull, partnersFull, pTasks[i] as number);
    }
  // Cheapest tasks first: bumping them costs least if they cannot be re-placed.
  around.sort(im.cheapestFirst);
  for (const t of around) {
    if (!s.tAlive[t]) continue;
    const bc = s.tCell[t] as number;
    removeTask(s, t);
    if (bestPick(s, ci)) {
      added.length = 0;
      added.push(applyPick(s, ci, REASON.improvement));
      let gain = weight[ci] as number;
      if (bestPick(s, bc)) added.push(applyPick(s, bc, REASON.improvement));
      else {
        // The bumped patrol found no other place: what it freed may serve other unmet cells of
        // its officer and partner (one out, several in), highest value first.
        gain -= weight[bc] as number;
        im.stampCells++;
        gain = refill(s, im, true, offK[s.tEntry[t] as number] as number, ci, bc, gain);
        gain = refill(s, im, false, s.tPartner[t] as number, ci, bc, gain);
      }
      if (gain > 1e-9) {
        mark(s, im, t);
        for (const a of added) mark(s, im, a);
        return true;
      }
      for (let i = added.length - 1; i >= 0; i--) removeTask(s, added[i] as number);
    }
    attachTask(s, t);
  }
  // No bump paid off: try handing one bumped task to another person instead, so that the task
  // stays where it is and only its officer (or partner) is freed for ci.
  // Every task of ci's officers (partners) is a candidate here, not only the `around` of the
  // bump: a task worth more than ci's patrol may still move to another person.
  for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
    const k = offK[e] as number;
    for (let i = oTaskStart[k] as number; i < (oTaskStart[k] as number) + (oLoad[k] as number); i++)
      if (handOver(s, im, ci, oTasks[i] as number, true)) return true;
  }
  for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
    const k = partK[e] as number;
    for (let i = pTaskStart[k] as number; i < (pTaskStart[k] as number) + (pLoad[k] as number); i++)
      if (handOver(s, im, ci, pTasks[i] as number, false)) return true;
  }
  return false;
}

/** Reason bits that describe who was picked, void once a task changes hands. */
const WHO_OFFICER =
  REASON.primary_zone |
  REASON.secondary_zone |
  REASON.least_loaded |
  REASON.rotated |
  REASON.repeat_no_alternative |
  REASON.near_own_tasks |
  REASON.pair_repeat_no_alternative |
  REASON.drawn;
const WHO_PARTNER = REASON.partner_least_needed | REASON.pair_repeat_no_alternative | REASON.drawn;

/** Person k (officer or partner) can take one more task in slot. */
function hasRoom(s: PlannerState, officerSide: boolean, k: number, slot: number): boolean {
  const { nSlots, maxPerShift } = s;
  if (officerSide)
    return (
      (s.oLoad[k] as number) < (s.oCap[k] as number) &&
      (((s.oAvail[k] as number) >>> slot) & 1) === 1 &&
      (s.oSlotCount[k * nSlots + slot] as number) < maxPerShift
    );
  return (
    (s.pLoad[k] as number) < (s.pCap[k] as number) &&
    (((s.pAvail[k] as number) >>> slot) & 1) === 1 &&
    (s.pSlotCount[k * nSlots + slot] as number) === 0
  );
}

/** Gives live task t to candidate entry e's officer (officerSide) or to partner e's person. */
function reassign(s: PlannerState, t: number, officerSide: boolean, e: number): void {
  const bc = s.tCell[t] as number;
  const reasons = s.tReasons[t] as number;
  removeTask(s, t);
  if (officerSide) {
    s.tEntry[t] = e;
    s.tReasons[t] =
      (reasons & ~WHO_OFFICER) |
      (s.offPrimary[e] ? REASON.primary_zone : REASON.secondary_zone) |
      (s.offRepeat[e] ? REASON.repeat_no_alternative : (s.lastCount[bc] as number) > 0 ? REASON.rotated : 0) |
      REASON.improvement;
  } else {
    s.tPartner[t] = s.partK[e] as number;
    s.tReasons[t] = (reasons & ~WHO_PARTNER) | REASON.improvement;
  }
  // The hand-over was the only way to gain: a pair it makes that met last week had no alternative.
  if (s.avoidPairs.has((s.offK[s.tEntry[t] as number] as number) * s.nPart + (s.tPartner[t] as number)))
    s.tReasons[t] = (s.tReasons[t] as number) | REASON.pair_repeat_no_alternative;
  attachTask(s, t);
}

/** Undoes `reassign`: task t back to its entry, partner and reasons before it. */
function restore(s: PlannerState, t: number, entry: number, partner: number, reasons: number): void {
  removeTask(s, t);
  s.tEntry[t] = entry;
  s.tPartner[t] = partner;
  s.tReasons[t] = reasons;
  attachTask(s, t);
}

/**
 * Officer-only (partner-only) move: live task t keeps its cell, slot and partner (officer) and
 * passes to another eligible officer (partner) of its cell, so that the person it frees gives cell
 * ci one more patrol. The new person takes it if free in that slot; if not, they drop one of their
 * own tasks worth less than ci's patrol, which is then re-placed if it can be (a chain of three:
 * ci ← k ← k2 ← dropped task); or, when the freed person alone is not enough, one of ci's people of
 * the other side drops a cheaper task (freeOtherSide). Kept when the plan gains, else undone. The bump cannot make these
 * moves: it re-places the bumped cell only after ci has taken its pick, and that pick may take the
 * slot or the partner the bumped cell needed; nor does it ever move a task without unplacing it
 * (issue 22: a straddling cell held by the scarce officer of one zone while officers of the other
 * zone had room).
 */
function handOver(s: PlannerState, im: Improvement, ci: number, t: number, officerSide: boolean): boolean {
  const { weight } = s;
  const bc = s.tCell[t] as number;
  const slot = s.tSlot[t] as number;
  const entry = s.tEntry[t] as number;
  const partner = s.tPartner[t] as number;
  const reasons = s.tReasons[t] as number;
  const current = officerSide ? (s.offK[entry] as number) : partner;
  const start = officerSide ? s.offStart : s.partStart;
  const people = officerSide ? s.offK : s.partK;
  // Freeing the person helps ci only if they serve it.
  if (!serves(start, people, ci, current)) return false;
  for (let e = start[bc] as number; e < (start[bc + 1] as number); e++) {
    const k = people[e] as number;
    if (k === current) continue;
    if (hasRoom(s, officerSide, k, slot)) {
      reassign(s, t, officerSide, e);
      if (bestPick(s, ci)) {
        keep(s, im, t, applyPick(s, ci, REASON.improvement), current, officerSide);
        return true;
      }
      // The person freed is not enough: ci's people of the other side are all busy too.
      if (freeOtherSide(s, im, ci, !officerSide)) {
        keep(s, im, t, im.added[0] as number, current, officerSide);
        return true;
      }
      restore(s, t, entry, partner, reasons);
      continue;
    }
    // k is busy: k drops their cheapest task worth less than ci's patrol (one try, to keep the
    // pass linear), re-placed afterwards if it can be.
    const t2 = cheapestBelow(s, officerSide, k, weight[ci] as number, t);
    if (t2 < 0) continue;
    const c2 = s.tCell[t2] as number;
    removeTask(s, t2);
    if (hasRoom(s, officerSide, k, slot)) {
      reassign(s, t, officerSide, e);
      if (bestPick(s, ci)) {
        keep(s, im, t, applyPick(s, ci, REASON.improvement), current, officerSide);
        mark(s, im, t2);
        if (bestPick(s, c2)) mark(s, im, applyPick(s, c2, REASON.improvement));
        return true;
      }
      restore(s, t, entry, partner, reasons);
    }
    attachTask(s, t2);
  }
  return false;
}

/**
 * After a hand-over freed one of ci's officers (partners), one of ci's partners (officers) drops
 * their cheapest task worth less than ci's patrol, so that ci can be placed; the dropped task is
 * re-placed if it can be. True (and the plan changed, ci's new task first in `im.added`) if ci got
 * its patrol, else false and the plan as before. With the hand-over this is a move of three tasks
 * that neither a bump nor a hand-over alone makes: a straddling cell's task passes to the other
 * zone's officer while a lighter task gives up its partner (issue 22, bench instance 17).
 */
function freeOtherSide(s: PlannerState, im: Improvement, ci: number, officerSide: boolean): boolean {
  const start = officerSide ? s.offStart : s.partStart;
  const people = officerSide ? s.offK : s.partK;
  for (let e = start[ci] as number; e < (start[ci + 1] as number); e++) {
    const dropped = cheapestBelow(s, officerSide, people[e] as number, s.weight[ci] as number, -1);
    if (dropped < 0) continue;
    const cd = s.tCell[dropped] as number;
    removeTask(s, dropped);
    if (bestPick(s, ci)) {
      im.added.length = 0;
      im.added.push(applyPick(s, ci, REASON.improvement));
      mark(s, im, dropped);
      if (bestPick(s, cd)) mark(s, im, applyPick(s, cd, REASON.improvement));
      return true;
    }
    attachTask(s, dropped);
  }
  return false;
}

/** The live task of person k worth least and less than `below`, other than `except`; -1 if none. */
function cheapestBelow(
  s: PlannerState,
  officerSide: boolean,
  k: number,
  below: number,
  except: number,
): number {
  const runStart = officerSide ? (s.oTaskStart[k] as number) : (s.pTaskStart[k] as number);
  const load = officerSide ? (s.oLoad[k] as number) : (s.pLoad[k] as number);
  const runs = officerSide ? s.oTasks : s.pTasks;
  let best = -1;
  let bestWeight = below;
  for (let i = runStart; i < runStart + load; i++) {
    const t = runs[i] as number;
    const w = s.weight[s.tCell[t] as number] as number;
    if (t !== except && (w < bestWeight || (w === bestWeight && best >= 0 && t < best))) {
      best = t;
      bestWeight = w;
    }
  }
  return best;
}

/** Records a kept hand-over: task t moved and task a placed for ci, `freed` freed. */
function keep(
  s: PlannerState,
  im: Improvement,
  t: number,
  a: number,
  freed: number,
  officerSide: boolean,
): void {
  mark(s, im, t);
  mark(s, im, a);
  if (officerSide) im.officerChanged[freed] = im.round;
  else im.partnerChanged[freed] = im.round;
}

/**
 * Ruin and recreate around unmet cell ci: every task of ci's officers and partners is taken out,
 * then ci is planned first, then the cells those tasks and people serve, highest value first; kept
 * if the weighted patrols of the neighbourhood grew, else put back exactly. This finds what no
 * move of one or two tasks can: giving up a heavy task whose people, re-planned around ci, serve
 * two lighter ones (issue 22, bench instance 38). `ruined` and `cells` are scratch lists.
 */
function ruinAndRecreate(
  s: PlannerState,
  im: Improvement,
  ci: number,
  ruined: number[],
  cells: number[],
): void {
  const { offStart, offK, oTaskStart, oLoad, oTasks, partStart, partK, pTaskStart, pLoad, pTasks } = s;
  const { weight, assigned, demand } = s;
  ruined.length = 0;
  cells.length = 0;
  im.stampTasks++;
  im.stampCells++;
  const take = (t: number) => {
    if (s.tStamp[t] === im.stampTasks) return;
    s.tStamp[t] = im.stampTasks;
    ruined.push(t);
  };
  const visit = (cj: number) => {
    if (im.cellStamp[cj] === im.stampCells) return;
    im.cellStamp[cj] = im.stampCells;
    cells.push(cj);
  };
  for (let e = offStart[ci] as number; e < (offStart[ci + 1] as number); e++) {
    const k = offK[e] as number;
    for (let i = oTaskStart[k] as number; i < (oTaskStart[k] as number) + (oLoad[k] as number); i++)
      take(oTasks[i] as number);
    for (let i = im.officerCellStart[k] as number; i < (im.officerCellStart[k + 1] as number); i++)
      visit(im.officerCells[i] as number);
  }
  for (let e = partStart[ci] as number; e < (partStart[ci + 1] as number); e++) {
    const k = partK[e] as number;
    for (let i = pTaskStart[k] as number; i < (pTaskStart[k] as number) + (pLoad[k] as number); i++)
      take(pTasks[i] as number);
    for (let i = im.partnerCellStart[k] as number; i < (im.partnerCellStart[k + 1] as number); i++)
      visit(im.partnerCells[i] as number);
  }
  if (ruined.length === 0) return;
  let before = 0;
  for (const t of ruined) {
    const cj = s.tCell[t] as number;
    before += weight[cj] as number;
    visit(cj);
    // The other person of the task is freed too: their cells may use them.
    const k = s.offK[s.tEntry[t] as number] as number;
    const pk = s.tPartner[t] as number;
    for (let i = im.officerCellStart[k] as number; i < (im.officerCellStart[k + 1] as number); i++)
      visit(im.officerCells[i] as number);
    for (let i = im.partnerCellStart[pk] as number; i < (im.partnerCellStart[pk + 1] as number); i++)
      visit(im.partnerCells[i] as number);
  }
  for (const t of ruined) removeTask(s, t);
  const added = im.added;
  added.length = 0;
  let after = 0;
  while ((assigned[ci] as number) < (demand[ci] as number) && bestPick(s, ci)) {
    added.push(applyPick(s, ci, REASON.improvement));
    after += weight[ci] as number;
  }
  cells.sort((a, b) => (weight[b] as number) - (weight[a] as number) || a - b);
  for (const cj of cells)
    while ((assigned[cj] as number) < (demand[cj] as number) && bestPick(s, cj)) {
      added.push(applyPick(s, cj, REASON.improvement));
      after += weight[cj] as number;
    }
  if (after > before + 1e-9) return;
  for (let i = added.length - 1; i >= 0; i--) removeTask(s, added[i] as number);
  for (const t of ruined) attachTask(s, t);
}

/**
 * Up to `rounds` rounds of augments over the unmet cells, highest value first, stopping at a round
 * that gained nothing; then one ruin-and-recreate sweep; then the fill. A cell whose try failed is tried again in a later round only
 * if one of its people's tasks changed since.
 */
export function improve(s: PlannerState, units: UnitOrder, rounds: number): void {
  const { assigned, demand } = s;
  const im = buildImprovement(s, units);
  for (im.round = 0; im.round < rounds; im.round++) {
    let improved = false;
    for (const ci of im.byWeight) {
      if ((assigned[ci] as number) >= (demand[ci] as number)) continue;
      const last = im.triedInRound[ci] as number;
      if (last >= 0 && !changedSince(s, im, ci, last)) continue;
      im.triedInRound[ci] = im.round;
      while ((assigned[ci] as number) < (demand[ci] as number) && augment(s, im, ci)) improved = true;
    }
    if (!improved) break;
  }
  // One sweep of ruin and recreate over the cells still unmet, highest value first.
  const ruined: number[] = [];
  const cells: number[] = [];
  for (const ci of im.byWeight)
    if ((assigned[ci] as number) < (demand[ci] as number)) ruinAndRecreate(s, im, ci, ruined, cells);

  for (const ci of im.byWeight)
    while ((assigned[ci] as number) < (demand[ci] as number) && bestPick(s, ci))
      applyPick(s, ci, REASON.improvement);
}
