/**
 * The authorisation matrix: every route of the manifest × every role (plus an anonymous and a
 * deactivated caller) × a request inside the caller's scope and one outside it → the expected
 * status, through the real local server over the demo seed. A route added to the manifest without
 * an entry here fails the first test.
 *
 * "In scope" targets the caller's own cell, zone or a person of their area; "out of scope" the west
 * office's zone, a cell touching only it and its grid worker (none of which any east person may see).
 * Lists have no target to miss: their out-of-scope check asserts that the answer leaves the west out.
 */
import { ROLES, type Role } from '@gridpatrol/core';
import { ROUTES } from '@gridpatrol/functions';
import { demoGridFiles, syntheticCity } from '@gridpatrol/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';

type Caller = Role | 'anonymous' | 'inactive';
const CALLERS: readonly Caller[] = [...ROLES, 'anonymous', 'inactive'];

/** The demo person acting as each role. */
const AS: Record<Caller, string | undefined> = {
  city_admin: 'admin',
  supervisor: 'sup-east',
  zone_officer: 'officer-li',
  grid_leader: 'leader-chen',
  grid_worker: 'worker-liu',
  volunteer: 'volunteer-zhou',
  anonymous: undefined,
  inactive: 'officer-gone',
};

interface Ctx {
  /** officer-li's zone (east office) and a cell touching it. */
  z1: string;
  cZ1: string;
  /** The first cell of leader-chen, worker-liu and volunteer-zhou. */
  cellA: string;
  /** The west officer's zone, a cell touching only it, and its grid worker. */
  westZone: string;
  westCell: string;
  westPerson: string;
  eastZones: string[];
  point: { lon: number; lat: number };
}

interface Req {
  method: string;
  path: string;
  body?: unknown;
}

interface Entry {
  inScope: (ctx: Ctx, caller: Caller) => Req;
  outOfScope: (ctx: Ctx, caller: Caller) => Req;
  /** [in scope, out of scope] for each role; anonymous and inactive callers follow from `public`. */
  expect: Record<Role, readonly [number, number]>;
  public?: boolean;
  /** For lists: what an out-of-scope answer must not contain. */
  checkOut?: (res: TestResponse, ctx: Ctx, caller: Caller) => void;
}

const get = (path: string): Req => ({ method: 'GET', path });
const all = (s: readonly [number, number]): Record<Role, readonly [number, number]> =>
  Object.fromEntries(ROLES.map((r) => [r, s])) as Record<Role, readonly [number, number]>;
const F = [403, 403] as const;

/** The cell, zone or person of each role's own area. */
const ownCell = (c: Ctx, r: Caller) => (r === 'supervisor' || r === 'zone_officer' ? c.cZ1 : c.cellA);
const ownPerson = (r: Caller) => (r === 'volunteer' ? 'volunteer-zhou' : 'probe-east');
const ids = (res: TestResponse): string[] =>
  (res.body?.items ?? res.body?.features?.map((f: { properties: { id: string } }) => f.properties) ?? []).map(
    (i: { id: string }) => i.id,
  );
const leavesOut = (id: (c: Ctx) => string) => (res: TestResponse, c: Ctx, r: Caller) => {
  if (r !== 'city_admin' && res.status === 200) expect(ids(res)).not.toContain(id(c));
};

const personBody = (office: string, cells: string[]) => ({
  name: 'probe',
  role: 'grid_worker',
  office,
  cells,
});

let importBody: unknown;

