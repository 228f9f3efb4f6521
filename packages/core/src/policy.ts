/**
 * Who may see and do what: the one place that decides every access (DOMAIN.md, "Integrity").
 * Handlers resolve the caller's scope here and ask these predicates; they never compare roles,
 * offices, zones or cells themselves. Pure: the grid topology comes in as data.
 *
 * Scopes are resolved from the person record on each request (read fresh for writes, cached ≤ 30 s
 * per container for reads; docs/decisions/0019-identity.md), never from the token.
 *
 *   city_admin            everything in the city
 *   supervisor            the zones of their office, and every cell touching them
 *   zone_officer          their zones, and every cell touching them
 *   grid_leader / worker  their cells
 *   volunteer             reports into their cells; reads only what they reported (and themselves)
 *
 * A cell "touches" a zone when it has a share in it at or above the sliver threshold (the overlay's
 * rows, `cellZone` items). Objects outside a scope are answered as missing (404), never as 403, so
 * that their existence does not leak.
 */

import {
  AccountDeactivatedError,
  BadRequestError,
  detail,
  ForbiddenError,
  MfaEnrolmentRequiredError,
  NotFoundError,
} from './errors';
import type { FindingStatus } from './findings/schema';
import type { CoverageReport } from './geo/overlay';
import type { ImportProblem } from './geo/repair-types';
import type { GridTopology } from './grid/topology';
import { message } from './messages';
import type { Person } from './people';
import type { Role } from './roles';

export type Scope =
  | { readonly kind: 'city'; readonly personId: string; readonly role: Role }
  | {
      readonly kind: 'area';
      readonly personId: string;
      readonly role: Role;
      readonly office: string | undefined;
      readonly zones: ReadonlySet<string>;
      readonly cells: ReadonlySet<string>;
    }
  | {
      /** A volunteer: may report into `cells`, reads only their own reports. */
      readonly kind: 'reporter';
      readonly personId: string;
      readonly role: Role;
      readonly cells: ReadonlySet<string>;
    };

/**
 * Refuses a person who may do nothing at all: an inactive account is a 403 on every route.
 *
 * @example assertMayAct({ ...officer, active: false }) // throws ForbiddenError
 */
export function assertMayAct(person: Person): void {
  if (!person.active) throw new AccountDeactivatedError(person.id);
}

function cellsTouching(zones: Iterable<string>, topology: GridTopology): Set<string> {
  const cells = new Set<string>();
  for (const z of zones) for (const c of topology.zoneCells.get(z) ?? []) cells.add(c);
  return cells;
}

/**
 * The caller's scope over one grid version.
 *
 * @example scopeOf(officerLi, topology) // { kind: 'area', zones: {'Z1'}, cells: {cells touching Z1} }
 */
export function scopeOf(person: Person, topology: GridTopology): Scope {
  assertMayAct(person);
  const base = { personId: person.id, role: person.role };
  switch (person.role) {
    case 'city_admin':
      return { kind: 'city', ...base };
    case 'supervisor': {
      const zones = new Set<string>();
      if (person.office)
        for (const [z, office] of topology.zoneOffice) if (office === person.office) zones.add(z);
      return { kind: 'area', ...base, office: person.office, zones, cells: cellsTouching(zones, topology) };
    }
    case 'zone_officer': {
      const zones = new Set(person.zones);
      return { kind: 'area', ...base, office: person.office, zones, cells: cellsTouching(zones, topology) };
    }
    case 'grid_leader':
    case 'grid_worker':
      return { kind: 'area', ...base, office: person.office, zones: new Set(), cells: new Set(person.cells) };
    case 'volunteer':
      return { kind: 'reporter', ...base, cells: new Set(person.cells) };
  }
}

/** @example canReadCell(workerScope, 'C-001') // true for a cell the worker serves */
export function canReadCell(scope: Scope, cellId: string): boolean {
  if (scope.kind === 'city') return true;
  return scope.kind === 'area' && scope.cells.has(cellId);
}

/** @example canReadZone(officerScope, 'Z-02') // false unless Z-02 is the officer's */
export function canReadZone(scope: Scope, zoneId: string): boolean {
  if (scope.kind === 'city') return true;
  return scope.kind === 'area' && scope.zones.has(zoneId);
}

/**
 * What lies in no zone (zone-less cells, findings routed to no zone) belongs to the city level: its
 * lists and numbers are the city admins'.
 *
 * @example canReadUnzoned(supervisorScope) // false
 */
