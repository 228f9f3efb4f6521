/**
 * The scheduled jobs through the local server: a case ordered to rectify is marked overdue and
 * escalated to its supervisor once its deadline passes, to the admins a further
 * `escalateToAdminAfterDays` later; a resolved case becomes `revisit_due` when its revisit date
 * comes. `runJob` takes the clock, so the test moves time instead of waiting. Also: a second run at
 * the same time changes nothing, two runs racing change each case once, the runner pages through
 * more due cases than one page holds, `npm start`'s timer runs the jobs, and `gridpatrol jobs run`
 * does the same from the command line (the missed-task job itself: test/e2e/tasks-api.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Finding, pruneCounters, recount } from '@gridpatrol/core';
import type { JobName } from '@gridpatrol/functions';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { startJobTimer } from '@gridpatrol/local';
import { findingsDue, getCounters, getFinding } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { testDatabaseEndpoint } from '../support/database';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

let api: TestApi;
/** A point whose cell's responsible zone is officer-li's (office east, supervisor sup-east). */
let point: { lon: number; lat: number };
const created = new Set<string>();
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A point of a cell whose primary zone is `zoneId`, the zone's largest shares tried first. */
async function pointOfZone(zoneId: string): Promise<{ lon: number; lat: number }> {
  const get = async (path: string) => (await api.call('GET', path, { as: 'admin' })).body;
  const zone = await get(`/zones/${zoneId}`);
  const cells = [...zone.properties.cells].sort(
    (a: { share: number }, b: { share: number }) => b.share - a.share,
  );
  for (const c of cells) {
    const p = await pointInCell(get, c.id, (r) => r.primaryZone === zoneId);
    if (p) return p;
  }
  throw new Error(`no point with primary zone ${zoneId}`);
}

const act = (as: string, id: string, body: Record<string, unknown>) =>
  api.call('POST', `/findings/${id}/actions`, { as, body });
const history = async (id: string) =>
  (await api.call('GET', `/findings/${id}/history`, { as: 'admin' })).body.items as {
    action: string;
    version: number;
    actorId: string;
    data: Record<string, unknown>;
  }[];

/** Reports a case as officer-li, verifies it and orders it rectified by `deadline`. */
async function rectifying(name: string, deadline: string): Promise<string> {
  const rep = await api.call('POST', '/findings', {
    as: 'officer-li',
    body: {
      lon: point.lon,
      lat: point.lat,
      address: '示范路 9 号',
      businessName: name,
      businessType: 'restaurant',
      kind: 'unlicensed',
      photos: [],
    },
  });
  expect(rep.status, rep.text).toBe(201);
  const id: string = rep.body.id;
  created.add(id);
  expect((await act('officer-li', id, { action: 'verify', expectedVersion: 1 })).status).toBe(200);
  const ordered = await act('officer-li', id, {
    action: 'order_rectification',
    expectedVersion: 2,
    deadline,
  });
  expect(ordered.status, ordered.text).toBe(200);
  return id;
}

