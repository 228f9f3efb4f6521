/**
 * Synthetic planning weeks for the bench and tests: a square grid of ~1 km cells, zones as blocks
 * of ~40 cells (some cells straddle two), officers 1–2 a zone, grid partners serving runs of
 * neighbouring cells, availability, dates off, conflicts and inactive people sprinkled in, and
 * finding counts skewed so that a few cells carry most of the risk (as in the field). Seeded, so a
 * bench run can be reproduced.
 */

import { addDays } from '../calendar';
import type { Person } from '../people';
import { createRandom } from './random';
import type { PastPairing, PlanCell, PlanInputArg } from './schema';

export interface SyntheticOptions {
  readonly cells: number;
  readonly seed: number;
  readonly weekStart?: string;
  /** Cells per zone block side (zones ≈ side² cells). Default 6 (≈ 36–42 cells a zone). */
  readonly zoneSide?: number;
  /** Officer capacity range a week. Default [8, 20]. */
  readonly officerCapacity?: readonly [number, number];
  /** Partner capacity range a week. Default [2, 6]. */
  readonly partnerCapacity?: readonly [number, number];
  /** Cells a grid partner serves. Default 4. */
  readonly cellsPerPartner?: number;
  /** Officers per zone: 1, or 2 with this probability. Default 0.5. */
  readonly secondOfficerShare?: number;
}

/**
 * The i-th of a family of small instances where people are scarce (small zones, low capacities),
 * so that the planner's choices matter: the bench measures the gap to the optimum on them, tests
 * the improvement pass.
 *
 * @example syntheticPlanInput(scarcePeopleOptions(3, 1003)).cells.length // 30
 */
export function scarcePeopleOptions(i: number, seed: number): SyntheticOptions {
  return {
    cells: 12 + (i % 5) * 6,
    seed,
    zoneSide: 3 + (i % 2),
    officerCapacity: [3, 9],
    partnerCapacity: [1, 4],
    cellsPerPartner: 3 + (i % 3),
    secondOfficerShare: 0.3,
  };
}

/**
 * A plan input of `cells` cells with people in proportion.
 *
 * @example planWeek(syntheticPlanInput({ cells: 1000, seed: 1 }), 7).metrics.weightedCoverage
 */
