/**
 * Attack category: pagination cursors (issue 21.1). Every list route of the manifest that takes a
 * `cursor` is walked with an honest cursor, then sent tampered, cut short, made-up, foreign-route,
 * foreign-caller and other-query cursors: each must be a 400 `invalid_cursor` on `query.cursor`,
 * never a 500 from DynamoDB. The store's own decoders are checked too (defence in depth).
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@gridpatrol/core';
import { ROUTES, type RouteDef, routeKey } from '@gridpatrol/functions';
import { syntheticCity } from '@gridpatrol/local';
import { documentClient, pageOfIds, partitionPage, tableName, taskEventItem } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely
type Json = any;

/** One list request with more than one page, and what to vary for the replay cases. */
interface ListCase {
  readonly as: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  /** Another person allowed on the route, asking the same. */
  readonly otherCaller: string;
  /** The same route asked for something else (other filters or another path id). */
  readonly other?: { readonly path?: string; readonly query?: Record<string, string> };
}

const CURSOR_ROUTES = (ROUTES as readonly RouteDef[]).filter(
  (r) => r.request?.query !== undefined && 'cursor' in r.request.query.shape,
);

let api: TestApi;
let cases: Record<string, ListCase>;

const url = (path: string, query: Record<string, string | undefined>) => {
  const q = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  return q ? `${path}?${q}` : path;
};

/** An admin's page of grid version 1 of a versioned list, and the same of version 2. */
const ofGridVersion = (path: string): ListCase => ({
  as: 'admin',
  path,
  query: { version: '1' },
  otherCaller: 'sup-east',
  other: { query: { version: '2' } },
});

/** The page's items, whatever the list calls them. */
const itemsOf = (body: Json): unknown[] => body.items ?? body.features ?? body.tasks ?? [];

const page = (c: ListCase, cursor?: string, as = c.as, limit = '1', over: ListCase['other'] = {}) =>
  api.call('GET', url(over.path ?? c.path, { ...(over.query ?? c.query), limit, cursor }), { as });

function expectInvalidCursor(res: TestResponse) {
  expect(res.status, res.text.slice(0, 300)).toBe(400);
  expect(res.body.error.code).toBe('invalid_cursor');
  expect(res.body.error.details).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
}

async function firstCursor(key: string): Promise<string> {
  const c = cases[key] as ListCase;
  const res = await page(c);
  expect(res.status, `${key}: ${res.text.slice(0, 300)}`).toBe(200);
  expect(typeof res.body.cursor, `${key} hands out no cursor at limit=1`).toBe('string');
  return res.body.cursor;
}

