/**
 * Statistics (issue 7): baseline censuses. Each operation reads: schema (the manifest) → policy
 * (core stats/baselines over the caller's scope) → store → response. The census of an area comes
 * from its counter item alone; see docs/decisions/0014-baseline-census.md.
 */
import {
  type AreaCensus,
  type BaselineReadPlan,
  type BaselineRecord,
  baselineAsOf,
  baselineParts,
  censusAreas,
  censusFromCounters,
  censusOf,
  NotFoundError,
  planBaselineRead,
  scopeOf,
} from '@gridpatrol/core';
import {
  createBaseline,
  getBaseline,
  getBaselineNumbers,
  getCurrentBaselineId,
  listBaselines,
  newBaselineId,
  readCountersOf,
  setCurrentBaseline,
} from '@gridpatrol/store';
import { requireTopology } from '../grid-cache';
import { httpHandler } from '../http/chain';
import { cityConfig } from '../runtime';

const officeIds = () => cityConfig().offices.map((o) => o.id);

async function existing(id: string): Promise<BaselineRecord> {
  const b = await getBaseline(id);
  if (!b) throw new NotFoundError('baseline', id);
  return b;
}

/** A baseline with one area's numbers and its breakdown, from the numbers given. */
function detail(b: BaselineRecord, plan: BaselineReadPlan, numbers: readonly AreaCensus[], current: boolean) {
  const byArea = new Map(numbers.map((n) => [n.area, n]));
  const of = (area: string) => byArea.get(area) ?? censusOf(area, undefined);
  return { ...b, current, scope: plan.scope, numbers: of(plan.area), breakdown: plan.breakdown.map(of) };
}

export const handler = httpHandler('stats', {
  createBaseline: async ({ caller, body }) => {
    const now = new Date();
    const asOf = baselineAsOf(body.asOf, cityConfig().timeZone, now);
    const topology = await requireTopology();
    const areas = censusAreas(officeIds(), topology);
    const counters = await readCountersOf(areas);
    const numbers = censusFromCounters(areas, counters);
    const header: BaselineRecord = {
      id: newBaselineId(),
      label: body.label,
      asOf,
      countedAt: now.toISOString(),
      createdBy: caller.id,
      gridVersion: topology.version,
      areaCount: areas.length,
      parts: baselineParts(areas.length),
    };
    await createBaseline(header, numbers);
    const plan = planBaselineRead('city', scopeOf(caller, topology), topology, officeIds());
    return { status: 201, body: detail(header, plan, numbers, true) };
  },

  listBaselines: async ({ query }) => {
    const [page, currentId] = await Promise.all([
      listBaselines(query.cursor, query.limit),
      getCurrentBaselineId(),
    ]);
    return { body: { ...page, items: page.items.map((b) => ({ ...b, current: b.id === currentId })) } };
  },

  getBaseline: async ({ caller, params, query }) => {
    const b = await existing(params.id);
    // Areas are checked against the grid version the baseline counted.
    const topology = await requireTopology(b.gridVersion);
    const plan = planBaselineRead(query.scope, scopeOf(caller, topology), topology, officeIds());
    const [numbers, currentId] = await Promise.all([
      getBaselineNumbers(b, [plan.area, ...plan.breakdown]),
      getCurrentBaselineId(),
    ]);
    return { body: detail(b, plan, numbers, b.id === currentId) };
  },

  setCurrentBaseline: async ({ params }) => {
    const b = await existing(params.id);
    await setCurrentBaseline(b.id);
    return { body: { ...b, current: true } };
  },
});