const MATRIX: Record<string, Entry> = {
  getHealth: {
    public: true,
    inScope: () => get('/health'),
    outOfScope: () => get('/health'),
    expect: all([200, 200]),
  },
  getOpenApi: {
    public: true,
    inScope: () => get('/openapi.json'),
    outOfScope: () => get('/openapi.json'),
    expect: all([200, 200]),
  },
  getMe: { inScope: () => get('/me'), outOfScope: () => get('/me'), expect: all([200, 200]) },
  listPeople: {
    inScope: (c, r) => get(`/people?cell=${ownCell(c, r)}`),
    outOfScope: (c) => get(`/people?cell=${c.westCell}`),
    expect: {
      city_admin: [200, 200],
      supervisor: [200, 404],
      zone_officer: [200, 404],
      grid_leader: [200, 404],
      grid_worker: [200, 404],
      volunteer: F,
    },
  },
  getPerson: {
    inScope: (_c, r) => get(`/people/${ownPerson(r)}`),
    outOfScope: (c) => get(`/people/${c.westPerson}`),
    expect: {
      city_admin: [200, 200],
      supervisor: [200, 404],
      zone_officer: [200, 404],
      grid_leader: [200, 404],
      grid_worker: [200, 404],
      volunteer: [200, 404],
    },
  },
  putPerson: {
    inScope: (c, r) => ({
      method: 'PUT',
      path: `/people/probe-in-${r}`,
      body: personBody('office-east', [c.cZ1]),
    }),
    outOfScope: (c, r) => ({
      method: 'PUT',
      path: `/people/probe-out-${r}`,
      body: personBody('office-west', [c.westCell]),
    }),
    expect: { ...all(F), city_admin: [201, 201], supervisor: [201, 403] },
  },
  importGrid: {
    inScope: () => ({ method: 'POST', path: '/grid/imports', body: importBody }),
    // Nothing is out of a city admin's scope: the second request is a refused (empty) import.
    outOfScope: () => ({
      method: 'POST',
      path: '/grid/imports',
      body: {
        cells: { type: 'FeatureCollection', features: [] },
        zones: { type: 'FeatureCollection', features: [] },
      },
    }),
    expect: { ...all(F), city_admin: [201, 422] },
  },
  listGridVersions: {
    // Version metadata (numbers, dates, counts) names no area; managers see it whole.
    inScope: () => get('/grid/imports'),
    outOfScope: () => get('/grid/imports?limit=1'),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 200] },
  },
  getGridVersion: {
    inScope: () => get('/grid/imports/1'),
    outOfScope: () => get('/grid/imports/999'),
    expect: { ...all(F), city_admin: [200, 404], supervisor: [200, 404] },
    checkOut: undefined,
  },
  activateGridVersion: {
    inScope: () => ({ method: 'POST', path: '/grid/imports/1/activate' }),
    outOfScope: () => ({ method: 'POST', path: '/grid/imports/999/activate' }),
    expect: { ...all(F), city_admin: [200, 404] },
  },
  resolvePoint: {
    // Open to every role: a field app resolves its point before it reports.
    inScope: (c) => get(`/grid/resolve?lon=${c.point.lon}&lat=${c.point.lat}`),
    outOfScope: () => get('/grid/resolve?lon=100&lat=10'),
    expect: all([200, 200]),
  },
  getCoverage: {
    inScope: () => get('/grid/coverage'),
    outOfScope: () => get('/grid/coverage'),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 200] },
    checkOut: (res, c, r) => {
      if (r !== 'supervisor') return;
      for (const z of res.body.zonesOutsideCells) expect(c.eastZones).toContain(z.zoneId);
      for (const o of res.body.zoneOverlaps)
        expect(c.eastZones.includes(o.zoneA) || c.eastZones.includes(o.zoneB)).toBe(true);
      expect(res.body.unzonedCells).toEqual([]);
    },
  },
  exportCells: {
    inScope: () => get('/grid/cells.geojson?limit=500'),
    outOfScope: () => get('/grid/cells.geojson?limit=500'),
    expect: { ...all([200, 200]), volunteer: F },
    checkOut: leavesOut((c) => c.westCell),
  },
  exportZones: {
    inScope: () => get('/grid/zones.geojson?limit=500'),
    outOfScope: () => get('/grid/zones.geojson?limit=500'),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 200], zone_officer: [200, 200] },
    checkOut: leavesOut((c) => c.westZone),
  },
  listCells: {
    inScope: () => get('/cells?limit=500'),
    outOfScope: (c) => get(`/cells?zone=${c.westZone}`),
    expect: {
      city_admin: [200, 200],
      supervisor: [200, 404],
      zone_officer: [200, 404],
      grid_leader: [200, 404],
      grid_worker: [200, 404],
      volunteer: F,
    },
  },
  getCell: {
    inScope: (c, r) => get(`/cells/${ownCell(c, r)}`),
    outOfScope: (c) => get(`/cells/${c.westCell}`),
    expect: {
      city_admin: [200, 200],
      supervisor: [200, 404],
      zone_officer: [200, 404],
      grid_leader: [200, 404],
      grid_worker: [200, 404],
      volunteer: F,
    },
  },
  listZones: {
    inScope: () => get('/zones?limit=500'),
    outOfScope: () => get('/zones?limit=500'),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 200], zone_officer: [200, 200] },
    checkOut: leavesOut((c) => c.westZone),
  },
  getZone: {
    inScope: (c) => get(`/zones/${c.z1}`),
    outOfScope: (c) => get(`/zones/${c.westZone}`),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 404], zone_officer: [200, 404] },
  },
};

