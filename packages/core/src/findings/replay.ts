/**
 * A finding rebuilt from its audit trail (DOMAIN.md "Integrity": who did what and when is kept for
 * good). Each event records what its step set (the report event the reported fields, the others
 * their action's data), so folding the events from version 1 gives the stored record: what an
 * auditor checks a finding against, and what the fault tests check the store against
 * (docs/decisions/0030-finding-replay.md). Pure.
 *
 * The effects here mirror `applyAction`, `markOverdue` and `dueForRevisit` (./lifecycle); a property
 * test (test/unit/findings-replay.test.ts) holds the two to the same result on random runs.
 */
import { UnprocessableError } from '../errors';
import type { Finding, FindingEvent } from './schema';

/** The reported fields the report event keeps in its data, beside the routing it already kept. */
export const REPORTED_FIELDS = [
  'lon',
  'lat',
  'accuracyM',
  'address',
  'businessName',
  'businessType',
  'kind',
  'photos',
  'taskId',
  'zones',
  'officeId',
] as const satisfies readonly (keyof Finding)[];

function omit<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Omit<T, K> {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

const clearOverdue = (f: Finding): Finding => ({
  ...omit(f, ['overdueSince', 'escalatedToSupervisorAt', 'escalatedToAdminAt']),
  overdue: false,
  escalation: 'none',
});

const str = (data: Record<string, unknown>, key: string): string | undefined =>
  typeof data[key] === 'string' ? (data[key] as string) : undefined;

function refuse(event: FindingEvent, message: string): never {
  throw new UnprocessableError(`Event ${event.version} of finding '${event.findingId}': ${message}`, [
    { path: `events[${event.version - 1}]`, message },
  ]);
}

/** The finding as its report event created it. */
function reported(e: FindingEvent): Finding {
  const d = e.data;
  if (!('businessName' in d))
    refuse(e, 'the report event does not keep the reported fields (written before they were recorded)');
  const r = d as Record<string, unknown>;
  const finding = {
    id: e.findingId,
    version: e.version,
    status: e.to,
    lon: r.lon,
    lat: r.lat,
    ...(r.accuracyM !== undefined ? { accuracyM: r.accuracyM } : {}),
    address: r.address,
    businessName: r.businessName,
    businessType: r.businessType,
    kind: r.kind,
    ...(e.note !== undefined ? { note: e.note } : {}),
    photos: r.photos,
    ...(r.taskId !== undefined ? { taskId: r.taskId } : {}),
    gridVersion: r.gridVersion,
    cellId: r.cellId,
    zoneId: r.zoneId,
    zones: r.zones,
    officeId: r.officeId,
    reporterId: e.actorId,
    reporterRole: e.actorRole,
    reportedAt: e.at,
    updatedAt: e.at,
    updatedBy: e.actorId,
    ...(r.possibleDuplicateOf !== undefined ? { possibleDuplicateOf: r.possibleDuplicateOf } : {}),
    overdue: false,
    wasOverdue: false,
    escalation: 'none',
    reopenCount: 0,
  };
  return finding as Finding;
}

/**
 * The finding after one more event: `before` is the finding at version `event.version - 1` (null for
 * the report event).
 *
 * @example evolveFinding(null, reportEvent).status // 'reported'
 */
export function evolveFinding(before: Finding | null, event: FindingEvent): Finding {
  if (before === null) {
    if (event.action !== 'report' || event.version !== 1) refuse(event, 'the first event must be the report');
    return reported(event);
  }
  if (event.findingId !== before.id) refuse(event, `it belongs to finding '${event.findingId}'`);
  if (event.version !== before.version + 1)
    refuse(event, `it follows version ${before.version}: a gap or a duplicate in the trail`);
  if (event.from !== before.status) refuse(event, `it starts from ${event.from}, not ${before.status}`);
  const f = before;
  const d = event.data;
  const at = event.at;
  let next: Finding;
  switch (event.action) {
    case 'report':
      return refuse(event, 'a second report event');
    case 'verify': {
      next = { ...omit(f, ['possibleDuplicateOf']), verifiedAt: at, verifiedBy: event.actorId };
      const separatedFrom = str(d, 'separatedFrom');
      if (separatedFrom !== undefined) next.separatedFrom = separatedFrom;
      break;
    }
    case 'separate':
      next = { ...omit(f, ['possibleDuplicateOf']), separatedFrom: str(d, 'separatedFrom') as string };
      break;
    case 'reject': {
      next = { ...omit(f, ['possibleDuplicateOf']), rejectReason: d.reason as Finding['rejectReason'] };
      const duplicateOf = str(d, 'duplicateOf');
      if (duplicateOf !== undefined) next.duplicateOf = duplicateOf;
      const uscc = str(d, 'uscc');
      if (uscc !== undefined) next.uscc = uscc;
      break;
    }
    case 'order_rectification':
      next = { ...f, deadline: str(d, 'deadline') as string, rectificationOrderedAt: at };
      break;
    case 'transfer': {
      next = {
        ...f,
        department: str(d, 'department') as string,
        receiptNo: str(d, 'receiptNo') as string,
        transferredAt: at,
      };
      const deadline = str(d, 'deadline');
      if (deadline !== undefined) next.deadline = deadline;
      break;
    }
    case 'resolve': {
      next = {
        ...clearOverdue(f),
        outcome: d.outcome as Finding['outcome'],
        resolvedAt: at,
        resolvedBy: event.actorId,
        revisitDueAt: str(d, 'revisitDueAt') as string,
      };
      const uscc = str(d, 'uscc');
      if (uscc !== undefined) next.uscc = uscc;
      break;
    }
    case 'extend_deadline':
      next = { ...clearOverdue(f), deadline: str(d, 'deadline') as string };
      break;
    case 'confirm_revisit':
      next = { ...f, revisitedAt: at, closedAt: at };
      break;
    case 'reopen':
      next = {
        ...omit(clearOverdue(f), ['outcome', 'uscc', 'resolvedAt', 'resolvedBy', 'revisitDueAt']),
        deadline: str(d, 'deadline') as string,
        rectificationOrderedAt: at,
        revisitedAt: at,
        reopenCount: f.reopenCount + 1,
      };
      break;
    case 'mark_overdue':
    case 'escalate_to_admin': {
      const deadline = str(d, 'deadline') as string;
      const escalation = d.escalation as Finding['escalation'];
      next = {
        ...f,
        overdue: true,
        wasOverdue: true,
        overdueSince: f.overdueSince ?? deadline,
        firstOverdueAt: f.firstOverdueAt ?? f.overdueSince ?? deadline,
        escalation,
        ...(f.officeId === null ? {} : { escalatedToSupervisorAt: f.escalatedToSupervisorAt ?? at }),
      };
      if (escalation === 'admin') next.escalatedToAdminAt = f.escalatedToAdminAt ?? at;
      break;
    }
    case 'revisit_due':
      next = { ...f };
      break;
  }
  // A step's photos join the finding's, as `applyAction` adds them.
  if (Array.isArray(d.photos) && d.photos.length > 0) next = { ...next, photos: [...f.photos, ...d.photos] };
  return { ...next, status: event.to, version: event.version, updatedAt: at, updatedBy: event.actorId };
}

/**
 * The finding its events describe, folded from the report event on; refuses (422) a trail with a
 * gap, a duplicate, a step from the wrong state or another finding's event. Events in version order.
 *
 * @example replayFinding(await allEventsOf('F-1')) // equals the stored finding 'F-1'
 */
export function replayFinding(events: readonly FindingEvent[]): Finding {
  let finding: Finding | null = null;
  for (const event of events) finding = evolveFinding(finding, event);
  if (finding === null)
    throw new UnprocessableError('A finding needs at least its report event.', [
      { path: 'events', message: 'empty' },
    ]);
  return finding;
}
