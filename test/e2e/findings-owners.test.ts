/**
 * Every finding has an owner (issue 15.4), through the local server over the demo seed: a finding
 * reported in a cell that lies in no zone is the city level's. It is in the city admins' to-do, in
 * their city-wide lists (overdue too, after the overdue job runs with the clock moved), in the
 * coverage report's and the statistics' "no zone" bucket, and `gridpatrol stats verify` agrees with
 * every counter. A supervisor lists their whole office without naming a zone.
 */
import { randomUUID } from 'node:crypto';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { describe, expect, it } from 'vitest';
import { demoApiWithCli } from '../support/cli';
import { reportBody } from '../support/findings';
import { type CellPoint, pointInCell, unzonedPoint } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

const demo = demoApiWithCli('owners');
const { cli } = demo;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const get = async (p: string, as = 'admin'): Promise<Json> => {
  // Statistics and coverage read counters, which follow the stream: fold what was written first.
  await demo.api.settle();
  const res = await demo.api.call('GET', p, { as });
  expect(res.status, `${p}: ${res.text}`).toBe(200);
  return res.body;
};
const act = async (as: string, id: string, body: Record<string, unknown>) => {
  const res = await demo.api.call('POST', `/findings/${id}/actions`, { as, body });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

/** Every id of a list, page by page (limit 1, so that the cursor is exercised). */
async function allIds(p: string, as: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const sep = p.includes('?') ? '&' : '?';
    const body = await get(`${p}${sep}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as);
    ids.push(...body.items.map((f: { id: string }) => f.id));
    cursor = body.cursor;
    if (!cursor) return ids;
  }
  throw new Error(`${p}: more than 50 pages`);
}

/** A point whose cell's primary zone is `zoneId`. */
async function pointOfZone(zoneId: string): Promise<CellPoint> {
  const zone = await get(`/zones/${zoneId}`);
  for (const c of zone.properties.cells as { id: string }[]) {
    const p = await pointInCell(get, c.id, (r) => r.primaryZone === zoneId);
    if (p) return p;
  }
  throw new Error(`no point with primary zone ${zoneId}`);
}

/** Reports as `as` at `point`, verifies and orders rectification by `deadline`; the finding's id. */
async function rectifying(as: string, point: CellPoint, name: string, deadline: number): Promise<string> {
  const rep = await demo.api.call('POST', '/findings', {
    as,
    body: reportBody(point, name),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(rep.status, rep.text).toBe(201);
  const id: string = rep.body.id;
  await act(as, id, { action: 'verify', expectedVersion: 1 });
  await act(as, id, {
    action: 'order_rectification',
    expectedVersion: 2,
    deadline: new Date(deadline).toISOString(),
  });
  return id;
}

describe('a finding in a cell that lies in no zone', () => {
  let point: CellPoint;
  let reported: string;
  let late: string;
  const deadline = Date.now() + 2 * DAY;

  it('is routed to no zone and waits in the city admins’ to-do', async () => {
    point = await unzonedPoint(get);
    const rep = await demo.api.call('POST', '/findings', {
      as: 'admin',
      body: reportBody(point, '无主小吃店'),
    });
    expect(rep.status, rep.text).toBe(201);
    expect(rep.body).toMatchObject({ cellId: point.cell, zoneId: null, officeId: null, status: 'reported' });
    reported = rep.body.id;

    expect(await allIds('/me/findings?view=todo', 'admin')).toEqual([reported]);
    // Nobody below the city owns it: no supervisor or officer has it to do.
    for (const who of ['sup-east', 'sup-west', 'officer-li', 'officer-wang'])
      expect(await allIds('/me/findings?view=todo', who), who).not.toContain(reported);
  });

  it('is counted in the coverage report’s and the statistics’ "no zone" bucket', async () => {
    const coverage = await get('/grid/coverage');
    expect(coverage.noZone).toEqual({
      cells: coverage.unzonedCells.length,
      openFindings: 1,
      overdueFindings: 0,
    });
    const summary = await get('/stats/summary?scope=unzoned');
    expect(summary).toMatchObject({
      scope: 'unzoned',
      now: { open: 1, overdue: 0 },
      period: { reported: 1 },
    });
    expect((await get('/stats/summary')).now.open).toBe(1);
    // It is the city level's: a supervisor sees no bucket and cannot read the scope.
    expect((await get('/grid/coverage', 'sup-east')).noZone).toBeUndefined();
    const sup = await demo.api.call('GET', '/stats/summary?scope=unzoned', { as: 'sup-east' });
    expect(sup.status, sup.text).toBe(404);
    expect(sup.body.error).toMatchObject({ code: 'not_found' });
  });

  it('turns overdue with the clock moved, goes to the admins at once, in their city-wide overdue list', async () => {
    late = await rectifying('admin', point, '无主理发店', deadline);
    expect(await allIds('/findings?overdue=true', 'admin')).toEqual([]);
    expect((await runJob('deadline', new Date(deadline + HOUR))).changed).toBe(1);

    expect(await allIds('/findings?overdue=true', 'admin')).toEqual([late]);
    expect(await allIds('/findings?status=rectifying', 'admin')).toEqual([late]);
    expect(await allIds('/findings', 'admin')).toEqual(expect.arrayContaining([reported, late]));
    // No office, no supervisor: escalated to the city at once, not to a supervisor nobody is.
    const f = (await get(`/findings/${late}`)).escalation;
    expect(f).toBe('admin');
    // The escalated list comes first, then what lies in no zone; each finding once.
    expect(await allIds('/me/findings?view=todo', 'admin')).toEqual([late, reported]);
    // Later runs have nothing left to escalate.
    const days = demo.api.config.findings.escalateToAdminAfterDays;
    expect((await runJob('deadline', new Date(deadline + (days + 1) * DAY))).changed).toBe(0);

    const coverage = await get('/grid/coverage');
    expect(coverage.noZone).toMatchObject({ openFindings: 2, overdueFindings: 1 });
    expect((await get('/stats/summary?scope=unzoned')).now).toMatchObject({
      open: 2,
      overdue: 1,
      escalated: { supervisor: 0, admin: 1 },
    });
  });

  it('leaves every counter as a recount finds it (gridpatrol stats verify)', () => {
    const res = cli.run(['stats', 'verify']);
    expect(res.status, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toContain('All counters agree');
  }, 120_000);
});

describe('a supervisor’s office-wide lists', () => {
  it('list the office’s findings and overdue ones without naming a zone, page by page', async () => {
    const li = await get('/me', 'officer-li');
    const zhao = await get('/me', 'officer-zhao');
    const deadline = Date.now() + 3 * DAY;
    const ofLi = await rectifying('officer-li', await pointOfZone(li.zones[0]), '东区面馆', deadline);
    const ofZhao = await rectifying('officer-zhao', await pointOfZone(zhao.zones[0]), '东区杂货', deadline);
    expect(await allIds('/findings?overdue=true', 'sup-east')).toEqual([]);
    await runJob('deadline', new Date(deadline + HOUR));

    const overdue = await allIds('/findings?overdue=true', 'sup-east');
    expect(overdue.sort()).toEqual([ofLi, ofZhao].sort());
    expect((await allIds('/findings?status=rectifying', 'sup-east')).sort()).toEqual([ofLi, ofZhao].sort());
    // Another office's supervisor sees none of them; the admin sees them city-wide with the rest.
    expect(await allIds('/findings?overdue=true', 'sup-west')).toEqual([]);
    expect(await allIds('/findings?overdue=true', 'admin')).toEqual(expect.arrayContaining([ofLi, ofZhao]));
  });
});
