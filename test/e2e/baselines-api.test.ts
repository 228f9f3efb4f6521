/**
 * Baseline census (issue 7) through the local server over the demo seed: a few findings (one
 * rejected as a duplicate, one still flagged as a possible duplicate, one separated), then
 * POST /baselines, whose numbers per city, office, zone and cell must equal a count made here from
 * the findings read back through the API; bad inputs; who may read which area; several baselines
 * and which one is current.
 */
import { randomUUID } from 'node:crypto';
import { TERMINAL_STATUSES } from '@gridpatrol/core';
import { getBaseline, getBaselineNumbers, getCurrentBaseline } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { type CellPoint, pointInCell } from '../support/points';

/** Dates in last year: in the past, and inside the two years a baseline may look back (0020). */
const LAST_YEAR = new Date().getUTCFullYear() - 1;

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

let api: TestApi;
let pointA: CellPoint;
let pointB: CellPoint;
const created: string[] = [];

const reportBody = (p: { lon: number; lat: number }, name: string, kind = 'unlicensed') => ({
  lon: p.lon,
  lat: p.lat,
  address: '示范路 3 号',
  businessName: name,
  businessType: 'grocery',
  kind,
});

async function report(as: string, p: { lon: number; lat: number }, name: string, kind?: string) {
  const res = await api.call('POST', '/findings', {
    as,
    body: reportBody(p, name, kind),
    headers: { 'idempotency-key': randomUUID() },
  });
  if (res.status !== 201) throw new Error(`report: ${res.status} ${res.text}`);
  created.push(res.body.id);
  return res.body;
}

async function act(id: string, body: Record<string, unknown>) {
  const res = await api.call('POST', `/findings/${id}/actions`, { as: 'admin', body });
  if (res.status !== 200) throw new Error(`act: ${res.status} ${res.text}`);
  return res.body;
}

/** A baseline counts from the counters, which follow the stream: what was written is folded first. */
const createBaseline = async (body: unknown, as = 'admin') => {
  await api.settle();
  return api.call('POST', '/baselines', { as, body });
};

/** The census of each area counted here, from the findings as the API shows them. */
async function expectedCensus(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of created) {
    const f: Json = (await api.call('GET', `/findings/${id}`, { as: 'admin' })).body;
    const open = !(TERMINAL_STATUSES as readonly string[]).includes(f.status);
    const known = f.status !== 'rejected' && !(open && f.possibleDuplicateOf !== undefined);
    const areas = ['city'];
    if (f.cellId) areas.push(`cell#${f.cellId}`);
    if (f.zoneId) areas.push(`zone#${f.zoneId}`);
    if (f.officeId) areas.push(`office#${f.officeId}`);
    for (const a of areas) counts.set(a, (counts.get(a) ?? 0) + (known ? 1 : 0));
  }
  return counts;
}

const scopeOf = (area: string) => (area === 'city' ? 'city' : area.replace('#', ':'));

