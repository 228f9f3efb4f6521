/**
 * Baseline census (摸清底数, issue 7): the number of unlicensed businesses known in each area at one
 * moment, frozen so that later statistics can measure the reduction against it. Pure: the store
 * reads the counters and writes what these helpers compute (docs/decisions/0014-baseline-census.md).
 *
 * An area's census comes from its counter row alone, no scan and no recount:
 *
 *   census = total − status:rejected − open_duplicate
 *
 * A rejected finding is not a known unlicensed business (not found, a confirmed duplicate, already
 * licensed); an open finding still flagged as a possible duplicate may be a business counted twice.
 * Every kind counts (unlicensed, unpermitted, both); resolved and closed findings count, since the
 * business was found.
 */

import * as z from 'zod';
import { localDate } from '../calendar';
import { BASELINE_AS_OF_WINDOW, dateWindowProblem } from '../date-window';
import { BadRequestError, detail, NotFoundError, UnprocessableError } from '../errors';
import { CITY_AREA, type CounterArea, type Counters, counterArea, UNZONED_AREA } from '../findings/counters';
import { PageQuery } from '../grid/api';
import type { GridTopology } from '../grid/topology';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { localToUtc } from '../planning/records';
import { canReadCell, canReadUnzoned, canReadZone, type Scope } from '../policy';
import { Text } from '../text';
import { schemaText } from '../validation';

// ---------------------------------------------------------------------------------------------
// Schemas

export const BaselineId = lazySchema(() =>
  z.string().regex(/^B-[A-Za-z0-9]{6,40}$/, schemaText(message('schema.baselineId'))),
);
export const BaselineIdParam = lazySchema(() => z.object({ id: BaselineId }));

const AsOf = lazySchema(() =>
  z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
    ...schemaText(message('schema.asOf')),
  }),
);

/** POST /baselines. */
export const BaselineCreateBody = lazySchema(() =>
  z
    .object({
      label: Text(100).min(1, schemaText(message('schema.labelRequired'))),
      /** The census's reference instant as the bureau declares it; a date is the start of that day. */
      asOf: AsOf,
    })
    .strict(),
);
export type BaselineCreateBody = z.infer<typeof BaselineCreateBody>;

