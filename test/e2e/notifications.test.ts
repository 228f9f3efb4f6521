/**
 * The outbox through the real server (issue 17, docs/decisions/0052): each trigger, driven through
 * the API or the jobs, leaves exactly the expected notifications with exactly the expected people
 * (every notification item of the table is read before and after, so anyone else getting one fails it);
 * a retried report or action writes no second one; the list, mark read, read-all and /me's count.
 */

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, type PatrolTask, planningWeekStart } from '@gridpatrol/core';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { documentClient, tableName } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

let api: TestApi;
/** A point in one of worker-liu's cells, and the zone it is routed to. */
let point: { lon: number; lat: number };
let zone: string;
/** Every zone officer of that zone: who hears of a finding there. */
let zoneOfficers: string[];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const get = async (path: string, as = 'admin') => (await api.call('GET', path, { as })).body;
const act = (as: string, id: string, body: Record<string, unknown>) =>
  api.call('POST', `/findings/${id}/actions`, { as, body });

/**
 * Every notification item of the table as `person id → trigger`: one Scan of the test's own small
 * table, so that an item for anyone at all (not only the people listed) shows.
 */
async function inboxes(): Promise<Map<string, Map<string, string>>> {
  const all = new Map<string, Map<string, string>>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'entity = :n',
        ExpressionAttributeValues: { ':n': 'notification' },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) {
      const mine = all.get(String(i.recipientId)) ?? new Map<string, string>();
      mine.set(String(i.id), String(i.trigger));
      all.set(String(i.recipientId), mine);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return all;
}

/** What `step` added, as sorted `person trigger` lines (one per item). */
async function added(step: () => Promise<unknown>): Promise<string[]> {
  const before = await inboxes();
  await step();
  const after = await inboxes();
  const lines: string[] = [];
  for (const [person, items] of after)
    for (const [id, trigger] of items) if (!before.get(person)?.has(id)) lines.push(`${person} ${trigger}`);
  return lines.sort();
}
const expected = (people: readonly string[], trigger: string) => people.map((p) => `${p} ${trigger}`).sort();

const putPerson = (id: string, body: Record<string, unknown>) =>
  api.call('PUT', `/people/${id}`, { as: 'admin', body: { name: id, ...body } });

