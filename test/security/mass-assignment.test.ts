/**
 * Integrity of what is accepted (issue 21.6): a body may set only what its caller may set. A report
 * names only the caller's own patrol tasks and photos only by attachment ids (issue 14: an object key,
 * which could name anyone's photo, is refused; whose attachment it is is test/e2e/attachments.test.ts);
 * an unknown key is refused at any depth
 * of any body or query (derived from the manifest's schemas, test/support/schema-walk); a person
 * carries only the area fields of their role.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localDate } from '@gridpatrol/core';
import { ROUTES, type RouteDef, routeKey } from '@gridpatrol/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';
import {
  callerOf,
  concretePath,
  detailPath,
  objectsOf,
  sampleOf,
  variantsOf,
  withValue,
} from '../support/schema-walk';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;
let liuCell: string;
let point: { lon: number; lat: number };
let ownTask: string;
let westTask: string;

const key = () => `mass-${randomUUID()}`;
const report = (as: string, extra: Record<string, unknown>) =>
  api.call('POST', '/findings', {
    as,
    body: { ...reportBody(point), ...extra },
    headers: { 'idempotency-key': key() },
  });

beforeAll(async () => {
  api = await startTestApi('demo');
  const me = (id: string) => api.call('GET', '/me', { as: id }).then((r) => r.body);
  const liu = await me('worker-liu');
  const li = await me('officer-li');
  const he = await me('worker-he');
  const wang = await me('officer-wang');
  liuCell = liu.cells[0];
  const get = (path: string) => api.call('GET', path, { as: 'admin' }).then((r) => r.body);
  const p = await pointInCell(get, liuCell);
  if (!p) throw new Error(`no point found in ${liuCell}`);
  point = p;
  const date = localDate(new Date(), api.config.timeZone);
  const shift = {
    date,
    shift: 'am',
    shiftStart: `${date}T00:00:00.000Z`,
    shiftEnd: `${addDays(date, 1)}T00:00:00.000Z`,
  };
  ownTask = (
    await writePublishedTask({
      planId: 'P-massown1',
      cellId: liuCell,
      zoneId: li.zones[0],
      officeId: 'office-east',
      officerId: 'officer-li',
      partnerId: 'worker-liu',
      ...shift,
    })
  ).id;
  westTask = (
    await writePublishedTask({
      planId: 'P-masswest1',
      cellId: he.cells[0],
      zoneId: wang.zones[0],
      officeId: 'office-west',
      officerId: 'officer-wang',
      partnerId: 'worker-he',
      ...shift,
    })
  ).id;
});
afterAll(async () => {
  await api?.close();
});

describe('POST /findings: what a report may link', () => {
  it('accepts a task the reporter is on, and an empty photo list', async () => {
    const res = await report('worker-liu', { taskId: ownTask, photos: [] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ taskId: ownTask, photos: [] });
  });

  it("refuses another office's task exactly as an unknown one: 422 naming body.taskId", async () => {
    const foreign = await report('worker-liu', { taskId: westTask });
    const unknown = await report('worker-liu', { taskId: 'P-nothing1.2026-12-07.am.C1' });
    expect(foreign.status).toBe(422);
    expect(unknown.status).toBe(422);
    const shape = (r: typeof foreign, id: string) => ({
      code: r.body.error.code,
      message: r.body.error.message,
      details: JSON.parse(JSON.stringify(r.body.error.details).replaceAll(id, '<id>')),
    });
    expect(shape(foreign, westTask)).toEqual(shape(unknown, 'P-nothing1.2026-12-07.am.C1'));
    expect(foreign.body.error.details).toEqual([
      { path: 'body.taskId', message: `no patrol task '${westTask}' of yours` },
    ]);
    // Not even a city admin may link a task they are not on.
    expect((await report('admin', { taskId: ownTask })).status).toBe(422);
  });

  it('refuses a photo named by object key rather than attachment id, naming body.photos[0], and writes nothing', async () => {
    const before = (await api.call('GET', '/me/findings?limit=100', { as: 'worker-liu' })).body.items.length;
    const res = await report('worker-liu', { photos: ['uploads/worker-he/secret.jpg'] });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: 'body.photos[0]', message: expect.stringMatching(/attachment id/) }),
    ]);
    const after = (await api.call('GET', '/me/findings?limit=100', { as: 'worker-liu' })).body.items.length;
    expect(after).toBe(before);
  });
});

/** Objects whose unknown keys are allowed on purpose: GeoJSON's foreign members (RFC 7946 §6.1). */
const LOOSE_ON_PURPOSE = ['POST /grid/imports body.cells', 'POST /grid/imports body.zones'];

