/**
 * The closed loop of a finding (闭环工作法, DOMAIN.md): a state machine whose every legal step is a
 * row of `TRANSITIONS`. Pure: the store reads a finding, calls `applyAction`, and writes the next
 * finding (conditioned on the version it read), its event and its counter deltas in one transaction.
 *
 *   reported ──verify──▶ verified ──order_rectification──▶ rectifying ──resolve──▶ resolved
 *      │  ╰─separate─╯        ╰──────transfer──────────▶ transferred ──resolve──╯      │
 *      ╰──reject──▶ rejected                 (extend_deadline keeps either state)       │ (job)
 *                                                                                       ▼
 *                                closed ◀──confirm_revisit── revisit_due ──reopen──▶ rectifying
 *
 * Overdue is a flag, not a state: a case stays where it is (rectifying or transferred) while the
 * deadline passing escalates it, first to the office supervisor, then to the city administrators.
 * Nothing reaches `closed` but through `revisit_due`: a case is crossed off only after its revisit.
 */
import type { CityConfig } from '../city-config';
import {
  ConflictError,
  detail,
  type ErrorDetail,
  type ErrorText,
  ForbiddenError,
  UnprocessableError,
} from '../errors';
import type { PointResolution } from '../grid/resolve';
import type { GridTopology } from '../grid/topology';
import { type Message, message } from '../messages';
import type { FindingRef, Scope } from '../policy';
import { canReportAt } from '../policy';
import type { Role } from '../roles';
import { REPORTED_FIELDS } from './replay';
import {
  type Action,
  type ActionName,
  type EscalationLevel,
  type EventAction,
  type Finding,
  type FindingEvent,
  type FindingStatus,
  type ReportInput,
  SYSTEM_ACTOR,
  type SystemAction,
} from './schema';

/** The person acting: their id and role, as resolved from their person record. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
}

/** What of the city config the lifecycle reads. */
export type FindingsConfig = Pick<CityConfig, 'departments' | 'findingCategories' | 'findings' | 'timeZone'>;

/** One legal step: in state `from`, `action` by one of `roles` leads to `to`. */
export interface Transition {
  readonly from: FindingStatus;
  readonly action: ActionName;
  readonly to: FindingStatus;
  readonly roles: readonly Role[];
  /**
   * Fields the action must carry. The `Action` schema enforces them (a 400 naming the field); they
   * are listed here so that the table alone says what each step needs. `resolve` also needs `uscc`
   * when the outcome is `licensed`.
   */
  readonly requires: readonly string[];
  /** A further condition on the finding: `separate` only while a duplicate question is open. */
  readonly when?: 'possibleDuplicate';
}

/** Those who decide on a case: the zone's officers, their supervisor, the city's administrators. */
export const HANDLER_ROLES: readonly Role[] = ['zone_officer', 'supervisor', 'city_admin'];
/**
 * Moving a deadline answers an escalation (督办), so it is the supervisor's (or an admin's), never
 * the officer's whose case is late: otherwise an officer could silence their own overdue cases.
 */
export const MANAGER_ROLES: readonly Role[] = ['supervisor', 'city_admin'];

export const TRANSITIONS: readonly Transition[] = [
  { from: 'reported', action: 'verify', to: 'verified', roles: HANDLER_ROLES, requires: [] },
  {
    from: 'reported',
    action: 'separate',
    to: 'reported',
    roles: HANDLER_ROLES,
    requires: [],
    when: 'possibleDuplicate',
  },
  { from: 'reported', action: 'reject', to: 'rejected', roles: HANDLER_ROLES, requires: ['reason'] },
  {
    from: 'verified',
    action: 'order_rectification',
    to: 'rectifying',
    roles: HANDLER_ROLES,
    requires: ['deadline'],
  },
  {
    from: 'verified',
    action: 'transfer',
    to: 'transferred',
    roles: HANDLER_ROLES,
    requires: ['department', 'receiptNo'],
  },
  { from: 'rectifying', action: 'resolve', to: 'resolved', roles: HANDLER_ROLES, requires: ['outcome'] },
  { from: 'transferred', action: 'resolve', to: 'resolved', roles: HANDLER_ROLES, requires: ['outcome'] },
  {
    from: 'rectifying',
    action: 'extend_deadline',
    to: 'rectifying',
    roles: MANAGER_ROLES,
    requires: ['deadline', 'note'],
  },
  {
    from: 'transferred',
    action: 'extend_deadline',
    to: 'transferred',
    roles: MANAGER_ROLES,
    requires: ['deadline', 'note'],
  },
  { from: 'revisit_due', action: 'confirm_revisit', to: 'closed', roles: HANDLER_ROLES, requires: [] },
  { from: 'revisit_due', action: 'reopen', to: 'rectifying', roles: HANDLER_ROLES, requires: ['deadline'] },
];

