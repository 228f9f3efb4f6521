/**
 * Deactivation has consequences (issue 15.5), through the local server over the demo seed and
 * through `gridpatrol people import`: a published plan two weeks ahead, then a deactivated officer's
 * and a deactivated grid worker's future tasks are flagged, reported and reassignable with the
 * existing reassign (which clears the flag); a past task stays as it was; the officer's open cases
 * join their supervisor’s to-do. Repeating a deactivation flags nothing twice; a reactivation clears
 * the flags naming the person (or moves one to a partner still deactivated), once.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays, type PatrolTask, planningWeekStart } from '@gridpatrol/core';
import { getPatrolTask, listTaskHistory } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { testDatabaseEndpoint } from '../support/database';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

let api: TestApi;
let planId: string;
const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-deactivate-'));

const call = (method: string, p: string, as: string, body?: unknown) => api.call(method, p, { as, body });
const ok = async (method: string, p: string, as: string, body?: unknown): Promise<Json> => {
  const res = await call(method, p, as, body);
  expect(res.status, `${method} ${p}: ${res.text}`).toBeLessThan(300);
  return res.body;
};

/** A one-person people file in the scratch folder: `p` as stored, but `active`. */
function onePersonFile(name: string, p: Json, active: boolean): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `id,name,role,office,cells,capacity,active\n${p.id},${p.name},${p.role},${p.office},${p.cells.join(';')},${p.capacity},${active}\n`,
  );
  return file;
}

/** `gridpatrol people import` of `file` on the test server's table. */
const importPeopleFile = (file: string) =>
  runCli(['people', 'import', file, '--table', api.tableName, '--endpoint', testDatabaseEndpoint()], dir);

