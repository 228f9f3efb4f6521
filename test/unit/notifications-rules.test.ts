/**
 * The outbox's rules (packages/core/src/notifications/rules.ts), table-driven over trigger × role:
 * every person of every role, in and out of the area, is a candidate each time, and each row names
 * exactly who gets an item. Pure: no database.
 */
import {
  deactivationNotifications,
  deadlineReminders,
  Finding,
  type FindingEvent,
  findingAudience,
  findingNotifications,
  type GridTopology,
  type PatrolTask,
  Person,
  planNotifications,
  taskAudience,
  taskNotifications,
} from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

// Two east zones and a west one; C1 lies in Z1, C2 in Z2, CW in ZW.
const topology: GridTopology = {
  version: 1,
  cellZones: new Map([
    ['C1', ['Z1']],
    ['C2', ['Z2']],
    ['CW', ['ZW']],
  ]),
  zoneCells: new Map([
    ['Z1', ['C1']],
    ['Z2', ['C2']],
    ['ZW', ['CW']],
  ]),
  zoneOffice: new Map([
    ['Z1', 'east'],
    ['Z2', 'east'],
    ['ZW', 'west'],
  ]),
};

const person = (id: string, role: Person['role'], rest: Partial<Person> = {}) =>
  Person.parse({ id, name: id, role, ...rest });
/** One of every role in the area of the finding (C1 / Z1, office east), and out of it. */
const EVERYONE = [
  person('admin', 'city_admin'),
  person('sup-east', 'supervisor', { office: 'east' }),
  person('sup-west', 'supervisor', { office: 'west' }),
  person('off-z1', 'zone_officer', { office: 'east', zones: ['Z1'] }),
  person('off-z1-gone', 'zone_officer', { office: 'east', zones: ['Z1'], active: false }),
  person('off-z2', 'zone_officer', { office: 'east', zones: ['Z2'] }),
  person('off-w', 'zone_officer', { office: 'west', zones: ['ZW'] }),
  person('leader-c1', 'grid_leader', { office: 'east', cells: ['C1'] }),
  person('worker-c1', 'grid_worker', { office: 'east', cells: ['C1'] }),
  person('worker-w', 'grid_worker', { office: 'west', cells: ['CW'] }),
  person('vol-c1', 'volunteer', { office: 'east', cells: ['C1'] }),
  person('vol-w', 'volunteer', { office: 'west', cells: ['CW'] }),
];

const AT = '2026-12-07T08:00:00.000Z';
const finding = (over: Partial<Finding> = {}): Finding =>
  Finding.parse({
    id: 'F-1',
    version: 4,
    status: 'rectifying',
    lon: 120,
    lat: 30,
    address: '示范路 1 号',
    businessName: '张三小吃店',
    businessType: 'restaurant',
    kind: 'unlicensed',
    photos: [],
    gridVersion: 1,
    cellId: 'C1',
    zoneId: 'Z1',
    zones: ['Z1'],
    officeId: 'east',
    reporterId: 'vol-c1',
    reporterRole: 'volunteer',
    reportedAt: AT,
    updatedAt: AT,
    updatedBy: 'off-z1',
    overdue: false,
    wasOverdue: false,
    escalation: 'none',
    reopenCount: 0,
    deadline: '2026-12-08T00:00:00.000Z',
    ...over,
  });
const event = (action: FindingEvent['action'], over: Partial<FindingEvent> = {}): FindingEvent => ({
  findingId: 'F-1',
  version: 4,
  at: AT,
  actorId: 'off-z1',
  actorRole: 'zone_officer',
  action,
  from: 'rectifying',
  to: 'rectifying',
  data: {},
  ...over,
});

const UNZONED = { cellId: null, zoneId: null, zones: [], officeId: null };
const notify = (roles: string[]) => ({
  actorId: 'system',
  actorRole: 'system' as const,
  data: { notify: roles },
});

