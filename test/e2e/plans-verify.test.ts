/**
 * Issue 22, a verifiable draw (双随机一公开, docs/decisions/0046), through the local server and the
 * `gridpatrol plans verify` command over the demo seed: a draft re-runs identically from what is
 * stored with it (also after publication, with last week's pairings, and over a week under way); a
 * person's availability or a cell's priority changed in the stored snapshot is found and named, with
 * the first task that differs; a plan drafted before draws were recorded is a 409 not_verifiable; a
 * plan the caller may not read is a 404, as for reading it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, type Person, type PlanRecord, planningWeekStart } from '@gridpatrol/core';
import { documentClient, planDrawLines, planLastWeek, tableName } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
let week: string;
let plan: PlanRecord & { tasks: unknown[] };
const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-verify-'));

const call = (method: string, p: string, as: string, body?: unknown, language?: string) =>
  api.call(method, p, { as, body, ...(language ? { headers: { 'accept-language': language } } : {}) });
const verify = (id: string, as = 'sup-east', language?: string) =>
  call('GET', `/plans/${id}/verify`, as, undefined, language);
const cliVerify = (id: string, ...flags: string[]) =>
  runCli(
    [
      'plans',
      'verify',
      id,
      '--table',
      api.tableName,
      '--endpoint',
      process.env.DYNAMODB_ENDPOINT as string,
      ...flags,
    ],
    dir,
  );

beforeAll(async () => {
  api = await startTestApi('demo');
  week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
  const res = await call('POST', '/plans', 'sup-east', { weekStart: week });
  expect(res.status, res.text).toBe(201);
  plan = res.body;
}, 120_000);
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /plans/{id}/verify and gridpatrol plans verify', () => {
  it('re-runs a fresh draft identically, with the seed and the hashes it compared', async () => {
    const res = await verify(plan.id);
    expect(res.status, res.text).toBe(200);
    const draw = plan.draw as NonNullable<PlanRecord['draw']>;
    expect(res.body).toMatchObject({
      planId: plan.id,
      seed: plan.seed,
      algorithm: 'sha256',
      identical: true,
      input: { identical: true, stored: draw.input, recomputed: draw.input, changed: [], problems: [] },
      output: {
        identical: true,
        stored: draw.output,
        recomputed: draw.output,
        tasks: { stored: plan.taskCount, recomputed: plan.taskCount },
        firstDifference: null,
      },
    });
    // The draw's lines are the drafted tasks: who, where, when.
    const lines = await planDrawLines(plan.id);
    expect(lines).toHaveLength(plan.taskCount as number);
    // The command says the same from the store.
    const out = cliVerify(plan.id);
    expect(out.status, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toContain(`Plan ${plan.id} seed ${plan.seed}: identical (sha256).`);
  });

  it('verifies after publication, next week’s draft with the pairings it rotated from, and a redraw over a published week', async () => {
    expect((await call('POST', `/plans/${plan.id}/publish`, 'sup-east')).status).toBe(200);
    expect((await verify(plan.id)).body.identical).toBe(true);
    const next = await call('POST', '/plans', 'sup-east', { weekStart: addDays(week, 7) });
    expect(next.status, next.text).toBe(201);
    expect((await planLastWeek(next.body.id)).length).toBeGreaterThan(0);
    let res = await verify(next.body.id);
    expect([res.status, res.body.identical, res.body.input.changed], res.text).toEqual([200, true, []]);
    // Superseding a published week applies a week under way's exclusions, with their slot starts.
    const redraw = await call('POST', '/plans', 'sup-east', { weekStart: week, supersede: true });
    expect(redraw.status, redraw.text).toBe(201);
    expect(redraw.body.exclusions).toBeDefined();
    expect(redraw.body.draw.slotStarts).toHaveLength(7 * redraw.body.shifts.length);
    res = await verify(redraw.body.id, 'admin');
    expect([res.status, res.body.identical], res.text).toEqual([200, true]);
  });

  it('names the people when a person’s availability changed in the stored snapshot, and the first task that differs', async () => {
    const key = { pk: `PLAN#${plan.id}`, sk: 'PEOPLE#0000' };
    const item = (await documentClient().send(new GetCommand({ TableName: tableName(), Key: key }))).Item;
    const people = item?.people as Person[];
    const lines = await planDrawLines(plan.id);
    const busy = people.findIndex((p) => lines.some((l) => l.split('|')[3] === p.id));
    expect(busy).toBeGreaterThanOrEqual(0);
    const original = structuredClone(people[busy]) as Person;
    (people[busy] as Person).availability = { weekdays: [], datesOff: [] };
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...item, people } }));
    try {
      const res = await verify(plan.id);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({
        identical: false,
        seed: plan.seed,
        input: { identical: false, changed: ['people'] },
        output: { identical: false },
      });
      const first = res.body.output.firstDifference;
      expect(first.stored).not.toEqual(first.recomputed);
      expect(lines[first.index]).toBe(
        [
          first.stored.date,
          first.stored.shift,
          first.stored.cellId,
          first.stored.officerId,
          first.stored.partnerId,
        ].join('|'),
      );
      expect(first.taskId).toBe(
        `${plan.id}.${first.stored.date}.${first.stored.shift}.${first.stored.cellId}`,
      );
      const out = cliVerify(plan.id);
      expect(out.status, out.stderr + out.stdout).toBe(1);
      expect(out.stdout).toContain('NOT identical');
      expect(out.stdout).toContain('input   changed: people');
      expect(out.stdout).toContain('first difference');
    } finally {
      people[busy] = original;
      await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...item, people } }));
    }
    expect((await verify(plan.id)).body.identical).toBe(true);
  });

  it('names the cells when a cell’s priority changed in the stored snapshot', async () => {
    const lines = await planDrawLines(plan.id);
    const cellId = (lines[0] as string).split('|')[2] as string;
    const key = { pk: `PLAN#${plan.id}`, sk: `CELL#${cellId}` };
    const item = (await documentClient().send(new GetCommand({ TableName: tableName(), Key: key }))).Item;
    const priority = item?.cell.manualPriority as number;
    const set = (p: number) =>
      documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: 'SET #c.manualPriority = :p',
          ExpressionAttributeNames: { '#c': 'cell' },
          ExpressionAttributeValues: { ':p': p },
        }),
      );
    await set(priority === 5 ? 0 : 5);
    try {
      const res = await verify(plan.id, 'admin');
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ identical: false, input: { identical: false, changed: ['cells'] } });
      expect(res.body.input.parts.cells.recomputed).not.toBe(res.body.input.parts.cells.stored);
      expect(res.body.input.parts.people.recomputed).toBe(res.body.input.parts.people.stored);
    } finally {
      await set(priority);
    }
    // The live cell priority is not the draw's input: changing it leaves the stored draw identical.
    expect((await call('PUT', `/cells/${cellId}/priority`, 'sup-east', { priority: 4 })).status).toBe(200);
    expect((await verify(plan.id)).body.identical).toBe(true);
  });

  it('refuses a plan drafted before draws were recorded (409 not_verifiable), another office’s plan (404), field roles (403)', async () => {
    const res0 = await call('POST', '/plans', 'sup-east', { weekStart: addDays(week, 14) });
    expect(res0.status, res0.text).toBe(201);
    const old = res0.body.id as string;
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `PLAN#${old}`, sk: 'PLAN' },
        UpdateExpression: 'REMOVE draw',
      }),
    );
    let res = await verify(old);
    expect(res.status, res.text).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'not_verifiable', details: [{ path: 'params.id' }] });
    expect(res.body.error.message).toContain(old);
    res = await verify(old, 'sup-east', 'zh-CN');
    expect([res.status, res.body.error.code]).toEqual([409, 'not_verifiable']);
    expect(res.body.error.message).toContain('无法核验');
    const out = cliVerify(old);
    expect(out.status, out.stderr + out.stdout).toBe(2);
    expect(out.stderr).toContain('cannot be verified');

    res = await verify(plan.id, 'sup-west');
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    res = await verify('P-doesnotexist');
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    res = await verify(plan.id, 'officer-li');
    expect(res.status).toBe(403);
    res = await verify('not-a-plan');
    expect([res.status, res.body.error.details[0].path]).toEqual([400, 'params.id']);
  });
});
