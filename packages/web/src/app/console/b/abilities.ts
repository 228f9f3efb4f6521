/**
 * What each role may do on the console's pages, by the API operation behind each control: a page
 * shows a control only when the caller's role may call it. The route manifest
 * (functions/src/routes/) is the one source; it imports zod and every schema, too much for a
 * browser, so these are its roles copied by operation id, and test/unit/web-console-abilities.test.ts
 * fails when the two differ.
 */
import { AREA_FIELDS_BY_ROLE } from '@gridpatrol/core/area-fields';
import type { Role } from '@gridpatrol/core/roles';

const MANAGERS = ['city_admin', 'supervisor'] as const;
const AREA_ROLES = ['city_admin', 'supervisor', 'zone_officer', 'grid_leader', 'grid_worker'] as const;

export const CONSOLE_OPERATIONS = {
  listGridVersions: MANAGERS,
  getGridVersion: MANAGERS,
  importGrid: ['city_admin'],
  diffGridVersion: ['city_admin'],
  activateGridVersion: ['city_admin'],
  getCoverage: MANAGERS,
  exportCells: AREA_ROLES,
  exportZones: ['city_admin', 'supervisor', 'zone_officer'],
  getStatsSummary: AREA_ROLES,
  getStatsSeries: AREA_ROLES,
  getStatsAssessment: MANAGERS,
  listBaselines: MANAGERS,
  createBaseline: ['city_admin'],
  setCurrentBaseline: ['city_admin'],
  exportFindingsCsv: AREA_ROLES,
  exportFindingsGeojson: AREA_ROLES,
  exportCellsGeojson: AREA_ROLES,
  listPeople: AREA_ROLES,
  putPerson: MANAGERS,
  previewDeactivation: MANAGERS,
  importPeople: MANAGERS,
} as const satisfies Record<string, readonly string[]>;

export type ConsoleOperation = keyof typeof CONSOLE_OPERATIONS;

/** @example may('supervisor', 'activateGridVersion') // false */
export function may(role: string, operation: ConsoleOperation): boolean {
  return (CONSOLE_OPERATIONS[operation] as readonly string[]).includes(role);
}

/** The pages and the operation without which a page has nothing to show its reader. */
export const PAGE_NEEDS = {
  grid: 'listGridVersions',
  stats: 'getStatsSummary',
  people: 'putPerson',
} as const satisfies Record<string, ConsoleOperation>;

/** Which of a person's area fields each role has (core's table, zod-free): the form shows only those. */
export { AREA_FIELDS_BY_ROLE };

export type PersonRole = Role;

/**
 * The roles a manager may give (core policy personWriteAccess): a city admin any, a supervisor the
 * field roles of their own office.
 */
export function rolesGivenBy(role: string): PersonRole[] {
  if (role === 'city_admin') return Object.keys(AREA_FIELDS_BY_ROLE) as PersonRole[];
  if (role === 'supervisor') return ['zone_officer', 'grid_leader', 'grid_worker', 'volunteer'];
  return [];
}