beforeAll(async () => {
  api = await startTestApi('demo');
  const get = async (path: string) => (await api.call('GET', path, { as: 'admin' })).body;
  const liu = await get('/people/worker-liu');
  const he = await get('/people/worker-he');
  const a = await pointInCell(get, liu.cells[0]);
  const b = await pointInCell(get, he.cells[0]);
  if (!a || !b) throw new Error('no interior points');
  pointA = a;
  pointB = b;
  // Five findings in an east cell, two in a west one.
  const first = await report('worker-liu', pointA, '钱七水果店');
  const twin = await report('leader-chen', pointA, '钱七 水果店（分店）');
  if (twin.possibleDuplicateOf !== first.id) throw new Error('the twin was not flagged');
  const twin2 = await report('admin', pointA, '钱七水果店', 'both');
  if (twin2.possibleDuplicateOf !== first.id) throw new Error('the second twin was not flagged');
  await act(twin2.id, { action: 'separate', expectedVersion: 1 });
  const dup = await report('admin', pointA, '赵六五金店', 'unpermitted');
  await act(dup.id, { action: 'reject', expectedVersion: 1, reason: 'duplicate', duplicateOf: first.id });
  const verified = await report('admin', pointA, '孙八烟酒店');
  await act(verified.id, { action: 'verify', expectedVersion: 1 });
  await report('admin', pointB, '西区小卖部');
  const notFound = await report('admin', pointB, '西区无照摊');
  await act(notFound.id, { action: 'reject', expectedVersion: 1, reason: 'not_found' });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

let first: Json;

describe('POST /baselines', () => {
  it('freezes the census of every area, equal to a count of the findings', async () => {
    const res = await createBaseline({ label: '2026 底数', asOf: `${LAST_YEAR}-01-01` });
    expect(res.status, res.text).toBe(201);
    first = res.body;
    expect(first).toMatchObject({
      id: expect.stringMatching(/^B-/),
      label: '2026 底数',
      asOf: `${LAST_YEAR - 1}-12-31T16:00:00.000Z`,
      countedAt: expect.any(String),
      createdBy: 'admin',
      gridVersion: expect.any(Number),
      current: true,
      scope: 'city',
    });
    const expected = await expectedCensus();
    // 7 reported: one rejected as a duplicate, one not found, one open possible duplicate.
    expect(expected.get('city')).toBe(4);
    expect(first.numbers).toEqual({ area: 'city', census: 4, total: 7, rejected: 2, openDuplicate: 1 });
    const offices = api.config.offices.map((o) => `office#${o.id}`).sort();
    expect(first.breakdown.map((n: Json) => n.area)).toEqual(offices);
    for (const n of first.breakdown) expect(n.census, n.area).toBe(expected.get(n.area) ?? 0);

    for (const area of expected.keys()) {
      const got = await api.call('GET', `/baselines/${first.id}?scope=${scopeOf(area)}`, { as: 'admin' });
      expect(got.status, got.text).toBe(200);
      expect(got.body.numbers.census, area).toBe(expected.get(area));
      for (const n of got.body.breakdown) expect(n.census, n.area).toBe(expected.get(n.area) ?? 0);
    }
  });

  it('answers the census through the store for given areas, zeros for areas without findings', async () => {
    const stored = await getBaseline(first.id);
    expect(stored?.areaCount).toBeGreaterThan(3);
    const cell = `cell#${pointA.cell}`;
    const numbers = await getBaselineNumbers(first, ['city', cell, 'cell#no-such-cell']);
    expect(numbers.map((n) => n.census)).toEqual([4, (await expectedCensus()).get(cell), 0]);
    expect((await getCurrentBaseline())?.id).toBe(first.id);
  });

  it('refuses bad input: a future asOf (422 naming body.asOf), a missing or long label, a malformed asOf', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000);
    for (const asOf of [tomorrow.toISOString(), tomorrow.toISOString().slice(0, 10)]) {
      const res = await createBaseline({ label: 'future', asOf });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.details[0].path).toBe('body.asOf');
    }
    expect((await createBaseline({ asOf: `${LAST_YEAR}-01-01` })).status).toBe(400);
    expect((await createBaseline({ label: 'x'.repeat(101), asOf: `${LAST_YEAR}-01-01` })).status).toBe(400);
    expect((await createBaseline({ label: 'x', asOf: `${LAST_YEAR}-01-01T08:00:00` })).status).toBe(400);
    expect((await createBaseline({ label: 'x' })).status).toBe(400);
  });

  it('is a city admin’s: a supervisor or officer gets 403', async () => {
    expect((await createBaseline({ label: 'sup', asOf: `${LAST_YEAR}-01-01` }, 'sup-east')).status).toBe(403);
    expect((await createBaseline({ label: 'li', asOf: `${LAST_YEAR}-01-01` }, 'officer-li')).status).toBe(
      403,
    );
  });
});

