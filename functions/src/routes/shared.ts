/** What the route files of several groups share: who may call, and the grid's version query. */
import { GridVersionParam, lazySchema, ROLES } from '@gridpatrol/core';
import * as z from 'zod';

export const EVERYONE = ROLES;
export const MANAGERS = ['city_admin', 'supervisor'] as const;
/** Everyone with an area to read; a volunteer reads only what they reported (and themselves). */
export const AREA_ROLES = ['city_admin', 'supervisor', 'zone_officer', 'grid_leader', 'grid_worker'] as const;
/** Zones are the bureau's: grid people's scope is their cells, not the zones those touch. */
export const ZONE_ROLES = ['city_admin', 'supervisor', 'zone_officer'] as const;
/** Reads of the grid may name an older version; the active one otherwise. */
export const VersionQuery = lazySchema(() =>
  z.strictObject({ version: GridVersionParam.shape.version.optional() }),
);
