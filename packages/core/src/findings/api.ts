/**
 * Request and response schemas of the findings routes. The finding itself, the report and the
 * actions are defined in ./schema; this file only adds what HTTP needs around them.
 */

import * as z from 'zod';
import { addDays } from '../calendar';
import { BadRequestError, detail } from '../errors';
import { COORD_SYSTEMS } from '../geo/types';
import { GridIdParam, PageQuery } from '../grid/api';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { localToUtc } from '../planning/records';
import { schemaText } from '../validation';
import { ACTION_NAMES, Action, Finding, FindingEvent, FindingId, FindingStatus, ReportInput } from './schema';

/**
 * POST /findings: the report, with the coordinate system the phone's SDK used (AMap/Tencent give
 * GCJ-02, Baidu BD-09); the point is converted to WGS-84 before routing, and a converted
 * original is kept in the report event's data (`input`).
 */
export const ReportBody = lazySchema(() =>
  ReportInput.extend({
    coordSys: z.enum(COORD_SYSTEMS as unknown as ['wgs84', 'gcj02', 'bd09']).optional(),
  }),
);
export type ReportBody = z.infer<typeof ReportBody>;

export const FindingIdParam = lazySchema(() => z.object({ id: FindingId }));

/** POST /findings/{id}/actions. */
export const ActionBody = Action;

/**
 * A finding as answered: the stored record, plus the actions the caller may take on it now (so a
 * field app shows only the buttons that will work).
 */
export const FindingOut = lazySchema(() =>
  Finding.extend({
    allowedActions: z.array(z.enum(ACTION_NAMES)).optional(),
  }),
);
export type FindingOut = z.infer<typeof FindingOut>;

/** A step as answered: with the actor's display name where the caller may read that person. */
export const FindingEventOut = lazySchema(() =>
  FindingEvent.unwrap().extend({ actorName: z.string().optional() }).readonly(),
);

/** A bound of a report-time range: an instant with its offset, or a calendar date in the city's time zone. */
const TimeBound = lazySchema(() =>
  z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
    ...schemaText(message('schema.instantOrDate')),
  }),
);

/**
 * GET /findings: by responsible zone (`zone`, required of admins unless `cell` is given) or by cell
 * (`cell`: every finding whose point lies in it, whatever its responsible zone), narrowed by state,
 * by the overdue flag and by report time (`from`/`to`, both included; a date means its whole day).
 */
export const FindingListQuery = lazySchema(() =>
  PageQuery.extend({
    zone: GridIdParam.shape.id.optional(),
    cell: GridIdParam.shape.id.optional(),
    status: FindingStatus.optional(),
    overdue: z.stringbool().optional(),
    from: TimeBound.optional(),
    to: TimeBound.optional(),
  }),
);
export type FindingListQuery = z.infer<typeof FindingListQuery>;

/**
 * The report-time range of a list as UTC instants in the stored format (both ends included): an
 * instant as given, a date as its whole day in the city's time zone.
 *
 * @example reportTimeRange({ from: '2026-11-01', to: '2026-11-30' }, 'Asia/Shanghai')
 *   // { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T15:59:59.999Z' }
 */
export function reportTimeRange(
  q: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
): { from?: string; to?: string } {
  const bound = (value: string, end: boolean) => {
    if (value.includes('T')) return new Date(value).toISOString();
    const at = end
      ? localToUtc(addDays(value, 1), '00:00', timeZone) - 1
      : localToUtc(value, '00:00', timeZone);
    return new Date(at).toISOString();
  };
  const from = q.from !== undefined ? bound(q.from, false) : undefined;
  const to = q.to !== undefined ? bound(q.to, true) : undefined;
  if (from !== undefined && to !== undefined && from > to)
    throw new BadRequestError(message('range.endsBeforeStart', { to: q.to ?? '', from: q.from ?? '' }), [
      detail('query.to', message('range.toBeforeFromDetail')),
    ]);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * GET /me/findings: `reported` (default), what the caller reported, newest first; `todo`, what
 * waits on the caller (policy `planTodoList`).
 */
export const MyFindingsQuery = lazySchema(() =>
  PageQuery.extend({
    view: z.enum(['reported', 'todo']).default('reported'),
  }),
);

/**
 * The Idempotency-Key header: what a field app generates once per submission (a UUID, typically)
 * and sends again on every retry of it.
 */
export const IdempotencyKey = lazySchema(() =>
  z.string().regex(/^[\x21-\x7e]{8,128}$/, schemaText(message('schema.idempotencyKey'))),
);

/**
 * JSON with object keys sorted, so that equal bodies hash equal whatever order a client sent
 * their fields in.
 *
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
