/**
 * The joint-patrol planner's contract (DOMAIN.md "Dual-track joint patrol", "Patrol force follows
 * the incidents"): its configuration, its input and the plan it returns. A plan is stored as it is
 * returned, so that a plan can always be explained (risk components, pair reasons) and reproduced
 * (seed + input) long after the findings behind it have changed (DOMAIN.md "Integrity").
 */

import * as z from 'zod';
import { AreaId } from '../grid/api';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { Person } from '../people';
import { schemaText } from '../validation';
import { PAIR_REASONS, RISK_TERMS, type RiskTerm } from './demand-reasons';

const IsoDate = lazySchema(() => z.iso.date());
const Count = lazySchema(() => z.number().int().min(0).max(1_000_000));

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date; dates carry no time zone. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * How demand is derived from risk and how the planner trades its objectives. Defaults are a
 * starting point for a bureau to tune; the lead wires this into the city config as `planning`.
 */
export const PlannerConfig = lazySchema(() =>
  z
    .object({
      /** Shifts of a day, in order. At most 4 so that a week's slots fit one 32-bit mask. */
      shifts: z
        .array(z.string().regex(/^[a-z][a-z0-9_-]{0,15}$/))
        .min(1)
        .max(4)
        .default(['am', 'pm'])
        .refine((s) => new Set(s).size === s.length, 'shift names must be unique'),
      /** Joint patrols a week every cell gets before risk ("quiet cells are not forgotten"). */
      baseRate: z.number().min(0).max(28).default(1),
      /** Extra patrols a week per risk point: demand = round(baseRate + risk × this), capped. */
      patrolsPerRiskPoint: z.number().min(0).max(10).default(0.25),
      /** The most patrols a cell may get in a week (never more than one per shift anyway). */
      maxPatrolsPerCell: z.number().int().min(0).max(28).default(5),
      /** Risk points per unit of each component (overdue findings weigh most). */
      weights: z
        .object({
          open: z.number().min(0).default(1),
          overdue: z.number().min(0).default(3),
          recent: z.number().min(0).default(0.5),
          reopened: z.number().min(0).default(2),
          stalenessPerDay: z.number().min(0).default(0.1),
          manualPriority: z.number().min(0).default(2),
        })
        .prefault({}),
      /** Counts above a cap add nothing: one notorious cell must not absorb the whole force. */
      caps: z
        .object({
          open: Count.default(10),
          overdue: Count.default(10),
          recent: Count.default(20),
          reopened: Count.default(5),
          stalenessDays: Count.default(28),
        })
        .prefault({}),
      /**
       * Tasks an officer may take in one shift (one per cell, each with its own grid partner). Cells
       * of an officer lie in their own zones, so they are near by construction; `newShiftCostKm`
       * then prefers packing a shift with close cells over opening another shift.
       */
      maxTasksPerOfficerShift: z.number().int().min(1).max(8).default(3),
      /** Distance cost of opening a new shift for an officer, against joining a shift whose nearest task is this far. */
      newShiftCostKm: z.number().min(0).max(1000).default(2),
      /**
       * Prefer an officer and grid partner who did not patrol together last week (rotation of pairs,
       * 廉洁), after the rotation of officer and cell; a pair repeats only when no other can take the
       * task. A city that pairs people on purpose turns it off.
       */
      rotatePairs: z.boolean().default(true),
      /** Rounds of the local improvement pass (0 = greedy only). */
      improvementRounds: z.number().int().min(0).max(10).default(2),
    })
    .prefault({}),
);
export type PlannerConfig = z.infer<typeof PlannerConfig>;

/** Finding counts of one cell as of the week start; the caller counts them from its findings. */
export const CellFindingStats = lazySchema(() =>
  z
    .object({
      /** Open findings (not yet resolved or rejected), overdue ones included. */
      open: Count.default(0),
      /** Open findings past their rectification deadline. */
      overdue: Count.default(0),
      /** Findings reported in the 28 days before the week start. */
      recent: Count.default(0),
      /** Findings reopened after a revisit (回头看), still open. */
      reopened: Count.default(0),
    })
    .prefault({})
    .refine((s) => s.overdue <= s.open, { message: 'overdue findings are counted among the open ones' }),
);
export type CellFindingStats = z.infer<typeof CellFindingStats>;

export const PlanCell = lazySchema(() =>
  z.object({
    id: AreaId,
    /** Zones the cell touches, primary zone (largest share) first: `cellZones` of the grid topology. */
    zones: z.array(AreaId).max(16),
    /** [lon, lat] of the cell's centroid, to keep an officer's shift compact. */
    centroid: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
    stats: CellFindingStats,
    /** The date of the last joint patrol that counted; null when there never was one. */
    lastPatrolDate: IsoDate.nullable().default(null),
    /** A supervisor's manual priority, 0 (none) to 5. */
    manualPriority: z.number().int().min(0).max(5).default(0),
  }),
);
export type PlanCell = z.infer<typeof PlanCell>;