export function canReadUnzoned(scope: Scope): boolean {
  return scope.kind === 'city';
}

/**
 * May the caller report a finding at this cell? Everyone of the area, volunteers into their cells.
 *
 * @example canReportAt(volunteerScope, 'C-001') // true when C-001 is one of the volunteer's cells
 */
export function canReportAt(scope: Scope, cellId: string): boolean {
  if (scope.kind === 'city') return true;
  return scope.cells.has(cellId);
}

/** What access to a finding depends on (the finding module of issue 5 plugs in here). */
export interface FindingRef {
  readonly cellId: string | null;
  /** Zones the finding's point lies in (its cell's zones, or the zones of an unzoned point). */
  readonly zones: readonly string[];
  readonly reporterId: string;
}

/**
 * Volunteers read only what they reported; area roles what lies in their cells or zones (and what
 * they reported themselves, even if their area changed since).
 *
 * @example canReadFinding(volunteerScope, { cellId: 'C-1', zones: [], reporterId: 'someone-else' }) // false
 */
export function canReadFinding(scope: Scope, finding: FindingRef): boolean {
  if (scope.kind === 'city') return true;
  if (finding.reporterId === scope.personId) return true;
  if (scope.kind === 'reporter') return false;
  if (finding.cellId !== null && scope.cells.has(finding.cellId)) return true;
  return finding.zones.some((z) => scope.zones.has(z));
}

const serves = (target: Person, scope: { zones: ReadonlySet<string>; cells: ReadonlySet<string> }) =>
  target.zones.some((z) => scope.zones.has(z)) || target.cells.some((c) => scope.cells.has(c));

/**
 * Everyone reads themselves; a supervisor the people of their office and anyone serving their
 * area; an officer or grid role anyone serving a zone or cell of theirs.
 *
 * @example canReadPerson(workerScope, workerOfAnotherCell) // false
 */
export function canReadPerson(scope: Scope, target: Person): boolean {
  if (scope.kind === 'city' || target.id === scope.personId) return true;
  if (scope.kind === 'reporter') return false;
  if (scope.role === 'supervisor' && scope.office !== undefined && target.office === scope.office)
    return true;
  return serves(target, scope);
}

/** Roles a supervisor may give to people of their own office. */
const SUPERVISOR_MANAGES: readonly Role[] = ['zone_officer', 'grid_leader', 'grid_worker', 'volunteer'];

/**
 * What PUT /people/{id} may do for `actor`: `'allowed'`, `'forbidden'` (403: a person the actor
 * sees but may not change this way), or `'hidden'` (404, exactly as for an id that does not exist).
 *
 * A city admin creates and replaces anyone. A supervisor replaces the field people of their own
 * office, assigned only to zones and cells of their scope, and creates nobody: person ids are unique
 * city-wide, so a supervisor allowed to create by id would learn from a refusal that an id is taken
 * in another office. An id the supervisor cannot read is therefore hidden, whether it is unknown or
 * someone else's (docs/decisions/0007-access-scopes.md).
 *
 * @example personWriteAccess(supScope, supervisor, { ...worker, cells: [ownCell] }, worker) // 'allowed'
 * @example personWriteAccess(supScope, supervisor, worker, undefined) // 'hidden'
 */
export function personWriteAccess(
  scope: Scope,
  actor: Person,
  target: Person,
  existing: Person | undefined,
): 'allowed' | 'forbidden' | 'hidden' {
  if (scope.kind === 'city') return 'allowed';
  if (scope.kind !== 'area' || actor.role !== 'supervisor' || !actor.office) return 'forbidden';
  if (existing === undefined || !canReadPerson(scope, existing)) return 'hidden';
  const inOffice = (p: Person) => p.office === actor.office && SUPERVISOR_MANAGES.includes(p.role);
  const inArea =
    target.zones.every((z) => scope.zones.has(z)) && target.cells.every((c) => scope.cells.has(c));
  return inOffice(target) && inArea && inOffice(existing) ? 'allowed' : 'forbidden';
}

/** One partition of people memberships a list reads (store: `keys.personMembership`). */
export type PeoplePartition =
  | { readonly kind: 'all' }
  | { readonly kind: 'office' | 'zone' | 'cell'; readonly id: string };

/**
 * More partitions than this and a list must be narrowed (each page reads every partition once).
 * An officer's whole area is their zones plus the cells touching them: tens, rarely past 100.
 */
