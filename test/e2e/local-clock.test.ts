/**
 * The local server's clock (`npm start -- --clock`, issue 16): every handler reads the one clock
 * that the offset moves, so a week a year and more ahead is plannable and a report carries the
 * moved time; closing the server restores the real clock.
 */
import { randomUUID } from 'node:crypto';
import { addDays, planningWeekStart } from '@gridpatrol/core';
import { now } from '@gridpatrol/functions/clock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { squareLayer } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';

const AHEAD_MS = 400 * 24 * 3600_000;
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi('demo', { clockOffsetMs: AHEAD_MS });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

it('plans and reports at the moved time', async () => {
  const moved = new Date(Date.now() + AHEAD_MS);
  // Next week by the moved clock is more than a year ahead by the real one (a 422 without the clock).
  const weekStart = addDays(planningWeekStart(moved, api.config.timeZone), 7);
  const plan = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart } });
  expect(plan.status, plan.text).toBe(201);

  const report = await api.call('POST', '/findings', {
    as: 'worker-liu',
    headers: { 'idempotency-key': randomUUID() },
    body: {
      lon: 120.169,
      lat: 30.2527,
      accuracyM: 8,
      address: '示范路 1 号',
      businessName: '时钟测试小吃',
      businessType: 'restaurant',
      kind: 'unlicensed',
    },
  });
  expect(report.status, report.text).toBe(201);
  const lag = Date.parse(report.body.reportedAt) - moved.getTime();
  expect(lag).toBeGreaterThanOrEqual(0);
  expect(lag).toBeLessThan(60_000);
});

it('dates what the store writes by the moved clock: a person’s updatedAt, a grid import’s times', async () => {
  const near = (iso: string | undefined) => {
    const lag = Date.parse(iso ?? '') - (Date.now() + AHEAD_MS);
    return lag > -120_000 && lag <= 1_000;
  };
  const person = await api.call('PUT', '/people/clock-worker', {
    as: 'admin',
    body: { name: '时钟网格员', role: 'grid_worker', office: 'office-east' },
  });
  expect(person.status, person.text).toBe(201);
  expect(near(person.body.updatedAt), person.body.updatedAt).toBe(true);

  const layer = squareLayer;
  const body = {
    cells: layer({ id: '330106001001001', name: '时钟网格' }),
    zones: layer({ id: 'Z-clock', name: '时钟责任区', office: 'office-east' }),
  };
  const accepted = await api.call('POST', '/grid/imports', { as: 'admin', body });
  expect(accepted.status, accepted.text).toBe(202);
  let done = accepted;
  for (const until = Date.now() + 30_000; done.body.status === 'writing' && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 50));
    done = await api.call('GET', `/grid/imports/${accepted.body.version}`, { as: 'admin' });
  }
  // A heartbeat by the real time would look 400 days stale to the sweep, which runs by the moved one.
  expect(done.body.status, done.text).toBe('draft');
  for (const field of ['createdAt', 'jobStartedAt', 'heartbeatAt'])
    expect(near(done.body[field]), `${field} ${done.body[field]}`).toBe(true);
});

it('restores the real clock when the server closes', async () => {
  await api.close();
  expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
});