let api: TestApi;
let ctx: Ctx;

beforeAll(async () => {
  api = await startTestApi('demo');
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await api.call(method, path, { as: 'admin', body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const li = await admin('GET', '/people/officer-li');
  const wang = await admin('GET', '/people/officer-wang');
  const he = await admin('GET', '/people/worker-he');
  const liu = await admin('GET', '/people/worker-liu');
  const z1zone = await admin('GET', `/zones/${li.zones[0]}`);
  const zones = await admin('GET', '/zones?limit=500');
  const files = demoGridFiles(api.config);
  const ring = files.cells.features[0]?.geometry.coordinates[0];
  const vertex = (Array.isArray(ring?.[0]?.[0]) ? ring?.[0]?.[0] : ring?.[0]) as number[];
  ctx = {
    z1: li.zones[0],
    cZ1: z1zone.properties.cells[0].id,
    cellA: liu.cells[0],
    westZone: wang.zones[0],
    westCell: he.cells[0],
    westPerson: 'worker-he',
    eastZones: zones.items
      .filter((z: { office: string }) => z.office === 'office-east')
      .map((z: { id: string }) => z.id),
    point: { lon: Number(vertex[0]), lat: Number(vertex[1]) },
  };
  await admin('PUT', '/people/probe-east', personBody('office-east', [...new Set([ctx.cellA, ctx.cZ1])]));
  await admin('PUT', '/people/officer-gone', {
    name: 'gone',
    role: 'zone_officer',
    office: 'office-east',
    zones: [ctx.z1],
  });
  await admin('PUT', '/people/officer-gone', {
    name: 'gone',
    role: 'zone_officer',
    office: 'office-east',
    zones: [ctx.z1],
    active: false,
  });
  const small = syntheticCity({ cells: 12, seed: 3, offices: ['office-east'] });
  importBody = {
    cells: { type: 'FeatureCollection', features: small.cells },
    zones: { type: 'FeatureCollection', features: small.zones },
  };
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('authorisation matrix', () => {
  it('has an entry for every route of the manifest, and none for a route that does not exist', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('the demo fixtures really are in and out of scope', () => {
    expect(ctx.westCell).toBeTruthy();
    expect(ctx.westZone).toBeTruthy();
    expect(ctx.eastZones).toContain(ctx.z1);
    expect(ctx.eastZones).not.toContain(ctx.westZone);
  });

  const cases = ROUTES.flatMap((route) =>
    CALLERS.flatMap((caller) => (['in', 'out'] as const).map((where) => ({ route, caller, where }))),
  );

  it.each(cases)(
    '$route.method $route.path as $caller, $where of scope',
    async ({ route, caller, where }) => {
      const entry = MATRIX[route.operationId];
      if (!entry) throw new Error(`no matrix entry for ${route.operationId}`);
      const req = where === 'in' ? entry.inScope(ctx, caller) : entry.outOfScope(ctx, caller);
      expect(req.method).toBe(route.method);
      let expected: number;
      if (caller === 'anonymous') expected = entry.public ? entry.expect.city_admin[0] : 401;
      else if (caller === 'inactive') expected = entry.public ? entry.expect.city_admin[0] : 403;
      else expected = entry.expect[caller][where === 'in' ? 0 : 1];
      const path =
        caller === 'anonymous' || caller === 'inactive'
          ? req.path.replace('probe-in-', 'probe-x-')
          : req.path;
      const res = await api.call(req.method, path, { as: AS[caller], body: req.body });
      expect(res.status, `${req.method} ${path}: ${res.text.slice(0, 300)}`).toBe(expected);
      if (where === 'out' && entry.checkOut) entry.checkOut(res, ctx, caller);
    },
  );
});
