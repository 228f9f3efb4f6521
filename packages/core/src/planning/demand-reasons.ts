/**
 * The codes a plan explains its tasks with: the risk terms a cell's demand is made of, and the
 * reasons a pair was chosen. Plain lists without zod, so that the web app imports this module by its
 * path and no schema comes into the browser with it; schema.ts builds its schemas from these lists.
 */

/** A cell's risk terms; `staleness` counts the days since the last joint patrol. */
export const RISK_TERMS = ['open', 'overdue', 'recent', 'reopened', 'staleness', 'manualPriority'] as const;
export type RiskTerm = (typeof RISK_TERMS)[number];

export const PAIR_REASONS = [
  /** The officer serves the cell's primary zone / only another zone the cell touches. */
  'primary_zone',
  'secondary_zone',
  /** The officer had the lowest load among those who could take the task. */
  'least_loaded',
  /** Last week another officer patrolled this cell (or nobody): the pairing rotates. */
  'rotated',
  /** The same officer as last week, because no other eligible officer had room. */
  'repeat_no_alternative',
  /** Joins a shift in which the officer already patrols a nearby cell. */
  'near_own_tasks',
  /** The partner was the one whose other cells needed them least. */
  'partner_least_needed',
  /** Equally good choices remained; the seeded draw picked this one. */
  'drawn',
  /** Placed or moved by the improvement pass to make room for a higher-value patrol. */
  'improvement',
  /** The officer and partner also patrolled together last week: no other pair could take the task. */
  'pair_repeat_no_alternative',
] as const;