/** Steps the scheduled jobs take (no person acts): `markOverdue` and `dueForRevisit`. */
export const SYSTEM_TRANSITIONS: readonly {
  readonly from: FindingStatus;
  readonly action: SystemAction;
  readonly to: FindingStatus;
}[] = [
  { from: 'rectifying', action: 'mark_overdue', to: 'rectifying' },
  { from: 'transferred', action: 'mark_overdue', to: 'transferred' },
  { from: 'rectifying', action: 'escalate_to_admin', to: 'rectifying' },
  { from: 'transferred', action: 'escalate_to_admin', to: 'transferred' },
  { from: 'resolved', action: 'revisit_due', to: 'revisit_due' },
];

/** States whose deadline can pass. */
const DEADLINE_STATES: readonly FindingStatus[] = ['rectifying', 'transferred'];
/** A deadline further out than this is a typo (a year instead of a month), not a plan. */
export const MAX_DEADLINE_DAYS = 365;
const DAY_MS = 86_400_000;

/** An action refused for the finding's state: the HTTP layer answers 422 with `allowedActions`. */
export class IllegalActionError extends UnprocessableError {
  constructor(
    text: ErrorText,
    readonly allowedActions: readonly ActionName[],
  ) {
    super(text, [allowedDetail(allowedActions)]);
  }
}

/** An action refused for the actor's role or area: 403 with `allowedActions`. */
export class ActionForbiddenError extends ForbiddenError {
  constructor(
    text: ErrorText,
    readonly allowedActions: readonly ActionName[],
  ) {
    super(text, [allowedDetail(allowedActions)]);
  }
}

/**
 * The allowed actions as a reader sees them: the code a client sends, and in Chinese its word
 * beside it ("verify（核实属实）"); "none" when there is none.
 */
function actionList(names: readonly ActionName[]): Message {
  if (names.length === 0) return message('finding.noActions');
  // English keeps the bare codes, as before; other languages put the word beside each code.
  const each = names.map((code) =>
    message('finding.actionCode', { code, word: message(`finding.action.${code}`) }),
  );
  return { ...message('finding.actionList', { actions: each }), original: names.join(', ') };
}

const allowedDetail = (names: readonly ActionName[]) =>
  detail('body.action', message('finding.allowedActions', { actions: actionList(names) }));

/**
 * May this scope decide on the finding? The officers of its responsible zone, the supervisor of the
 * office owning that zone (their scope's zones), any city admin. A finding routed to no zone is the
 * city admins' to assign. Reading is wider (policy `canReadFinding`): an officer whose zone merely
 * shares the cell sees the case but does not act on it, so that one officer owns each case.
 *
 * @example mayActOn(officerOfZ1Scope, { zoneId: 'Z1' }) // true
 */
export function mayActOn(scope: Scope, finding: Pick<Finding, 'zoneId'>): boolean {
  if (scope.kind === 'city') return true;
  if (scope.kind !== 'area') return false;
  return finding.zoneId !== null && scope.zones.has(finding.zoneId);
}

/**
 * The policy's view of a finding, for `canReadFinding`.
 *
 * @example canReadFinding(scope, findingRef(finding))
 */
export function findingRef(finding: Pick<Finding, 'cellId' | 'zones' | 'reporterId'>): FindingRef {
  return { cellId: finding.cellId, zones: finding.zones, reporterId: finding.reporterId };
}

const conditionHolds = (t: Transition, f: Finding) =>
  t.when === undefined || (t.when === 'possibleDuplicate' && f.possibleDuplicateOf !== undefined);