beforeAll(async () => {
  api = await startTestApi('demo');
  const liu = await get('/me', 'worker-liu');
  for (const c of liu.cells) {
    const p = await pointInCell(get, c, (r) => r.primaryZone !== null);
    if (p) {
      point = p;
      zone = p.primaryZone as string;
      break;
    }
  }
  // A second officer in the zone (one item each), and one deactivated (none for them).
  for (const id of ['officer-extra', 'officer-gone'])
    expect((await putPerson(id, { role: 'zone_officer', office: 'office-east', zones: [zone] })).status).toBe(
      201,
    );
  const off = await putPerson('officer-gone', {
    role: 'zone_officer',
    office: 'office-east',
    zones: [zone],
    active: false,
  });
  expect(off.status, off.text).toBe(200);
  const officers = await get(`/people?zone=${zone}&role=zone_officer&limit=200`);
  zoneOfficers = officers.items.filter((p: { active: boolean }) => p.active).map((p: { id: string }) => p.id);
  expect(zoneOfficers).toContain('officer-extra');
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('each trigger writes one item per expected person, and nobody else gets one', () => {
  let reported: string;
  let rectifying: string;
  let deadline: number;

  it('a report: the zone’s officers; retried under its key: nothing more', async () => {
    const key = 'notify-report-1';
    const post = () =>
      api.call('POST', '/findings', {
        as: 'worker-liu',
        body: reportBody(point, '通知小吃店'),
        headers: { 'idempotency-key': key },
      });
    const lines = await added(async () => {
      const res = await post();
      expect(res.status, res.text).toBe(201);
      reported = res.body.id;
    });
    expect(lines).toEqual(expected(zoneOfficers, 'finding_routed'));
    expect(zoneOfficers).not.toContain('officer-gone');
    const again = await added(async () => {
      const res = await post();
      expect(res.headers.get('idempotent-replayed')).toBe('true');
    });
    expect(again).toEqual([]);
  });

  it('a transfer: the reporter; the same action retried: nothing more; its outcome: the reporter', async () => {
    expect((await act('officer-extra', reported, { action: 'verify', expectedVersion: 1 })).status).toBe(200);
    const transfer = {
      action: 'transfer',
      expectedVersion: 2,
      department: api.config.departments[0]?.id,
      receiptNo: 'WJ-17',
    };
    expect(
      await added(async () => expect((await act('officer-extra', reported, transfer)).status).toBe(200)),
    ).toEqual(['worker-liu transfer_sent']);
    expect(
      await added(async () => {
        const res = await act('officer-extra', reported, transfer);
        expect(res.headers.get('idempotent-replayed')).toBe('true');
      }),
    ).toEqual([]);
    const resolve = { action: 'resolve', expectedVersion: 3, outcome: 'ceased' };
    expect(
      await added(async () => expect((await act('officer-extra', reported, resolve)).status).toBe(200)),
    ).toEqual(['worker-liu transfer_outcome']);
  });

  it('a coming deadline: the zone’s officers once; overdue: the supervisor; later: the admins', async () => {
    const res = await api.call('POST', '/findings', { as: 'admin', body: reportBody(point, '限期面馆') });
    expect(res.status, res.text).toBe(201);
    rectifying = res.body.id;
    deadline = Date.now() + 10 * HOUR;
    expect((await act('officer-extra', rectifying, { action: 'verify', expectedVersion: 1 })).status).toBe(
      200,
    );
    const order = {
      action: 'order_rectification',
      expectedVersion: 2,
      deadline: new Date(deadline).toISOString(),
    };
    // Verifying and ordering tell nobody.
    expect(
      await added(async () => expect((await act('officer-extra', rectifying, order)).status).toBe(200)),
    ).toEqual([]);
    // Outside the lead time (24 h in the demo city): nothing yet.
    expect(await added(() => runJob('deadline', new Date(deadline - 30 * HOUR)))).toEqual([]);
    expect(await added(() => runJob('deadline', new Date(deadline - 2 * HOUR)))).toEqual(
      expected(zoneOfficers, 'deadline_soon'),
    );
    expect(await added(() => runJob('deadline', new Date(deadline - HOUR)))).toEqual([]);
    expect(await added(() => runJob('deadline', new Date(deadline + HOUR)))).toEqual([
      'sup-east escalated_to_supervisor',
    ]);
    expect(await added(() => runJob('deadline', new Date(deadline + 8 * DAY)))).toEqual([
      'admin escalated_to_admin',
    ]);
  });

  it('a reopen: the zone’s officers but the one who reopened it', async () => {
    // Reported, verified, ordered, overdue, escalated to the admins: version 5.
    const resolve = { action: 'resolve', expectedVersion: 5, outcome: 'ceased' };
    const res = await act('officer-extra', rectifying, resolve);
    expect(res.status, res.text).toBe(200);
    expect(await added(() => runJob('revisit', new Date(Date.parse(res.body.revisitDueAt) + HOUR)))).toEqual(
      [],
    );
    const reopen = {
      action: 'reopen',
      expectedVersion: 7,
      deadline: new Date(Date.now() + 5 * DAY).toISOString(),
    };
    expect(
      await added(async () => {
        const r = await act('officer-extra', rectifying, reopen);
        expect(r.status, r.text).toBe(200);
      }),
    ).toEqual(
      expected(
        zoneOfficers.filter((p) => p !== 'officer-extra'),
        'reopened',
      ),
    );
  });

  it('a deactivation: the person’s supervisor', async () => {
    expect(
      (await putPerson('officer-late', { role: 'zone_officer', office: 'office-east', zones: [zone] }))
        .status,
    ).toBe(201);
    expect(
      await added(async () => {
        const res = await putPerson('officer-late', {
          role: 'zone_officer',
          office: 'office-east',
          zones: [zone],
          active: false,
        });
        expect(res.status, res.text).toBe(200);
      }),
    ).toEqual(['sup-east person_deactivated']);
  });
});

describe('plans and tasks', () => {
  let tasks: PatrolTask[];

  it('a publication: each person of its pairs once, with their number of tasks', async () => {
    const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
    const draft = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: week } });
    expect(draft.status, draft.text).toBe(201);
    tasks = draft.body.tasks;
    const counts = new Map<string, number>();
    for (const t of tasks)
      for (const p of [t.officerId, t.partnerId]) counts.set(p, (counts.get(p) ?? 0) + 1);
    let published: PatrolTask[] = [];
    expect(
      await added(async () => {
        const res = await api.call('POST', `/plans/${draft.body.id}/publish`, { as: 'sup-east' });
        expect(res.status, res.text).toBe(200);
        published = (await get(`/plans/${draft.body.id}?limit=500`, 'sup-east')).tasks;
      }),
    ).toEqual(expected([...counts.keys()], 'plan_published'));
    tasks = published;
    for (const [person, n] of counts) {
      const mine = (await get('/me/notifications', person)).items.find(
        (x: { trigger: string }) => x.trigger === 'plan_published',
      );
      expect(mine.data.tasks, person).toBe(n);
      expect(mine.link).toBe(`/plans/${draft.body.id}`);
    }
  });

  it('a reassignment: the officer put on it and the one taken off it', async () => {
    const t = tasks[0] as PatrolTask;
    const officer = await get(`/people/${t.officerId}`);
    expect(
      (
        await putPerson('officer-spare', {
          role: 'zone_officer',
          office: 'office-east',
          zones: officer.zones,
          capacity: 10,
        })
      ).status,
    ).toBe(201);
    expect(
      await added(async () => {
        const res = await api.call('POST', `/plans/${t.planId}/tasks/${t.id}/reassign`, {
          as: 'sup-east',
          body: { expectedVersion: t.version, officerId: 'officer-spare' },
        });
        expect(res.status, res.text).toBe(200);
      }),
    ).toEqual([`${t.officerId} task_reassigned`, 'officer-spare task_reassigned'].sort());
  });

  it('a missed task: its office’s supervisor, one item per task', async () => {
    const last = Math.max(...tasks.map((t) => Date.parse(t.shiftEnd)));
    const late = new Date(last + DAY);
    const lines = await added(async () =>
      expect((await runJob('missed-tasks', late)).changed).toBe(tasks.length),
    );
    expect(lines).toEqual(tasks.map(() => 'sup-east task_missed'));
  });
});