beforeAll(async () => {
  api = await startTestApi();
  const admin = async (method: string, path: string, body?: unknown, as = 'admin') => {
    const res = await api.call(method, path, { as, body, headers: { 'idempotency-key': randomUUID() } });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const me = await admin('GET', '/me', undefined, 'worker-liu');
  const at = await pointInCell((p) => admin('GET', p), me.cells[0]);
  if (!at) throw new Error('no point in worker-liu’s cell');
  const f1 = await admin('POST', '/findings', reportBody(at, '游标一号小吃店'), 'worker-liu');
  const f2 = await admin('POST', '/findings', reportBody(at, '游标二号五金店'), 'worker-liu');
  await admin('POST', `/findings/${f1.id}/actions`, { action: 'verify', expectedVersion: 1 });
  await admin('POST', `/findings/${f2.id}/actions`, { action: 'verify', expectedVersion: 1 });
  // A third report there: the zone's officer has three notifications to page through (issue 17).
  await admin('POST', '/findings', reportBody(at, '游标三号理发店'));
  const officers = await admin('GET', `/people?zone=${at.primaryZone}&role=zone_officer`);
  const zoneOfficer: string = officers.items[0].id;
  const small = syntheticCity({ cells: 12, seed: 3, offices: ['office-east'] });
  await admin('POST', '/grid/imports', {
    cells: { type: 'FeatureCollection', features: small.cells },
    zones: { type: 'FeatureCollection', features: small.zones },
  });
  const monday = new Date();
  monday.setUTCDate(monday.getUTCDate() + 35 - ((monday.getUTCDay() + 6) % 7));
  const week1 = monday.toISOString().slice(0, 10);
  monday.setUTCDate(monday.getUTCDate() + 7);
  const week2 = monday.toISOString().slice(0, 10);
  const p1 = await admin('POST', '/plans', { weekStart: week1 }, 'sup-east');
  const p2 = await admin('POST', '/plans', { weekStart: week2 }, 'sup-east');
  const taskAt = (date: string) => ({
    planId: 'P-cursor01',
    cellId: me.cells[0],
    zoneId: at.primaryZone ?? 'Z-001',
    officeId: 'office-east',
    officerId: 'officer-li',
    partnerId: 'worker-liu',
    date,
    shift: 's1',
    shiftStart: `${date}T01:00:00.000Z`,
    shiftEnd: `${date}T04:00:00.000Z`,
  });
  const task = await writePublishedTask(taskAt(week1));
  const task2 = await writePublishedTask({ ...taskAt(week1), shift: 's2' });
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: taskEventItem({
        taskId: task.id,
        version: 2,
        at: new Date().toISOString(),
        actor: { id: 'sup-east', role: 'supervisor' },
        action: 'reassign',
        from: 'assigned',
        to: 'assigned',
      }),
    }),
  );
  await admin('POST', '/baselines', { label: 'cursor one', asOf: '2026-01-01' });
  await admin('POST', '/baselines', { label: 'cursor two', asOf: '2026-02-01' });
  const zone = at.primaryZone as string;
  /** A supervisor's page of plan p1 (or one of its sub-lists), and the same of p2. */
  const ofPlan = (sub: string): ListCase => ({
    as: 'sup-east',
    path: `/plans/${p1.id}${sub}`,
    otherCaller: 'admin',
    other: { path: `/plans/${p2.id}${sub}` },
  });
  cases = {
    'GET /people': {
      as: 'admin',
      path: '/people',
      otherCaller: 'sup-east',
      other: { query: { role: 'grid_worker' } },
    },
    'GET /grid/imports': { as: 'admin', path: '/grid/imports', otherCaller: 'sup-east' },
    'GET /grid/cells.geojson': ofGridVersion('/grid/cells.geojson'),
    'GET /grid/zones.geojson': ofGridVersion('/grid/zones.geojson'),
    'GET /cells': { as: 'admin', path: '/cells', otherCaller: 'sup-east', other: { query: { zone } } },
    'GET /zones': ofGridVersion('/zones'),
    'GET /findings/{id}/history': {
      as: 'admin',
      path: `/findings/${f1.id}/history`,
      otherCaller: 'worker-liu',
      other: { path: `/findings/${f2.id}/history` },
    },
    'GET /findings': {
      as: 'admin',
      path: '/findings',
      query: { zone },
      otherCaller: 'sup-east',
      other: { query: { zone, status: 'verified' } },
    },
    'GET /me/findings': {
      as: 'worker-liu',
      path: '/me/findings',
      query: { view: 'reported' },
      otherCaller: 'worker-sun',
      other: { query: { view: 'todo' } },
    },
    'GET /me/notifications': {
      as: zoneOfficer,
      path: '/me/notifications',
      otherCaller: 'sup-east',
    },
    'GET /plans': {
      as: 'sup-east',
      path: '/plans',
      otherCaller: 'admin',
      other: { query: { week: week1 } },
    },
    'GET /plans/{id}': ofPlan(''),
    'GET /plans/{id}/cells': ofPlan('/cells'),
    'GET /tasks/{id}/history': {
      as: 'admin',
      path: `/tasks/${task.id}/history`,
      otherCaller: 'sup-east',
      other: { path: `/tasks/${task2.id}/history` },
    },
    'GET /baselines': { as: 'admin', path: '/baselines', otherCaller: 'sup-east' },
    'GET /stats/cells': {
      as: 'admin',
      path: '/stats/cells',
      otherCaller: 'sup-east',
      other: { query: { scope: 'office:office-east' } },
    },
  };
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('sealed cursors', () => {
  it('has a list case for every route of the manifest that takes a cursor, and only those', () => {
    expect(CURSOR_ROUTES.length).toBeGreaterThan(10);
    expect(Object.keys(cases).sort()).toEqual(CURSOR_ROUTES.map(routeKey).sort());
    for (const route of CURSOR_ROUTES) {
      const c = cases[routeKey(route)] as ListCase;
      for (const who of [c.as, c.otherCaller]) expect(who).not.toBe(undefined);
    }
  });

  describe.each(CURSOR_ROUTES.map((r) => ({ key: routeKey(r) })))('$key', ({ key }) => {
    it('pages honestly: three pages of one are the first three items, and the cursor is opaque', async () => {
      const c = cases[key] as ListCase;
      const whole = await page(c, undefined, c.as, '3');
      expect(whole.status).toBe(200);
      const walked: unknown[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 3; i++) {
        const res = await page(c, cursor);
        expect(res.status, res.text.slice(0, 300)).toBe(200);
        walked.push(...itemsOf(res.body));
        cursor = res.body.cursor;
        if (i < 2 && itemsOf(whole.body).length > i + 1) expect(typeof cursor).toBe('string');
        if (!cursor) break;
        // Nothing of the table's keys shows through.
        expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/"(pk|sk|gsi\dpk|l|a)"/);
      }
      expect(itemsOf(whole.body).length).toBeGreaterThanOrEqual(2);
      expect(walked).toEqual(itemsOf(whole.body).slice(0, walked.length));
    });

    it('refuses a changed, cut-short or made-up cursor', async () => {
      const c = cases[key] as ListCase;
      const cursor = await firstCursor(key);
      const bytes = Buffer.from(cursor, 'base64url');
      for (const at of [0, 13, Math.floor(bytes.length / 2), bytes.length - 1]) {
        const changed = Buffer.from(bytes);
        changed[at] = (changed[at] as number) ^ 0x01;
        expectInvalidCursor(await page(c, changed.toString('base64url')));
      }
      expectInvalidCursor(await page(c, cursor.slice(0, -6)));
      expectInvalidCursor(await page(c, cursor.slice(0, 20)));
      expectInvalidCursor(await page(c, `${cursor}AAAA`));
      expectInvalidCursor(await page(c, 'not-a-cursor'));
      expectInvalidCursor(await page(c, '%%%'));
      // The old raw-key format, with an added attribute and a number where a string belongs.
      const raw = { pk: 'FINDING#F-1', sk: 7, gsi2pk: 'FINDINGS#REPORTER#worker-liu', extra: 'x' };
      expectInvalidCursor(await page(c, Buffer.from(JSON.stringify(raw)).toString('base64url')));
    });

    it("refuses another route's cursor", async () => {
      const keys = CURSOR_ROUTES.map(routeKey);
      const other = keys[(keys.indexOf(key) + 1) % keys.length] as string;
      expectInvalidCursor(await page(cases[key] as ListCase, await firstCursor(other)));
    });

    it("refuses another caller's cursor", async () => {
      const c = cases[key] as ListCase;
      expectInvalidCursor(await page(c, await firstCursor(key), c.otherCaller));
    });

    it('refuses a cursor with other filters or another path', async () => {
      const c = cases[key] as ListCase;
      const query = Object.keys(
        (CURSOR_ROUTES.find((r) => routeKey(r) === key) as RouteDef).request?.query?.shape ?? {},
      );
      const canVary = query.some((q) => q !== 'cursor' && q !== 'limit') || key.includes('{');
      expect(c.other !== undefined || !canVary, `${key} needs an 'other' case`).toBe(true);
      if (!c.other) return;
      expectInvalidCursor(await page(c, await firstCursor(key), c.as, '1', c.other));
    });
  });
});

