/**
 * Who must hear about a change (issue 17, docs/decisions/0052): pure rules that turn a change the
 * write path already records (a finding's or task's event, a plan's publication, a person's
 * deactivation) into notification items, one per recipient. The write path reads the candidates
 * these rules ask for (`…Audience`), passes them in, and writes the items in the change's own
 * transaction. Nobody outside the object's area is told: every recipient passes the same read
 * policy (policy.ts) the API applies to them.
 */
import type { Finding, FindingEvent } from '../findings/schema';
import type { GridTopology } from '../grid/topology';
import type { Person } from '../people';
import type { PatrolTask, PlanRecord, TaskEvent } from '../planning/records';
import { canReadCell, canReadFinding, canReadPerson, scopeOf } from '../policy';
import type { Notification, NotificationTrigger } from './schema';

/** The people a rule may pick from; the write path reads exactly these partitions. */
export interface AudienceNeeds {
  /** Zone officers serving this zone. */
  readonly zoneOfficersOf?: string;
  /** Supervisors of this office. */
  readonly supervisorsOf?: string;
  readonly cityAdmins?: boolean;
  /** People by id (a reporter, a task's pair). */
  readonly people?: readonly string[];
}

const NOBODY: AudienceNeeds = {};

const escalationRoles = (event: Pick<FindingEvent, 'data'>): string[] =>
  Array.isArray(event.data.notify) ? event.data.notify.map(String) : [];

/** The trigger a finding's step is, if anyone must hear about it. */
function findingTrigger(event: Pick<FindingEvent, 'action' | 'from' | 'data'>): NotificationTrigger[] {
  switch (event.action) {
    case 'report':
      return ['finding_routed'];
    case 'mark_overdue':
    case 'escalate_to_admin': {
      const roles = escalationRoles(event);
      return [
        ...(roles.includes('supervisor') ? (['escalated_to_supervisor'] as const) : []),
        ...(roles.includes('city_admin') ? (['escalated_to_admin'] as const) : []),
      ];
    }
    case 'transfer':
      return ['transfer_sent'];
    case 'resolve':
      return event.from === 'transferred' ? ['transfer_outcome'] : [];
    case 'reopen':
      return ['reopened'];
    default:
      return [];
  }
}

/**
 * Whom a finding's step may concern, for the write path to read (nothing for most steps).
 *
 * @example findingAudience(finding, reportEvent) // { zoneOfficersOf: 'Z-1' }
 */
export function findingAudience(
  finding: Pick<Finding, 'zoneId' | 'officeId' | 'reporterId'>,
  event: Pick<FindingEvent, 'action' | 'from' | 'data'>,
): AudienceNeeds {
  const needs: {
    zoneOfficersOf?: string;
    supervisorsOf?: string;
    cityAdmins?: boolean;
    people?: string[];
  } = {};
  for (const trigger of findingTrigger(event)) {
    if (trigger === 'finding_routed' || trigger === 'reopened' || trigger === 'deadline_soon') {
      if (finding.zoneId !== null) needs.zoneOfficersOf = finding.zoneId;
      // A finding routed to no zone is the city admins' to assign (docs/decisions/0024).
      else needs.cityAdmins = true;
    }
    if (trigger === 'escalated_to_supervisor' && finding.officeId !== null)
      needs.supervisorsOf = finding.officeId;
    if (trigger === 'escalated_to_admin') needs.cityAdmins = true;
    if (trigger === 'transfer_sent' || trigger === 'transfer_outcome') needs.people = [finding.reporterId];
  }
  return needs;
}

/** Active people of the rule's choice who may read the object and did not cause the change. */
function pick(
  candidates: readonly Person[],
  wanted: (p: Person) => boolean,
  mayRead: (p: Person) => boolean,
  actorId: string,
): Person[] {
  const seen = new Set<string>();
  return candidates.filter((p) => {
    if (seen.has(p.id) || p.id === actorId || !p.active || !wanted(p) || !mayRead(p)) return false;
    seen.add(p.id);
    return true;
  });
}

const item = (
  recipient: Person,
  trigger: NotificationTrigger,
  source: string,
  subject: Notification['subject'],
  officeId: string | null,
  at: string,
  data: Notification['data'],
): Notification => ({
  id: `${source}.${trigger}`,
  recipientId: recipient.id,
  trigger,
  subject,
  officeId,
  createdAt: at,
  data,
});

const servesZone = (zoneId: string | null) => (p: Person) =>
  zoneId === null ? p.role === 'city_admin' : p.role === 'zone_officer' && p.zones.includes(zoneId);

