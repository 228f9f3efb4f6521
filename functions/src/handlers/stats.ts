/**
 * Statistics (issue 7): baseline censuses, summaries, assessments and series. Each operation reads:
 * schema (the manifest) → policy (core stats over the caller's scope) → counter items → core sums →
 * response. Nothing here reads a finding or a task: the numbers come from the live counter items and
 * their month buckets (docs/decisions/0014-baseline-census.md, 0015-statistics.md).
 */
import {
  type AreaCensus,
  type AreaReadPlan,
  areaId,
  areaSummary,
  assess,
  BadRequestError,
  type BaselineRecord,
  baselineAsOf,
  baselineParts,
  bucketAreasOf,
  byResults,
  type CounterArea,
  cellPage,
  cellStats,
  censusAreas,
  censusFromCounters,
  censusOf,
  counterArea,
  detail as errorDetail,
  isAreaOf,
  localDate,
  message,
  NotFoundError,
  periodTotals,
  planAreaRead,
  planExport,
  scopeOf,
  seriesOf,
  statsRange,
} from '@gridpatrol/core';
import {
  allPeople,
  createBaseline,
  getBaseline,
  getBaselineNumbers,
  getCellPlannings,
  getCounters,
  getCurrentBaseline,
  getCurrentBaselineId,
  listBaselines,
  newBaselineId,
  readCountersOf,
  setCurrentBaseline,
} from '@gridpatrol/store';
import { baselineCensus } from '../cell-census';
import { now as clockNow } from '../clock';
import { requireTopology } from '../grid-cache';
import { httpHandler } from '../http/chain';
import { STATS_ROUTES } from '../routes/stats';
import { cityConfig, officeIds } from '../runtime';

/** The current baseline and its census of some areas; null when none was ever made. */
async function currentCensus(areas: readonly CounterArea[]) {
  const b = await getCurrentBaseline();
  if (!b) return null;
  const numbers = await getBaselineNumbers(b, areas);
  return {
    ref: { id: b.id, label: b.label, asOf: b.asOf },
    census: new Map(numbers.map((n) => [n.area, n.census])),
  };
}

/** The area a summary or series reads, checked against the caller's scope over the active grid. */
async function statsArea(caller: Parameters<typeof scopeOf>[0], scope: string | undefined) {
  const topology = await requireTopology();
  return { topology, plan: planAreaRead(scope, scopeOf(caller, topology), topology, officeIds()) };
}

/** Every active zone officer of an office. */
async function officersOf(officeId: string) {
  return (await allPeople([{ kind: 'office', id: officeId }], 'zone_officer')).filter((p) => p.active);
}

async function existing(id: string): Promise<BaselineRecord> {
  const b = await getBaseline(id);
  if (!b) throw new NotFoundError('baseline', id);
  return b;
}

/** A baseline with one area's numbers and its breakdown, from the numbers given. */
function detail(b: BaselineRecord, plan: AreaReadPlan, numbers: readonly AreaCensus[], current: boolean) {
  const byArea = new Map(numbers.map((n) => [n.area, n]));
  const of = (area: string) => byArea.get(area) ?? censusOf(area, undefined);
  return { ...b, current, scope: plan.scope, numbers: of(plan.area), breakdown: plan.breakdown.map(of) };
}

