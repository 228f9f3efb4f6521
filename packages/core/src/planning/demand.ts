/**
 * Patrol force follows the incidents (警力跟着警情走): each cell's risk score, kept with its
 * components so that anyone can see why a cell is patrolled more, and the joint patrols a week it
 * requires. Pure: counts and dates come in; the caller counts findings as of the week start.
 */
import { daysBetween } from '../calendar';
import type { CellDemand, PlanCell, PlannerConfig, RiskScore } from './schema';

/** Stored scores are rounded so that a plan's JSON does not carry float noise like 3.3000000000000003. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * A cell's risk score: each component is weight × min(count, cap). Overdue findings are counted
 * on top of being open, so an overdue finding weighs open + overdue.
 *
 * @example
 *   riskScore({ ...cell, stats: { open: 2, overdue: 1, recent: 0, reopened: 0 } }, '2025-03-03', config).score
 *   // 2·1 + 1·3 + staleness
 */
export function riskScore(
  cell: Pick<PlanCell, 'stats' | 'lastPatrolDate' | 'manualPriority'>,
  weekStart: string,
  config: PlannerConfig,
): RiskScore {
  const { weights: w, caps } = config;
  const part = (count: number, cap: number, weight: number) => {
    const c = Math.max(0, Math.min(count, cap));
    return { count: c, points: round6(c * weight) };
  };
  const days =
    cell.lastPatrolDate === null
      ? caps.stalenessDays
      : Math.max(0, daysBetween(cell.lastPatrolDate, weekStart));
  const components = {
    open: part(cell.stats.open - cell.stats.overdue, caps.open, w.open),
    overdue: part(cell.stats.overdue, caps.overdue, w.overdue),
    recent: part(cell.stats.recent, caps.recent, w.recent),
    reopened: part(cell.stats.reopened, caps.reopened, w.reopened),
    staleness: part(days, caps.stalenessDays, w.stalenessPerDay),
    manualPriority: part(cell.manualPriority, 5, w.manualPriority),
  };
  const score = round6(Object.values(components).reduce((s, c) => s + c.points, 0));
  return { score, components };
}

/**
 * Risk, objective weight and weekly demand of each cell. Demand is round(baseRate + risk ×
 * patrolsPerRiskPoint), capped by maxPatrolsPerCell and by the number of shifts in a week (a cell
 * is visited at most once a shift). The weight 1 + risk is the value of each of its patrols.
 *
 * @example cellDemands(input.cells, '2025-03-03', config)[0] // { cellId, risk, weight: 4.8, demand: 2, assigned: 0 }
 */
export function cellDemands(
  cells: readonly PlanCell[],
  weekStart: string,
  config: PlannerConfig,
): CellDemand[] {
  const slots = 7 * config.shifts.length;
  return cells.map((cell) => {
    const risk = riskScore(cell, weekStart, config);
    const raw = Math.round(config.baseRate + risk.score * config.patrolsPerRiskPoint);
    const demand = Math.max(0, Math.min(raw, config.maxPatrolsPerCell, slots));
    return { cellId: cell.id, risk, weight: round6(1 + risk.score), demand, assigned: 0 };
  });
}
