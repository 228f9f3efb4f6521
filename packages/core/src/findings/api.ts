/**
 * Request and response schemas of the findings routes. The finding itself, the report and the
 * actions are defined in ./schema; this file only adds what HTTP needs around them.
 */
import { z } from 'zod';
import { COORD_SYSTEMS } from '../geo/types';
import { GridIdParam, PageQuery } from '../grid-api';
import { ACTION_NAMES, Action, Finding, FindingEvent, FindingId, FindingStatus, ReportInput } from './schema';

/**
 * POST /findings: the report, with the coordinate system the phone's SDK used (AMap/Tencent give
 * GCJ-02, Baidu BD-09); the point is converted to WGS-84 before routing, and a converted
 * original is kept in the report event's data (`input`).
 */
export const ReportBody = ReportInput.extend({
  coordSys: z.enum(COORD_SYSTEMS as unknown as ['wgs84', 'gcj02', 'bd09']).optional(),
});
export type ReportBody = z.infer<typeof ReportBody>;

export const FindingIdParam = z.object({ id: FindingId });

/** POST /findings/{id}/actions. */
export const ActionBody = Action;

/**
 * A finding as answered: the stored record, plus the actions the caller may take on it now (so a
 * field app shows only the buttons that will work).
 */
export const FindingOut = Finding.extend({
  allowedActions: z.array(z.enum(ACTION_NAMES)).optional(),
});
export type FindingOut = z.infer<typeof FindingOut>;

export const FindingEventOut = FindingEvent;

/** GET /findings: one responsible zone (required of admins) and one state, both optional otherwise. */
export const FindingListQuery = PageQuery.extend({
  zone: GridIdParam.shape.id.optional(),
  status: FindingStatus.optional(),
});
export type FindingListQuery = z.infer<typeof FindingListQuery>;

/** GET /me/findings: what the caller reported, newest first. */
export const MyFindingsQuery = PageQuery;

/**
 * The Idempotency-Key header: what a field app generates once per submission (a UUID, typically)
 * and sends again on every retry of it.
 */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{8,128}$/, '8 to 128 printable ASCII characters, e.g. a UUID');

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
