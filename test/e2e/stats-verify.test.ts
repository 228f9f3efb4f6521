/**
 * `gridpatrol stats verify` over the demo seed: a seeded random workload through the local server
 * (reports by several people, random legal actions from each finding's `allowedActions`, the
 * overdue and revisit jobs with the clock moved, a drafted and published plan whose tasks are
 * checked in, completed or missed, and a second grid version activated with different zones), then
 * the recount agrees with every stored counter. A counter tampered with by hand is then reported,
 * alone, by the function and by the command (exit 1).
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, type PatrolTask, planningWeekStart } from '@gridpatrol/core';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { syntheticCity } from '@gridpatrol/local';
import {
  documentClient,
  getCounters,
  getFinding,
  gridAreasOfAllVersions,
  keys,
  primaryKey,
  tableName,
  verifyCounters,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOnTable } from '../support/cli';
import { randomActionBody, seeded } from '../support/findings';
import { importGrid } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';
import { type CellPoint, pointInCell } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

let api: TestApi;
let setClock: (fn?: () => Date) => void;
let clock = new Date();
const DAY = 86_400_000;
const MIN = 60_000;
const verifyCli = cliOnTable('stats', () => api.tableName);

/** Seeded, so that a failing run can be replayed. */
const SEED = 20_261_123;
const random = seeded(SEED);
const { rand, pick } = random;

const get = async (p: string): Promise<Json> => (await api.call('GET', p, { as: 'admin' })).body;
const offices = () => api.config.offices.map((o) => o.id);

/** Field reporters and points each may report at (their own cells, or their zone's). */
const reporters: { id: string; field: boolean; points: CellPoint[] }[] = [];
const findings: string[] = [];

async function zonePoint(zoneId: string): Promise<CellPoint | undefined> {
  const zone = await get(`/zones/${zoneId}`);
  for (const c of zone.properties.cells as { id: string }[]) {
    const p = await pointInCell(get, c.id, (r) => r.primaryZone === zoneId);
    if (p) return p;
  }
  return undefined;
}

async function addReporter(id: string, field: boolean): Promise<void> {
  const me = (await api.call('GET', '/me', { as: id })).body;
  const points: CellPoint[] = [];
  for (const cell of (me.cells as string[]).slice(0, 2)) {
    const p = await pointInCell(get, cell);
    if (p) points.push(p);
  }
  for (const zone of (me.zones as string[]).slice(0, 1)) {
    const p = await zonePoint(zone);
    if (p) points.push(p);
  }
  if (points.length > 0) reporters.push({ id, field, points });
}

async function reportFinding(as: string, at: { lon: number; lat: number }, field: boolean): Promise<void> {
  const res = await api.call('POST', '/findings', {
    as,
    body: {
      lon: at.lon + (rand() - 0.5) * 1e-5,
      lat: at.lat + (rand() - 0.5) * 1e-5,
      address: `随机路 ${findings.length + 1} 号`,
      businessName: `店铺${randomUUID().slice(0, 6)}`,
      businessType: pick(api.config.findingCategories).id,
      kind: pick(['unlicensed', 'unpermitted', 'both'] as const),
      photos: [],
    },
    ...(field ? { headers: { 'idempotency-key': randomUUID() } } : {}),
  });
  expect(res.status, res.text).toBe(201);
  findings.push(res.body.id);
}

/** A well-formed body for `action` on `f`, with random choices. */
const actionBody = (action: string, f: Json) =>
  randomActionBody(action, f.version, {
    at: Date.now(),
    maxDays: 20,
    transferDeadlineChance: 0.7,
    departments: api.config.departments,
    random,
  });

/** One random legal action on a random finding, as the city admin; returns whether it applied. */
async function randomAction(): Promise<boolean> {
  const id = pick(findings);
  const f = (await api.call('GET', `/findings/${id}`, { as: 'admin' })).body;
  const allowed: string[] = f.allowedActions ?? [];
  if (allowed.length === 0) return false;
  const res = await api.call('POST', `/findings/${id}/actions`, {
    as: 'admin',
    body: actionBody(pick(allowed), f),
  });
  expect([200, 409, 422], res.text).toContain(res.status);
  return res.status === 200;
}

beforeAll(async () => {
  api = await startTestApi('demo');
  const mod = await import('@gridpatrol/functions/handlers/tasks');
  setClock = mod.setTasksClock;
  setClock(() => clock);
  for (const id of ['officer-li', 'officer-zhao', 'worker-liu', 'worker-sun', 'volunteer-zhou', 'worker-he'])
    await addReporter(id, true);
  await addReporter('sup-east', false);
}, 180_000);
afterAll(async () => {
  setClock?.();
  await api?.close();
  verifyCli.cleanup();
});