describe('unknown keys, at any depth of any request', () => {
  const routes = ROUTES as readonly RouteDef[];

  it('finds nested objects to attack, and no loose object but GeoJSON', () => {
    const all = routes.flatMap((r) =>
      r.request?.body
        ? variantsOf(r.request.body).flatMap((v) =>
            objectsOf(v).map((o) => ({
              where: `${routeKey(r)} ${detailPath('body', o.path)}`,
              loose: o.loose,
            })),
          )
        : [],
    );
    expect(all.map((o) => o.where)).toEqual(
      expect.arrayContaining(['PUT /people/{id} body.availability', 'POST /tasks/{id}/complete body.checks']),
    );
    expect(all.filter((o) => o.loose).map((o) => o.where)).toEqual(LOOSE_ON_PURPOSE);
  });

  for (const route of routes.filter((r) => r.request?.body)) {
    it(`${routeKey(route)}: an unknown key in every object of the body is a 400 naming it`, async () => {
      const failures: string[] = [];
      for (const variant of variantsOf(route.request?.body as Parameters<typeof variantsOf>[0])) {
        const base = sampleOf(variant);
        for (const o of objectsOf(variant)) {
          if (o.loose) continue;
          const where = detailPath('body', [...o.path, 'zzUnknown']);
          const res = await api.call(route.method, concretePath(route), {
            as: callerOf(route),
            body: withValue(base, [...o.path, 'zzUnknown'], 'x'),
            headers: { 'idempotency-key': key() },
          });
          const named = (res.body?.error?.details ?? []).some((d: { path: string }) => d.path === where);
          if (res.status !== 400 || !named)
            failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('refuses an unknown query parameter on every route with a query, naming it', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.request?.query)) {
      const res = await api.call(route.method, `${concretePath(route)}?zzUnknown=1`, {
        as: callerOf(route),
        ...(route.request?.body ? { body: sampleOf(route.request.body) } : {}),
        headers: { 'idempotency-key': key() },
      });
      const named = (res.body?.error?.details ?? []).some(
        (d: { path: string }) => d.path === 'query.zzUnknown',
      );
      if (res.status !== 400 || !named)
        failures.push(`${routeKey(route)}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('PUT /people/{id}: only the area fields of the role', () => {
  const put = (id: string, body: Record<string, unknown>) =>
    api.call('PUT', `/people/${id}`, { as: 'admin', body: { name: id, ...body } });

  it('refuses zones on a grid worker, cells on a supervisor, an office on a city admin, conflict cells on a volunteer', async () => {
    const cases = [
      [{ role: 'grid_worker', office: 'office-east', cells: [liuCell], zones: ['Z-any'] }, 'body.zones'],
      [{ role: 'supervisor', office: 'office-east', cells: [liuCell] }, 'body.cells'],
      [{ role: 'city_admin', office: 'office-east' }, 'body.office'],
      [
        { role: 'volunteer', office: 'office-east', cells: [liuCell], conflictCells: [liuCell] },
        'body.conflictCells',
      ],
    ] as const;
    for (const [i, [body, path]] of cases.entries()) {
      const res = await put(`mass-role-${i}`, body);
      expect(res.status, path).toBe(422);
      expect(res.body.error.details, path).toEqual([{ path, message: expect.stringMatching(/has no/) }]);
      expect((await api.call('GET', `/people/mass-role-${i}`, { as: 'admin' })).status).toBe(404);
    }
  });

  it('accepts each role with its own fields', async () => {
    const ok = await put('mass-worker', {
      role: 'grid_worker',
      office: 'office-east',
      cells: [liuCell],
      conflictCells: [liuCell],
    });
    expect(ok.status).toBe(201);
  });
});
