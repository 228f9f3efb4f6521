/**
 * What the desk console's people page asks of the API beyond PUT /people/{id} (issue 13 part B):
 * the consequences of a deactivation before it is confirmed (GET /people/{id}/deactivation), the
 * same report the deactivation then gives, with nothing written by asking.
 */
import { getPatrolTask } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi('demo');
}, 120_000);

afterAll(async () => {
  await api?.close();
});

const DAY = 86_400_000;
const cityDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);

/** A published task of officer-li and `partnerId` two days ahead, in the partner's first cell. */
async function futureTask(partnerId: string, planId: string) {
  const partner = (await api.call('GET', `/people/${partnerId}`, { as: 'admin' })).body;
  const cellId = partner.cells[0] as string;
  const cell = (await api.call('GET', `/cells/${cellId}`, { as: 'admin' })).body;
  const start = new Date(Date.now() + 2 * DAY);
  return writePublishedTask({
    planId,
    cellId,
    zoneId: cell.properties.primaryZone,
    officeId: 'office-east',
    officerId: 'officer-li',
    partnerId,
    date: cityDate(start),
    shift: 'am',
    shiftStart: start.toISOString(),
    shiftEnd: new Date(start.getTime() + 3 * 3600_000).toISOString(),
  });
}

/** The person's record as a PUT body, with `active` set. */
async function bodyOf(id: string, active: boolean) {
  const {
    id: _i,
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    ...body
  } = (await api.call('GET', `/people/${id}`, { as: 'admin' })).body;
  return { ...body, active };
}

