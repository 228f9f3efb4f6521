/**
 * The local server's clock (`npm start -- --clock`, issue 16): every handler reads the one clock
 * that the offset moves, so a week a year and more ahead is plannable and a report carries the
 * moved time; closing the server restores the real clock.
 */
import { randomUUID } from 'node:crypto';
import { addDays, planningWeekStart } from '@gridpatrol/core';
import { now } from '@gridpatrol/functions/clock';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

it('restores the real clock when the server closes', async () => {
  await api.close();
  expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
});
