/**
 * The grid registry through the local server: import → report → activate → resolve, versions,
 * reads, coverage, refusals, and the cost of a resolution in DynamoDB requests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CellFeature } from '@gridpatrol/core';
import { syntheticCity } from '@gridpatrol/local';
import { documentClient } from '@gridpatrol/store';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importGrid } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../fixtures/import/${name}.geojson`), 'utf8'));

let api: TestApi;
const city = syntheticCity({
  cells: 150,
  seed: 42,
  offices: ['office-north', 'office-south'],
  gap: true,
  overlap: true,
});
const cellsFc = { type: 'FeatureCollection', features: city.cells };
const zonesFc = { type: 'FeatureCollection', features: city.zones };

/** Points that brute force (turf) puts strictly inside exactly one cell. */
function interiorSamples(
  cells: readonly CellFeature[],
  n: number,
): { lon: number; lat: number; cellId: string }[] {
  const out: { lon: number; lat: number; cellId: string }[] = [];
  let seed = 7;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const cell of cells) {
    if (out.length >= n) break;
    const ring =
      cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0] : cell.geometry.coordinates[0]?.[0];
    if (!ring) continue;
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    for (let tries = 0; tries < 50; tries++) {
      const lon = Math.min(...xs) + rand() * (Math.max(...xs) - Math.min(...xs));
      const lat = Math.min(...ys) + rand() * (Math.max(...ys) - Math.min(...ys));
      if (booleanPointInPolygon([lon, lat], cell.geometry, { ignoreBoundary: true })) {
        out.push({ lon, lat, cellId: cell.properties.id });
        break;
      }
    }
  }
  return out;
}

let requests = 0;
beforeAll(async () => {
  api = await startTestApi('riverside');
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      requests++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
});
afterAll(async () => {
  await api?.close();
});

