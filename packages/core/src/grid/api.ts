/**
 * Request and response schemas of the grid registry routes. Geometry itself is checked by
 * geo/validate (every problem with its feature, ring and position), not by zod: a schema error would
 * stop at the first problem and say less.
 */

import * as z from 'zod';
import { COORD_SYSTEMS } from '../geo/types';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { Text } from '../text';
import { schemaText } from '../validation';

export const CoordSysParam = lazySchema(() =>
  z.enum(COORD_SYSTEMS as unknown as ['wgs84', 'gcj02', 'bd09']).default('wgs84'),
);
const BoolParam = lazySchema(() =>
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
);

export const GridVersionParam = lazySchema(() =>
  z.object({ version: z.coerce.number().int().positive().max(999_999) }),
);
/**
 * The id of an office, zone or cell as requests name it: up to 64 characters, no '#' (the key
 * separator), no spaces and no control or format characters (nothing a log, a terminal or a CSV
 * could be fooled by).
 */
export const AreaId = lazySchema(() =>
  z.string().regex(/^[^#\s\p{Cc}\p{Cf}]{1,64}$/u, schemaText(message('schema.areaId'))),
);

export const GridIdParam = lazySchema(() => z.object({ id: AreaId }));

/** A GeoJSON type name; geo/validate says which one it must be. */
const GeoJsonType = lazySchema(() =>
  z.string().regex(/^[A-Za-z]{1,32}$/, schemaText(message('schema.geoJsonType'))),
);

export const ImportQuery = lazySchema(() =>
  z.strictObject({
    strict: BoolParam.optional(),
    coordSys: CoordSysParam.optional(),
  }),
);
export const ImportBody = lazySchema(() =>
  z
    .object({
      // Loose on purpose: GeoJSON allows foreign members (RFC 7946 §6.1); geo/validate reads what it needs.
      cells: z.looseObject({ type: GeoJsonType }).describe('GeoJSON FeatureCollection of the grid cells'),
      zones: z
        .looseObject({ type: GeoJsonType })
        .describe('GeoJSON FeatureCollection of the responsibility zones'),
    })
    .strict(),
);

/**
 * An activation's optional body: `force` with a `reason` activates a draft whose diff would strand
 * people, open findings or tasks, or drop too much area (0022); the version records both.
 */
export const ActivateBody = lazySchema(() =>
  z
    .strictObject({
      force: z.boolean().optional(),
      reason: Text(500).min(5).optional(),
    })
    .refine((b) => !b.force || b.reason !== undefined, {
      path: ['reason'],
      ...schemaText(message('schema.forceReason')),
    })
    .optional(),
);

/** What activating a draft would change (core grid/diff.ts, GridDiff). */
export const GridDiffOut = lazySchema(() =>
  z.looseObject({
    fromVersion: z.number(),
    toVersion: z.number(),
    cells: z.looseObject({ added: z.array(z.string()), removed: z.array(z.string()) }),
    area: z.looseObject({ droppedShare: z.number() }),
    blockers: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
);

export const PageQuery = lazySchema(() =>
  z.strictObject({
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  }),
);
export const CellListQuery = lazySchema(() => PageQuery.extend({ zone: GridIdParam.shape.id.optional() }));

export const ResolveQuery = lazySchema(() =>
  z.strictObject({
    lon: z.coerce.number().min(-180).max(180),
    lat: z.coerce.number().min(-90).max(90),
    accuracyM: z.coerce.number().min(0).max(10_000).optional(),
    coordSys: CoordSysParam.optional(),
  }),
);

export const ZoneShareOut = lazySchema(() =>
  z.object({ zoneId: z.string(), share: z.number(), areaM2: z.number() }),
);

export const GridVersionOut = lazySchema(() =>
  z.looseObject({
    version: z.number(),
    status: z.enum(['writing', 'draft', 'active', 'superseded', 'failed']),
    createdAt: z.string(),
    createdBy: z.string(),
    /** Absent while an import's job has not validated it yet. */
    counts: z.object({ cells: z.number(), zones: z.number(), warnings: z.number() }).optional(),
    /** A failed import's reason (`stalled`, `unprocessable`, …); its errors are in `errors`. */
    failure: z.object({ code: z.string(), message: z.string(), at: z.string() }).optional(),
    /** What an API import was sent: the body's size and its options (never where it was kept). */
    input: z
      .object({
        bytes: z.number().optional(),
        strict: z.boolean().optional(),
        coordSys: z.string().optional(),
      })
      .optional(),
    jobStartedAt: z.string().optional(),
    /** The import's last sign of life while it wrote. */
    heartbeatAt: z.string().optional(),
    /** When a failed import's partial items were deleted. */
    cleanedAt: z.string().optional(),
    activatedAt: z.string().optional(),
    activatedBy: z.string().optional(),
    activationOverride: z
      .object({
        by: z.string(),
        at: z.string(),
        reason: z.string(),
        blockers: z.array(z.object({ path: z.string(), message: z.string() })),
      })
      .optional(),
  }),
);

export const ResolutionOut = lazySchema(() =>
  z.object({
    gridVersion: z.number(),
    status: z.enum(['inside', 'boundary', 'snapped', 'outside']),
    cell: z.object({ id: z.string(), name: z.string() }).nullable(),
    primaryZone: z.string().nullable(),
    zones: z.array(ZoneShareOut),
    distanceM: z.number().optional(),
    ambiguous: z.boolean().optional(),
    candidates: z.array(z.string()).optional(),
    reason: z.string().optional(),
    /** The point as received, when it was converted from GCJ-02 or BD-09. */
    input: z.object({ lon: z.number(), lat: z.number(), coordSys: z.string() }),
    point: z.object({ lon: z.number(), lat: z.number() }),
  }),
);

export const GeoJsonFeatureOut = lazySchema(() =>
  z.looseObject({
    type: z.literal('Feature'),
    properties: z.looseObject({}),
    geometry: z.looseObject({}),
  }),
);
export const GeoJsonCollectionOut = lazySchema(() =>
  z.looseObject({
    type: z.literal('FeatureCollection'),
    features: z.array(GeoJsonFeatureOut),
  }),
);
export const PageOut = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), cursor: z.string().optional() });