describe('a finding’s steps × every role', () => {
  const rows: [string, Finding, FindingEvent, string[], string][] = [
    [
      'report in Z1',
      finding(),
      event('report', { actorId: 'vol-c1', from: null }),
      ['off-z1'],
      'finding_routed',
    ],
    ['report by the zone’s officer', finding(), event('report', { from: null }), [], 'finding_routed'],
    [
      'report in no zone',
      finding(UNZONED),
      event('report', { actorId: 'vol-c1', from: null }),
      ['admin'],
      'finding_routed',
    ],
    [
      'overdue',
      finding(),
      event('mark_overdue', notify(['supervisor'])),
      ['sup-east'],
      'escalated_to_supervisor',
    ],
    [
      'overdue past the admin delay',
      finding(),
      event('mark_overdue', notify(['supervisor', 'city_admin'])),
      ['admin', 'sup-east'],
      '*',
    ],
    [
      'escalated to the admins',
      finding(),
      event('escalate_to_admin', notify(['city_admin'])),
      ['admin'],
      'escalated_to_admin',
    ],
    [
      'overdue in no zone',
      finding(UNZONED),
      event('mark_overdue', notify(['city_admin'])),
      ['admin'],
      'escalated_to_admin',
    ],
    [
      'transfer',
      finding({ status: 'transferred' }),
      event('transfer', { to: 'transferred' }),
      ['vol-c1'],
      'transfer_sent',
    ],
    [
      'transfer answered',
      finding({ status: 'resolved' }),
      event('resolve', { from: 'transferred', to: 'resolved' }),
      ['vol-c1'],
      'transfer_outcome',
    ],
    [
      'resolved, not transferred',
      finding({ status: 'resolved' }),
      event('resolve', { to: 'resolved' }),
      [],
      '-',
    ],
    [
      'reopen by the supervisor',
      finding(),
      event('reopen', { actorId: 'sup-east', from: 'revisit_due' }),
      ['off-z1'],
      'reopened',
    ],
    ['reopen by the officer', finding(), event('reopen', { from: 'revisit_due' }), [], 'reopened'],
    [
      'verify',
      finding({ status: 'verified' }),
      event('verify', { from: 'reported', to: 'verified' }),
      [],
      '-',
    ],
    ['order rectification', finding(), event('order_rectification', { from: 'verified' }), [], '-'],
  ];
  it.each(rows)('%s', (_name, f, e, who, trigger) => {
    const items = findingNotifications(f, e, EVERYONE, topology);
    expect(items.map((n) => n.recipientId).sort()).toEqual(who);
    for (const n of items) {
      if (trigger !== '*') expect(n.trigger).toBe(trigger);
      expect(n.id).toBe(`finding.F-1.v4.${n.trigger}`);
      expect(n.subject).toEqual({ kind: 'finding', id: 'F-1' });
    }
    // The write path reads only the partitions the rule names, and those hold every recipient.
    const needs = findingAudience(f, e);
    const read = EVERYONE.filter(
      (p) =>
        (needs.zoneOfficersOf !== undefined &&
          p.role === 'zone_officer' &&
          p.zones.includes(needs.zoneOfficersOf)) ||
        (needs.supervisorsOf !== undefined && p.role === 'supervisor' && p.office === needs.supervisorsOf) ||
        (needs.cityAdmins === true && p.role === 'city_admin') ||
        (needs.people ?? []).includes(p.id),
    );
    expect(findingNotifications(f, e, read, topology)).toEqual(items);
  });

  it('tells nobody whose area the finding left (the reporter always reads their own)', () => {
    // An officer listed for Z1 whose scope no longer holds the finding (it moved to Z2's cell).
    const moved = finding({ cellId: 'C2', zoneId: 'Z1', zones: ['Z2'] });
    expect(findingNotifications(moved, event('reopen', { actorId: 'sup-east' }), EVERYONE, topology)).toEqual(
      [],
    );
  });
});

describe('a coming deadline', () => {
  const now = new Date('2026-12-07T12:00:00.000Z');
  it.each([
    ['within the lead time', finding(), 24, ['off-z1']],
    ['beyond it', finding(), 6, []],
    ['passed (the overdue rule speaks)', finding({ deadline: '2026-12-07T11:00:00.000Z' }), 24, []],
    ['already overdue', finding({ overdue: true }), 24, []],
    ['resolved', finding({ status: 'resolved' }), 24, []],
    ['in no zone', finding(UNZONED), 24, ['admin']],
  ] as const)('%s', (_name, f, lead, who) => {
    const items = deadlineReminders(f, EVERYONE, topology, now, lead);
    expect(items.map((n) => n.recipientId).sort()).toEqual(who);
    for (const n of items) expect(n.id).toBe('finding.F-1.due.2026-12-08T000000.000Z.deadline_soon');
  });
});

