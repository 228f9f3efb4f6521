/**
 * Sizes (issue 21.2): no request, however large its strings and lists, may reach DynamoDB's 400 KB
 * item limit and come back as a 500. Every route of the manifest with a body is attacked field by
 * field (a 1 MB string, a list of 100,000 items; derived from the schemas, test/support/schema-walk),
 * and must answer 4xx naming the field; then the exact cases the attack run found.
 */
import { ROUTES, type RouteDef, routeKey } from '@gridpatrol/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import {
  callerOf,
  concretePath,
  detailPath,
  leavesOf,
  sampleOf,
  variantsOf,
  withValue,
} from '../support/schema-walk';

const MB_STRING = 'x'.repeat(1024 * 1024);
const HUGE_LIST = 100_000;

let api: TestApi;
let liu: { cells: string[] };
/** A cell of the active grid that is not one of worker-liu's. */
let foreignCell: string;

beforeAll(async () => {
  api = await startTestApi('demo');
  liu = (await api.call('GET', '/me', { as: 'worker-liu' })).body;
  foreignCell = (await api.call('GET', '/me', { as: 'worker-he' })).body.cells[0];
});
afterAll(async () => {
  await api?.close();
});

const withBodies = (ROUTES as readonly RouteDef[]).filter((r) => r.request?.body !== undefined);

describe('every body field of every route, made huge', () => {
  it('finds the routes with a body', () => {
    expect(withBodies.map(routeKey)).toContain('PUT /people/{id}');
    expect(withBodies.length).toBeGreaterThanOrEqual(10);
  });

  for (const route of withBodies) {
    it(`${routeKey(route)}: each huge string and list is a 4xx naming it`, async () => {
      const body = route.request?.body as Parameters<typeof variantsOf>[0];
      const failures: string[] = [];
      for (const variant of variantsOf(body)) {
        const base = sampleOf(variant);
        for (const leaf of leavesOf(variant)) {
          const huge = leaf.kind === 'string' ? MB_STRING : Array(HUGE_LIST).fill(leaf.element);
          const res = await api.call(route.method, concretePath(route), {
            as: callerOf(route),
            body: withValue(base, leaf.path, huge),
            headers: { 'idempotency-key': `sizes-${Math.random().toString(36).slice(2)}` },
          });
          const where = detailPath('body', leaf.path);
          const named = (res.body?.error?.details ?? []).some(
            (d: { path: string }) =>
              d.path === where || d.path.startsWith(`${where}[`) || d.path.startsWith(`${where}.`),
          );
          if (res.status < 400 || res.status >= 500 || !named)
            failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('every string and list of every request schema (path, query and body)', () => {
  it('refuses a 1 MB string and a list of 100,000 items on its own', () => {
    const unbounded: string[] = [];
    for (const route of ROUTES as readonly RouteDef[])
      for (const where of ['params', 'query', 'body'] as const) {
        const schema = route.request?.[where];
        if (!schema) continue;
        for (const variant of variantsOf(schema))
          for (const leaf of leavesOf(variant)) {
            const huge = leaf.kind === 'string' ? MB_STRING : Array(HUGE_LIST).fill(leaf.element);
            if (leaf.schema.safeParse(huge).success)
              unbounded.push(`${routeKey(route)} ${detailPath(where, leaf.path)}`);
          }
      }
    expect(unbounded).toEqual([]);
  });
});

describe('PUT /people/{id}: the cases of the attack run', () => {
  const put = (id: string, extra: Record<string, unknown>) =>
    api.call('PUT', `/people/${id}`, {
      as: 'admin',
      body: { name: id, role: 'grid_worker', office: 'office-east', cells: liu.cells, ...extra },
    });

  it('refuses one 1 MB conflict cell, two of 300 KB and 50,000 of them with 400 naming the list', async () => {
    const one = await put('big-1', { conflictCells: [MB_STRING] });
    expect(one.status).toBe(400);
    expect(one.body.error.details).toContainEqual(expect.objectContaining({ path: 'body.conflictCells[0]' }));
    const two = await put('big-2', { conflictCells: ['a'.repeat(300_000), 'b'.repeat(300_000)] });
    expect(two.status).toBe(400);
    expect(two.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.conflictCells[0]',
      'body.conflictCells[1]',
    ]);
    const many = await put('big-3', { conflictCells: Array.from({ length: 50_000 }, (_, i) => `C${i}`) });
    expect(many.status).toBe(400);
    expect(many.body.error.details).toEqual([
      { path: 'body.conflictCells', message: expect.stringMatching(/100/) },
    ]);
    for (const id of ['big-1', 'big-2', 'big-3'])
      expect((await api.call('GET', `/people/${id}`, { as: 'admin' })).status).toBe(404);
  });

  it('refuses 100,000 days off with 400, and a day off years away with 422 naming it', async () => {
    const dates = Array.from({ length: 100_000 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    );
    const many = await put('off-1', { availability: { datesOff: dates } });
    expect(many.status).toBe(400);
    expect(many.body.error.details).toEqual([
      { path: 'body.availability.datesOff', message: expect.stringMatching(/731/) },
    ]);
    const far = await put('off-2', { availability: { datesOff: ['2999-01-01'] } });
    expect(far.status).toBe(422);
    expect(far.body.error.details).toEqual([
      { path: 'body.availability.datesOff[0]', message: expect.stringMatching(/^must be between/) },
    ]);
  });

  it('accepts conflict cells of the person’s area and refuses unknown or foreign ones with 422 naming each', async () => {
    const ok = await put('conflict-ok', { conflictCells: [liu.cells[0]] });
    expect(ok.status).toBe(201);
    expect(ok.body.conflictCells).toEqual([liu.cells[0]]);
    const bad = await put('conflict-bad', { conflictCells: [liu.cells[1], 'C-nowhere', foreignCell] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([
      { path: 'body.conflictCells[1]', message: "no cell 'C-nowhere' in the active grid" },
      { path: 'body.conflictCells[2]', message: `cell '${foreignCell}' is not in this person's area` },
    ]);
    expect((await api.call('GET', '/people/conflict-bad', { as: 'admin' })).status).toBe(404);
  });
});

describe('POST /plans: the week', () => {
  it('refuses a week in year 2999 with 422 naming weekStart', async () => {
    const res = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: '2999-01-07' } });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { path: 'body.weekStart', message: expect.stringMatching(/^must be between/) },
    ]);
  });
});

describe('POST /baselines: the reference date', () => {
  it('refuses year 0001 with 422 naming body.asOf, and stores nothing', async () => {
    for (const asOf of ['0001-01-01', '0001-01-01T00:00:00Z']) {
      const res = await api.call('POST', '/baselines', { as: 'admin', body: { label: '远古摸排', asOf } });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.details).toEqual([
        { path: 'body.asOf', message: expect.stringMatching(/^must be between/) },
      ]);
    }
    const list = await api.call('GET', '/baselines', { as: 'admin' });
    expect(list.body.items.map((b: { label: string }) => b.label)).not.toContain('远古摸排');
  });
});
