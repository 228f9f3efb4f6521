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
 *     not last week's officer of the cell when another eligible one has room (rotation) → not an
 *     officer and partner who patrolled together last week (pair rotation, `rotatePairs`) → primary
 *     zone officer first → lowest officer load ÷ capacity (balance) → a day the cell is not yet
 *     patrolled → compactness (distance to the officer's other tasks in that shift, or
 *     `newShiftCostKm` to open a shift) → the partner whose other cells need them least → partner
 *     load; exact ties are drawn with the seeded PRNG (双随机, reservoir sampling).
 *  4. Improvement: for each unmet unit, try bumping one task that uses one of its people, placing
 *     the unit, then re-placing the bumped task elsewhere; kept when both fit, or when the unit is
 *     worth more than the bumped one (an augmenting path of length two); failing that, hand one
 *     task of its people to another person of that task's cell (officer-only or partner-only),
 *     who may drop a cheaper task, or, when the unit's people of the other side are all busy too,
 *     one of them drops a cheaper task (decision 0046). Repeated a few rounds. Then one sweep of ruin and recreate:
 *     around each cell still unmet, its people's tasks out, the cell first, then their cells;
 *     kept if the neighbourhood gained (decision 0042).
 *  5. Fill: one greedy sweep over the cells still unmet, since the moves may have freed room; it
 *     leaves the plan maximal (no unmet cell has a feasible pair and shift left).
 *
 * The steps live in planner/: state.ts (the typed arrays, built once, and the task bookings),
 * candidates.ts (step 3's pick), greedy.ts (steps 2–3), improve.ts (4–5), output.ts (the plan).
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
import { greedy, unitOrder } from './planner/greedy';
import { improve } from './planner/improve';
import { planOutput } from './planner/output';
import { buildState, weekOf } from './planner/state';
import { createRandom } from './random';
import { type Plan, PlanInput, type PlanInputArg } from './schema';

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
  const week = weekOf(parsed.data);
  const state = buildState(week, createRandom(seed));
  const units = unitOrder(state);
  greedy(state, units);
  if (week.config.improvementRounds > 0) improve(state, units, week.config.improvementRounds);
  return planOutput(week, state, seed);
}
