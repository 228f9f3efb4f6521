import { ConflictError, ForbiddenError, UnprocessableError } from '@gridpatrol/core/errors';
import {
  ActionForbiddenError,
  allowedActions,
  applyAction,
  createFinding,
  dueForRevisit,
  findingRef,
  IllegalActionError,
  MANAGER_ROLES,
  markOverdue,
  mayActOn,
  routingOf,
  SYSTEM_TRANSITIONS,
  TRANSITIONS,
} from '@gridpatrol/core/findings/lifecycle';
import {
  ACTION_NAMES,
  FINDING_STATUSES,
  Finding,
  FindingEvent,
  type FindingStatus,
} from '@gridpatrol/core/findings/schema';
import type { PointResolution } from '@gridpatrol/core/grid/resolve';
import { canReadFinding } from '@gridpatrol/core/policy';
import { ROLES } from '@gridpatrol/core/roles';
import { describe, expect, it } from 'vitest';
import {
  ACTORS,
  actAs,
  admin,
  at,
  config,
  DAY,
  deadlineIn,
  findingIn,
  leader,
  newFinding,
  officerZ1,
  officerZ2,
  report,
  routingZ1,
  sampleAction,
  scopeFor,
  supEast,
  supWest,
  T0,
  volunteer,
  worker,
} from './findings-fixtures';