describe('GET /baselines/{id}', () => {
  it('gives a supervisor their office, its zones and cells; other areas are 404', async () => {
    const own = await api.call('GET', `/baselines/${first.id}`, { as: 'sup-east' });
    expect(own.status, own.text).toBe(200);
    expect(own.body.scope).toBe('office:office-east');
    const expected = await expectedCensus();
    expect(own.body.numbers.census).toBe(expected.get('office#office-east') ?? 0);
    const zone = own.body.breakdown[0].area.split('#')[1];
    const z = await api.call('GET', `/baselines/${first.id}?scope=zone:${zone}`, { as: 'sup-east' });
    expect(z.status, z.text).toBe(200);
    expect(z.body.breakdown.length).toBeGreaterThan(0);
    const he = (await api.call('GET', '/people/worker-he', { as: 'admin' })).body;
    for (const scope of ['city', 'office:office-west', `cell:${he.cells[0]}`])
      expect(
        (await api.call('GET', `/baselines/${first.id}?scope=${scope}`, { as: 'sup-east' })).status,
      ).toBe(404);
    expect((await api.call('GET', `/baselines/${first.id}`, { as: 'worker-liu' })).status).toBe(403);
  });

  it('answers unknown areas and baselines with 404, malformed scopes and ids with 400', async () => {
    for (const scope of ['zone:NOPE', 'cell:NOPE', 'office:NOPE'])
      expect((await api.call('GET', `/baselines/${first.id}?scope=${scope}`, { as: 'admin' })).status).toBe(
        404,
      );
    expect((await api.call('GET', `/baselines/${first.id}?scope=region:1`, { as: 'admin' })).status).toBe(
      400,
    );
    expect((await api.call('GET', '/baselines/B-nosuchbaseline', { as: 'admin' })).status).toBe(404);
    expect((await api.call('GET', '/baselines/nope', { as: 'admin' })).status).toBe(400);
  });
});

describe('several baselines', () => {
  it('lists them newest first; the newest is current until another is made current', async () => {
    await report('admin', pointA, '新开无照店');
    const second = (await createBaseline({ label: 'second', asOf: `${LAST_YEAR}-06-01T00:00:00+08:00` }))
      .body;
    expect(second.numbers.census).toBe(5);
    expect(second.asOf).toBe(`${LAST_YEAR}-05-31T16:00:00.000Z`);
    // The first baseline is frozen.
    const again = await api.call('GET', `/baselines/${first.id}`, { as: 'admin' });
    expect(again.body.numbers.census).toBe(4);
    expect(again.body.current).toBe(false);

    const list = async (as = 'admin') => (await api.call('GET', '/baselines', { as })).body.items as Json[];
    expect((await list()).map((b) => [b.id, b.current])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    // Supervisors see the headers too; field roles do not.
    expect((await list('sup-east')).map((b) => b.id)).toEqual([second.id, first.id]);
    expect((await api.call('GET', '/baselines', { as: 'officer-li' })).status).toBe(403);

    const made = await api.call('POST', `/baselines/${first.id}/current`, { as: 'admin' });
    expect(made.status, made.text).toBe(200);
    expect(made.body).toMatchObject({ id: first.id, current: true });
    expect((await list()).map((b) => [b.id, b.current])).toEqual([
      [second.id, false],
      [first.id, true],
    ]);
    expect((await api.call('POST', `/baselines/${second.id}/current`, { as: 'sup-east' })).status).toBe(403);
    expect((await api.call('POST', '/baselines/B-nosuchbaseline/current', { as: 'admin' })).status).toBe(404);

    // A baseline made later is current in its turn.
    const third = (await createBaseline({ label: 'third', asOf: `${LAST_YEAR}-11-01` })).body;
    expect((await list()).map((b) => [b.id, b.current])).toEqual([
      [third.id, true],
      [second.id, false],
      [first.id, false],
    ]);
    const page = await api.call('GET', '/baselines?limit=1', { as: 'admin' });
    expect(page.body.items.map((b: Json) => b.id)).toEqual([third.id]);
    expect(page.body.cursor).toBeDefined();
  });
});