/**
 * The actions this actor may take on this finding now, in table order; empty when they may take
 * none (wrong role, outside their area, or a state with no step for them).
 *
 * @example allowedActions(reportedFinding, officerLi, officerScope) // ['verify', 'reject']
 */
export function allowedActions(finding: Finding, actor: Actor, scope: Scope): ActionName[] {
  if (!mayActOn(scope, finding)) return [];
  const names: ActionName[] = [];
  for (const t of TRANSITIONS) {
    if (t.from !== finding.status || !t.roles.includes(actor.role) || !conditionHolds(t, finding)) continue;
    if (!names.includes(t.action)) names.push(t.action);
  }
  return names;
}

const iso = (ms: number) => new Date(ms).toISOString();

function omit<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Omit<T, K> {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

/** English keeps the codes as before ('verify', 'rectifying'); other languages read words. */
const actionWord = (code: ActionName): Message => ({ ...message(`finding.action.${code}`), original: code });
const statusWord = (code: FindingStatus): Message => ({
  ...message(`finding.status.${code}`),
  original: code,
});
const roleWord = (code: Role): Message => ({ ...message(`role.${code}`), original: code });

/** Leaves the overdue state: a new deadline or a resolution ends the lateness (history stays in events). */
function clearOverdue(f: Finding): Finding {
  return {
    ...omit(f, ['overdueSince', 'escalatedToSupervisorAt', 'escalatedToAdminAt']),
    overdue: false,
    escalation: 'none',
  };
}

function refuse(text: Message, path: string): never {
  throw new UnprocessableError(text, [detail(path, text)]);
}

/** A deadline sent by a client, as a stored UTC instant; it must lie ahead, within a year. */
function checkDeadline(deadline: string, now: Date): string {
  const ms = Date.parse(deadline);
  if (!Number.isFinite(ms)) refuse(message('finding.deadlineNotDate', { deadline }), 'body.deadline');
  if (ms <= now.getTime()) refuse(message('finding.deadlinePast'), 'body.deadline');
  if (ms > now.getTime() + MAX_DEADLINE_DAYS * DAY_MS)
    refuse(message('finding.deadlineTooFar', { days: MAX_DEADLINE_DAYS }), 'body.deadline');
  return iso(ms);
}

export interface ActionResult {
  readonly finding: Finding;
  readonly event: FindingEvent;
}

/**
 * One step of the loop. Checks, in this order: the actor's role may take this action at all (403),
 * the finding is in their area (403), `expectedVersion` is the stored version (409: reload before
 * judging the state), the action is legal in the finding's state (422), the action's fields make
 * sense now (422: a past deadline, an unknown department). Returns the next finding (version + 1)
 * and its immutable event.
 *
 * @example
 *   const { finding: next, event } = applyAction(f, { action: 'verify', expectedVersion: f.version },
 *     { id: 'li', role: 'zone_officer' }, officerScope, new Date(), config);
 *   next.status // 'verified'
 */
export function applyAction(
  finding: Finding,
  action: Action,
  actor: Actor,
  scope: Scope,
  now: Date,
  config: FindingsConfig,
): ActionResult {
  const allowed = allowedActions(finding, actor, scope);
  const rows = TRANSITIONS.filter((t) => t.action === action.action);
  if (!rows.some((t) => t.roles.includes(actor.role)))
    throw new ActionForbiddenError(
      message('finding.roleMayNot', { role: roleWord(actor.role), action: actionWord(action.action) }),
      allowed,
    );
  if (!mayActOn(scope, finding))
    throw new ActionForbiddenError(message('finding.notYourZones', { id: finding.id }), allowed);
  if (action.expectedVersion !== finding.version)
    throw new ConflictError(
      message('finding.versionConflict', {
        id: finding.id,
        version: finding.version,
        expected: action.expectedVersion,
      }),
      [detail('body.expectedVersion', message('finding.versionDetail', { version: finding.version }))],
    );
  const row = rows.find((t) => t.from === finding.status && conditionHolds(t, finding));
  if (row === undefined)
    throw new IllegalActionError(
      message(action.action === 'separate' ? 'finding.illegalSeparate' : 'finding.illegal', {
        action: actionWord(action.action),
        status: statusWord(finding.status),
        allowed: actionList(allowed),
      }),
      allowed,
    );
  if (!row.roles.includes(actor.role))
    throw new ActionForbiddenError(
      message('finding.roleMayNotInState', {
        role: roleWord(actor.role),
        action: actionWord(action.action),
        status: statusWord(finding.status),
      }),
      allowed,
    );

  const at = iso(now.getTime());
  const { next, data } = step(finding, action, actor, at, now, config);
  const version = finding.version + 1;
  const result: Finding = { ...next, status: row.to, version, updatedAt: at, updatedBy: actor.id };
  // A step's photos join the finding's (one list of its evidence); its event names its own.
  const photos = action.photos ?? [];
  if (photos.length > 0) {
    result.photos = [...finding.photos, ...photos];
    data.photos = [...photos];
  }
  const event = makeEvent(result, {
    at,
    actorId: actor.id,
    actorRole: actor.role,
    action: action.action,
    from: finding.status,
    note: action.note,
    data,
  });
  return { finding: result, event };
}

/** The fields one action changes, and what its event records of it. */
function step(
  f: Finding,
  a: Action,
  actor: Actor,
  at: string,
  now: Date,
  config: FindingsConfig,
): { next: Finding; data: Record<string, unknown> } {
  switch (a.action) {
    case 'verify': {
      // Verifying on site settles a pending duplicate question too: the officer saw a case of its own.
      const separated = f.possibleDuplicateOf;
      const next: Finding = { ...omit(f, ['possibleDuplicateOf']), verifiedAt: at, verifiedBy: actor.id };
      if (separated !== undefined) next.separatedFrom = separated;
      return { next, data: separated !== undefined ? { separatedFrom: separated } : {} };
    }
    case 'separate': {
      const separatedFrom = f.possibleDuplicateOf;
      return { next: { ...omit(f, ['possibleDuplicateOf']), separatedFrom }, data: { separatedFrom } };
    }
    case 'reject': {
      const next: Finding = { ...omit(f, ['possibleDuplicateOf']), rejectReason: a.reason };
      const data: Record<string, unknown> = { reason: a.reason };
      if (a.reason === 'duplicate') {
        const of = a.duplicateOf ?? f.possibleDuplicateOf;
        if (of === undefined) refuse(message('finding.duplicateOfRequired'), 'body.duplicateOf');
        if (of === f.id) refuse(message('finding.duplicateOfSelf'), 'body.duplicateOf');
        next.duplicateOf = of;
        data.duplicateOf = of;
      }
      if (a.uscc !== undefined) {
        next.uscc = a.uscc;
        data.uscc = a.uscc;
      }
      return { next, data };
    }
    case 'order_rectification': {
      const deadline = checkDeadline(a.deadline, now);
      return { next: { ...f, deadline, rectificationOrderedAt: at }, data: { deadline } };
    }
    case 'transfer': {
      if (!config.departments.some((d) => d.id === a.department))
        refuse(message('finding.unknownDepartment', { id: a.department }), 'body.department');
      const next: Finding = { ...f, department: a.department, receiptNo: a.receiptNo, transferredAt: at };
      const data: Record<string, unknown> = { department: a.department, receiptNo: a.receiptNo };
      if (a.deadline !== undefined) {
        next.deadline = checkDeadline(a.deadline, now);
        data.deadline = next.deadline;
      }
      return { next, data };
    }
    case 'resolve': {
      const revisitDueAt = iso(now.getTime() + config.findings.revisitDelayDays * DAY_MS);
      const next: Finding = {
        ...clearOverdue(f),
        outcome: a.outcome,
        resolvedAt: at,
        resolvedBy: actor.id,
        revisitDueAt,
      };
      const data: Record<string, unknown> = { outcome: a.outcome, revisitDueAt };
      if (a.uscc !== undefined) {
        next.uscc = a.uscc;
        data.uscc = a.uscc;
      }
      return { next, data };
    }
    case 'extend_deadline': {
      const deadline = checkDeadline(a.deadline, now);
      return { next: { ...clearOverdue(f), deadline }, data: { deadline, previousDeadline: f.deadline } };
    }
    case 'confirm_revisit':
      return { next: { ...f, revisitedAt: at, closedAt: at }, data: {} };
    case 'reopen': {
      // The revisit found the business back at it: a fresh rectification order, outcome withdrawn.
      const deadline = checkDeadline(a.deadline, now);
      const next: Finding = {
        ...omit(clearOverdue(f), ['outcome', 'uscc', 'resolvedAt', 'resolvedBy', 'revisitDueAt']),
        deadline,
        rectificationOrderedAt: at,
        revisitedAt: at,
        reopenCount: f.reopenCount + 1,
      };
      return { next, data: { deadline, previousOutcome: f.outcome } };
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function makeEvent(
  after: Finding,
  e: {
    at: string;
    actorId: string;
    actorRole: Role | typeof SYSTEM_ACTOR;
    action: EventAction;
    from: FindingStatus | null;
    note: string | undefined;
    data: Record<string, unknown>;
  },
): FindingEvent {
  const data = Object.fromEntries(Object.entries(e.data).filter(([, v]) => v !== undefined));
  return deepFreeze({
    findingId: after.id,
    version: after.version,
    at: e.at,
    actorId: e.actorId,
    actorRole: e.actorRole,
    action: e.action,
    from: e.from,
    to: after.status,
    ...(e.note !== undefined ? { note: e.note } : {}),
    data,
  });
}

/** Where a reported point was routed, fixed on the finding for good. */
export interface FindingRouting {
  /** WGS-84, after any conversion at the edge. */
  readonly lon: number;
  readonly lat: number;
  readonly gridVersion: number;
  readonly cellId: string | null;
  readonly zoneId: string | null;
  readonly zones: readonly string[];
  readonly officeId: string | null;
}

/**
 * The routing of a resolved point: its cell, the cell's primary zone and that zone's office.
 *
 * @example routingOf(resolvePoint(grid, input, 50), topology.zoneOffice).zoneId // 'Z-01'
 */
export function routingOf(
  resolution: PointResolution,
  zoneOffice: GridTopology['zoneOffice'],
): FindingRouting {
  const zoneId = resolution.primaryZone;
  const office = zoneId === null ? undefined : zoneOffice.get(zoneId);
  return {
    lon: resolution.point.lon,
    lat: resolution.point.lat,
    gridVersion: resolution.gridVersion,
    cellId: resolution.cell?.id ?? null,
    zoneId,
    zones: resolution.zones.map((z) => z.zoneId),
    // '' is what an old sidecar records for an unknown office.
    officeId: office === undefined || office === '' ? null : office,
  };
}

/**
 * Refuses what a report links to that the reporter may not link (422 naming each field):
 *
 * - `taskId` must be a patrol task the reporter is one of the pair of. An unknown task and another
 *   person's task get the same answer, so that the field does not tell which task ids exist.
 * Photos are attachment ids, checked against their records by the caller (functions/src/attachments).
 *
 * @example assertReportLinks({ taskId: 'P-1.2026-12-07.am.C1' }, 'worker-liu', undefined)
 *   // throws UnprocessableError naming body.taskId
 */
export function assertReportLinks(
  input: Pick<ReportInput, 'taskId'>,
  reporterId: string,
  task: { readonly officerId: string; readonly partnerId: string } | undefined,
): void {
  const problems: ErrorDetail[] = [];
  if (input.taskId !== undefined && task?.officerId !== reporterId && task?.partnerId !== reporterId)
    problems.push(detail('body.taskId', message('finding.noTaskOfYours', { id: input.taskId })));
  if (problems.length > 0)
    throw new UnprocessableError(
      message('finding.linksRefused', { fields: problems.map((p) => p.path.slice(5)).join(', ') }),
      problems,
    );
}

/**
 * Refuses a report the caller may not make at this routing (403, naming the cell): the store is
 * asked for nothing (not even nearby duplicates) before this passes. The point itself is no secret:
 * GET /grid/resolve tells anyone standing there the same cell.
 *
 * @example assertMayReportAt(workerScope, routingOf(resolution, zoneOffice)) // throws outside their cells
 */
export function assertMayReportAt(scope: Scope, routing: Pick<FindingRouting, 'cellId' | 'zoneId'>): void {
  const mayReport =
    routing.cellId !== null
      ? canReportAt(scope, routing.cellId)
      : scope.kind === 'city' ||
        (scope.kind === 'area' && routing.zoneId !== null && scope.zones.has(routing.zoneId));
  if (mayReport) return;
  const where =
    routing.cellId !== null
      ? message('finding.whereCell', { id: routing.cellId })
      : message('finding.whereNoCell');
  throw new ForbiddenError(message('finding.reportOutside', { where }), [
    detail('body.lon', message('finding.reportOutsideDetail', { where })),
  ]);
}

export interface NewFinding {
  readonly id: string;
  readonly input: ReportInput;
  readonly routing: FindingRouting;
  readonly reporter: Actor;
  readonly scope: Scope;
  readonly now: Date;
  readonly config: FindingsConfig;
  /** From `findPossibleDuplicate`, run by the store over open findings nearby. */
  readonly possibleDuplicateOf?: string | undefined;
  /**
   * The point as the phone sent it, when it was converted from GCJ-02 or BD-09 (DESIGN.md: the
   * original is kept beside the converted one); recorded in the report event.
   */
  readonly originalPoint?:
    | { readonly lon: number; readonly lat: number; readonly coordSys: string }
    | undefined;
}

/**
 * A new finding at version 1, `reported`, with its first event. Anyone may report into their own
 * area (policy `canReportAt`); a point in no cell only those whose zones hold it, or an admin.
 *
 * @example createFinding({ id, input, routing, reporter: worker, scope, now, config }).finding.status // 'reported'
 */
export function createFinding(n: NewFinding): ActionResult {
  const { input, routing, scope } = n;
  assertMayReportAt(scope, routing);
  const problems: ErrorDetail[] = [];
  if (!n.config.findingCategories.some((c) => c.id === input.businessType))
    problems.push(
      detail('body.businessType', message('finding.unknownCategory', { id: input.businessType })),
    );
  if (problems.length > 0) throw new UnprocessableError(message('finding.unknownValues'), problems);

  const at = iso(n.now.getTime());
  const finding: Finding = {
    id: n.id,
    version: 1,
    status: 'reported',
    lon: routing.lon,
    lat: routing.lat,
    ...(input.accuracyM !== undefined ? { accuracyM: input.accuracyM } : {}),
    address: input.address,
    businessName: input.businessName,
    businessType: input.businessType,
    kind: input.kind,
    ...(input.note !== undefined ? { note: input.note } : {}),
    photos: [...input.photos],
    ...(input.taskId !== undefined ? { taskId: input.taskId } : {}),
    gridVersion: routing.gridVersion,
    cellId: routing.cellId,
    zoneId: routing.zoneId,
    zones: [...routing.zones],
    officeId: routing.officeId,
    reporterId: n.reporter.id,
    reporterRole: n.reporter.role,
    reportedAt: at,
    updatedAt: at,
    updatedBy: n.reporter.id,
    ...(n.possibleDuplicateOf !== undefined ? { possibleDuplicateOf: n.possibleDuplicateOf } : {}),
    overdue: false,
    wasOverdue: false,
    escalation: 'none',
    reopenCount: 0,
  };
  const event = makeEvent(finding, {
    at,
    actorId: n.reporter.id,
    actorRole: n.reporter.role,
    action: 'report',
    from: null,
    note: input.note,
    data: {
      // What was reported, so that the trail alone rebuilds the finding (./replay, decision 0030).
      ...Object.fromEntries(
        REPORTED_FIELDS.map((k) => [
          k,
          Array.isArray(finding[k]) ? [...(finding[k] as unknown[])] : finding[k],
        ]),
      ),
      cellId: routing.cellId,
      zoneId: routing.zoneId,
      gridVersion: routing.gridVersion,
      ...(n.possibleDuplicateOf !== undefined ? { possibleDuplicateOf: n.possibleDuplicateOf } : {}),
      ...(n.originalPoint !== undefined && n.originalPoint.coordSys !== 'wgs84'
        ? { input: { ...n.originalPoint } }
        : {}),
    },
  });
  return { finding, event };
}

const ESCALATION_RANK: Record<EscalationLevel, number> = { none: 0, supervisor: 1, admin: 2 };

/** What a time rule changed, and whom the job should tell. */
export interface TimedChange extends ActionResult {
  /** Roles to notify about this change (of the finding's office for supervisors). */
  readonly notify: readonly Role[];
}

/**
 * The overdue rule, for the scheduled job. A case whose deadline has passed (strictly) is flagged
 * overdue and escalated to its office's supervisor; once it is more than
 * `findings.escalateToAdminAfterDays` past the deadline, to the city administrators as well. A case
 * of no office (routed to no zone) goes to the city administrators at once: it has no supervisor. A job
 * that runs late escalates straight to the level the time calls for, in one step. Returns null when
 * nothing changes, so running it twice changes nothing the second time.
 *
 * @example markOverdue(rectifyingPastDeadline, now, config)?.finding.escalation // 'supervisor'
 */
export function markOverdue(finding: Finding, now: Date, config: FindingsConfig): TimedChange | null {
  if (!DEADLINE_STATES.includes(finding.status) || finding.deadline === undefined) return null;
  const deadline = Date.parse(finding.deadline);
  const t = now.getTime();
  if (!(t > deadline)) return null;
  // A case of no office has no supervisor: the city level owns it (docs/decisions/0024), so it goes
  // to the admins at once.
  const noSupervisor = finding.officeId === null;
  const target: EscalationLevel =
    noSupervisor || t > deadline + config.findings.escalateToAdminAfterDays * DAY_MS ? 'admin' : 'supervisor';
  if (finding.overdue && ESCALATION_RANK[finding.escalation] >= ESCALATION_RANK[target]) return null;

  const at = iso(t);
  const next: Finding = {
    ...finding,
    version: finding.version + 1,
    overdue: true,
    wasOverdue: true,
    // Overdue since the deadline itself, not since the job noticed.
    overdueSince: finding.overdueSince ?? iso(deadline),
    firstOverdueAt: finding.firstOverdueAt ?? finding.overdueSince ?? iso(deadline),
    escalation: target,
    ...(noSupervisor ? {} : { escalatedToSupervisorAt: finding.escalatedToSupervisorAt ?? at }),
    updatedAt: at,
    updatedBy: SYSTEM_ACTOR,
  };
  if (target === 'admin') next.escalatedToAdminAt = finding.escalatedToAdminAt ?? at;
  const notify: Role[] = [];
  if (finding.escalation === 'none' && !noSupervisor) notify.push('supervisor');
  if (target === 'admin') notify.push('city_admin');
  const action: SystemAction = finding.overdue ? 'escalate_to_admin' : 'mark_overdue';
  const event = makeEvent(next, {
    at,
    actorId: SYSTEM_ACTOR,
    actorRole: SYSTEM_ACTOR,
    action,
    from: finding.status,
    note: undefined,
    data: { deadline: finding.deadline, escalation: target, officeId: finding.officeId, notify },
  });
  return { finding: next, event, notify };
}

/**
 * The revisit rule, for the scheduled job: a resolved case becomes `revisit_due` once its
 * `revisitDueAt` (fixed at resolution from `findings.revisitDelayDays`) is reached. Null when
 * nothing changes. `config` is taken for symmetry with `markOverdue`; the date on the finding rules,
 * so a change of the city's delay applies to cases resolved after it.
 *
 * @example dueForRevisit(resolvedLongAgo, now, config)?.finding.status // 'revisit_due'
 */
export function dueForRevisit(finding: Finding, now: Date, _config?: FindingsConfig): TimedChange | null {
  if (finding.status !== 'resolved' || finding.revisitDueAt === undefined) return null;
  if (now.getTime() < Date.parse(finding.revisitDueAt)) return null;
  const at = iso(now.getTime());
  const next: Finding = {
    ...finding,
    status: 'revisit_due',
    version: finding.version + 1,
    updatedAt: at,
    updatedBy: SYSTEM_ACTOR,
  };
  const event = makeEvent(next, {
    at,
    actorId: SYSTEM_ACTOR,
    actorRole: SYSTEM_ACTOR,
    action: 'revisit_due',
    from: 'resolved',
    note: undefined,
    data: { revisitDueAt: finding.revisitDueAt },
  });
  // The zone's officers see it in their list; nobody is paged.
  return { finding: next, event, notify: [] };
}
