/**
 * The choice of one more patrol for a cell: the best feasible (slot, officer, partner) by the
 * planner's key (planner.ts, step 3), exact ties drawn with the seeded PRNG (双随机, reservoir
 * sampling), and the pair reasons that explain it. It runs for every unit and every improvement
 * try, so it allocates nothing: its pick is left in the state's pick* fields.
 */
import { PAIR_REASONS, type PairReason } from '../schema';
import { addTask, type PlannerState } from './state';

/** Pair reasons as bits, bit i for PAIR_REASONS[i]: decoding in that order gives the order they are found in. */
export const REASON = Object.fromEntries(PAIR_REASONS.map((r, i) => [r, 1 << i])) as Record<
  PairReason,
  number
>;

/** The reasons of a mask of REASON bits, in the order of PAIR_REASONS. */
export function decodeReasons(mask: number): PairReason[] {
  const out: PairReason[] = [];
  PAIR_REASONS.forEach((r, i) => {
    if (mask & (1 << i)) out.push(r);
  });
  return out;
}

/**
 * The best feasible (slot, officer, partner) for one more patrol of cell ci into s.pick*; false if
 * none. Feasible: the officer and partner have weekly room and are available in the slot, the slot
 * is open for the cell, the officer has fewer than maxTasksPerOfficerShift tasks in it and the
 * partner none.
 */
export function bestPick(s: PlannerState, ci: number): boolean {
  const { offStart, offK, offRepeat, offPrimary, oLoad, oCap, oAvail, oSlotCount, oSlotCells } = s;
  const { partStart, partK, pCap, pLoad, pAvail, pSlotCount, pPressure, partnerStamp } = s;
  const { cx, cy, dayMask, nSlots, maxPerShift, newShiftCost, rng, avoidPairs, nPart } = s;
  const pairsKnown = avoidPairs.size > 0;
  let found = false;
  let ties = 0;
  let feasibleOfficers = 0;
  let minRatio = Number.POSITIVE_INFINITY;
  let feasiblePartners = 0;
  let minPressure = Number.POSITIVE_INFINITY;
  // The key of the best so far (see planner.ts, step 3); smaller is better, compared in order.
  let bRepeat = 0;
  let bPairRepeat = 0;
  let bSecondary = 0;
  let bRatio = 0;
  let bDayUsed = 0;
  let bCompact = 0;
  let bPressure = 0;
  let bPRatio = 0;
  let bEntry = 0;
  let bPartner = 0;
  let bSlot = 0;
  const stamp = ++s.stamp;
  const used = s.slotsUsed[ci] as number;
  const open = ~used & (s.possible[ci] as number);
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
    for (let slot = 0; slot < nSlots; slot++) {
      const os = k * nSlots + slot;
      if (!((free >>> slot) & 1) || (oSlotCount[os] as number) >= maxPerShift) continue;
      let compact = newShiftCost;
      const base = os * maxPerShift;
      for (let i = base; i < base + (oSlotCount[os] as number); i++) {
        const other = oSlotCells[i] as number;
        const dist = Math.hypot((cx[other] as number) - x, (cy[other] as number) - y);
        if (dist < compact) compact = dist;
      }
      const dayUsed = (used & (dayMask[slot] as number)) !== 0 ? 1 : 0;
      for (let pe = pFirst; pe < pEnd; pe++) {
        const pk = partK[pe] as number;
        const pCapK = pCap[pk] as number;
        const pLoadK = pLoad[pk] as number;
        if (
          pLoadK >= pCapK ||
          !(((pAvail[pk] as number) >>> slot) & 1) ||
          (pSlotCount[pk * nSlots + slot] as number) > 0
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
        const pairRepeat = pairsKnown && avoidPairs.has(k * nPart + pk) ? 1 : 0;
        const cmp = found
          ? repeat - bRepeat ||
            pairRepeat - bPairRepeat ||
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
        bEntry = e;
        bPartner = pk;
        bSlot = slot;
        bRepeat = repeat;
        bPairRepeat = pairRepeat;
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
  else if ((s.lastCount[ci] as number) > 0) reasons |= REASON.rotated;
  if (bPairRepeat) reasons |= REASON.pair_repeat_no_alternative;
  if (bCompact < newShiftCost) reasons |= REASON.near_own_tasks;
  if (feasiblePartners > 1 && bPressure <= minPressure) reasons |= REASON.partner_least_needed;
  if (ties > 1) reasons |= REASON.drawn;
  s.pickEntry = bEntry;
  s.pickPartner = bPartner;
  s.pickSlot = bSlot;
  s.pickReasons = reasons;
  return true;
}

/** Books the pick of the last `bestPick` for cell ci, with `extra` reason bits; the new task's id. */
export function applyPick(s: PlannerState, ci: number, extra: number): number {
  return addTask(s, ci, s.pickEntry, s.pickPartner, s.pickSlot, s.pickReasons | extra);
}