export function syntheticPlanInput(opts: SyntheticOptions): PlanInputArg & {
  cells: PlanCell[];
  people: Person[];
  lastWeek: PastPairing[];
} {
  const r = createRandom(opts.seed);
  const weekStart = opts.weekStart ?? '2025-03-03';
  const between = (lo: number, hi: number) => lo + r.int(hi - lo + 1);
  const n = opts.cells;
  const side = Math.max(1, Math.ceil(Math.sqrt(n)));
  const zs = opts.zoneSide ?? 6;
  const zonesAcross = Math.ceil(side / zs);
  const zoneOf = (col: number, row: number) =>
    `Z-${Math.floor(row / zs) * zonesAcross + Math.floor(col / zs)}`;
  const pad = (i: number) => String(i).padStart(6, '0');

  const cells: PlanCell[] = [];
  for (let i = 0; i < n; i++) {
    const col = i % side;
    const row = Math.floor(i / side);
    const zones = [zoneOf(col, row)];
    // Cells on a block's edge sometimes straddle into the neighbouring zone.
    if (col % zs === zs - 1 && col + 1 < side && r.next() < 0.4) zones.push(zoneOf(col + 1, row));
    if (row % zs === zs - 1 && r.next() < 0.4) zones.push(zoneOf(col, row + 1));
    const hot = r.next() < 0.1;
    const open = hot ? between(2, 12) : r.next() < 0.3 ? between(1, 2) : 0;
    cells.push({
      id: `C-${pad(i)}`,
      zones: [...new Set(zones)],
      centroid: [120 + col * 0.01, 30 + row * 0.009],
      stats: {
        open,
        overdue: Math.min(open, hot ? between(0, 4) : 0),
        recent: hot ? between(1, 8) : between(0, 1),
        reopened: hot && r.next() < 0.3 ? between(1, 2) : 0,
      },
      lastPatrolDate: r.next() < 0.1 ? null : addDays(weekStart, -between(1, 40)),
      manualPriority: r.next() < 0.03 ? between(1, 5) : 0,
    });
  }
  const zoneIds = [...new Set(cells.flatMap((c) => c.zones))].sort();
  const [ocLo, ocHi] = opts.officerCapacity ?? [8, 20];
  const [pcLo, pcHi] = opts.partnerCapacity ?? [2, 6];
  const weekDates = Array.from({ length: 7 }, (_, d) => addDays(weekStart, d));
  const someDatesOff = () => (r.next() < 0.2 ? [weekDates[r.int(5)] ?? weekStart] : []);
  const weekdays = () =>
    r.next() < 0.2 ? [1, 2, 3, 4, 5, 6] : r.next() < 0.1 ? [2, 3, 4, 5, 6] : [1, 2, 3, 4, 5];
  const base = { phone: undefined, office: 'office-1' } as const;

  const people: Person[] = [];
  let o = 0;
  const secondShare = opts.secondOfficerShare ?? 0.5;
  for (const z of zoneIds) {
    const count = r.next() < secondShare ? 2 : 1;
    for (let k = 0; k < count; k++) {
      // Now and then an officer also covers a neighbouring zone.
      const extra = r.next() < 0.1 ? zoneIds[r.int(zoneIds.length)] : undefined;
      people.push({
        ...base,
        id: `o-${pad(o++)}`,
        name: `Officer ${o}`,
        role: 'zone_officer',
        zones: extra && extra !== z ? [z, extra] : [z],
        cells: [],
        capacity: between(ocLo, ocHi),
        availability: { weekdays: weekdays(), datesOff: someDatesOff() },
        conflictCells: [],
        active: r.next() > 0.02,
      });
    }
  }
  const per = opts.cellsPerPartner ?? 4;
  let p = 0;
  // Partners serve runs of `per` neighbouring cells; runs start every per/2 cells so most cells
  // have two partners (a leader and a worker).
  for (let start = 0; start < n; start += Math.max(1, Math.floor(per / 2))) {
    const served = cells.slice(start, start + per).map((c) => c.id);
    people.push({
      ...base,
      id: `g-${pad(p++)}`,
      name: `Grid ${p}`,
      role: p % 3 === 0 ? 'grid_leader' : 'grid_worker',
      zones: [],
      cells: served,
      capacity: between(pcLo, pcHi),
      availability: { weekdays: weekdays(), datesOff: someDatesOff() },
      conflictCells: r.next() < 0.03 && served.length > 0 ? [served[r.int(served.length)] ?? ''] : [],
      active: r.next() > 0.02,
    });
  }
  // Conflicts on officers too: a relative's shop in one cell of the zone.
  for (const person of people)
    if (person.role === 'zone_officer' && r.next() < 0.05) {
      const c = cells[r.int(cells.length)];
      if (c) person.conflictCells = [c.id];
    }
  // Last week, half the cells were patrolled by an officer of their primary zone.
  const zoneOfficers = new Map<string, string[]>();
  for (const x of people)
    if (x.role === 'zone_officer')
      for (const z of x.zones) {
        const ids = zoneOfficers.get(z);
        if (ids) ids.push(x.id);
        else zoneOfficers.set(z, [x.id]);
      }
  const lastWeek: PastPairing[] = [];
  for (const c of cells) {
    const ids = zoneOfficers.get(c.zones[0] ?? '') ?? [];
    if (ids.length > 0 && r.next() < 0.5)
      lastWeek.push({ cellId: c.id, officerId: ids[r.int(ids.length)] ?? '' });
  }
  return { weekStart, cells, people, lastWeek };
}