// Imports are asynchronous (0021): a refused file leaves a failed version with every error and
// nothing else (no cell, zone or report).
describe('refused imports keep only their errors', () => {
  it('reports every error with its feature and ring on a failed version', async () => {
    const { version, done } = await importGrid(api, { cells: fixture('many-errors'), zones: zonesFc });
    expect(done.body).toMatchObject({ status: 'failed', failure: { code: 'unprocessable' } });
    const details: { path: string; message: string }[] = done.body.errors;
    expect(details.length).toBeGreaterThan(2);
    expect(
      details.some(
        (d) => /^cells\.features\[1\]/.test(d.path) && d.message.includes('[non_polygon_geometry]'),
      ),
    ).toBe(true);
    const list = await api.call('GET', '/grid/imports', { as: 'admin' });
    expect(list.body.items.map((m: { version: number; status: string }) => [m.version, m.status])).toEqual([
      [version, 'failed'],
    ]);
    expect((await api.call('GET', `/cells?version=${version}`, { as: 'admin' })).status).toBe(404);
  });

  it('refuses a repairable defect under strict=true', async () => {
    const bowTie = fixture('repair-bow-tie');
    const { done: strict } = await importGrid(
      api,
      { cells: bowTie, zones: zonesFc },
      { query: '?strict=true' },
    );
    expect(strict.body.status).toBe('failed');
    expect(JSON.stringify(strict.body.errors)).toContain('self_intersection');
  });

  it('lets only the city admin import', async () => {
    const res = await api.call('POST', '/grid/imports', { as: 'admin', body: { cells: cellsFc } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('body.zones');
  });

  it('has no active grid to resolve against yet', async () => {
    const res = await api.call('GET', '/grid/resolve?lon=114&lat=22.6', { as: 'admin' });
    expect(res.status).toBe(409);
  });
});

describe('import → report → activate → resolve', () => {
  let version: number;

  it('imports a draft version with its report', async () => {
    const res = await importGrid(api, { cells: cellsFc, zones: zonesFc });
    expect(res.accepted.body).toMatchObject({ status: 'writing' });
    expect(res.done.body).toMatchObject({
      status: 'draft',
      counts: { cells: 150, zones: city.zones.length },
    });
    version = res.version;
    const got = res.done;
    expect(got.body.report.counts.cells).toBe(150);
    expect(got.body.report.coverage).toBeDefined();
  });

  it('activates it', async () => {
    const res = await api.call('POST', `/grid/imports/${version}/activate`, { as: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
  });

  it('resolves points as brute force does, in at most 2 DynamoDB requests cold and ≤ 1 warm', async () => {
    const samples = interiorSamples(city.cells, 40);
    expect(samples.length).toBe(40);
    const first = samples[0];
    if (!first) throw new Error('no sample');
    requests = 0;
    const cold = await api.call('GET', `/grid/resolve?lon=${first.lon}&lat=${first.lat}`, { as: 'admin' });
    // The caller's person record is one more read; count only what resolution costs.
    const coldResolution = requests - 1;
    expect(cold.body).toMatchObject({ status: 'inside', cell: { id: first.cellId }, gridVersion: version });
    expect(coldResolution).toBeLessThanOrEqual(2);
    // Warm: the active-version pointer at most, and that only once per POINTER_MAX_AGE_MS.
    let warmReads = 0;
    for (const s of samples) {
      requests = 0;
      const res = await api.call('GET', `/grid/resolve?lon=${s.lon}&lat=${s.lat}`, { as: 'admin' });
      expect(requests - 1).toBeLessThanOrEqual(1);
      warmReads += requests - 1;
      expect(res.body.cell?.id).toBe(s.cellId);
      expect(res.body.primaryZone === null || typeof res.body.primaryZone === 'string').toBe(true);
    }
    expect(warmReads).toBeLessThan(samples.length / 4);
  });

  it('converts a GCJ-02 point and keeps the original', async () => {
    const s = interiorSamples(city.cells.slice(20), 1)[0];
    if (!s) throw new Error('no sample');
    const [glon, glat] = gcoord.transform<[number, number]>([s.lon, s.lat], gcoord.WGS84, gcoord.GCJ02);
    const res = await api.call('GET', `/grid/resolve?lon=${glon}&lat=${glat}&coordSys=gcj02`, {
      as: 'admin',
    });
    expect(res.body.cell.id).toBe(s.cellId);
    expect(res.body.input).toEqual({ lon: glon, lat: glat, coordSys: 'gcj02' });
    expect(res.body.point.lon).toBeCloseTo(s.lon, 5);
    expect(res.body.point.lat).toBeCloseTo(s.lat, 5);
  });

  it('answers a point far from every cell with no cell and a reason', async () => {
    const res = await api.call('GET', '/grid/resolve?lon=100&lat=10', { as: 'worker-x' });
    expect(res.status).toBe(403); // unknown person
    const out = await api.call('GET', '/grid/resolve?lon=100&lat=10', { as: 'admin' });
    expect(out.body).toMatchObject({ status: 'outside', cell: null, zones: [] });
    expect(out.body.reason).toBeTruthy();
  });

  it('refuses a bad point with 400 naming the parameter', async () => {
    const res = await api.call('GET', '/grid/resolve?lon=200&lat=abc', { as: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'query.lat',
      'query.lon',
    ]);
  });
});

describe('reading the grid', () => {
  it('pages through every cell exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.call('GET', `/cells?limit=40${cursor ? `&cursor=${cursor}` : ''}`, {
        as: 'admin',
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(city.cells.map((c) => c.properties.id).sort());
  });

  it('refuses a forged cursor with 400', async () => {
    const forged = Buffer.from(
      JSON.stringify({ gsi1pk: 'PERSON#admin', pk: 'x', sk: 'y', gsi1sk: 'z' }),
    ).toString('base64url');
    const res = await api.call('GET', `/cells?cursor=${forged}`, { as: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('query.cursor');
  });

  it('shows a cell as a Feature with its zone shares, and a zone with its cells', async () => {
    const listed = await api.call('GET', '/cells?limit=500', { as: 'admin' });
    const id: string = listed.body.items.find((c: { primaryZone: string | null }) => c.primaryZone).id;
    const cell = await api.call('GET', `/cells/${id}`, { as: 'admin' });
    expect(cell.body).toMatchObject({ type: 'Feature', properties: { id } });
    expect(['Polygon', 'MultiPolygon']).toContain(cell.body.geometry.type);
    const zoneId = cell.body.properties.primaryZone;
    expect(zoneId).toBeTruthy();
    const shares: number[] = cell.body.properties.zones.map((z: { share: number }) => z.share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
    const zone = await api.call('GET', `/zones/${zoneId}`, { as: 'admin' });
    expect(zone.body.properties.cells.map((c: { id: string }) => c.id)).toContain(id);
    const byZone = await api.call('GET', `/cells?zone=${zoneId}`, { as: 'admin' });
    expect(byZone.body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await api.call('GET', '/cells/nope', { as: 'admin' })).status).toBe(404);
  });

  it('reports the gap and the overlap in the coverage', async () => {
    const res = await api.call('GET', '/grid/coverage', { as: 'admin' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toMatch(/overlap/i);
  });

  it('serves cells and zones as GeoJSON pages', async () => {
    const res = await api.call('GET', '/grid/cells.geojson?limit=25', { as: 'admin' });
    expect(res.headers.get('content-type')).toBe('application/geo+json');
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features).toHaveLength(25);
    expect(res.body.cursor).toBeTruthy();
    const zones = await api.call('GET', '/grid/zones.geojson', { as: 'admin' });
    expect(zones.body.features).toHaveLength(city.zones.length);
  });
});

describe('versions', () => {
  it('activates a new version while the old one stays readable', async () => {
    const next = syntheticCity({ cells: 60, seed: 43, offices: ['office-north'] });
    const before = (await api.call('GET', '/grid/imports', { as: 'admin' })).body.items;
    const v1 = before.find((m: { status: string }) => m.status === 'active').version;
    const { version: v2 } = await importGrid(api, {
      cells: { type: 'FeatureCollection', features: next.cells },
      zones: { type: 'FeatureCollection', features: next.zones },
    });
    // 60 cells over 150 drop most of the covered area: a reviewed step (0022) that needs force.
    const refused = await api.call('POST', `/grid/imports/${v2}/activate`, { as: 'admin' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain('area');
    const forced = await api.call('POST', `/grid/imports/${v2}/activate`, {
      as: 'admin',
      body: { force: true, reason: 'A smaller test grid replaces the first one.' },
    });
    expect(forced.status, forced.text.slice(0, 300)).toBe(200);
    const list = await api.call('GET', '/grid/imports', { as: 'admin' });
    const statusOf = (v: number) => list.body.items.find((m: { version: number }) => m.version === v)?.status;
    expect([statusOf(v2), statusOf(v1), list.body.items[0].version]).toEqual(['active', 'superseded', v2]);
    const old = await api.call('GET', `/cells?version=${v2 - 1}&limit=500`, { as: 'admin' });
    expect(old.body.items).toHaveLength(150);
    const current = await api.call('GET', '/cells?limit=500', { as: 'admin' });
    expect(current.body.items).toHaveLength(60);
    const s = interiorSamples(next.cells, 1)[0];
    const res = await api.call('GET', `/grid/resolve?lon=${s?.lon}&lat=${s?.lat}`, { as: 'admin' });
    expect(res.body).toMatchObject({ gridVersion: v2, cell: { id: s?.cellId } });
  });
});

describe('every error fixture through the API', () => {
  const dir = path.resolve(__dirname, '../fixtures/import');
  // Repairs are accepted (with warnings) unless strict; id-pattern and too-many-vertices need options
  // this city does not set (both unit-tested with them).
  const errorFixtures = readdirSync(dir)
    .map((f) => f.replace(/\.geojson$/, ''))
    .filter(
      (n) =>
        !n.startsWith('repair-') &&
        !['qgis-export', 'id-pattern', 'too-many-vertices', 'zones-officers-text'].includes(n),
    );

  it.each(errorFixtures)('%s: a failed version with located details, nothing else written', async (name) => {
    const layer = name.startsWith('zones-') ? 'zones' : 'cells';
    const body =
      layer === 'zones' ? { cells: cellsFc, zones: fixture(name) } : { cells: fixture(name), zones: zonesFc };
    const { version, done } = await importGrid(api, body);
    expect(done.body).toMatchObject({ status: 'failed', failure: { code: 'unprocessable' } });
    const details: { path: string; message: string }[] = done.body.errors;
    expect(details.length).toBeGreaterThan(0);
    for (const d of details) expect(d.path.startsWith(layer)).toBe(true);
    expect(details.every((d) => /^\[[a-z_]+\] /.test(d.message))).toBe(true);
    expect(done.body.report).toBeUndefined();
    const activate = await api.call('POST', `/grid/imports/${version}/activate`, { as: 'admin' });
    expect(activate.status).toBe(422);
  });

  it.each(readdirSync(dir).filter((f) => f.startsWith('repair-') && f !== 'repair-refused.geojson'))(
    '%s: repaired with a warning, or refused under strict',
    async (file) => {
      const cells = fixture(file.replace(/\.geojson$/, ''));
      const strict = await importGrid(api, { cells, zones: zonesFc }, { query: '?strict=true' });
      expect(strict.done.body.status).toBe('failed');
      const ok = await importGrid(api, { cells, zones: zonesFc });
      expect(ok.done.body.status, JSON.stringify(ok.done.body).slice(0, 300)).toBe('draft');
      expect(ok.done.body.report.warnings.length).toBeGreaterThan(0);
    },
  );
});
