/**
 * Which area fields each role has. Its own module, free of zod (a type-only import of Role), so the
 * console's people form shows the fields the API accepts from the same table, not a copy.
 */
import type { Role } from './roles';

/** The fields of a person that place them somewhere (an office, zones, cells) or plan them there. */
export type AreaField = 'office' | 'zones' | 'cells' | 'conflictCells';

/**
 * Which of those each role may have (policy `scopeOf` reads the same ones): the bureau's officers
 * serve zones, the grid's people serve cells, and only those who patrol avoid cells. A field that
 * does not apply is refused, not kept: a grid worker stored with zones would look like an officer
 * to every list of a zone's people.
 */
export const AREA_FIELDS_BY_ROLE: Readonly<Record<Role, readonly AreaField[]>> = {
  city_admin: [],
  supervisor: ['office'],
  zone_officer: ['office', 'zones', 'conflictCells'],
  grid_leader: ['office', 'cells', 'conflictCells'],
  grid_worker: ['office', 'cells', 'conflictCells'],
  volunteer: ['office', 'cells'],
};