const adminScope = scopeFor(admin);
const later = (d: Date, ms: number) => new Date(d.getTime() + ms);

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('the transition table', () => {
  it('names only known states, actions and roles, with no duplicate (state, action) row', () => {
    const seen = new Set<string>();
    for (const t of TRANSITIONS) {
      expect(FINDING_STATUSES).toContain(t.from);
      expect(FINDING_STATUSES).toContain(t.to);
      expect(ACTION_NAMES).toContain(t.action);
      for (const r of t.roles) expect(ROLES).toContain(r);
      const key = `${t.from}/${t.action}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('leads into closed only from revisit_due, and into revisit_due only from resolved by the job', () => {
    const into = (s: FindingStatus) => [
      ...TRANSITIONS.filter((t) => t.to === s && t.from !== s).map((t) => `${t.from}/${t.action}`),
      ...SYSTEM_TRANSITIONS.filter((t) => t.to === s && t.from !== s).map((t) => `${t.from}/${t.action}`),
    ];
    expect(into('closed')).toEqual(['revisit_due/confirm_revisit']);
    expect(into('revisit_due')).toEqual(['resolved/revisit_due']);
    // rejected and closed are terminal.
    expect(TRANSITIONS.filter((t) => t.from === 'rejected' || t.from === 'closed')).toEqual([]);
  });

  it('gives every action a row, and reporters (grid people, volunteers) none', () => {
    for (const name of ACTION_NAMES)
      expect(
        TRANSITIONS.some((t) => t.action === name),
        name,
      ).toBe(true);
    for (const t of TRANSITIONS) {
      expect(t.roles).not.toContain('grid_worker');
      expect(t.roles).not.toContain('grid_leader');
      expect(t.roles).not.toContain('volunteer');
    }
  });
});

describe('every state × action, acting as the city admin', () => {
  const cases = FINDING_STATUSES.flatMap((status) => ACTION_NAMES.map((action) => ({ status, action })));
  it.each(cases)('$action on a $status finding', ({ status, action }) => {
    const { finding, now } = findingIn(status, { possibleDuplicateOf: 'F-OTHER' });
    const row = TRANSITIONS.find((t) => t.from === status && t.action === action);
    const allowed = allowedActions(finding, admin, adminScope);
    const act = () =>
      applyAction(finding, sampleAction(action, finding, now), admin, adminScope, now, config);
    if (row === undefined) {
      const e = caught(act);
      expect(e).toBeInstanceOf(IllegalActionError);
      expect(e).toBeInstanceOf(UnprocessableError);
      expect((e as IllegalActionError).allowedActions).toEqual(allowed);
      expect((e as IllegalActionError).message).toContain(`allowed: ${allowed.join(', ') || 'none'}`);
      expect(allowed).not.toContain(action);
    } else {
      const { finding: next, event } = act();
      expect(allowed).toContain(action);
      expect(next.status).toBe(row.to);
      expect(next.version).toBe(finding.version + 1);
      expect(Finding.parse(next)).toEqual(next);
      expect(FindingEvent.parse(event)).toEqual(event);
      expect(event).toMatchObject({
        from: status,
        to: row.to,
        action,
        actorId: 'admin',
        version: next.version,
      });
    }
  });

  it('refuses separate on a finding not flagged as a possible duplicate', () => {
    const f = newFinding();
    expect(allowedActions(f, admin, adminScope)).toEqual(['verify', 'reject']);
    const e = caught(() => actAs(admin, f, 'separate', T0));
    expect(e).toBeInstanceOf(IllegalActionError);
    expect((e as IllegalActionError).allowedActions).toEqual(['verify', 'reject']);
  });

  it('lists allowed actions per state', () => {
    const lists = Object.fromEntries(
      FINDING_STATUSES.map((s) => [s, allowedActions(findingIn(s).finding, admin, adminScope)]),
    );
    expect(lists).toEqual({
      reported: ['verify', 'reject'],
      verified: ['order_rectification', 'transfer'],
      rejected: [],
      rectifying: ['resolve', 'extend_deadline'],
      transferred: ['resolve', 'extend_deadline'],
      resolved: [],
      revisit_due: ['confirm_revisit', 'reopen'],
      closed: [],
    });
  });
});

describe('roles and areas', () => {
  it('lets each role take exactly the actions the table gives it, within its area', () => {
    for (const status of FINDING_STATUSES) {
      const { finding, now } = findingIn(status, { possibleDuplicateOf: 'F-OTHER' });
      for (const actor of ACTORS) {
        const scope = scopeFor(actor);
        const inArea = mayActOn(scope, finding);
        for (const action of ACTION_NAMES) {
          const row = TRANSITIONS.find((t) => t.from === status && t.action === action);
          const roleMay = TRANSITIONS.some((t) => t.action === action && t.roles.includes(actor.role));
          const act = () =>
            applyAction(finding, sampleAction(action, finding, now), actor, scope, now, config);
          const label = `${actor.id} ${action} on ${status}`;
          if (!roleMay || !inArea) {
            const e = caught(act);
            expect(e, label).toBeInstanceOf(ActionForbiddenError);
            expect(e, label).toBeInstanceOf(ForbiddenError);
          } else if (row === undefined) {
            expect(caught(act), label).toBeInstanceOf(IllegalActionError);
          } else {
            expect(act().finding.status, label).toBe(row.to);
          }
        }
      }
    }
  });

  it('lets the officer of the zone, its office supervisor and admins act, nobody else', () => {
    const f = newFinding();
    expect(allowedActions(f, officerZ1, scopeFor(officerZ1))).toEqual(['verify', 'reject']);
    expect(allowedActions(f, supEast, scopeFor(supEast))).toEqual(['verify', 'reject']);
    expect(allowedActions(f, admin, adminScope)).toEqual(['verify', 'reject']);
    // Z2's officer reads C2's findings but does not act on a Z1 case; nor the west office.
    expect(allowedActions(f, officerZ2, scopeFor(officerZ2))).toEqual([]);
    expect(allowedActions(f, supWest, scopeFor(supWest))).toEqual([]);
    for (const reporter of [leader, worker, volunteer])
      expect(allowedActions(f, reporter, scopeFor(reporter))).toEqual([]);
  });

  it('refuses a reporter role with 403 listing no allowed action', () => {
    const f = newFinding();
    const e = caught(() => actAs(worker, f, 'verify', T0));
    expect(e).toBeInstanceOf(ActionForbiddenError);
    expect((e as ActionForbiddenError).allowedActions).toEqual([]);
    expect((e as ActionForbiddenError).details[0]?.message).toBe('allowed actions: none');
  });

  it('refuses an officer outside the zone with 403, even with a stale version', () => {
    const f = newFinding();
    const e = caught(() =>
      applyAction(f, { action: 'verify', expectedVersion: 99 }, officerZ2, scopeFor(officerZ2), T0, config),
    );
    expect(e).toBeInstanceOf(ActionForbiddenError);
  });

  it('keeps moving deadlines to supervisors and admins', () => {
    expect(MANAGER_ROLES).toEqual(['supervisor', 'city_admin']);
    const { finding, now } = findingIn('rectifying');
    const a = sampleAction('extend_deadline', finding, now);
    const e = caught(() => applyAction(finding, a, officerZ1, scopeFor(officerZ1), now, config));
    expect(e).toBeInstanceOf(ActionForbiddenError);
    expect((e as ActionForbiddenError).allowedActions).toEqual(['resolve']);
    expect(applyAction(finding, a, supEast, scopeFor(supEast), now, config).finding.deadline).toBe(
      deadlineIn(now, 15),
    );
  });

  it('leaves a finding routed to no zone to the city admins', () => {
    const f = newFinding({
      routing: { ...routingZ1, cellId: null, zoneId: null, zones: [], officeId: null },
      reporter: admin,
    });
    expect(allowedActions(f, officerZ1, scopeFor(officerZ1))).toEqual([]);
    expect(allowedActions(f, supEast, scopeFor(supEast))).toEqual([]);
    expect(allowedActions(f, admin, adminScope)).toEqual(['verify', 'reject']);
  });
});

describe('versions', () => {
  it('refuses a stale expectedVersion with 409 before judging the state', () => {
    const { finding, now } = findingIn('verified');
    const e = caught(() =>
      applyAction(
        finding,
        { action: 'verify', expectedVersion: 1 },
        officerZ1,
        scopeFor(officerZ1),
        now,
        config,
      ),
    );
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).details).toEqual([
      { path: 'body.expectedVersion', message: 'current version is 2' },
    ]);
  });

  it('adds one to the version on every step and leaves the input untouched', () => {
    const f = newFinding();
    const copy = structuredClone(f);
    const { finding: next } = actAs(admin, f, 'verify', T0);
    expect(f).toEqual(copy);
    expect(next.version).toBe(2);
  });
});

describe('report', () => {
  it('creates a reported finding at version 1 with its first event', () => {
    const { finding, event } = createFinding({
      id: 'F-1',
      input: { ...report, note: '门口有招牌', taskId: 'T-7', accuracyM: 8 },
      routing: routingZ1,
      reporter: volunteer,
      scope: scopeFor(volunteer),
      now: T0,
      config,
      possibleDuplicateOf: 'F-0',
    });
    expect(finding).toMatchObject({
      id: 'F-1',
      version: 1,
      status: 'reported',
      cellId: 'C1',
      zoneId: 'Z1',
      officeId: 'east',
      gridVersion: 3,
      reporterId: 'zhao',
      reporterRole: 'volunteer',
      reportedAt: T0.toISOString(),
      possibleDuplicateOf: 'F-0',
      overdue: false,
      escalation: 'none',
      reopenCount: 0,
      taskId: 'T-7',
      accuracyM: 8,
    });
    expect(Finding.parse(finding)).toEqual(finding);
    expect(event).toMatchObject({
      action: 'report',
      from: null,
      to: 'reported',
      version: 1,
      note: '门口有招牌',
    });
    expect(canReadFinding(scopeFor(volunteer), findingRef(finding))).toBe(true);
  });

  it('refuses a report outside the reporter’s cells, and an unknown business type', () => {
    const base = { id: 'F-1', input: report, reporter: worker, scope: scopeFor(worker), now: T0, config };
    expect(() => createFinding({ ...base, routing: { ...routingZ1, cellId: 'C3', zoneId: 'Z2' } })).toThrow(
      ForbiddenError,
    );
    const e = caught(() =>
      createFinding({ ...base, routing: routingZ1, input: { ...report, businessType: 'casino' } }),
    );
    expect(e).toBeInstanceOf(UnprocessableError);
    expect((e as UnprocessableError).details[0]?.path).toBe('body.businessType');
  });

  it('lets a point in no cell be reported by those whose zone holds it, and admins', () => {
    const routing = { ...routingZ1, cellId: null, zones: ['Z1'] };
    const base = { id: 'F-1', input: report, routing, now: T0, config };
    expect(
      createFinding({ ...base, reporter: officerZ1, scope: scopeFor(officerZ1) }).finding.cellId,
    ).toBeNull();
    expect(() => createFinding({ ...base, reporter: officerZ2, scope: scopeFor(officerZ2) })).toThrow(
      ForbiddenError,
    );
    expect(() => createFinding({ ...base, reporter: worker, scope: scopeFor(worker) })).toThrow(
      ForbiddenError,
    );
    expect(createFinding({ ...base, reporter: admin, scope: adminScope }).finding.status).toBe('reported');
  });

  it('routes a resolved point to its cell, primary zone and that zone’s office', () => {
    const resolution: PointResolution = {
      gridVersion: 4,
      status: 'inside',
      cell: { id: 'C2', name: 'C2' },
      primaryZone: 'Z2',
      zones: [
        { zoneId: 'Z2', share: 0.6, areaM2: 6 },
        { zoneId: 'Z1', share: 0.4, areaM2: 4 },
      ],
      input: { lon: 120.1, lat: 30.2, coordSys: 'gcj02' },
      point: { lon: 120.095, lat: 30.202 },
    };
    expect(routingOf(resolution, new Map([['Z2', 'east']]))).toEqual({
      lon: 120.095,
      lat: 30.202,
      gridVersion: 4,
      cellId: 'C2',
      zoneId: 'Z2',
      zones: ['Z2', 'Z1'],
      officeId: 'east',
    });
    expect(
      routingOf({ ...resolution, primaryZone: null, cell: null, zones: [] }, new Map()).officeId,
    ).toBeNull();
  });
});

describe('duplicates in the loop', () => {
  it('separate clears the flag and records the decision; the finding stays reported', () => {
    const f = newFinding({ possibleDuplicateOf: 'F-0' });
    const { finding, event } = actAs(officerZ1, f, 'separate', T0);
    expect(finding.status).toBe('reported');
    expect(finding.possibleDuplicateOf).toBeUndefined();
    expect(finding.separatedFrom).toBe('F-0');
    expect(event.data).toEqual({ separatedFrom: 'F-0' });
    expect(allowedActions(finding, officerZ1, scopeFor(officerZ1))).toEqual(['verify', 'reject']);
  });

  it('reject as duplicate takes the flagged finding by default, and needs one otherwise', () => {
    const flagged = newFinding({ possibleDuplicateOf: 'F-0' });
    const a = { action: 'reject', expectedVersion: 1, reason: 'duplicate' } as const;
    const { finding } = applyAction(flagged, a, officerZ1, scopeFor(officerZ1), T0, config);
    expect(finding).toMatchObject({ status: 'rejected', rejectReason: 'duplicate', duplicateOf: 'F-0' });
    expect(finding.possibleDuplicateOf).toBeUndefined();
    const e = caught(() => applyAction(newFinding(), a, officerZ1, scopeFor(officerZ1), T0, config));
    expect(e).toBeInstanceOf(UnprocessableError);
    expect((e as UnprocessableError).details[0]?.path).toBe('body.duplicateOf');
    expect(() =>
      applyAction(newFinding({ id: 'F-9' }), { ...a, duplicateOf: 'F-9' }, admin, adminScope, T0, config),
    ).toThrow(/itself/);
  });

  it('verify settles a pending duplicate question as separate', () => {
    const f = newFinding({ possibleDuplicateOf: 'F-0' });
    const { finding } = actAs(officerZ1, f, 'verify', T0);
    expect(finding).toMatchObject({ status: 'verified', separatedFrom: 'F-0', verifiedBy: 'li' });
    expect(finding.possibleDuplicateOf).toBeUndefined();
  });
});

describe('rectification, transfer and resolution', () => {
  it('stores a deadline sent with an offset as UTC', () => {
    const { finding, now } = findingIn('verified');
    const deadline = '2025-03-20T23:59:59+08:00';
    const a = { action: 'order_rectification', expectedVersion: finding.version, deadline } as const;
    const next = applyAction(finding, a, officerZ1, scopeFor(officerZ1), now, config).finding;
    expect(next.deadline).toBe('2025-03-20T15:59:59.000Z');
    expect(next.rectificationOrderedAt).toBe(now.toISOString());
  });

  it('refuses a deadline in the past, now, or more than a year ahead', () => {
    const { finding, now } = findingIn('verified');
    for (const deadline of [deadlineIn(now, -1), now.toISOString(), deadlineIn(now, 366)]) {
      const a = { action: 'order_rectification', expectedVersion: finding.version, deadline } as const;
      const e = caught(() => applyAction(finding, a, officerZ1, scopeFor(officerZ1), now, config));
      expect(e, deadline).toBeInstanceOf(UnprocessableError);
      expect((e as UnprocessableError).details[0]?.path).toBe('body.deadline');
    }
  });

  it('transfers only to a department of the city, with its receipt', () => {
    const { finding, now } = findingIn('verified');
    const a = {
      action: 'transfer',
      expectedVersion: finding.version,
      department: 'police',
      receiptNo: 'R1',
    } as const;
    const e = caught(() => applyAction(finding, a, officerZ1, scopeFor(officerZ1), now, config));
    expect(e).toBeInstanceOf(UnprocessableError);
    expect((e as UnprocessableError).details[0]?.path).toBe('body.department');
    const ok = applyAction(
      finding,
      { ...a, department: 'health' },
      officerZ1,
      scopeFor(officerZ1),
      now,
      config,
    );
    expect(ok.finding).toMatchObject({ status: 'transferred', department: 'health', receiptNo: 'R1' });
    expect(ok.finding.deadline).toBeUndefined();
    expect(ok.event.data).toEqual({ department: 'health', receiptNo: 'R1' });
  });

  it('records the licence of a licensed outcome and fixes the revisit date', () => {
    const { finding, now } = findingIn('rectifying');
    const { finding: next, event } = actAs(officerZ1, finding, 'resolve', now, { outcome: 0 });
    expect(next).toMatchObject({ status: 'resolved', outcome: 'licensed', uscc: '91110108551385082Q' });
    expect(next.revisitDueAt).toBe(new Date(now.getTime() + 30 * DAY).toISOString());
    expect(event.data).toMatchObject({ outcome: 'licensed', uscc: '91110108551385082Q' });
  });
});

describe('deadlines and escalation', () => {
  const rectifying = () => {
    const { finding, now } = findingIn('rectifying');
    const deadline = Date.parse(finding.deadline ?? '');
    return { finding, now, deadline };
  };

  it('does nothing up to the deadline itself', () => {
    const { finding, now, deadline } = rectifying();
    expect(markOverdue(finding, now, config)).toBeNull();
    expect(markOverdue(finding, new Date(deadline), config)).toBeNull();
  });

  it('flags overdue and escalates to the supervisor just past the deadline, once', () => {
    const { finding, deadline } = rectifying();
    const t1 = new Date(deadline + 1);
    const change = markOverdue(finding, t1, config);
    expect(change?.finding).toMatchObject({
      status: 'rectifying',
      overdue: true,
      wasOverdue: true,
      escalation: 'supervisor',
      overdueSince: new Date(deadline).toISOString(),
      escalatedToSupervisorAt: t1.toISOString(),
      version: finding.version + 1,
    });
    expect(change?.notify).toEqual(['supervisor']);
    expect(change?.event).toMatchObject({ action: 'mark_overdue', actorId: 'system', actorRole: 'system' });
    expect(change?.event.data).toMatchObject({ escalation: 'supervisor', officeId: 'east' });
    const flagged = change?.finding ?? finding;
    expect(markOverdue(flagged, t1, config)).toBeNull();
    expect(markOverdue(flagged, new Date(deadline + 7 * DAY), config)).toBeNull();
  });

  it('escalates to the city admins only after the further delay, once', () => {
    const { finding, deadline } = rectifying();
    const flagged = markOverdue(finding, new Date(deadline + DAY), config)?.finding ?? finding;
    expect(markOverdue(flagged, new Date(deadline + 7 * DAY), config)).toBeNull();
    const t2 = new Date(deadline + 7 * DAY + 1);
    const change = markOverdue(flagged, t2, config);
    expect(change?.finding).toMatchObject({
      escalation: 'admin',
      escalatedToAdminAt: t2.toISOString(),
      escalatedToSupervisorAt: new Date(deadline + DAY).toISOString(),
    });
    expect(change?.notify).toEqual(['city_admin']);
    expect(change?.event.action).toBe('escalate_to_admin');
    expect(markOverdue(change?.finding ?? flagged, new Date(deadline + 30 * DAY), config)).toBeNull();
  });

  it('goes straight to the admins when the job first sees a case long overdue', () => {
    const { finding, deadline } = rectifying();
    const change = markOverdue(finding, new Date(deadline + 10 * DAY), config);
    expect(change?.finding.escalation).toBe('admin');
    expect(change?.notify).toEqual(['supervisor', 'city_admin']);
    expect(change?.event.action).toBe('mark_overdue');
  });

  it('escalates a case of no office straight to the admins: it has no supervisor (issue 15.4)', () => {
    const { finding, deadline } = rectifying();
    const unzoned = { ...finding, zoneId: null, officeId: null };
    const t1 = new Date(deadline + 1);
    const change = markOverdue(unzoned, t1, config);
    expect(change?.finding).toMatchObject({
      overdue: true,
      escalation: 'admin',
      escalatedToAdminAt: t1.toISOString(),
    });
    expect(change?.finding).not.toHaveProperty('escalatedToSupervisorAt');
    expect(change?.notify).toEqual(['city_admin']);
    expect(markOverdue(change?.finding ?? unzoned, new Date(deadline + 30 * DAY), config)).toBeNull();
  });

  it('follows the city’s escalateToAdminAfterDays', () => {
    const { finding, deadline } = rectifying();
    const quick = { ...config, findings: { ...config.findings, escalateToAdminAfterDays: 2 } };
    expect(markOverdue(finding, new Date(deadline + 2 * DAY + 1), quick)?.finding.escalation).toBe('admin');
    expect(markOverdue(finding, new Date(deadline + 2 * DAY + 1), config)?.finding.escalation).toBe(
      'supervisor',
    );
  });

  it('applies to transferred cases with a feedback date, and to no other state', () => {
    const { finding, deadline } = (() => {
      const r = findingIn('transferred');
      return { ...r, deadline: Date.parse(r.finding.deadline ?? '') };
    })();
    expect(markOverdue(finding, new Date(deadline + 1), config)?.finding.overdue).toBe(true);
    const noDeadline: Finding = { ...finding };
    delete noDeadline.deadline;
    expect(markOverdue(noDeadline, at(400 * DAY), config)).toBeNull();
    for (const s of ['reported', 'verified', 'resolved', 'revisit_due', 'closed', 'rejected'] as const)
      expect(markOverdue(findingIn(s).finding, at(400 * DAY), config), s).toBeNull();
  });

  it('clears overdue on resolution and on a new deadline, keeping wasOverdue', () => {
    const { finding, deadline } = rectifying();
    const late = new Date(deadline + 8 * DAY);
    const overdue = markOverdue(finding, late, config)?.finding ?? finding;
    const resolved = actAs(officerZ1, overdue, 'resolve', late).finding;
    expect(resolved).toMatchObject({ overdue: false, wasOverdue: true, escalation: 'none' });
    expect(resolved.overdueSince).toBeUndefined();
    expect(resolved.escalatedToAdminAt).toBeUndefined();
    const extended = actAs(supEast, overdue, 'extend_deadline', late);
    expect(extended.finding).toMatchObject({
      status: 'rectifying',
      overdue: false,
      wasOverdue: true,
      escalation: 'none',
    });
    expect(extended.event.data).toMatchObject({ previousDeadline: finding.deadline });
    // The new deadline passing escalates afresh.
    const again = markOverdue(
      extended.finding,
      new Date(Date.parse(extended.finding.deadline ?? '') + 1),
      config,
    );
    expect(again?.notify).toEqual(['supervisor']);
  });
});

describe('revisit', () => {
  it('falls due exactly revisitDelayDays after resolution, once', () => {
    const { finding, now } = findingIn('rectifying');
    const resolved = actAs(officerZ1, finding, 'resolve', now).finding;
    expect(dueForRevisit(resolved, later(now, 30 * DAY - 1), config)).toBeNull();
    const change = dueForRevisit(resolved, later(now, 30 * DAY), config);
    expect(change?.finding).toMatchObject({ status: 'revisit_due', version: resolved.version + 1 });
    expect(change?.event).toMatchObject({ action: 'revisit_due', from: 'resolved', to: 'revisit_due' });
    expect(dueForRevisit(change?.finding ?? resolved, later(now, 31 * DAY), config)).toBeNull();
  });

  it('uses the delay in force at resolution', () => {
    const { finding, now } = findingIn('rectifying');
    const quick = { ...config, findings: { ...config.findings, revisitDelayDays: 3 } };
    const resolved = applyAction(
      finding,
      sampleAction('resolve', finding, now),
      admin,
      adminScope,
      now,
      quick,
    ).finding;
    expect(dueForRevisit(resolved, later(now, 3 * DAY), config)?.finding.status).toBe('revisit_due');
  });

  it('is never due for findings in another state', () => {
    for (const s of FINDING_STATUSES.filter((x) => x !== 'resolved'))
      expect(dueForRevisit(findingIn(s).finding, at(1000 * DAY), config), s).toBeNull();
  });

  it('closes on a confirmed revisit', () => {
    const { finding, now } = findingIn('revisit_due');
    const { finding: closed } = actAs(officerZ1, finding, 'confirm_revisit', now);
    expect(closed).toMatchObject({
      status: 'closed',
      revisitedAt: now.toISOString(),
      closedAt: now.toISOString(),
    });
  });

  it('reopens to rectifying with a new deadline, withdrawing the outcome', () => {
    const { finding, now } = findingIn('revisit_due');
    expect(finding.outcome).toBe('ceased');
    const a = sampleAction('reopen', finding, now, { days: 10 });
    const { finding: reopened, event } = applyAction(finding, a, officerZ1, scopeFor(officerZ1), now, config);
    expect(reopened).toMatchObject({
      status: 'rectifying',
      deadline: deadlineIn(now, 10),
      reopenCount: 1,
      revisitedAt: now.toISOString(),
    });
    expect(reopened.outcome).toBeUndefined();
    expect(reopened.revisitDueAt).toBeUndefined();
    expect(event.data).toEqual({ deadline: deadlineIn(now, 10), previousOutcome: 'ceased' });
    const noDeadline = { action: 'reopen', expectedVersion: finding.version } as unknown as typeof a;
    expect(() => applyAction(finding, noDeadline, officerZ1, scopeFor(officerZ1), now, config)).toThrow();
    // ... and the loop runs again: the new deadline can pass, a new resolution needs a new revisit.
    expect(markOverdue(reopened, later(now, 10 * DAY + 1), config)?.finding.overdue).toBe(true);
    expect(allowedActions(reopened, officerZ1, scopeFor(officerZ1))).toEqual(['resolve']);
  });

  it('never closes a resolved finding before its revisit', () => {
    const { finding, now } = findingIn('resolved');
    const e = caught(() => actAs(admin, finding, 'confirm_revisit', now));
    expect(e).toBeInstanceOf(IllegalActionError);
    expect((e as IllegalActionError).allowedActions).toEqual([]);
  });
});

describe('events', () => {
  it('are frozen, deeply', () => {
    const { finding, now } = findingIn('verified');
    const { event } = applyAction(
      finding,
      sampleAction('transfer', finding, now),
      admin,
      adminScope,
      now,
      config,
    );
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.data)).toBe(true);
    expect(() => {
      (event as { note?: string }).note = 'changed';
    }).toThrow(TypeError);
  });

  it('carry the note and the action’s fields, not expectedVersion', () => {
    const { finding, now } = findingIn('reported');
    const { event } = applyAction(
      finding,
      {
        action: 'reject',
        expectedVersion: 1,
        reason: 'already_licensed',
        uscc: '914403001922038216',
        note: '已办照',
      },
      officerZ1,
      scopeFor(officerZ1),
      now,
      config,
    );
    expect(event).toEqual({
      findingId: 'F-0001',
      version: 2,
      at: now.toISOString(),
      actorId: 'li',
      actorRole: 'zone_officer',
      action: 'reject',
      from: 'reported',
      to: 'rejected',
      note: '已办照',
      data: { reason: 'already_licensed', uscc: '914403001922038216' },
    });
  });
});