describe('gridpatrol stats verify', () => {
  let tasks: PatrolTask[] = [];

  it('agrees with every counter after a random workload of findings and jobs', async () => {
    let applied = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 6; i++) {
        const r = pick(reporters);
        await reportFinding(r.id, pick(r.points), r.field);
      }
      for (let i = 0; i < 14; i++) if (await randomAction()) applied++;
      await runJob('overdue', new Date(Date.now() + (3 + round * 6) * DAY));
      if (round >= 2) await runJob('revisits', new Date(Date.now() + (32 + round) * DAY));
    }
    expect(applied).toBeGreaterThan(20);
    await api.settle();
    const report = await verifyCounters({ offices: offices(), timeZone: api.config.timeZone });
    expect(report.disagreements).toEqual([]);
    expect(report.findingsRead).toBe(findings.length);
  }, 300_000);

  it('agrees after a plan is published and its tasks are done, done solo or missed', async () => {
    const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
    const drafted = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: week } });
    expect(drafted.status, drafted.text).toBe(201);
    const planId: string = drafted.body.id;
    const published = await api.call('POST', `/plans/${planId}/publish`, { as: 'sup-east' });
    expect(published.status, published.text).toBe(200);
    tasks = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/plans/${planId}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      tasks.push(...page.tasks);
      cursor = page.cursor;
    } while (cursor);
    expect(tasks.length).toBeGreaterThan(3);

    const done = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const t = pick(tasks);
      if (done.has(t.id)) continue;
      done.add(t.id);
      const at = await pointInCell(get, t.cellId);
      if (!at) continue;
      clock = new Date(Date.parse(t.shiftStart) + 30 * MIN);
      const who = rand() < 0.5 ? [t.officerId, t.partnerId] : [pick([t.officerId, t.partnerId])];
      for (const p of who) {
        const res = await api.call('POST', `/tasks/${t.id}/check-in`, {
          as: p,
          body: { lon: at.lon, lat: at.lat },
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(res.status, res.text).toBe(200);
      }
      if (rand() < 0.8) {
        const res = await api.call('POST', `/tasks/${t.id}/complete`, {
          as: who[0] as string,
          body: { checks: { safety: 'ok', food: 'issue', license: 'not_applicable' } },
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(res.status, res.text).toBe(200);
      }
    }
    // After the week every task still assigned is missed.
    const after = new Date(Date.parse(`${addDays(week, 8)}T00:00:00Z`));
    expect((await runJob('missed-tasks', after)).changed).toBeGreaterThan(0);
    await api.settle();
    const report = await verifyCounters({ offices: offices(), timeZone: api.config.timeZone });
    expect(report.disagreements).toEqual([]);
    expect(report.tasksRead).toBe(tasks.length);
    expect(report.plansRead).toBe(1);
    const city = (await getCounters(['city'])).city ?? {};
    expect((city['tasks:missed'] ?? 0) + (city['tasks:completed'] ?? 0)).toBeGreaterThan(0);
  }, 300_000);

  it('still finds the findings of zones a newer grid version no longer has', async () => {
    // A second version whose zones all have new ids: findings keep their old zones.
    const next = syntheticCity({ cells: 40, seed: 7, offices: offices().slice(0, 1) });
    const zones = next.zones.map((z) => ({
      ...z,
      properties: { ...z.properties, id: String(z.properties.id).replace(/^Z-/, 'N-') },
    }));
    const imported = await importGrid(api, {
      cells: { type: 'FeatureCollection', features: next.cells },
      zones: { type: 'FeatureCollection', features: zones },
    });
    expect(imported.done.body.status, imported.done.text.slice(0, 500)).toBe('draft');
    // The new grid drops the old cells and zones on purpose: activation needs force (0022).
    const activated = await api.call('POST', `/grid/imports/${imported.version}/activate`, {
      as: 'admin',
      body: { force: true, reason: 'A grid with new zone ids replaces the seed grid.' },
    });
    expect(activated.status, activated.text).toBe(200);
    for (const cell of next.cells.slice(0, 3)) {
      const p = await pointInCell(get, String(cell.properties.id));
      if (p) await reportFinding('admin', p, false);
    }
    const grid = await gridAreasOfAllVersions();
    expect(grid.versions).toBe(2);
    const zonesOfFindings = new Set<string>();
    for (const id of findings) {
      const z = (await getFinding(id))?.zoneId;
      if (z) zonesOfFindings.add(z);
    }
    expect([...zonesOfFindings].some((z) => z.startsWith('Z-'))).toBe(true);
    expect([...zonesOfFindings].some((z) => z.startsWith('N-'))).toBe(true);
    for (const z of zonesOfFindings) expect(grid.zones.has(z)).toBe(true);

    await api.settle();
    const report = await verifyCounters({ offices: offices(), timeZone: api.config.timeZone });
    expect(report.disagreements).toEqual([]);
    expect(report.findingsRead).toBe(findings.length);
    expect(report.tasksRead).toBe(tasks.length);
  }, 300_000);

  it('reports a tampered counter, and only it; the command exits 1 naming it', async () => {
    const zone = (await getFinding(findings[0] as string))?.zoneId ?? 'city';
    const area = zone === 'city' ? 'city' : `zone#${zone}`;
    await api.settle();
    const before = (await getCounters([area]))[area]?.total ?? 0;
    const tamper = (n: number) =>
      documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: primaryKey(keys.counter(area)),
          UpdateExpression: 'ADD #m :n',
          ExpressionAttributeNames: { '#m': 'total' },
          ExpressionAttributeValues: { ':n': n },
        }),
      );
    await tamper(2);
    await api.settle();
    const report = await verifyCounters({ offices: offices(), timeZone: api.config.timeZone });
    expect(report.disagreements).toEqual([{ area, metric: 'total', stored: before + 2, recounted: before }]);

    const cli = (json: boolean) => verifyCli.run(['stats', 'verify', ...(json ? ['--json'] : [])]);
    const bad = cli(true);
    expect(bad.status, bad.stderr + bad.stdout).toBe(1);
    expect(JSON.parse(bad.stdout).disagreements).toEqual(report.disagreements);

    await tamper(-2);
    const good = cli(false);
    expect(good.status, good.stderr + good.stdout).toBe(0);
    expect(good.stdout).toMatch(new RegExp(`Findings read\\s+${findings.length} `));
    expect(good.stdout).toContain('All counters agree');
  }, 300_000);
});