describe('GET /people/{id}/deactivation', () => {
  it('reports what deactivating would leave, writes nothing, and matches the deactivation itself', async () => {
    const task = await futureTask('worker-sun', 'P-console01');
    const preview = await api.call('GET', '/people/worker-sun/deactivation', { as: 'sup-east' });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({
      personId: 'worker-sun',
      newlyFlagged: 1,
      futureTasks: [
        {
          id: task.id,
          as: 'partner',
          cellId: task.cellId,
          needsReassignment: { reason: 'person_deactivated', personId: 'worker-sun' },
        },
      ],
      zonesWithoutOfficer: [],
    });
    // Asking wrote nothing: the task is as published, the person still active.
    expect((await getPatrolTask(task.id))?.needsReassignment).toBeUndefined();
    expect((await api.call('GET', '/people/worker-sun', { as: 'admin' })).body.active).toBe(true);

    const saved = await api.call('PUT', '/people/worker-sun', {
      as: 'sup-east',
      body: await bodyOf('worker-sun', false),
    });
    expect(saved.status, saved.text).toBe(200);
    const { since: _p, ...previewFlag } = preview.body.futureTasks[0].needsReassignment;
    const { since: _s, ...savedFlag } = saved.body.deactivation.futureTasks[0].needsReassignment;
    expect(savedFlag).toEqual(previewFlag);
    expect(saved.body.deactivation.futureTasks.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect(saved.body.deactivation.newlyFlagged).toBe(1);

    // Asked again after the deactivation: flagged already, nothing new would be.
    const again = await api.call('GET', '/people/worker-sun/deactivation', { as: 'sup-east' });
    expect(again.body).toMatchObject({ newlyFlagged: 0, futureTasks: [{ id: task.id }] });
  });

  it('names the zones an officer would leave without an officer, and who takes their cases', async () => {
    const preview = await api.call('GET', '/people/officer-zhao/deactivation', { as: 'admin' });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({
      personId: 'officer-zhao',
      zonesWithoutOfficer: ['Z-002'],
      movedTo: ['sup-east'],
    });
  });

  it('is refused as the deactivation would be: another office’s person is a 404, a field role a 403', async () => {
    const other = await api.call('GET', '/people/worker-he/deactivation', { as: 'sup-east' });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    const unknown = await api.call('GET', '/people/nobody-here/deactivation', { as: 'admin' });
    expect(unknown.status).toBe(404);
    const worker = await api.call('GET', '/people/worker-liu/deactivation', { as: 'worker-liu' });
    expect(worker.status).toBe(403);
    const bad = await api.call('GET', '/people/a%20b/deactivation', { as: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.id');
  });
});

describe('POST /people/imports', () => {
  const header = 'id,name,role,office,zones,cells,capacity,active';

  it('imports a CSV: creates, replaces and deactivates with the report of each', async () => {
    const [cell] = (await api.call('GET', '/people/worker-liu', { as: 'admin' })).body.cells;
    const csv = [
      header,
      `worker-csv1,表格网格员,grid_worker,office-east,,${cell},4,true`,
      `leader-chen,陈网格长,grid_leader,office-east,,${cell},6,false`,
      '',
    ].join('\r\n');
    const res = await api.call('POST', '/people/imports', { as: 'admin', body: { csv } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      imported: 2,
      created: ['worker-csv1'],
      updated: ['leader-chen'],
      deactivations: [{ personId: 'leader-chen', futureTasks: [] }],
    });
    expect((await api.call('GET', '/people/worker-csv1', { as: 'admin' })).body).toMatchObject({
      capacity: 4,
      cells: [cell],
      active: true,
    });
    expect((await api.call('GET', '/people/leader-chen', { as: 'admin' })).body.active).toBe(false);
  });

  it('refuses a file with bad rows, naming each by line and field, and writes nobody', async () => {
    const csv = [
      header,
      'worker-csv2,好人,grid_worker,office-east,,,2,true',
      'worker-csv3,坏角色,janitor,office-east,,,2,true',
      'worker-csv4,无此网格,grid_worker,office-east,,330106999999999,2,true',
      'worker-csv2,重复,grid_worker,office-east,,,2,maybe',
    ].join('\n');
    const res = await api.call('POST', '/people/imports', {
      as: 'admin',
      body: { csv },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.message).toMatch(/^人员文件有 \d+ 处问题/);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['csv.lines[3].role', 'csv.lines[4].cells[0]', 'csv.lines[5].active']),
    );
    const line4 = res.body.error.details.find((d: { path: string }) => d.path === 'csv.lines[4].cells[0]');
    expect(line4).toMatchObject({ line: 4, field: 'cells[0]' });
    expect(line4.message).toContain('330106999999999');
    // Nothing half-written: the good row of a refused file is not imported either.
    expect((await api.call('GET', '/people/worker-csv2', { as: 'admin' })).status).toBe(404);
  });

  it('refuses a supervisor’s row for a person of another office exactly as an unknown id', async () => {
    const he = (await api.call('GET', '/people/worker-he', { as: 'admin' })).body;
    const csv = `id,name,role,office,cells\nworker-he,何,grid_worker,office-west,${he.cells[0]}\nworker-nobody,无名,grid_worker,office-east,\n`;
    const res = await api.call('POST', '/people/imports', { as: 'sup-east', body: { csv } });
    expect(res.status, res.text).toBe(422);
    const details = res.body.error.details as { path: string; message: string }[];
    expect(details.map((d) => d.path)).toEqual(['csv.lines[2].id', 'csv.lines[3].id']);
    expect(details[0]?.message.replace('worker-he', 'X')).toBe(
      details[1]?.message.replace('worker-nobody', 'X'),
    );
    expect((await api.call('GET', '/people/worker-he', { as: 'admin' })).body.name).toBe(he.name);
  });

  it('refuses a file that is not a people CSV, and a body over the limit, in words', async () => {
    const unknownColumn = await api.call('POST', '/people/imports', {
      as: 'admin',
      body: { csv: 'id,name,role,shoe\nx,y,grid_worker,42\n' },
    });
    expect(unknownColumn.status).toBe(422);
    expect(unknownColumn.body.error.details[0]).toMatchObject({ path: 'csv.lines[1].shoe' });
    const empty = await api.call('POST', '/people/imports', { as: 'admin', body: { csv: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('body.csv');
    const huge = await api.call('POST', '/people/imports', {
      as: 'admin',
      body: { csv: 'x'.repeat(200_001) },
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details[0].path).toBe('body.csv');
  });
});
