/**
 * The current baseline's census of some cells, read where the cells export and the console's map
 * (GET /stats/cells) both need it: one place for which baseline counts and for which cells.
 */
import { areaId, counterArea, type GridTopology } from '@gridpatrol/core';
import { getBaselineNumbers, getCurrentBaseline } from '@gridpatrol/store';
import { gridTopology } from './grid-cache';

/** By cell id; a cell the baseline did not count (or every cell, without one) is missing. */
export async function baselineCensus(
  cells: readonly string[],
  topology: GridTopology,
): Promise<Map<string, number>> {
  const baseline = await getCurrentBaseline();
  if (!baseline) return new Map<string, number>();
  const counted =
    baseline.gridVersion === topology.version ? topology : await gridTopology(baseline.gridVersion);
  const areas = cells.filter((c) => counted?.cellZones.has(c)).map((c) => counterArea.cell(c));
  const numbers = await getBaselineNumbers(baseline, areas);
  return new Map(numbers.map((n) => [areaId('cell', n.area), n.census]));
}
