/**
 * Issue 15.3: activation is a reviewed step (docs/decisions/0022). A 2-cell draft over the demo's
 * active 300-cell grid would strand people, an open finding and a published task and drop nearly
 * all of the covered area: GET …/diff says so, activation is a 409 naming each, and only
 * `force` with a reason activates it, which the version records.
 */
import { randomUUID } from 'node:crypto';
import { syntheticCity } from '@gridpatrol/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { importGrid } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;
let draft: number;
let active: number;
let findingId: string;
let taskId: string;
let liuCell: string;
let zoneIds: string[];

const get = async (path: string) => (await api.call('GET', path, { as: 'admin' })).body;

beforeAll(async () => {
  api = await startTestApi('demo');
  active = (await get('/grid/imports')).items.find((v: { status: string }) => v.status === 'active').version;
  liuCell = (await get('/people/worker-liu')).cells[0];
  const point = await pointInCell(get, liuCell);
  if (!point) throw new Error(`no point in ${liuCell}`);
  const reported = await api.call('POST', '/findings', {
    as: 'worker-liu',
    body: reportBody(point),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(reported.status, reported.text).toBe(201);
  findingId = reported.body.id;
  const tomorrow = new Date(Date.now() + 86_400_000);
  taskId = (
    await writePublishedTask({
      planId: 'P-review01',
      cellId: liuCell,
      zoneId: point.primaryZone ?? 'Z-001',
      officeId: 'office-east',
      officerId: 'officer-li',
      partnerId: 'worker-liu',
      date: tomorrow.toISOString().slice(0, 10),
      shift: 's1',
      shiftStart: tomorrow.toISOString(),
      shiftEnd: new Date(tomorrow.getTime() + 3 * 3_600_000).toISOString(),
    })
  ).id;

  // Two cells and one zone, all with ids the demo grid does not have.
  const small = syntheticCity({ cells: 2, seed: 5, offices: ['office-east'] });
  const cells = small.cells.map((c, i) => ({
    ...c,
    properties: { ...c.properties, id: `33010699999900${i + 1}` },
  }));
  const zones = small.zones.map((z, i) => ({ ...z, properties: { ...z.properties, id: `Z-NEW-${i + 1}` } }));
  zoneIds = zones.map((z) => z.properties.id);
  const imported = await importGrid(api, {
    cells: { type: 'FeatureCollection', features: cells },
    zones: { type: 'FeatureCollection', features: zones },
  });
  expect(imported.done.body.status, imported.done.text.slice(0, 300)).toBe('draft');
  draft = imported.version;
});
afterAll(async () => {
  await api?.close();
});

describe('GET /grid/imports/{v}/diff', () => {
  it('compares the draft with the active version', async () => {
    const res = await api.call('GET', `/grid/imports/${draft}/diff`, { as: 'admin' });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const diff = res.body;
    expect(diff).toMatchObject({ fromVersion: active, toVersion: draft });
    expect(diff.cells.before).toBe(300);
    expect(diff.cells.after).toBe(2);
    expect(diff.cells.added).toEqual(['330106999999001', '330106999999002']);
    expect(diff.cells.removed).toHaveLength(300);
    expect(diff.cells.removed).toContain(liuCell);
    expect(diff.zones.removed.length).toBeGreaterThan(0);
    expect(diff.zones.added).toEqual(zoneIds);
    const stranded = diff.strandedPeople.map((p: { id: string }) => p.id);
    expect(stranded).toEqual(expect.arrayContaining(['worker-liu', 'leader-chen', 'officer-li']));
    expect(diff.strandedPeople.find((p: { id: string }) => p.id === 'worker-liu').cells).toContain(liuCell);
    expect(diff.strandedFindings).toEqual([expect.objectContaining({ id: findingId, cellId: liuCell })]);
    expect(diff.strandedTasks).toEqual([expect.objectContaining({ id: taskId, cellId: liuCell })]);
    // By geometry (0026): the two new cells happen to lie on some of the old land.
    expect(diff.area.droppedShare).toBeGreaterThan(0.9);
    expect(diff.area.droppedShare).toBeLessThan(1);
    expect(diff.area.maxDroppedShare).toBe(0.05);
    expect(diff.blockers.map((b: { path: string }) => b.path)).toEqual([
      'people',
      'findings',
      'tasks',
      'area',
    ]);
  });

  it('is for the city admin only', async () => {
    const res = await api.call('GET', `/grid/imports/${draft}/diff`, { as: 'sup-east' });
    expect(res.status).toBe(403);
  });
});

describe('POST /grid/imports/{v}/activate', () => {
  it('refuses with 409 naming the stranded people, the finding, the task and the dropped share', async () => {
    const res = await api.call('POST', `/grid/imports/${draft}/activate`, { as: 'admin' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    const byPath = Object.fromEntries(
      res.body.error.details.map((d: { path: string; message: string }) => [d.path, d.message]),
    );
    expect(Object.keys(byPath)).toEqual(['people', 'findings', 'tasks', 'area']);
    expect(byPath.people).toContain(`worker-liu (${liuCell}`);
    expect(byPath.findings).toContain(findingId);
    expect(byPath.tasks).toContain(taskId);
    expect(byPath.area).toMatch(/no longer covers 9\d\.\d% of the active grid's area/);
    // Nothing changed: the old version still serves.
    expect(
      (await get('/grid/imports')).items.find((v: { status: string }) => v.status === 'active').version,
    ).toBe(active);
  });

  it('refuses force without a reason, naming body.reason', async () => {
    const res = await api.call('POST', `/grid/imports/${draft}/activate`, {
      as: 'admin',
      body: { force: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'body.reason' })]);
  });

  it('activates when forced with a reason, and the version records who, when and why', async () => {
    const reason = 'Street merger: the new grid replaces the old one; people are reassigned on Monday.';
    const res = await api.call('POST', `/grid/imports/${draft}/activate`, {
      as: 'admin',
      body: { force: true, reason },
    });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', activatedBy: 'admin' });
    const got = await get(`/grid/imports/${draft}`);
    expect(got.activationOverride).toMatchObject({ by: 'admin', reason });
    expect(Date.parse(got.activationOverride.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(got.activationOverride.blockers.map((b: { path: string }) => b.path)).toEqual([
      'people',
      'findings',
      'tasks',
      'area',
    ]);
    expect((await get(`/grid/imports/${active}`)).status).toBe('superseded');
  });
});