describe("the store's own cursor decoders", () => {
  const read = { pk: `FINDING#F-nope`, prefix: 'EVENT#' };
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  it.each([
    ['an added attribute', { pk: read.pk, sk: 'EVENT#1', extra: 'x' }],
    ['sk of another type', { pk: read.pk, sk: 1 }],
    ['sk dropped', { pk: read.pk }],
    ['another partition', { pk: 'FINDING#F-other', sk: 'EVENT#1' }],
    ['not an object', ['pk', 'sk']],
  ])('refuse %s before DynamoDB sees it', async (_, key) => {
    await expect(partitionPage(read, (i) => i, encode(key), 10)).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('refuse a list position of another list or with extra fields', () => {
    expect(() => pageOfIds(['a', 'b'], 'cells:1', encode({ l: 'cells:2', a: 'a' }), 1)).toThrow(
      InvalidCursorError,
    );
    expect(() => pageOfIds(['a', 'b'], 'cells:1', encode({ l: 'cells:1', a: 1 }), 1)).toThrow(
      InvalidCursorError,
    );
    expect(() => pageOfIds(['a', 'b'], 'cells:1', encode({ l: 'cells:1', a: 'a', x: 1 }), 1)).toThrow(
      InvalidCursorError,
    );
    expect(pageOfIds(['a', 'b'], 'cells:1', encode({ l: 'cells:1', a: 'a' }), 1).ids).toEqual(['b']);
  });
});