export const MAX_PEOPLE_PARTITIONS = 200;

/**
 * Which membership partitions GET /people reads for this caller and filter: the scope is applied in
 * the query, never after fetching. A `zone` or `cell` outside the scope is a 404, like a missing one.
 * `zone=Z` lists the people serving Z and the cells touching it.
 *
 * @example planPeopleList(workerScope, topology, {}) // [{kind:'cell', id:'C-1'}, {kind:'cell', id:'C-2'}]
 */
export function planPeopleList(
  scope: Scope,
  topology: GridTopology | undefined,
  filter: { zone?: string | undefined; cell?: string | undefined },
): PeoplePartition[] {
  if (filter.zone !== undefined && filter.cell !== undefined) {
    throw new BadRequestError(message('policy.zoneOrCell'), [
      detail('query.cell', message('policy.notTogetherWithZone')),
    ]);
  }
  if (scope.kind === 'reporter') throw new ForbiddenError(message('policy.volunteerNoPeople'));
  const zonePartitions = (zone: string): PeoplePartition[] => [
    { kind: 'zone', id: zone },
    ...(topology?.zoneCells.get(zone) ?? []).map((id) => ({ kind: 'cell' as const, id })),
  ];
  let plan: PeoplePartition[];
  if (filter.zone !== undefined) {
    if (!canReadZone(scope, filter.zone)) throw new NotFoundError('zone', filter.zone);
    plan = zonePartitions(filter.zone);
  } else if (filter.cell !== undefined) {
    if (!canReadCell(scope, filter.cell)) throw new NotFoundError('cell', filter.cell);
    plan = [{ kind: 'cell', id: filter.cell }];
  } else if (scope.kind === 'city') {
    plan = [{ kind: 'all' }];
  } else if (scope.role === 'supervisor') {
    // The office's own people; people of other offices serving its cells are listed with zone=.
    plan = scope.office ? [{ kind: 'office', id: scope.office }] : [];
  } else {
    const seen = new Set<string>();
    plan = [
      ...[...scope.zones].flatMap(zonePartitions),
      ...[...scope.cells].map((id) => ({ kind: 'cell' as const, id })),
    ].filter((p) => {
      const key = p.kind === 'all' ? 'all' : `${p.kind}#${p.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (plan.length > MAX_PEOPLE_PARTITIONS) {
    throw new BadRequestError(message('list.tooManyPartitions', { count: plan.length }), [
      detail('query', message('list.tooManyPartitionsDetail', { max: MAX_PEOPLE_PARTITIONS })),
    ]);
  }
  return plan;
}

/**
 * The cells or zones of a scope a list shows: 'all' for the city, else the sorted ids, which the
 * store then reads by key (the scope is applied in the query).
 *
 * @example readableCells(workerScope) // ['C-1', 'C-2', 'C-3']
 */
export function readableCells(scope: Scope): 'all' | string[] {
  if (scope.kind === 'city') return 'all';
  return scope.kind === 'area' ? [...scope.cells].sort() : [];
}

/** @example readableZones(officerScope) // ['Z-01'] */
export function readableZones(scope: Scope): 'all' | string[] {
  if (scope.kind === 'city') return 'all';
  return scope.kind === 'area' ? [...scope.zones].sort() : [];
}

/**
 * The coverage report narrowed to a scope: gaps and overlaps of its own cells and zones only.
 *
 * @example narrowCoverage(officerScope, report.coverage).unzonedCells // [] (an unzoned cell touches no zone)
 */
export function narrowCoverage(scope: Scope, coverage: CoverageReport): CoverageReport {
  if (scope.kind === 'city') return coverage;
  const cell = (id: string) => canReadCell(scope, id);
  const zone = (id: string) => canReadZone(scope, id);
  return {
    ...coverage,
    unzonedCells: coverage.unzonedCells.filter((c) => cell(c.cellId)),
    straddlingCells: coverage.straddlingCells.filter((c) => cell(c.cellId)),
    zoneOverlaps: coverage.zoneOverlaps.filter((o) => zone(o.zoneA) || zone(o.zoneB)),
    zonesOutsideCells: coverage.zonesOutsideCells.filter((z) => zone(z.zoneId)),
  };
}

/**
 * Import warnings narrowed to a scope: those naming a feature of it.
 *
 * @example narrowWarnings(supScope, report.warnings)
 */
export function narrowWarnings(scope: Scope, warnings: readonly ImportProblem[]): ImportProblem[] {
  if (scope.kind === 'city') return [...warnings];
  return warnings.filter(
    (w) =>
      w.featureId !== undefined &&
      (w.layer === 'cells' ? canReadCell(scope, w.featureId) : canReadZone(scope, w.featureId)),
  );
}

/**
 * More zones than this in one findings list and it must be narrowed with `zone=` (each page reads
 * every zone's partition once). An officer has one or a few zones, an office tens.
 */
export const MAX_FINDING_ZONES = 100;

/**
 * The index partitions a findings list reads: responsible zones, or cells (where the point lies),
 * or the city's one partition of every finding (`by: 'city'`, `ids` empty).
 */
export interface FindingListPlan {
  readonly by: 'zone' | 'cell' | 'city';
  readonly ids: readonly string[];
}

/** Open states in which a finding waits on its zone officer (resolved ones wait on the revisit date). */
const OFFICER_TODO_STATES = ['reported', 'verified', 'rectifying', 'transferred', 'revisit_due'] as const;

/**
 * The zones among `zones` that no active zone officer serves: their cases wait on nobody below the
 * supervisor (an officer deactivated or moved away), so they join the supervisor's to-do.
 *
 * @example zonesWithoutActiveOfficer(['Z1', 'Z2'], [{ ...officerOfZ1, active: false }]) // Set {'Z1', 'Z2'}
 */
export function zonesWithoutActiveOfficer(
  zones: Iterable<string>,
  people: readonly Pick<Person, 'role' | 'active' | 'zones'>[],
): Set<string> {
  const served = new Set(people.filter((p) => p.role === 'zone_officer' && p.active).flatMap((p) => p.zones));
  return new Set([...zones].filter((z) => !served.has(z)));
}

/**
 * What GET /me/findings?view=todo reads for this caller: what waits on them. An officer: open cases of
 * their zones in a state where the next step is theirs. A supervisor: their office's overdue cases
 * (escalated to them), and the officer's to-do of every zone of the office left with no active zone
 * officer (`orphanZones`: a deactivated officer's cases move up to their supervisor). A city admin:
 * cases escalated to the city, and the officer's to-do of findings routed to no zone (the city level
 * owns them). Grid people and volunteers act on no finding: nothing.
 *
 * @example planTodoList(officerScope) // { kind: 'list', plan: { by: 'zone', ids: ['Z-01'] }, statuses: [...] }
 * @example planTodoList(adminScope) // { kind: 'city', unzonedStatuses: [...] }
 */
export function planTodoList(
  scope: Scope,
  orphanZones: ReadonlySet<string> = new Set(),
):
  | {
      kind: 'list';
      plan: FindingListPlan;
      statuses?: readonly FindingStatus[];
      overdue?: boolean;
      /** Zones whose every case in `statuses` is listed, overdue or not (the rest only if overdue). */
      wholeZones?: readonly string[];
    }
  | { kind: 'city'; unzonedStatuses: readonly FindingStatus[] }
  | { kind: 'none' } {
  if (scope.kind === 'city') return { kind: 'city', unzonedStatuses: OFFICER_TODO_STATES };
  if (scope.kind === 'reporter' || scope.zones.size === 0) return { kind: 'none' };
  const plan = { by: 'zone' as const, ids: [...scope.zones].sort() };
  if (scope.role === 'supervisor') {
    const whole = plan.ids.filter((z) => orphanZones.has(z));
    if (whole.length === 0) return { kind: 'list', plan, overdue: true };
    return { kind: 'list', plan, statuses: OFFICER_TODO_STATES, overdue: true, wholeZones: whole };
  }
  if (scope.role === 'zone_officer') return { kind: 'list', plan, statuses: OFFICER_TODO_STATES };
  return { kind: 'none' };
}

/**
 * The index partitions GET /findings reads for this caller: the scope is applied in the query (one
 * partition per zone or cell), never after fetching. A zone or cell outside the scope is a 404 like
 * a missing one. Without zone= or cell=, a city admin lists the whole city (one partition of every
 * finding), a supervisor their office's zones, an officer theirs, grid people their cells. Zone lists go by responsible zone (a finding in a cell that merely touches the zone
 * is readable by id but listed under its own zone); cell lists by where the point lies.
 *
 * @example planFindingList(officerScope, {}) // { by: 'zone', ids: ['Z-01'] }
 */
export function planFindingList(
  scope: Scope,
  filter: { zone?: string | undefined; cell?: string | undefined },
): FindingListPlan {
  if (scope.kind === 'reporter') throw new ForbiddenError(message('policy.volunteerOwnReports'));
  if (filter.cell !== undefined) {
    if (!canReadCell(scope, filter.cell)) throw new NotFoundError('cell', filter.cell);
    if (filter.zone !== undefined && !canReadZone(scope, filter.zone))
      throw new NotFoundError('zone', filter.zone);
    return { by: 'cell', ids: [filter.cell] };
  }
  if (filter.zone !== undefined) {
    if (!canReadZone(scope, filter.zone)) throw new NotFoundError('zone', filter.zone);
    return { by: 'zone', ids: [filter.zone] };
  }
  // The whole city is one index partition (every finding, by state): no zone need be named.
  if (scope.kind === 'city') return { by: 'city', ids: [] };
  // Grid people serve cells, not zones: their list is what was found in their cells.
  const by = scope.zones.size > 0 ? 'zone' : 'cell';
  const ids = [...(by === 'zone' ? scope.zones : scope.cells)].sort();
  if (ids.length > MAX_FINDING_ZONES)
    throw new BadRequestError(
      message(by === 'zone' ? 'list.tooManyZones' : 'list.tooManyCells', { count: ids.length }),
      [
        detail(
          'query',
          message(by === 'zone' ? 'list.tooManyZonesDetail' : 'list.tooManyCellsDetail', {
            max: MAX_FINDING_ZONES,
          }),
        ),
      ],
    );
  return { by, ids };
}

/**
 * The zones whose cases pass to this caller when no active zone officer serves them: a supervisor's
 * (a deactivated officer's cases move up to their supervisor), nobody else's. The store then reads
 * who serves them, and `zonesWithoutActiveOfficer` says which are left to the caller.
 *
 * @example zonesInheritedIfUnstaffed(supScope) // ['E1', 'E2']
 * @example zonesInheritedIfUnstaffed(officerScope) // []
 */
export function zonesInheritedIfUnstaffed(scope: Scope): string[] {
  if (scope.kind !== 'area' || scope.role !== 'supervisor') return [];
  return [...scope.zones].sort();
}

// ---------------------------------------------------------------------------------------------
// Patrol plans: city admins plan the city and every office, a supervisor their own office. The
// manifest lets only these two roles reach the plan routes; these decide which plans and offices.
// ---------------------------------------------------------------------------------------------

type Planner = Pick<Person, 'id' | 'role' | 'office'>;

/**
 * Whom the planner pairs: zone officers with the grid leaders and workers of their cells. Managers
 * plan, volunteers report; neither is ever put on a patrol.
 *
 * @example mayBePlannedOnPatrol('grid_worker') // true
 * @example mayBePlannedOnPatrol('supervisor') // false
 */
export function mayBePlannedOnPatrol(role: Role): boolean {
  return role === 'zone_officer' || role === 'grid_leader' || role === 'grid_worker';
}

/**
 * Who sees a draft plan's tasks: those who plan (city admins, supervisors within their area). Until
 * publication a draft task is nobody's, not even the pair it names.
 *
 * @example maySeeDraftTasks(supervisor) // true
 * @example maySeeDraftTasks(officer) // false
 */
export function maySeeDraftTasks(caller: Pick<Person, 'role'>): boolean {
  return caller.role === 'city_admin' || caller.role === 'supervisor';
}

/**
 * May the caller read and act on this plan (read, reassign, publish)? A city admin any, a supervisor
 * their own office's; no other plan, city-wide ones included (answered 404, like a missing plan).
 *
 * @example canManagePlan(supEast, { officeId: 'east' }) // true
 * @example canManagePlan(supEast, { officeId: null }) // false: the city-wide plans are the admins'
 */
export function canManagePlan(caller: Planner, plan: { readonly officeId: string | null }): boolean {
  if (caller.role === 'city_admin') return true;
  return caller.role === 'supervisor' && caller.office !== undefined && plan.officeId === caller.office;
}

/**
 * A draft with a chosen seed (双随机 audits re-draw a week with a known seed): city admins only.
 * Anyone else naming one is a 403 naming `path`, so that nobody who is planned, or plans their own
 * office, can pick the draw.
 *
 * @example assertMayChooseSeed(admin, 'body.seed') // returns
 * @example assertMayChooseSeed(supEast, 'body.seed') // throws ForbiddenError
 */
export function assertMayChooseSeed(caller: Planner, path: string): void {
  if (caller.role !== 'city_admin')
    throw new ForbiddenError(message('plan.seedAdminOnly'), [
      detail(path, message('plan.seedNotYours', { role: caller.role })),
    ]);
}

/**
 * The office a supervisor plans: their own. Naming another is a 403 naming `path` (offices are no
 * secret: the city config lists them); a supervisor without an office plans nothing.
 */
function ownPlanningOffice(caller: Planner, named: string | undefined, path: string): string {
  if (!caller.office)
    throw new ForbiddenError(message('plan.supervisorNoOffice', { id: caller.id }), [
      detail(path, message('plan.callerNoOffice')),
    ]);
  if (named !== undefined && named !== caller.office)
    throw new ForbiddenError(message('plan.ownOfficeOnly', { office: caller.office }), [
      detail(path, message('plan.notOwnOffice', { office: caller.office })),
    ]);
  return caller.office;
}

/**
 * The office a new plan is for: a city admin's choice, null (a city-wide plan) when they name none;
 * a supervisor's own office (another, or none at all, is a 403 naming `path`).
 *
 * @example officeToPlan(admin, undefined, 'body.office') // null
 * @example officeToPlan(supEast, 'west', 'body.office') // throws ForbiddenError
 */
export function officeToPlan(caller: Planner, named: string | undefined, path: string): string | null {
  if (caller.role === 'city_admin') return named ?? null;
  return ownPlanningOffice(caller, named, path);
}

/**
 * Whose plans GET /plans lists: for a city admin the office named, else `'all'` (every office and
 * the city-wide plans); for a supervisor their own office. Another office named by a supervisor is
 * a 404, as an unknown one would be; a supervisor without an office gets the 403 of `officeToPlan`.
 *
 * @example plansListedFor(admin, undefined, 'query.office') // 'all'
 * @example plansListedFor(supEast, undefined, 'query.office') // 'east'
 */
export function plansListedFor(caller: Planner, named: string | undefined, path: string): string | 'all' {
  if (caller.role === 'city_admin') return named ?? 'all';
  if (named !== undefined && named !== caller.office) throw new NotFoundError('office', named);
  return ownPlanningOffice(caller, undefined, path);
}

/**
 * Roles that must sign in with a second factor (docs/decisions/0040): they can see or change a whole
 * office or city. Cognito's MFA setting is pool-wide, so the pool offers it to everyone; the
 * pre-token-generation trigger (functions/src/pre-token) marks the tokens of whoever has an
 * authenticator app enrolled, and the API refuses these roles a token without the mark.
 */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['city_admin', 'supervisor'];

/**
 * The claim the trigger adds to both tokens of a user with an authenticator app enrolled (Cognito
 * then asked for its code at this sign-in), with MFA_CLAIM_VALUE as its value. Local dev tokens
 * carry it too: the local sign-in stands for a complete one.
 */
export const MFA_CLAIM = 'mfa';
export const MFA_CLAIM_VALUE = 'totp';

/** The second factor the pool offers (Cognito's name for it in UserMFASettingList): an authenticator app. */
export const ACCEPTED_MFA_METHOD = 'SOFTWARE_TOKEN_MFA';

/**
 * Whether a user's Cognito MFA settings (AdminGetUser's UserMFASettingList, absent when none) hold
 * the authenticator app: only then does the trigger mark their tokens. SMS does not count.
 *
 * @example mfaEnrolled(['SOFTWARE_TOKEN_MFA']) // true
 * @example mfaEnrolled(['SMS_MFA']) // false
 * @example mfaEnrolled(undefined) // false
 */
export function mfaEnrolled(mfaMethods: readonly string[] | undefined): boolean {
  return (mfaMethods ?? []).includes(ACCEPTED_MFA_METHOD);
}

/**
 * Refuses (403 mfa_enrolment_required) a caller whose person record holds a role in
 * MFA_REQUIRED_ROLES and whose token does not carry the trigger's mark. The record decides, not the
 * Cognito groups: a role given or changed in the record holds from the next request.
 *
 * @example assertMfaSatisfied({ role: 'supervisor' }, false) // throws MfaEnrolmentRequiredError
 * @example assertMfaSatisfied({ role: 'grid_worker' }, false) // passes
 */
export function assertMfaSatisfied(person: Pick<Person, 'role'>, tokenMarked: boolean): void {
  if (!tokenMarked && MFA_REQUIRED_ROLES.includes(person.role)) throw new MfaEnrolmentRequiredError();
}
