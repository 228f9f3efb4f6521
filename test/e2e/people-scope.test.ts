/**
 * People and per-area access through the local server (the issue's "done means"): a grid worker of
 * cell A cannot read, list or change anything of cell B; a volunteer reads only themselves; a
 * deactivated officer is refused at once (the caller cache is 0 in tests, ≤ 60 s in Lambda: see
 * test/unit/policy.test.ts); memberships follow a person's changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { gridWorker, personBodyOf, putPerson } from '../support/people';

let api: TestApi;
let cellsA: string[];
let cellB: string;

const ids = (items: { id: string }[]) => items.map((i) => i.id);

beforeAll(async () => {
  api = await startTestApi('demo');
  cellsA = (await api.call('GET', '/me', { as: 'worker-liu' })).body.cells;
  cellB = (await api.call('GET', '/me', { as: 'worker-sun' })).body.cells[0];
});
afterAll(async () => {
  await api?.close();
});

describe('a grid worker of cell A', () => {
  it('reads their own cells', async () => {
    for (const c of cellsA)
      expect((await api.call('GET', `/cells/${c}`, { as: 'worker-liu' })).status).toBe(200);
  });

  it('gets 404 for cell B, exactly as for a cell that does not exist', async () => {
    const b = await api.call('GET', `/cells/${cellB}`, { as: 'worker-liu' });
    const none = await api.call('GET', '/cells/330106999999999', { as: 'worker-liu' });
    expect(b.status).toBe(404);
    expect(none.status).toBe(404);
    expect(b.body.error.code).toBe(none.body.error.code);
  });

  it('lists only their own cells, in the list and in the GeoJSON export', async () => {
    const list = await api.call('GET', '/cells?limit=500', { as: 'worker-liu' });
    expect(ids(list.body.items).sort()).toEqual([...cellsA].sort());
    const geo = await api.call('GET', '/grid/cells.geojson', { as: 'worker-liu' });
    expect(geo.body.features.map((f: { properties: { id: string } }) => f.properties.id).sort()).toEqual(
      [...cellsA].sort(),
    );
  });

  it('pages through their cells with a cursor that only their list accepts', async () => {
    const first = await api.call('GET', '/cells?limit=2', { as: 'worker-liu' });
    expect(first.body.items).toHaveLength(2);
    const second = await api.call('GET', `/cells?limit=2&cursor=${first.body.cursor}`, { as: 'worker-liu' });
    expect([...ids(first.body.items), ...ids(second.body.items)].sort()).toEqual([...cellsA].sort());
    expect(second.body.cursor).toBeUndefined();
    const foreign = await api.call('GET', `/cells?cursor=${first.body.cursor}`, { as: 'admin' });
    expect(foreign.status).toBe(400);
  });

  it('cannot list or read the people of cell B, nor the zones', async () => {
    expect((await api.call('GET', `/people?cell=${cellB}`, { as: 'worker-liu' })).status).toBe(404);
    expect((await api.call('GET', '/people/worker-sun', { as: 'worker-liu' })).status).toBe(404);
    const people = await api.call('GET', '/people', { as: 'worker-liu' });
    expect(people.status).toBe(200);
    expect(ids(people.body.items)).toContain('leader-chen');
    expect(ids(people.body.items)).not.toContain('worker-sun');
    expect((await api.call('GET', '/zones', { as: 'worker-liu' })).status).toBe(403);
  });

  it('cannot change anyone', async () => {
    const res = await putPerson(api, 'worker-sun', 'worker-liu', {
      name: 'x',
      role: 'grid_worker',
      cells: [cellB],
    });
    expect(res.status).toBe(403);
  });

  it('sees cell B as soon as it is assigned to them, and loses it when taken away', async () => {
    const me = (await api.call('GET', '/me', { as: 'worker-liu' })).body;
    const rest = personBodyOf(me);
    const moved = await putPerson(api, 'worker-liu', 'sup-east', { ...rest, cells: [...cellsA, cellB] });
    expect(moved.status).toBe(200);
    expect(moved.body.version).toBe(me.version + 1);
    expect((await api.call('GET', `/cells/${cellB}`, { as: 'worker-liu' })).status).toBe(200);
    const listed = await api.call('GET', `/people?cell=${cellB}`, { as: 'admin' });
    expect(ids(listed.body.items)).toContain('worker-liu');
    await api.call('PUT', '/people/worker-liu', { as: 'sup-east', body: { ...rest, cells: cellsA } });
    expect((await api.call('GET', `/cells/${cellB}`, { as: 'worker-liu' })).status).toBe(404);
    const after = await api.call('GET', `/people?cell=${cellB}`, { as: 'admin' });
    expect(ids(after.body.items)).not.toContain('worker-liu');
  });
});

describe('a volunteer', () => {
  it('reads themselves and nobody else, and no grid data but point resolution', async () => {
    expect((await api.call('GET', '/people/volunteer-zhou', { as: 'volunteer-zhou' })).status).toBe(200);
    expect((await api.call('GET', '/people/worker-liu', { as: 'volunteer-zhou' })).status).toBe(404);
    expect((await api.call('GET', '/people', { as: 'volunteer-zhou' })).status).toBe(403);
    expect((await api.call('GET', `/cells/${cellsA[0]}`, { as: 'volunteer-zhou' })).status).toBe(403);
    expect((await api.call('GET', '/grid/resolve?lon=100&lat=10', { as: 'volunteer-zhou' })).status).toBe(
      200,
    );
  });
});

describe('a deactivated officer', () => {
  it('is refused on every route at the next request', async () => {
    expect((await api.call('GET', '/zones', { as: 'officer-zhao' })).status).toBe(200);
    const zhao = (await api.call('GET', '/people/officer-zhao', { as: 'sup-east' })).body;
    const { version: _v, createdAt: _c, updatedAt: _u, id: _id, ...rest } = zhao;
    const off = await putPerson(api, 'officer-zhao', 'sup-east', { ...rest, active: false });
    expect(off.status).toBe(200);
    for (const path of ['/me', '/zones', '/cells', '/people', '/grid/resolve?lon=100&lat=10']) {
      const res = await api.call('GET', path, { as: 'officer-zhao' });
      expect(res.status, path).toBe(403);
      expect(res.body.error.message).toContain('deactivated');
    }
  });
});

describe('people lists', () => {
  it('page through the whole city for the admin, each person once, by role then id', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.call('GET', `/people?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
        as: 'admin',
      });
      expect(res.status).toBe(200);
      seen.push(...ids(res.body.items));
      cursor = res.body.cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ['admin', 'sup-east', 'officer-li', 'worker-he', 'volunteer-zhou'])
      expect(seen).toContain(id);
  });

  it('filter by role, and give a supervisor their office only', async () => {
    const workers = await api.call('GET', '/people?role=grid_worker', { as: 'admin' });
    expect(workers.body.items.every((p: { role: string }) => p.role === 'grid_worker')).toBe(true);
    const office = await api.call('GET', '/people?limit=200', { as: 'sup-east' });
    expect(office.body.items.every((p: { office: string }) => p.office === 'office-east')).toBe(true);
    expect(ids(office.body.items)).not.toContain('worker-he');
  });

  it('refuse zone and cell together, and a zone outside the scope as missing', async () => {
    const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
    const both = await api.call('GET', `/people?zone=${li.zones[0]}&cell=${cellB}`, { as: 'admin' });
    expect(both.status).toBe(400);
    const wang = (await api.call('GET', '/people/officer-wang', { as: 'admin' })).body;
    expect((await api.call('GET', `/people?zone=${wang.zones[0]}`, { as: 'officer-li' })).status).toBe(404);
    const own = await api.call('GET', `/people?zone=${li.zones[0]}`, { as: 'officer-li' });
    expect(ids(own.body.items)).toContain('officer-li');
  });
});

describe('PUT /people/{id}', () => {
  it('refuses server-owned fields with 422 naming each, and unknown fields with 400', async () => {
    const owned = await putPerson(api, 'p-x', 'admin', {
      name: 'x',
      role: 'grid_worker',
      version: 3,
      createdAt: '2020-01-01',
      updatedAt: 'x',
    });
    expect(owned.status).toBe(422);
    expect(owned.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.createdAt',
      'body.updatedAt',
      'body.version',
    ]);
    const unknown = await putPerson(api, 'p-x', 'admin', { name: 'x', role: 'grid_worker', shoe: 42 });
    expect(unknown.status).toBe(400);
  });

  it('refuses unknown offices, zones and cells with 422, naming each', async () => {
    const body = gridWorker('y', 'office-moon', { cells: [cellB, '330106000000000'] });
    const res = await putPerson(api, 'p-y', 'admin', body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.office',
      'body.cells[1]',
    ]);
  });

  it('lets a supervisor assign only cells of their own area', async () => {
    const he = (await api.call('GET', '/people/worker-he', { as: 'admin' })).body;
    // A city admin creates the person; the supervisor may then change them within their area only.
    const created = await putPerson(api, 'p-z', 'admin', gridWorker('z', 'office-east'));
    expect(created.status).toBe(201);
    const res = await putPerson(api, 'p-z', 'sup-east', gridWorker('z', 'office-east', { cells: he.cells }));
    expect(res.status).toBe(403);
  });
});
