/**
 * A joint patrol from plan to record, through the local server over the demo seed (issue 6, "Done
 * means"): a supervisor drafts next-but-one week, moves a task to another free slot, publishes; the
 * officer and the grid partner both see the task in /me/tasks; a check-in 500 m outside the cell is
 * refused with the distance; both check in inside; the officer completes; the task counts as a
 * joint patrol, in the task and in the counters. The tasks routes' clock is set to the shift.
 */
import { randomUUID } from 'node:crypto';
import { addDays, type PatrolTask, planningWeekStart } from '@gridpatrol/core';
import { metresPerDegreeLon } from '@gridpatrol/core/geo/measure';
import { getCounters } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

let api: TestApi;
let setClock: (fn?: () => Date) => void;

const step = (as: string, path: string, body: unknown) =>
  api.call('POST', path, { as, body, headers: { 'idempotency-key': randomUUID() } });

beforeAll(async () => {
  api = await startTestApi('demo');
  setClock = (await import('@gridpatrol/functions/handlers/tasks')).setTasksClock;
}, 120_000);
afterAll(async () => {
  setClock?.();
  await api?.close();
});

describe('a joint patrol from draft to record', () => {
  it('drafts, reassigns, publishes; both partners see it, check in inside, complete: joint', async () => {
    const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
    const draft = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: week } });
    expect(draft.status, draft.text).toBe(201);
    expect(draft.body.status).toBe('draft');
    const planId: string = draft.body.id;
    const task = draft.body.tasks[0] as PatrolTask;
    expect(task).toBeDefined();

    // Reassign: move the task to another slot of the week; slots that break a rule are 422s naming it.
    let moved: PatrolTask | undefined;
    const slots = Array.from({ length: 7 }, (_, d) => addDays(week, d)).flatMap((date) =>
      api.config.patrols.planner.shifts.map((shift) => ({ date, shift })),
    );
    for (const slot of slots) {
      if (slot.date === task.date && slot.shift === task.shift) continue;
      const res = await api.call('POST', `/plans/${planId}/tasks/${task.id}/reassign`, {
        as: 'sup-east',
        body: { expectedVersion: 1, ...slot },
      });
      if (res.status === 200) {
        moved = res.body;
        break;
      }
      expect(res.status, res.text).toBe(422);
      for (const d of res.body.error.details) expect(d.message).toMatch(/^\[[a-z_]+\]/);
    }
    if (!moved) throw new Error('no free slot to move the task to');
    expect(moved).toMatchObject({
      id: task.id,
      version: 2,
      officerId: task.officerId,
      partnerId: task.partnerId,
    });
    expect(`${moved.date}.${moved.shift}`).not.toBe(`${task.date}.${task.shift}`);

    // A draft is the managers' until published: its pair does not see it yet.
    expect((await api.call('GET', `/tasks/${task.id}/history`, { as: moved.officerId })).status).toBe(404);
    expect((await api.call('GET', `/tasks/${task.id}/history`, { as: 'sup-east' })).status).toBe(200);

    const published = await api.call('POST', `/plans/${planId}/publish`, { as: 'sup-east' });
    expect(published.status, published.text).toBe(200);
    expect(published.body.status).toBe('published');

    // Both partners see it in their schedule, with the cell, the partner and the shift.
    const range = `from=${week}&to=${addDays(week, 6)}`;
    const seen = async (as: string) => {
      const res = await api.call('GET', `/me/tasks?${range}`, { as });
      expect(res.status, res.text).toBe(200);
      return res.body.items.find((t: { id: string }) => t.id === task.id);
    };
    const forOfficer = await seen(moved.officerId);
    const forPartner = await seen(moved.partnerId);
    expect(forOfficer).toMatchObject({
      status: 'assigned',
      as: 'officer',
      cell: { id: moved.cellId, geometry: { type: expect.stringMatching(/Polygon/) } },
      partner: { id: moved.partnerId },
      shift: { date: moved.date, name: moved.shift },
      visit: { position: expect.any(Number) },
    });
    expect(forPartner).toMatchObject({ as: 'partner', partner: { id: moved.officerId } });

    // In the shift: a check-in 500 m east of the cell is refused with the distance.
    setClock(() => new Date(Date.parse(moved.shiftStart) + 10 * 60_000));
    const inside = await pointInCell(
      async (path) => (await api.call('GET', path, { as: 'admin' })).body,
      moved.cellId,
    );
    if (!inside) throw new Error(`no inside point for ${moved.cellId}`);
    const ring = (
      forOfficer.cell.geometry.type === 'Polygon'
        ? forOfficer.cell.geometry.coordinates[0]
        : forOfficer.cell.geometry.coordinates[0][0]
    ) as [number, number][];
    // 500 m due east of the cell's easternmost vertex: that vertex is the nearest point of the cell.
    const [eastLon, eastLat] = ring.reduce((a, b) => (b[0] > a[0] ? b : a));
    const far = { lon: eastLon + 500 / metresPerDegreeLon(eastLat), lat: eastLat, accuracyM: 5 };
    const refused = await step(moved.officerId, `/tasks/${task.id}/check-in`, far);
    expect(refused.status, refused.text).toBe(422);
    const metres = Number(/(\d+) m outside/.exec(refused.body.error.message)?.[1]);
    expect(metres).toBeGreaterThanOrEqual(495);
    expect(metres).toBeLessThanOrEqual(505);

    for (const who of [moved.officerId, moved.partnerId]) {
      const res = await step(who, `/tasks/${task.id}/check-in`, {
        lon: inside.lon,
        lat: inside.lat,
        accuracyM: 8,
      });
      expect(res.status, res.text).toBe(200);
    }
    await api.settle();
    const before =
      (await getCounters([`cell#${moved.cellId}`]))[`cell#${moved.cellId}`]?.['tasks:joint'] ?? 0;
    const done = await step(moved.officerId, `/tasks/${task.id}/complete`, {
      checks: { safety: 'ok', food: 'not_applicable', license: 'issue' },
      note: '联合巡查完成',
      findingIds: [],
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', completion: { joint: true, missing: [] } });
    expect(done.body.checkIns.map((c: { personId: string }) => c.personId).sort()).toEqual(
      [moved.officerId, moved.partnerId].sort(),
    );
    await api.settle();
    const after = (await getCounters([`cell#${moved.cellId}`]))[`cell#${moved.cellId}`]?.['tasks:joint'] ?? 0;
    expect(after).toBe(before + 1);
    expect((await seen(moved.partnerId)).status).toBe('completed');

    // Who did what and when is kept (DOMAIN.md "Integrity"): the pair and the office read it, others not.
    const history = await api.call('GET', `/tasks/${task.id}/history`, { as: moved.partnerId });
    expect(history.status, history.text).toBe(200);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual([
      'plan',
      'reassign',
      'publish',
      'check_in',
      'check_in',
      'complete',
    ]);
    expect(history.body.items.map((e: { version: number }) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.body.items[1]).toMatchObject({
      actor: { id: 'sup-east' },
      detail: { to: { date: moved.date } },
    });
    expect((await api.call('GET', `/tasks/${task.id}/history`, { as: 'sup-east' })).status).toBe(200);
    expect((await api.call('GET', `/tasks/${task.id}/history`, { as: 'sup-west' })).status).toBe(404);
    expect((await api.call('GET', `/tasks/${task.id}/history`, { as: 'worker-he' })).status).toBe(404);
  });
});