/** An officer–cell pairing of the previous plan, with the grid partner of that task, for rotation. */
export const PastPairing = lazySchema(() =>
  z.object({
    officerId: z.string(),
    cellId: z.string(),
    /** The grid partner of the task; absent in pairings recorded before pairs rotated. */
    partnerId: z.string().optional(),
  }),
);
export type PastPairing = z.infer<typeof PastPairing>;

export const PlanInput = lazySchema(() =>
  z
    .object({
      /** The Monday of the planning week, as a calendar date in the city's time zone. */
      weekStart: IsoDate.refine((d) => isoWeekday(d) === 1, schemaText(message('schema.weekStartsMonday'))),
      config: PlannerConfig,
      cells: z.array(PlanCell),
      /** Everyone who may be planned; other roles than zone officers and grid leaders/workers are ignored. */
      people: z.array(Person),
      lastWeek: z.array(PastPairing).default([]),
    })
    .superRefine((input, ctx) => {
      for (const key of ['cells', 'people'] as const) {
        const seen = new Set<string>();
        input[key].forEach((item, i) => {
          if (seen.has(item.id))
            ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id '${item.id}'` });
          seen.add(item.id);
        });
      }
    }),
);
export type PlanInput = z.infer<typeof PlanInput>;
export type PlanInputArg = z.input<typeof PlanInput>;

const Points = lazySchema(() => z.object({ count: z.number(), points: z.number() }));

/** The risk of a cell, kept with every component so that a plan explains itself. */
export const RiskScore = lazySchema(() =>
  z.object({
    score: z.number(),
    /** Each of RISK_TERMS; staleness counts days since the last joint patrol (capped; no patrol ever counts as the cap). */
    components: z.object(
      Object.fromEntries(RISK_TERMS.map((term) => [term, Points])) as { [T in RiskTerm]: typeof Points },
    ),
  }),
);
export type RiskScore = z.infer<typeof RiskScore>;

export const CellDemand = lazySchema(() =>
  z.object({
    cellId: z.string(),
    risk: RiskScore,
    /** Value of one patrol of this cell in the objective: 1 + risk score. */
    weight: z.number(),
    /** Joint patrols required this week. */
    demand: z.number().int(),
    assigned: z.number().int(),
  }),
);
export type CellDemand = z.infer<typeof CellDemand>;

export { PAIR_REASONS };
export const PairReason = lazySchema(() => z.enum(PAIR_REASONS));
export type PairReason = z.infer<typeof PairReason>;

export const PlanTask = lazySchema(() =>
  z.object({
    /** `date#shift#cellId`: a cell is visited at most once a shift. */
    id: z.string(),
    date: IsoDate,
    shift: z.string(),
    cellId: z.string(),
    /** The zone through which the officer serves the cell. */
    zoneId: z.string(),
    officerId: z.string(),
    partnerId: z.string(),
    value: z.number(),
    reasons: z.object({ risk: RiskScore, pair: z.array(PairReason) }),
  }),
);
export type PlanTask = z.infer<typeof PlanTask>;

export const UNMET_REASONS = ['no_officer', 'no_partner', 'unavailable', 'capacity'] as const;
export const UnmetReason = lazySchema(() => z.enum(UNMET_REASONS));
export type UnmetReason = z.infer<typeof UnmetReason>;

export const UnmetDemand = lazySchema(() =>
  z.object({
    cellId: z.string(),
    missing: z.number().int().positive(),
    reason: UnmetReason,
  }),
);
export type UnmetDemand = z.infer<typeof UnmetDemand>;

const Load = lazySchema(() =>
  z.object({ people: z.number().int(), min: z.number(), median: z.number(), max: z.number() }),
);

export const PlanMetrics = lazySchema(() =>
  z.object({
    cells: z.number().int(),
    demand: z.number().int(),
    assigned: z.number().int(),
    weightedDemand: z.number(),
    weightedAssigned: z.number(),
    /** weightedAssigned / weightedDemand; 1 when there is no demand. */
    weightedCoverage: z.number(),
    /** Tasks per officer over active officers with capacity (idle ones count as 0). */
    officerLoad: Load,
    partnerLoad: Load,
    /** Share of tasks whose officer–cell pairing was also in last week's plan. */
    pairRepeatRate: z.number(),
    /**
     * Share of tasks whose officer and grid partner also patrolled together last week (any cell).
     * 0 in plans drafted before it was counted.
     */
    partnerRepeatRate: z.number().default(0),
  }),
);
export type PlanMetrics = z.infer<typeof PlanMetrics>;

export const Plan = lazySchema(() =>
  z.object({
    /** The seed of the random draw: the same input and seed give this plan again. */
    seed: z.number().int().min(0).max(0xffffffff),
    weekStart: IsoDate,
    dates: z.array(IsoDate).length(7),
    shifts: z.array(z.string()),
    config: PlannerConfig,
    cells: z.array(CellDemand),
    tasks: z.array(PlanTask),
    unmet: z.array(UnmetDemand),
    metrics: PlanMetrics,
  }),
);
export type Plan = z.infer<typeof Plan>;