/**
 * The items a finding's step writes beside it: one per recipient, none for a step nobody must hear
 * about. The dedup id is the event's own key (finding and version) and the trigger, so the same step
 * can never write a second item for a person.
 *
 * @example findingNotifications(finding, reportEvent, zoneOfficers, topology) // [{ recipientId: 'officer-li', trigger: 'finding_routed', … }]
 */
export function findingNotifications(
  finding: Finding,
  event: FindingEvent,
  candidates: readonly Person[],
  topology: GridTopology,
): Notification[] {
  const ref = { cellId: finding.cellId, zones: finding.zones, reporterId: finding.reporterId };
  const mayRead = (p: Person) => canReadFinding(scopeOf(p, topology), ref);
  const subject = { kind: 'finding', id: finding.id } as const;
  const data = {
    businessName: finding.businessName,
    address: finding.address,
    status: finding.status,
    ...(finding.deadline !== undefined ? { deadline: finding.deadline } : {}),
    ...(finding.department !== undefined ? { department: finding.department } : {}),
    ...(finding.outcome !== undefined ? { outcome: finding.outcome } : {}),
  };
  return findingTrigger(event).flatMap((trigger) => {
    const wanted: (p: Person) => boolean =
      trigger === 'escalated_to_supervisor'
        ? (p) => p.role === 'supervisor' && p.office === finding.officeId
        : trigger === 'escalated_to_admin'
          ? (p) => p.role === 'city_admin'
          : trigger === 'transfer_sent' || trigger === 'transfer_outcome'
            ? (p) => p.id === finding.reporterId
            : servesZone(finding.zoneId);
    return pick(candidates, wanted, mayRead, event.actorId).map((p) =>
      item(p, trigger, `finding.${finding.id}.v${event.version}`, subject, finding.officeId, event.at, data),
    );
  });
}

/** Whom a coming deadline concerns: the zone's officers (the admins for a finding of no zone). */
export const deadlineAudience = (finding: Pick<Finding, 'zoneId'>): AudienceNeeds =>
  finding.zoneId !== null ? { zoneOfficersOf: finding.zoneId } : { cityAdmins: true };

/**
 * A reminder that a running deadline comes due within the city's lead time, to the officers of the
 * finding's zone (the admins for a finding of no zone). Null when the deadline is not within
 * `leadHours` of `now` (or already passed: then the overdue rule speaks). Its dedup id names the
 * deadline, so every run of the job writes it once per deadline, and a new deadline reminds again.
 *
 * @example deadlineReminders(finding, officers, topology, now, 24) // [{ trigger: 'deadline_soon', … }]
 */
export function deadlineReminders(
  finding: Finding,
  candidates: readonly Person[],
  topology: GridTopology,
  now: Date,
  leadHours: number,
): Notification[] {
  if (finding.deadline === undefined || finding.overdue) return [];
  if (finding.status !== 'rectifying' && finding.status !== 'transferred') return [];
  const left = Date.parse(finding.deadline) - now.getTime();
  if (left <= 0 || left > leadHours * 3_600_000) return [];
  const ref = { cellId: finding.cellId, zones: finding.zones, reporterId: finding.reporterId };
  const mayRead = (p: Person) => canReadFinding(scopeOf(p, topology), ref);
  return pick(candidates, servesZone(finding.zoneId), mayRead, 'system').map((p) =>
    item(
      p,
      'deadline_soon',
      `finding.${finding.id}.due.${finding.deadline?.replaceAll(':', '')}`,
      { kind: 'finding', id: finding.id },
      finding.officeId,
      now.toISOString(),
      { businessName: finding.businessName, address: finding.address, deadline: finding.deadline as string },
    ),
  );
}

/** Whom a task's step may concern. */
export function taskAudience(before: PatrolTask, after: PatrolTask, event: TaskEvent): AudienceNeeds {
  if (event.action === 'miss')
    return after.officeId !== null ? { supervisorsOf: after.officeId } : { cityAdmins: true };
  if (event.action === 'reassign' && after.status === 'assigned')
    return {
      people: [...new Set([before.officerId, before.partnerId, after.officerId, after.partnerId])],
    };
  return NOBODY;
}

/**
 * The items a task's step writes beside it: a missed task to its office's supervisors; a
 * reassigned published task to the people put on it and taken off it (a draft is the managers'
 * alone, so its moves tell nobody).
 *
 * @example taskNotifications(before, after, missEvent, supervisors, topology) // [{ recipientId: 'sup-east', trigger: 'task_missed', … }]
 */