beforeAll(async () => {
  api = await startTestApi('demo');
  const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
  point = await pointOfZone(li.zones[0]);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('the overdue and revisit jobs', () => {
  let id: string;
  let deadline: number;

  it('mark a case overdue after its deadline and escalate it to its supervisor, once', async () => {
    deadline = Date.now() + 2 * DAY;
    id = await rectifying('钱记面馆', new Date(deadline).toISOString());
    const office = `office#${(await getFinding(id))?.officeId}`;
    await api.settle();
    const before = await getCounters([office]);

    // Before the deadline: read, nothing to do.
    expect((await runJob('deadline', new Date(deadline - HOUR))).changed).toBe(0);
    expect((await getFinding(id))?.overdue).toBe(false);

    const late = new Date(deadline + HOUR);
    const first = await runJob('deadline', late);
    expect(first).toMatchObject({ changed: 1, conflicts: 0 });
    expect(await getFinding(id)).toMatchObject({
      status: 'rectifying',
      version: 4,
      overdue: true,
      wasOverdue: true,
      escalation: 'supervisor',
      overdueSince: new Date(deadline).toISOString(),
      escalatedToSupervisorAt: late.toISOString(),
      updatedBy: 'system',
    });
    await api.settle();
    const after = await getCounters([office]);
    expect((after[office]?.overdue ?? 0) - (before[office]?.overdue ?? 0)).toBe(1);
    expect(
      (after[office]?.['escalated:supervisor'] ?? 0) - (before[office]?.['escalated:supervisor'] ?? 0),
    ).toBe(1);

    const steps = await history(id);
    expect(steps.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(steps[3]).toMatchObject({
      action: 'mark_overdue',
      actorId: 'system',
      data: { escalation: 'supervisor', notify: ['supervisor'] },
    });

    // The same time again: nothing changes, nothing is written.
    expect(await runJob('deadline', late)).toMatchObject({ changed: 0, conflicts: 0 });
    expect(await history(id)).toHaveLength(4);
  });

  it('escalate it to the admins past escalateToAdminAfterDays, then stop reading it', async () => {
    const days = api.config.findings.escalateToAdminAfterDays;
    // Exactly at the limit is not yet past it.
    expect((await runJob('deadline', new Date(deadline + days * DAY))).changed).toBe(0);
    const later = new Date(deadline + days * DAY + HOUR);
    expect(await runJob('deadline', later)).toMatchObject({ changed: 1, conflicts: 0 });
    expect(await getFinding(id)).toMatchObject({
      version: 5,
      escalation: 'admin',
      escalatedToAdminAt: later.toISOString(),
    });
    const steps = await history(id);
    expect(steps.map((e) => e.action)).toEqual([
      'report',
      'verify',
      'order_rectification',
      'mark_overdue',
      'escalate_to_admin',
    ]);
    expect(steps[4]?.data).toMatchObject({ escalation: 'admin', notify: ['city_admin'] });
    // Nothing is left for the overdue job: the case has left its index partition.
    const due = await findingsDue('deadline', new Date(deadline + 100 * DAY));
    expect(due.items.map((f) => f.id)).not.toContain(id);
    expect(await runJob('deadline', later)).toMatchObject({ changed: 0 });
  });

  it('move the resolved case to revisit_due when its revisit date comes, then it closes', async () => {
    const resolved = await act('officer-li', id, {
      action: 'resolve',
      expectedVersion: 5,
      outcome: 'ceased',
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      version: 6,
      overdue: false,
      escalation: 'none',
    });
    const due = Date.parse(resolved.body.revisitDueAt);
    expect(due - Date.now()).toBeGreaterThan((api.config.findings.revisitDelayDays - 1) * DAY);

    expect((await runJob('revisit', new Date(due - 1000))).changed).toBe(0);
    expect(await runJob('revisit', new Date(due + 1000))).toMatchObject({ changed: 1, conflicts: 0 });
    expect(await getFinding(id)).toMatchObject({ status: 'revisit_due', version: 7 });
    expect((await runJob('revisit', new Date(due + 1000))).changed).toBe(0);

    const closed = await act('officer-li', id, { action: 'confirm_revisit', expectedVersion: 7 });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', version: 8, wasOverdue: true });
    const steps = await history(id);
    expect(steps.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(steps.map((e) => e.action).slice(5)).toEqual(['resolve', 'revisit_due', 'confirm_revisit']);
  });

  it('page through more due cases than one page, and change each once when two runs race', async () => {
    const deadlineAt = Date.now() + DAY;
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push(await rectifying(`分页小店 ${i}`, new Date(deadlineAt + i * 1000).toISOString()));
    const late = new Date(deadlineAt + HOUR);

    const runs = await Promise.all([
      runJob('deadline', late, { limit: 2 }),
      runJob('deadline', late, { limit: 2 }),
    ]);
    // Each case is read across pages of two by both runs, and changed exactly once between them.
    for (const r of runs) expect(r.scanned).toBeGreaterThanOrEqual(5);
    expect(runs[0].changed + runs[1].changed).toBe(5);
    for (const fid of ids) {
      expect((await getFinding(fid))?.escalation).toBe('supervisor');
      expect((await history(fid)).map((e) => e.version)).toEqual([1, 2, 3, 4]);
    }
    expect(await runJob('deadline', late, { limit: 2 })).toMatchObject({ changed: 0, conflicts: 0 });
  });

  it('keep the counters equal to a recount of the findings', async () => {
    const findings: Finding[] = [];
    for (const fid of created) {
      const f = await getFinding(fid);
      if (f) findings.push(f);
    }
    const counted = recount(findings, api.config.timeZone);
    await api.settle();
    expect(pruneCounters(await getCounters(Object.keys(counted)))).toEqual(counted);
  });
});

describe('the timer of `npm start`', () => {
  it('runs the jobs on each tick with its clock, and stops after the run under way', async () => {
    const deadlineAt = Date.now() + 4 * DAY;
    const fid = await rectifying('定时器茶铺', new Date(deadlineAt).toISOString());
    const ran: JobName[] = [];
    const timer = startJobTimer({
      everyMs: 20,
      everyTick: true,
      jobs: ['overdue', 'revisits', 'missed-tasks'],
      now: () => new Date(deadlineAt + HOUR),
      onRun: (job) => ran.push(job),
    });
    const until = Date.now() + 10_000;
    while (
      !['overdue', 'revisits', 'missed-tasks'].every((j) => ran.includes(j as JobName)) &&
      Date.now() < until
    )
      await new Promise((r) => setTimeout(r, 20));
    await timer.stop();
    expect(ran).toEqual(expect.arrayContaining(['overdue', 'revisits', 'missed-tasks']));
    expect((await getFinding(fid))?.escalation).toBe('supervisor');
    // Stopped: no further run starts.
    const count = ran.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).toHaveLength(count);
  });
});

describe('gridpatrol jobs run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-jobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) =>
    runCli(
      [
        'jobs',
        'run',
        ...args,
        '--city',
        'demo',
        '--table',
        api.tableName,
        '--endpoint',
        testDatabaseEndpoint(),
      ],
      dir,
    );

  it('runs a job at the time given and prints its counts; a second run changes nothing', async () => {
    const deadlineAt = Date.now() + 3 * DAY;
    const fid = await rectifying('命令行烟酒', new Date(deadlineAt).toISOString());
    const now = new Date(deadlineAt + HOUR).toISOString();
    const first = cli(['overdue', '--now', now]);
    expect(first.status, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/overdue: scanned \d+, changed 1, conflicts 0/);
    expect((await getFinding(fid))?.escalation).toBe('supervisor');
    const second = cli(['overdue', '--now', now]);
    expect(second.stdout).toMatch(/overdue: scanned \d+, changed 0, conflicts 0/);
    const revisits = cli(['revisits', '--now', now]);
    expect(revisits.status, revisits.stderr).toBe(0);
    expect(revisits.stdout).toContain('revisits: scanned 0, changed 0, conflicts 0');
    const missed = cli(['missed-tasks', '--now', now]);
    expect(missed.status, missed.stderr).toBe(0);
    expect(missed.stdout).toMatch(/missed-tasks: scanned \d+, changed \d+, conflicts 0/);
  });

  it('refuses an unknown job or a bad time, non-zero', () => {
    const unknown = cli(['sweep']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain(
      "No job 'sweep'; the jobs are overdue, revisits, missed-tasks, draft-plans, grid-imports.",
    );
    const bad = cli(['overdue', '--now', 'tomorrow']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("--now 'tomorrow' is not a date.");
  });
});
