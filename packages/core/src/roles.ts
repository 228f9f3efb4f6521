import * as z from 'zod';
import { lazySchema } from './lazy-schema';

/** The people of DOMAIN.md, as they appear in tokens, person records and the route manifest. */
export const ROLES = [
  'city_admin',
  'supervisor',
  'zone_officer',
  'grid_leader',
  'grid_worker',
  'volunteer',
] as const;
export const Role = lazySchema(() => z.enum(ROLES));
export type Role = z.infer<typeof Role>;

/** Roles that work in the field with a phone: their writes must carry an Idempotency-Key. */
export const FIELD_ROLES: readonly Role[] = ['grid_leader', 'grid_worker', 'volunteer'];