/** `city`, `office:<id>`, `zone:<id>` or `cell:<id>`. */
export const BaselineScopeParam = lazySchema(() =>
  z.string().regex(/^(city|(office|zone|cell):[^#\s:]{1,64})$/, schemaText(message('schema.baselineScope'))),
);

/** GET /baselines/{id}: one area's number and its breakdown (the caller's office by default for a supervisor). */
export const BaselineGetQuery = lazySchema(() => z.strictObject({ scope: BaselineScopeParam.optional() }));
export const BaselineListQuery = PageQuery;

/** The stored header of a baseline; its numbers live in `parts` chunk items beside it. */
export const BaselineRecord = lazySchema(() =>
  z.object({
    id: BaselineId,
    label: z.string(),
    /** The declared reference instant (UTC). */
    asOf: z.iso.datetime(),
    /** When the numbers were read from the counters: they are those known then, not at `asOf`. */
    countedAt: z.iso.datetime(),
    createdBy: z.string(),
    /** The grid version whose zones and cells were counted. */
    gridVersion: z.number().int().nonnegative(),
    /** How many areas were counted, and in how many chunk items their numbers are stored. */
    areaCount: z.number().int().nonnegative(),
    parts: z.number().int().positive(),
  }),
);
export type BaselineRecord = z.infer<typeof BaselineRecord>;

/** The numbers of one area: the census and the counter metrics it was derived from. */
export const AreaCensus = lazySchema(() =>
  z.object({
    area: z.string(),
    census: z.number().int(),
    total: z.number().int(),
    rejected: z.number().int(),
    openDuplicate: z.number().int(),
  }),
);
export type AreaCensus = z.infer<typeof AreaCensus>;

export const BaselineOut = lazySchema(() => BaselineRecord.extend({ current: z.boolean() }));
export type BaselineOut = z.infer<typeof BaselineOut>;

/** A baseline with one area's numbers and the numbers of the areas one level below it. */
export const BaselineDetailOut = lazySchema(() =>
  BaselineOut.extend({
    scope: z.string(),
    numbers: AreaCensus,
    breakdown: z.array(AreaCensus),
  }),
);
export type BaselineDetailOut = z.infer<typeof BaselineDetailOut>;

// ---------------------------------------------------------------------------------------------
// Census of one area

/**
 * An area's census from its counter row (undefined: no finding ever, all zeros).
 *
 * @example censusOf('zone#Z1', { total: 5, 'status:rejected': 1, open_duplicate: 1 }) // { area: 'zone#Z1', census: 3, total: 5, rejected: 1, openDuplicate: 1 }
 */
export function censusOf(area: CounterArea, row: Readonly<Record<string, number>> | undefined): AreaCensus {
  const total = row?.total ?? 0;
  const rejected = row?.['status:rejected'] ?? 0;
  const openDuplicate = row?.open_duplicate ?? 0;
  return { area, census: total - rejected - openDuplicate, total, rejected, openDuplicate };
}

/**
 * Every area a baseline counts: the city, every office of the city config, every zone and every cell
 * of the grid version (sorted within each kind).
 *
 * @example censusAreas(['office-east'], topology) // ['city', 'office#office-east', 'zone#Z1', …, 'cell#C-001', …]
 */
export function censusAreas(offices: readonly string[], topology: GridTopology): CounterArea[] {
  return [
    CITY_AREA,
    UNZONED_AREA,
    ...[...offices].sort().map((o) => counterArea.office(o)),
    ...[...topology.zoneCells.keys()].sort().map((z) => counterArea.zone(z)),
    ...[...topology.cellZones.keys()].sort().map((c) => counterArea.cell(c)),
  ];
}

/**
 * The numbers of a baseline from the counters read: one AreaCensus per area, zeros where none.
 *
 * @example censusFromCounters(['city'], { city: { total: 2 } }) // [{ area: 'city', census: 2, total: 2, rejected: 0, openDuplicate: 0 }]
 */
export const censusFromCounters = (areas: readonly CounterArea[], counters: Counters): AreaCensus[] =>
  areas.map((a) => censusOf(a, counters[a]));

// ---------------------------------------------------------------------------------------------
// asOf

/**
 * The declared reference instant as a UTC instant: an instant as given, a date as the start of that
 * day in the city's time zone. Never in the future, nor before BASELINE_AS_OF_WINDOW (422 naming
 * body.asOf).
 *
 * @example baselineAsOf('2026-11-01', 'Asia/Shanghai', now) // '2026-10-31T16:00:00.000Z'
 */
export function baselineAsOf(value: string, timeZone: string, now: Date): string {
  const at = value.includes('T') ? Date.parse(value) : localToUtc(value, '00:00', timeZone);
  if (!Number.isFinite(at))
    throw new UnprocessableError(message('baseline.asOfInvalid', { value }), [
      detail('body.asOf', message('baseline.asOfInvalidDetail')),
    ]);
  if (at > now.getTime())
    throw new UnprocessableError(message('baseline.asOfFuture', { value }), [
      detail('body.asOf', message('baseline.asOfFutureDetail')),
    ]);
  const tooOld = dateWindowProblem(
    localDate(new Date(at), timeZone),
    localDate(now, timeZone),
    BASELINE_AS_OF_WINDOW,
    'body.asOf',
  );
  if (tooOld) throw new UnprocessableError(message('baseline.asOfTooOld', { value }), [tooOld]);
  return new Date(at).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Scope of a read

/** One area to read and the areas one level below it (city → offices → zones → cells). */
export interface AreaReadPlan {
  readonly scope: string;
  readonly area: CounterArea;
  readonly breakdown: readonly CounterArea[];
}

/**
 * The area a statistics read names (`scope=` of baselines, summaries, series, assessments and
 * exports), checked against the caller's scope over a grid version: a city admin anything; a
 * supervisor their office, its zones and the cells touching them; officers and grid people the
 * zones and cells of their scope (404 otherwise, like any area outside a scope). Without `scope`:
 * the city for a city admin, the own office for a supervisor, else a 400. An unknown office, zone or
 * cell is a 404. `unzoned` (what was routed to no zone, the city level's own) is the city admins'.
 *
 * @example planAreaRead('zone:Z1', supervisorScope, topology, offices) // { area: 'zone#Z1', breakdown: ['cell#C-1', …] }
 */
export function planAreaRead(
  param: string | undefined,
  scope: Scope,
  topology: GridTopology,
  offices: readonly string[],
): AreaReadPlan {
  const isCity = scope.kind === 'city';
  const ownOffice = scope.kind === 'area' && scope.role === 'supervisor' ? scope.office : undefined;
  let wanted = param;
  if (wanted === undefined) {
    if (isCity) wanted = 'city';
    else if (ownOffice !== undefined) wanted = `office:${ownOffice}`;
    else
      throw new BadRequestError(message('stats.scopeRequired'), [
        detail('query.scope', message('stats.scopeRequiredDetail')),
      ]);
  }
  const [kind, id = ''] = wanted === 'city' || wanted === 'unzoned' ? [wanted] : wanted.split(':');
  switch (kind) {
    case 'city':
      if (!isCity) throw new NotFoundError('area', 'city');
      return {
        scope: 'city',
        area: CITY_AREA,
        breakdown: [...offices].sort().map((o) => counterArea.office(o)),
      };
    case 'unzoned':
      if (!canReadUnzoned(scope)) throw new NotFoundError('area', 'unzoned');
      return { scope: 'unzoned', area: UNZONED_AREA, breakdown: [] };
    case 'office': {
      if (!offices.includes(id) || (!isCity && id !== ownOffice)) throw new NotFoundError('office', id);
      const zones = [...topology.zoneOffice].filter(([, o]) => o === id).map(([z]) => z);
      return {
        scope: wanted,
        area: counterArea.office(id),
        breakdown: zones.sort().map((z) => counterArea.zone(z)),
      };
    }
    case 'zone': {
      if (!topology.zoneCells.has(id) || !canReadZone(scope, id)) throw new NotFoundError('zone', id);
      return {
        scope: wanted,
        area: counterArea.zone(id),
        breakdown: (topology.zoneCells.get(id) ?? []).map((c) => counterArea.cell(c)),
      };
    }
    case 'cell':
      if (!topology.cellZones.has(id) || !canReadCell(scope, id)) throw new NotFoundError('cell', id);
      return { scope: wanted, area: counterArea.cell(id), breakdown: [] };
    default:
      throw new BadRequestError(message('stats.unknownScope', { scope: wanted }), [
        detail('query.scope', message('schema.baselineScope')),
      ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Storage layout

/** Areas per chunk item: ~80 bytes each stored, so a chunk stays far below DynamoDB's 400 KB. */
export const BASELINE_AREAS_PER_PART = 1000;

/** How many chunk items a baseline of `areaCount` areas is stored in. */
export const baselineParts = (areaCount: number): number =>
  Math.max(1, Math.ceil(areaCount / BASELINE_AREAS_PER_PART));

/**
 * The chunk an area's numbers are stored in (FNV-1a of the area, modulo the parts): a read of a few
 * areas fetches only their chunks, without an index of which area went where.
 *
 * @example baselinePartOf('cell#C-001', 20) // a number in 0..19, the same every time
 */
export function baselinePartOf(area: CounterArea, parts: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < area.length; i++) {
    h ^= area.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % parts;
}