describe('the list, read marks and the count', () => {
  it('lists unread first, marks one read, then all, and /me counts what is unread', async () => {
    const me = await get('/me', 'officer-extra');
    const list = await get('/me/notifications', 'officer-extra');
    expect(me.unreadNotifications).toBe(list.items.length);
    expect(list.items.length).toBeGreaterThan(1);
    const first = list.items[list.items.length - 1];
    expect(first).toMatchObject({ read: false, link: expect.stringMatching(/^\/findings\/F-/) });
    expect(first.text.length).toBeGreaterThan(5);

    const read = await api.call('POST', `/me/notifications/${first.id}/read`, { as: 'officer-extra' });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ id: first.id, read: true });
    const after = await get('/me/notifications', 'officer-extra');
    expect(after.items.at(-1)).toMatchObject({ id: first.id, read: true });
    expect(after.items.slice(0, -1).every((n: { read: boolean }) => !n.read)).toBe(true);
    expect((await get('/me', 'officer-extra')).unreadNotifications).toBe(list.items.length - 1);

    // Another person's notification is as missing as one that does not exist.
    const theirs = await api.call('POST', `/me/notifications/${first.id}/read`, { as: 'sup-west' });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('not_found');
    const zh = await api.call('POST', '/me/notifications/nothing.here/read', {
      as: 'officer-extra',
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(zh.status).toBe(404);
    expect(zh.body.error.message).toContain('通知');

    const all = await api.call('POST', '/me/notifications/read-all', { as: 'officer-extra' });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toEqual({ marked: list.items.length - 1, more: false });
    expect((await get('/me', 'officer-extra')).unreadNotifications).toBe(0);
  });

  it('refuses a bad limit naming it', async () => {
    const res = await api.call('GET', '/me/notifications?limit=0', { as: 'officer-extra' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('query.limit');
  });
});

describe('a person’s notification settings', () => {
  const put = (body: unknown, headers: Record<string, string> = {}) =>
    api.call('PUT', '/me/notification-settings', { as: 'worker-sun', body, headers });

  it('starts from the defaults, and keeps what the person chose (theirs only)', async () => {
    expect(await get('/me/notification-settings', 'worker-sun')).toEqual({ optOut: [], digest: false });
    const chosen = { optOut: ['dingtalk'], phone: '+8613900139000', email: 'sun@example.cn', digest: true };
    const res = await put(chosen);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(chosen);
    expect(await get('/me/notification-settings', 'worker-sun')).toEqual(chosen);
    expect(await get('/me/notification-settings', 'worker-liu')).toEqual({ optOut: [], digest: false });
  });

  it('refuses a bad phone, e-mail, channel or field, naming it, in both languages; nothing is stored', async () => {
    const before = await get('/me/notification-settings', 'worker-sun');
    const cases: [unknown, string][] = [
      [{ phone: '12345' }, 'body.phone'],
      [{ email: 'not-an-address' }, 'body.email'],
      [{ optOut: ['fax'] }, 'body.optOut'],
      [{ digest: 'yes' }, 'body.digest'],
      [{ pager: '123' }, 'body.pager'],
    ];
    for (const [body, path] of cases) {
      const res = await put(body);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.details[0].path, res.text).toMatch(new RegExp(`^${path.replace('.', '\\.')}`));
    }
    const zh = await put({ phone: '12345' }, { 'accept-language': 'zh-CN' });
    expect(zh.body.error.details[0].message).toContain('手机号');
    expect(await get('/me/notification-settings', 'worker-sun')).toEqual(before);
  });
});
