/**
 * The desk console's pages: ONE list. Each page is its key, its path under /app/console/, the
 * message key of its title, the roles that may open it (those the API's route manifest already lets
 * read what the page shows: functions/src/routes/, nothing more) and its component, loaded the
 * first time it is opened (the field pages never download the console). Adding a page is one line.
 */
import type { Role } from '@gridpatrol/core/roles';
import type { ComponentType } from 'preact';
import type { MessageKey } from '../../messages';
import type { ConsolePageProps } from './page-props';

export interface ConsolePage {
  readonly key: string;
  /** The first segment after /app/console/. */
  readonly path: string;
  readonly title: MessageKey;
  readonly roles: readonly Role[];
  readonly load: () => Promise<ComponentType<ConsolePageProps>>;
}

/** Read findings and act on them (POST /findings/{id}/actions): the bureau's own people. */
const DESK: readonly Role[] = ['city_admin', 'supervisor', 'zone_officer'];
/** Plans, priorities, baselines and assessments (MANAGERS in the manifest). */
const MANAGERS: readonly Role[] = ['city_admin', 'supervisor'];

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    key: 'map',
    path: 'map',
    title: 'console.nav.map',
    roles: DESK,
    load: () => import('./area-map').then((m) => m.AreaMapPage),
  },
  {
    key: 'findings',
    path: 'findings',
    title: 'console.nav.findings',
    roles: DESK,
    load: () => import('./queue').then((m) => m.QueuePage),
  },
  {
    key: 'plan',
    path: 'plan',
    title: 'console.nav.plan',
    roles: MANAGERS,
    load: () => import('./week-plan').then((m) => m.WeekPlanPage),
  },
  {
    key: 'grid',
    path: 'grid',
    title: 'console.nav.grid',
    roles: MANAGERS,
    load: () => import('./grid-versions').then((m) => m.GridVersionsPage),
  },
  {
    key: 'stats',
    path: 'stats',
    title: 'console.nav.stats',
    roles: DESK,
    load: () => import('./stats').then((m) => m.StatsPage),
  },
  {
    key: 'people',
    path: 'people',
    title: 'console.nav.people',
    roles: MANAGERS,
    load: () => import('./people').then((m) => m.PeoplePage),
  },
];

export const CONSOLE_ROOT = '/app/console/';

/** The pages a role may open, in menu order. @example pagesFor('zone_officer').map((p) => p.key) // ['map', 'findings'] */
export function pagesFor(role: string): ConsolePage[] {
  return CONSOLE_PAGES.filter((p) => (p.roles as readonly string[]).includes(role));
}

/** May this role open the console at all? Grid people and volunteers have their field pages. */
export const mayUseConsole = (role: string): boolean => pagesFor(role).length > 0;

/**
 * Which page a path opens, and the rest of the path after it (a finding's or plan's id); the role's
 * first page for the console's root; undefined for a page the role may not open.
 *
 * @example pageOf('/app/console/findings/F-1', 'supervisor') // { page: findings, rest: ['F-1'] }
 */
export function pageOf(
  path: string,
  role: string,
): { page: ConsolePage; rest: string[] } | { page: undefined; rest: string[] } {
  const [first, ...rest] = path
    .replace(/^\/app\/console\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const allowed = pagesFor(role);
  if (first === undefined) return allowed[0] ? { page: allowed[0], rest: [] } : { page: undefined, rest: [] };
  return { page: allowed.find((p) => p.path === first), rest };
}

export const consolePath = (page: string, ...rest: string[]): string =>
  `${CONSOLE_ROOT}${[page, ...rest].map(encodeURIComponent).join('/')}`;