export function taskNotifications(
  before: PatrolTask,
  after: PatrolTask,
  event: TaskEvent,
  candidates: readonly Person[],
  topology: GridTopology,
): Notification[] {
  const source = `task.${after.id}.v${event.version}`;
  const subject = { kind: 'task', id: after.id } as const;
  const data = { cellId: after.cellId, date: after.date, shift: after.shift };
  if (event.action === 'miss') {
    const wanted = (p: Person) =>
      after.officeId === null
        ? p.role === 'city_admin'
        : p.role === 'supervisor' && p.office === after.officeId;
    const mayRead = (p: Person) => canReadCell(scopeOf(p, topology), after.cellId);
    return pick(candidates, wanted, mayRead, event.actor.id).map((p) =>
      item(p, 'task_missed', source, subject, after.officeId, event.at, data),
    );
  }
  if (event.action !== 'reassign' || after.status !== 'assigned') return [];
  const was = new Set([before.officerId, before.partnerId]);
  const is = new Set([after.officerId, after.partnerId]);
  const moved = before.date !== after.date || before.shift !== after.shift;
  // Who is on it now hears of a new task or a moved slot; who was taken off hears that too.
  const concerned = (p: Person) =>
    (is.has(p.id) && (!was.has(p.id) || moved)) || (was.has(p.id) && !is.has(p.id));
  // The pair reads its own tasks (tasks/access.ts): being on it, before or after, is the area.
  const onIt = (p: Person) => was.has(p.id) || is.has(p.id);
  return pick(candidates, concerned, onIt, event.actor.id).map((p) =>
    item(p, 'task_reassigned', source, subject, after.officeId, event.at, {
      ...data,
      change: is.has(p.id) ? 'assigned' : 'removed',
    }),
  );
}

/**
 * A published plan tells each person of its pairs once, with how many tasks they have in it. The
 * write path puts a person's item in the transaction that assigns their first task (in `tasks`
 * order), so the item exists exactly when one of their tasks does (docs/decisions/0052).
 *
 * @example planNotifications(plan, assigned, people, at) // Map { 'officer-li' => { trigger: 'plan_published', data: { tasks: 3 } } }
 */
export function planNotifications(
  plan: Pick<PlanRecord, 'id' | 'officeId' | 'weekStart'>,
  assigned: readonly Pick<PatrolTask, 'id' | 'officerId' | 'partnerId'>[],
  people: readonly Person[],
  actorId: string,
  at: string,
): Map<string, Notification> {
  const counts = new Map<string, { first: string; tasks: number }>();
  for (const t of assigned)
    for (const id of [t.officerId, t.partnerId]) {
      const c = counts.get(id);
      if (c) c.tasks += 1;
      else counts.set(id, { first: t.id, tasks: 1 });
    }
  const byFirstTask = new Map<string, Notification>();
  const partner = (p: Person) => counts.has(p.id);
  for (const p of pick(people, partner, partner, actorId)) {
    const c = counts.get(p.id) as { first: string; tasks: number };
    byFirstTask.set(
      `${c.first}|${p.id}`,
      item(p, 'plan_published', `plan.${plan.id}`, { kind: 'plan', id: plan.id }, plan.officeId, at, {
        weekStart: plan.weekStart,
        tasks: c.tasks,
      }),
    );
  }
  return byFirstTask;
}

/** Whom a person's deactivation concerns: their office's supervisors (the admins without one). */
export const deactivationAudience = (person: Pick<Person, 'office'>): AudienceNeeds =>
  person.office !== undefined ? { supervisorsOf: person.office } : { cityAdmins: true };

/**
 * A person deactivated: their supervisor(s) hear of it (their tasks now wait for reassignment).
 * `version` is the person record's version the deactivation wrote, so saving the same inactive
 * record again is another change and a retry of one save is the same one.
 *
 * @example deactivationNotifications(worker, 7, supervisors, topology, 'admin', at) // [{ recipientId: 'sup-east', … }]
 */
export function deactivationNotifications(
  person: Person,
  version: number,
  candidates: readonly Person[],
  topology: GridTopology,
  actorId: string,
  at: string,
): Notification[] {
  const wanted = (p: Person) =>
    person.office !== undefined
      ? p.role === 'supervisor' && p.office === person.office
      : p.role === 'city_admin';
  const mayRead = (p: Person) => canReadPerson(scopeOf(p, topology), person);
  return pick(candidates, wanted, mayRead, actorId).map((p) =>
    item(
      p,
      'person_deactivated',
      `person.${person.id}.v${version}`,
      { kind: 'person', id: person.id },
      person.office ?? null,
      at,
      { name: person.name, role: person.role },
    ),
  );
}