describe('tasks, plans and people × every role', () => {
  const task = (over: Partial<PatrolTask> = {}) =>
    ({
      id: 'P-abcdef.2026-12-14.am.C1',
      planId: 'P-abcdef',
      officeId: 'east',
      cellId: 'C1',
      zoneId: 'Z1',
      date: '2026-12-14',
      shift: 'am',
      officerId: 'off-z1',
      partnerId: 'worker-c1',
      status: 'assigned',
      version: 3,
      ...over,
    }) as PatrolTask;
  const taskEvent = (action: 'miss' | 'reassign', actor = action === 'miss' ? 'system' : 'sup-east') => ({
    taskId: task().id,
    version: 3,
    at: AT,
    actor: { id: actor, role: 'supervisor' as const },
    action,
    from: 'assigned' as const,
    to: 'assigned' as const,
  });

  it.each([
    ['missed', task(), task({ status: 'missed' }), 'miss', ['sup-east']],
    [
      'missed, city-wide plan',
      task({ officeId: null }),
      task({ officeId: null, status: 'missed' }),
      'miss',
      ['admin'],
    ],
    ['officer replaced', task(), task({ officerId: 'off-z2' }), 'reassign', ['off-z1', 'off-z2']],
    ['moved to another day', task(), task({ date: '2026-12-15' }), 'reassign', ['off-z1', 'worker-c1']],
    [
      'a draft moved',
      task({ status: 'draft' }),
      task({ status: 'draft', officerId: 'off-z2' }),
      'reassign',
      [],
    ],
  ] as const)('%s', (_name, before, after, action, who) => {
    const e = taskEvent(action);
    const needs = taskAudience(before, after, e);
    const items = taskNotifications(before, after, e, EVERYONE, topology);
    expect(items.map((n) => n.recipientId).sort()).toEqual(who);
    // Every recipient is among the people the write path reads for it.
    const named = EVERYONE.filter(
      (p) =>
        (needs.people ?? []).includes(p.id) ||
        (needs.supervisorsOf !== undefined && p.role === 'supervisor' && p.office === needs.supervisorsOf) ||
        (needs.cityAdmins === true && p.role === 'city_admin'),
    ).map((p) => p.id);
    for (const n of items) expect(named).toContain(n.recipientId);
    for (const n of items) expect(n.id).toBe(`task.${after.id}.v3.${n.trigger}`);
  });

  it('a publication: each person of the pairs once, on their first task, with their count', () => {
    const tasks = [
      { id: 't1', officerId: 'off-z1', partnerId: 'worker-c1' },
      { id: 't2', officerId: 'off-z1', partnerId: 'leader-c1' },
      { id: 't3', officerId: 'off-z1-gone', partnerId: 'worker-c1' },
    ];
    const notes = planNotifications(
      { id: 'P-abcdef', officeId: 'east', weekStart: '2026-12-14' },
      tasks,
      EVERYONE,
      'sup-east',
      AT,
    );
    expect([...notes.keys()].sort()).toEqual(['t1|off-z1', 't1|worker-c1', 't2|leader-c1']);
    expect(notes.get('t1|off-z1')).toMatchObject({
      trigger: 'plan_published',
      data: { tasks: 2 },
      id: 'plan.P-abcdef.plan_published',
    });
    expect(notes.get('t1|worker-c1')?.data.tasks).toBe(2);
  });

  it('a deactivation: the office’s supervisor, not the admin who did it nor anyone else', () => {
    const worker = person('worker-c1', 'grid_worker', { office: 'east', cells: ['C1'], active: false });
    const items = deactivationNotifications(worker, 5, EVERYONE, topology, 'admin', AT);
    expect(items.map((n) => [n.recipientId, n.id])).toEqual([
      ['sup-east', 'person.worker-c1.v5.person_deactivated'],
    ]);
  });
});
