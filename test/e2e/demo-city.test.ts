/**
 * The demo city as `npm start` seeds it (issue 16): an officer for every zone, a grid partner for
 * every zoned cell, people on leave, one 回避 conflict, volunteers, findings in every state, and an
 * office-east plan that covers most of its demand (the small seed of the tests covered 10 of 220).
 */
import { addDays, FINDING_STATUSES, planningWeekStart } from '@gridpatrol/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
// biome-ignore lint/suspicious/noExplicitAny: people as the API answers them
let people: any[];

beforeAll(async () => {
  api = await startTestApi('demo', { fullSeed: true });
  people = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `/people?limit=200${cursor ? `&cursor=${cursor}` : ''}`, {
      as: 'admin',
    });
    expect(page.status, page.text).toBe(200);
    people.push(...page.body.items);
    cursor = page.body.cursor;
  } while (cursor);
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('the demo city of npm start', () => {
  it('keeps the people the tests know, and staffs every zone and every zoned cell', async () => {
    const ids = new Set(people.map((p) => p.id));
    for (const id of [
      'admin',
      'sup-east',
      'officer-li',
      'officer-zhao',
      'leader-chen',
      'worker-liu',
      'worker-he',
    ])
      expect(ids, id).toContain(id);
    const coverage = await api.call('GET', '/grid/coverage', { as: 'admin' });
    const zones = await api.call('GET', '/zones?limit=100', { as: 'admin' });
    expect(zones.status, zones.text).toBe(200);
    for (const z of zones.body.items)
      expect(
        people.some((p) => p.role === 'zone_officer' && p.zones.includes(z.id)),
        z.id,
      ).toBe(true);
    const unzoned = new Set(
      coverage.body.unzonedCells.map((c: { cellId?: string } | string) =>
        typeof c === 'string' ? c : c.cellId,
      ),
    );
    const cells = await api.call('GET', '/cells?limit=500', { as: 'admin' });
    const partnered = new Set(
      people.filter((p) => p.role === 'grid_leader' || p.role === 'grid_worker').flatMap((p) => p.cells),
    );
    const lonely = cells.body.items
      .map((c: { id: string }) => c.id)
      .filter((id: string) => !unzoned.has(id) && !partnered.has(id));
    expect(lonely).toEqual([]);
    expect(people.filter((p) => p.availability.datesOff.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(people.filter((p) => p.conflictCells.length > 0)).toHaveLength(1);
    expect(people.filter((p) => p.role === 'volunteer').length).toBeGreaterThanOrEqual(3);
  });

  it('has findings in every state, some overdue and some reopened', async () => {
    for (const status of FINDING_STATUSES) {
      const res = await api.call('GET', `/findings?status=${status}&limit=5`, { as: 'admin' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.length, status).toBeGreaterThan(0);
    }
    const rectifying = await api.call('GET', '/findings?status=rectifying&limit=100', { as: 'admin' });
    const items: { overdue: boolean; reopenCount: number }[] = rectifying.body.items;
    expect(items.some((f) => f.overdue)).toBe(true);
    expect(items.some((f) => f.reopenCount > 0)).toBe(true);
  });

  it('plans office-east with most of its demand covered', async () => {
    const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
    const res = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: week } });
    expect(res.status, res.text).toBe(201);
    const { demand, assigned } = res.body.metrics;
    expect(assigned / demand).toBeGreaterThan(0.5);
    expect(new Set(res.body.tasks.map((t: { officerId: string }) => t.officerId)).size).toBeGreaterThan(5);
  });
});