async function planTasks(): Promise<PatrolTask[]> {
  const out: PatrolTask[] = [];
  let cursor: string | undefined;
  do {
    const body = await ok(
      'GET',
      `/plans/${planId}?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      'sup-east',
    );
    out.push(...body.tasks);
    cursor = body.cursor;
  } while (cursor);
  return out;
}

/** The body that replaces a person with their record as it is, but `active`. */
async function personBody(id: string, active: boolean): Promise<Json> {
  const {
    id: _id,
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    ...body
  } = await ok('GET', `/people/${id}`, 'admin');
  return { ...body, active };
}

const byStart = (a: PatrolTask, b: PatrolTask) =>
  a.shiftStart.localeCompare(b.shiftStart) || a.id.localeCompare(b.id);

beforeAll(async () => {
  api = await startTestApi('demo');
  const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
  const draft = await ok('POST', '/plans', 'sup-east', { weekStart: week });
  planId = draft.id;
  await ok('POST', `/plans/${planId}/publish`, 'sup-east');
}, 180_000);
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deactivating a zone officer through the API', () => {
  let liTasks: PatrolTask[];
  let past: PatrolTask;
  let finding: string;
  let zone: string;

  it('flags and reports their future published tasks, leaves past ones, hands their cases on', async () => {
    const li = await ok('GET', '/people/officer-li', 'admin');
    zone = li.zones[0];
    liTasks = (await planTasks()).filter((t) => t.officerId === 'officer-li').sort(byStart);
    expect(liTasks.length).toBeGreaterThan(0);
    // A task of last week (shift over): what happened stays as it was.
    const yesterday = new Date(Date.now() - 86_400_000);
    past = await writePublishedTask({
      planId: 'P-pastweek01',
      cellId: liTasks[0]?.cellId as string,
      zoneId: zone,
      officeId: 'office-east',
      officerId: 'officer-li',
      partnerId: liTasks[0]?.partnerId as string,
      date: yesterday.toISOString().slice(0, 10),
      shift: 'am',
      shiftStart: new Date(yesterday.getTime() - 4 * 3_600_000).toISOString(),
      shiftEnd: yesterday.toISOString(),
    });
    // An open case of the officer's zone; before the deactivation it waits on the officer only.
    const get = async (p: string) => (await api.call('GET', p, { as: 'admin' })).body;
    const zoneCells = (await get(`/zones/${zone}`)).properties.cells as { id: string }[];
    let point: { lon: number; lat: number } | undefined;
    for (const c of zoneCells) {
      point = await pointInCell(get, c.id, (r) => r.primaryZone === zone);
      if (point) break;
    }
    const rep = await api.call('POST', '/findings', {
      as: 'officer-li',
      body: reportBody(point as { lon: number; lat: number }, '李记早点'),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(rep.status, rep.text).toBe(201);
    finding = rep.body.id;
    const todo = async (as: string) =>
      (await ok('GET', '/me/findings?view=todo&limit=500', as)).items.map((f: { id: string }) => f.id);
    expect(await todo('sup-east')).not.toContain(finding);
    // The report counts the zone's open cases from the counters, which follow the stream (0028):
    // fold the report just made first, or a slow fold leaves it out.
    await api.settle();

    const res = await call('PUT', '/people/officer-li', 'sup-east', await personBody('officer-li', false));
    expect(res.status, res.text).toBe(200);
    expect(res.body.active).toBe(false);
    const report = res.body.deactivation;
    expect(report.futureTasks.map((t: { id: string }) => t.id)).toEqual(liTasks.map((t) => t.id));
    for (const t of report.futureTasks)
      expect(t).toMatchObject({
        planId,
        as: 'officer',
        needsReassignment: { reason: 'person_deactivated', personId: 'officer-li' },
      });
    expect(report).toMatchObject({
      personId: 'officer-li',
      newlyFlagged: liTasks.length,
      zonesWithoutOfficer: [zone],
      movedTo: ['sup-east'],
    });
    expect(report.openFindings).toBeGreaterThanOrEqual(1);

    // Visible in the plan: exactly the officer's tasks carry the flag.
    const flagged = (await planTasks()).filter((t) => t.needsReassignment).map((t) => t.id);
    expect(flagged.sort()).toEqual(liTasks.map((t) => t.id).sort());
    expect(await getPatrolTask(past.id)).toEqual(past);
    // The officer's cases now wait on their supervisor.
    expect(await todo('sup-east')).toContain(finding);
    expect(await todo('sup-west')).not.toContain(finding);
  });

  it('flags nothing twice when the deactivation is repeated', async () => {
    const res = await call('PUT', '/people/officer-li', 'admin', await personBody('officer-li', false));
    expect(res.status, res.text).toBe(200);
    expect(res.body.deactivation.futureTasks.map((t: { id: string }) => t.id)).toEqual(
      liTasks.map((t) => t.id),
    );
    expect(res.body.deactivation.newlyFlagged).toBe(0);
    const t = await getPatrolTask(liTasks[0]?.id as string);
    expect(t?.version).toBe((liTasks[0]?.version ?? 0) + 1);
  });

  it('lets the supervisor reassign a flagged task under the planner’s rules, clearing the flag', async () => {
    const t = (await getPatrolTask(liTasks[0]?.id as string)) as PatrolTask;
    // Keeping the deactivated officer breaks a rule, named.
    const kept = await call('POST', `/plans/${planId}/tasks/${t.id}/reassign`, 'sup-east', {
      expectedVersion: t.version,
      date: t.date,
    });
    expect(kept.status, kept.text).toBe(422);
    expect(kept.body.error.details).toContainEqual({
      path: 'body.officerId',
      message: "[inactive] 'officer-li' is deactivated",
    });

    // A new officer for the zone takes it over (people are created by a city admin).
    await ok('PUT', '/people/officer-ma', 'admin', {
      name: '马警官 Ma',
      role: 'zone_officer',
      office: 'office-east',
      zones: [zone],
      capacity: 10,
      availability: { weekdays: [1, 2, 3, 4, 5, 6, 7] },
    });
    const moved = await call('POST', `/plans/${planId}/tasks/${t.id}/reassign`, 'sup-east', {
      expectedVersion: t.version,
      officerId: 'officer-ma',
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ id: t.id, officerId: 'officer-ma', status: 'assigned' });
    expect(moved.body.needsReassignment).toBeUndefined();
    expect((await getPatrolTask(t.id))?.needsReassignment).toBeUndefined();
    const steps = (await listTaskHistory(t.id)).items;
    expect(steps.map((e) => e.action)).toEqual(['plan', 'publish', 'flag', 'reassign']);
    expect(steps[3]?.detail).toMatchObject({ cleared: { personId: 'officer-li' } });
    // The zone has an active officer again: its cases leave the supervisor's to-do.
    const todo = (await ok('GET', '/me/findings?view=todo&limit=500', 'sup-east')).items.map(
      (f: { id: string }) => f.id,
    );
    expect(todo).not.toContain(finding);
  });
});

describe('deactivating through gridpatrol people import', () => {
  it('flags, reports and prints a grid worker’s future tasks', async () => {
    const tasks = await planTasks();
    // The partner with the most future tasks in the plan.
    const counts = new Map<string, number>();
    for (const t of tasks) counts.set(t.partnerId, (counts.get(t.partnerId) ?? 0) + 1);
    const [partner] = [...counts].sort((a, b) => b[1] - a[1])[0] as [string, number];
    const own = tasks.filter((t) => t.partnerId === partner).sort(byStart);
    const p = await ok('GET', `/people/${partner}`, 'admin');
    const file = onePersonFile('people.csv', p, false);
    const res = importPeopleFile(file);
    expect(res.status, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toContain(
      `Deactivated ${partner}: ${own.length} future task${own.length === 1 ? '' : 's'} in published plans flagged for reassignment`,
    );
    for (const t of own)
      expect(res.stdout).toContain(`${t.id}  ${t.date} ${t.shift}  cell ${t.cellId}  as partner`);

    const after = await planTasks();
    for (const t of own)
      expect(after.find((x) => x.id === t.id)?.needsReassignment).toMatchObject({
        reason: 'person_deactivated',
        personId: partner,
      });
    expect((await ok('GET', `/people/${partner}`, 'admin')).active).toBe(false);
    // History says who flagged it.
    const steps = (await listTaskHistory(own[0]?.id as string)).items;
    expect(steps.at(-1)).toMatchObject({ action: 'flag', actor: { id: 'people-import', role: 'system' } });
  }, 120_000);
});

describe('reactivating a person', () => {
  // After the above: officer-li and one partner P (deactivated by the import) are inactive; the
  // tasks li shares with P carry P's flag, li's others li's flag.
  let partner: string;
  let shared: PatrolTask[];
  let alone: PatrolTask[];

  it('clears the flags naming the person, keeping one on a task whose partner is deactivated too', async () => {
    const own = (await planTasks()).filter((t) => t.officerId === 'officer-li');
    partner = own.find((t) => t.needsReassignment?.personId !== 'officer-li')?.partnerId as string;
    shared = own.filter((t) => t.partnerId === partner).sort(byStart);
    alone = own.filter((t) => t.partnerId !== partner).sort(byStart);
    expect(shared.length).toBeGreaterThan(0);
    expect(alone.length).toBeGreaterThan(0);
    // li deactivated again (after P): every task of theirs now names li, over an inactive partner on `shared`.
    const off = await ok('PUT', '/people/officer-li', 'admin', await personBody('officer-li', false));
    expect(off.deactivation.newlyFlagged).toBe(shared.length);

    const res = await call('PUT', '/people/officer-li', 'sup-east', await personBody('officer-li', true));
    expect(res.status, res.text).toBe(200);
    expect(res.body.active).toBe(true);
    expect(res.body.reactivation.personId).toBe('officer-li');
    expect(res.body.reactivation.cleared.map((t: { id: string }) => t.id)).toEqual(alone.map((t) => t.id));
    expect(res.body.reactivation.cleared[0]).toMatchObject({ planId, as: 'officer' });
    expect(res.body.reactivation.stillFlagged.map((t: { id: string }) => t.id)).toEqual(
      shared.map((t) => t.id),
    );
    for (const t of res.body.reactivation.stillFlagged)
      expect(t.needsReassignment).toMatchObject({ reason: 'person_deactivated', personId: partner });

    for (const t of alone) {
      expect((await getPatrolTask(t.id))?.needsReassignment).toBeUndefined();
      const steps = (await listTaskHistory(t.id)).items;
      expect(steps.map((e) => e.action)).toEqual(['plan', 'publish', 'flag', 'unflag']);
      expect(steps[3]).toMatchObject({
        actor: { id: 'sup-east', role: 'supervisor' },
        detail: { cleared: { personId: 'officer-li' } },
      });
    }
    for (const t of shared)
      expect((await getPatrolTask(t.id))?.needsReassignment).toMatchObject({ personId: partner });
  });

  it('clears nothing twice when the reactivation is repeated', async () => {
    const before = await Promise.all([...alone, ...shared].map((t) => getPatrolTask(t.id)));
    const res = await call('PUT', '/people/officer-li', 'admin', await personBody('officer-li', true));
    expect(res.status, res.text).toBe(200);
    // An active person saved again with nothing to clear answers the plain record.
    expect(res.body.reactivation).toBeUndefined();
    const after = await Promise.all([...alone, ...shared].map((t) => getPatrolTask(t.id)));
    expect(after).toEqual(before);
  });

  it('clears and prints the partner’s flags when the import reactivates them', async () => {
    const p = await ok('GET', `/people/${partner}`, 'admin');
    const file = onePersonFile('people-back.csv', p, true);
    const res = importPeopleFile(file);
    expect(res.status, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`Reactivated ${partner}: \\d+ future tasks? no longer flagged`));
    for (const t of shared) {
      expect(res.stdout).toContain(`${t.id}  ${t.date} ${t.shift}  cell ${t.cellId}  as partner`);
      expect((await getPatrolTask(t.id))?.needsReassignment).toBeUndefined();
      const steps = (await listTaskHistory(t.id)).items;
      expect(steps.at(-1)).toMatchObject({
        action: 'unflag',
        actor: { id: 'people-import', role: 'system' },
      });
    }
    // Imported again: nothing left to clear, nothing printed for them.
    const again = importPeopleFile(file);
    expect(again.status, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).not.toContain(`Reactivated ${partner}`);
  }, 120_000);
});

describe('publishing a draft that names a deactivated person', () => {
  it('is refused with a 422 naming each task and person, and publishes once they are active again', async () => {
    const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 21);
    const draft = await ok('POST', '/plans', 'sup-east', { weekStart: week });
    // Whoever the draw gave tasks to (rotation moves officers week over week).
    const officer = (draft.tasks as PatrolTask[])[0]?.officerId as string;
    const theirs = (draft.tasks as PatrolTask[]).filter((t) => t.officerId === officer);
    expect(theirs.length).toBeGreaterThan(0);
    // Deactivated after the draft was made: deactivation flags published tasks only.
    await ok('PUT', `/people/${officer}`, 'admin', await personBody(officer, false));

    const res = await call('POST', `/plans/${draft.id}/publish`, 'sup-east');
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('unprocessable');
    expect(res.body.error.message).toContain(officer);
    expect(res.body.error.details).toEqual(
      theirs.map((t) => ({
        path: `tasks.${t.id}.officerId`,
        message: `[inactive] '${officer}' is deactivated`,
      })),
    );
    // Nothing was published: the plan and its tasks are still drafts.
    const after = await ok('GET', `/plans/${draft.id}?limit=500`, 'sup-east');
    expect(after.status).toBe('draft');
    expect(after.tasks.every((t: PatrolTask) => t.status === 'draft')).toBe(true);

    await ok('PUT', `/people/${officer}`, 'admin', await personBody(officer, true));
    const published = await ok('POST', `/plans/${draft.id}/publish`, 'sup-east');
    expect(published.status).toBe('published');
  });
});