export const handler = httpHandler('stats', STATS_ROUTES, {
  createBaseline: async ({ caller, body }) => {
    const now = clockNow();
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
    const plan = planAreaRead('city', scopeOf(caller, topology), topology, officeIds());
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
    const plan = planAreaRead(query.scope, scopeOf(caller, topology), topology, officeIds());
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

  getStatsSummary: async ({ caller, query }) => {
    const range = statsRange(query, clockNow(), cityConfig().timeZone);
    const { plan } = await statsArea(caller, query.scope);
    const [counters, baseline] = await Promise.all([
      readCountersOf([plan.area, ...bucketAreasOf([plan.area], range)]),
      currentCensus([plan.area]),
    ]);
    return {
      body: areaSummary({
        scope: plan.scope,
        range,
        live: counters[plan.area],
        totals: periodTotals([plan.area], counters, range),
        baseline: baseline && { ...baseline.ref, census: baseline.census.get(plan.area) ?? 0 },
      }),
    };
  },

  // The area as the exports scope it (an officer's or grid worker's own cells by default), a page
  // of its sorted cells, each from its counter row, baseline number and planning record.
  getCellStats: async ({ caller, query }) => {
    const topology = await requireTopology();
    const plan = planExport(query.scope, scopeOf(caller, topology), topology, officeIds());
    const { ids, next } = cellPage(plan.cells, query.cursor, query.limit);
    const [counters, baseline, planning] = await Promise.all([
      getCounters(ids.map((id) => counterArea.cell(id))),
      baselineCensus(ids, topology),
      getCellPlannings(ids),
    ]);
    const today = localDate(clockNow(), cityConfig().timeZone);
    const items = ids.map((id) =>
      cellStats(
        {
          id,
          counters: counters[counterArea.cell(id)],
          baseline: baseline.get(id) ?? null,
          planning: planning.get(id),
        },
        today,
      ),
    );
    return { body: { scope: plan.scope, items, ...(next ? { cursor: next } : {}) } };
  },

  getStatsSeries: async ({ caller, query }) => {
    const range = statsRange(query, clockNow(), cityConfig().timeZone);
    const { plan } = await statsArea(caller, query.scope);
    const counters = await readCountersOf(bucketAreasOf([plan.area], range));
    const points = seriesOf([plan.area], counters, range, query.metric, query.interval);
    return {
      body: {
        scope: plan.scope,
        metric: query.metric,
        interval: query.interval,
        ...range,
        total: points.reduce((s, p) => s + p.value, 0),
        points,
      },
    };
  },

  getStatsAssessment: async ({ caller, query }) => {
    const range = statsRange(query, clockNow(), cityConfig().timeZone);
    const { topology, plan } = await statsArea(caller, query.scope);
    if (!isAreaOf('office', plan.area))
      throw new BadRequestError(message('stats.assessmentOneOffice'), [
        errorDetail('query.scope', message('stats.assessmentScopeDetail')),
      ]);
    const officeId = areaId('office', plan.area);
    const zones = plan.breakdown;
    const cells = [...new Set(zones.flatMap((z) => topology.zoneCells.get(areaId('zone', z)) ?? []))].sort();
    const officers = await officersOf(officeId);
    const officerAreas = officers.map((o) => counterArea.officer(o.id));
    const cellAreas = cells.map((c) => counterArea.cell(c));
    // An officer's zones of this office; a zone of another grid version or office is not theirs here.
    const zoneSet = new Set(zones);
    const live = [...zones, ...cellAreas];
    const [counters, baseline] = await Promise.all([
      readCountersOf([...live, ...bucketAreasOf([...live, ...officerAreas], range)]),
      currentCensus(live),
    ]);
    const census = baseline?.census ?? null;
    return {
      body: {
        scope: plan.scope,
        ...range,
        baseline: baseline?.ref ?? null,
        officers: officers
          .map((o) => {
            const own = o.zones.map((z) => counterArea.zone(z)).filter((z) => zoneSet.has(z));
            return {
              id: o.id,
              name: o.name,
              zones: own.map((z) => areaId('zone', z)),
              ...assess(own, [counterArea.officer(o.id)], counters, range, census),
            };
          })
          .sort(byResults),
        cells: cells
          .map((c) => ({
            id: c,
            zones: [...(topology.cellZones.get(c) ?? [])],
            ...assess([counterArea.cell(c)], [counterArea.cell(c)], counters, range, census),
          }))
          .sort(byResults),
      },
    };
  },
});
