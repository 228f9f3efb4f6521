/**
 * Retries that are safe (issue 19.3), through the fault proxy: transactions cancelled by other
 * writers (the real service's conflict rule) or by throttling are retried inside the handler and
 * answered 201/200; throttling that outlasts the request's budget is a clean 503 with Retry-After
 * and nothing written; a write whose answer was lost after it committed leaves exactly one finding
 * and one event.
 */
import { randomUUID } from 'node:crypto';
import { findingIdFor, getFinding, listFindingEvents, RETRY_BUDGET, verifyCounters } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldPoint, fieldPoints, reportOnce, reportWithRetries, settled } from '../support/fault-load';
import { startTestApi, type TestApi } from '../support/local-api';

let api: TestApi;
let points: FieldPoint[];
const proxy = () => {
  if (!api.proxy) throw new Error('the API runs without its proxy');
  return api.proxy;
};

beforeAll(async () => {
  api = await startTestApi('demo', { faultProxy: { seed: 19 } });
  points = await fieldPoints(api);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

const at = (i: number) => points[i % points.length] as FieldPoint;

async function verify(id: string, point: FieldPoint) {
  return api.call('POST', `/findings/${id}/actions`, {
    as: point.verifier,
    body: { action: 'verify', expectedVersion: 1 },
  });
}

describe('contention is retried, not answered 409', () => {
  it('20 concurrent reports of different businesses, all meeting on the shared counters: every one 201', async () => {
    // A few ms of jitter keeps each transaction in flight long enough for others to meet it.
    await proxy().set({ conflicts: true, latency: { fixedMs: 2, jitterMs: 10 } });
    proxy().resetStats();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reportOnce(api, at(i), randomUUID(), `并发小吃店 ${i}`)),
    );
    const stats = proxy().stats();
    await proxy().set({ conflicts: false, latency: null });
    expect(stats.transactionConflicts).toBeGreaterThan(0);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
  }, 60_000);

  it('an officer verifying 20 different findings at once: every one 200', async () => {
    const reported = [];
    for (let i = 0; i < 20; i++) {
      const a = await reportOnce(api, at(i), randomUUID(), `待核实 ${i}`);
      expect(a.status).toBe(201);
      reported.push({ id: a.body.id as string, point: at(i) });
    }
    await proxy().set({ conflicts: true, latency: { fixedMs: 2, jitterMs: 10 } });
    proxy().resetStats();
    const answers = await Promise.all(reported.map((r) => verify(r.id, r.point)));
    const stats = proxy().stats();
    await proxy().set({ conflicts: false, latency: null });
    expect(stats.transactionConflicts).toBeGreaterThan(0);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  }, 60_000);

  it('transactions throttled half the time: every report 201, retried inside the handler', async () => {
    await proxy().set({ throttle: { rate: 0.5, operations: ['TransactWriteItems'] } });
    proxy().resetStats();
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => reportOnce(api, at(i), randomUUID(), `限流小吃店 ${i}`)),
    );
    const stats = proxy().stats();
    await proxy().set({ throttle: null });
    expect(stats.throttled).toBeGreaterThan(5);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
  }, 60_000);

  it('a hot counter throttled for a second, then cool again: the report waits it out and is 201', async () => {
    await proxy().set({ throttle: { hotKeys: [{ pk: 'COUNTER#city' }], kind: 'Throttling' } });
    setTimeout(() => void proxy().set({ throttle: null }), 1_000);
    const answer = await reportOnce(api, at(0), randomUUID(), '热点小吃店');
    expect(answer.status).toBe(201);
    expect(answer.ms).toBeGreaterThan(900);
  }, 30_000);
});

describe('when the budget is spent', () => {
  it('persistent throttling: 503 with Retry-After within the budget, and nothing written', async () => {
    await proxy().set({ throttle: { rate: 1, operations: ['TransactWriteItems'] } });
    proxy().resetStats();
    const key = randomUUID();
    const answer = await reportOnce(api, at(1), key, '持续限流小吃店');
    const stats = proxy().stats();
    await proxy().set({ throttle: null });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(JSON.stringify(answer.body)).not.toMatch(/Transaction|COUNTER|pk|stack/i);
    expect(stats.throttled).toBeGreaterThan(3);
    // Within the budget, plus what a report does besides retrying.
    expect(answer.ms).toBeLessThan(RETRY_BUDGET.spendMs + 3_000);
    expect(await getFinding(findingIdFor(at(1).reporter, key))).toBeUndefined();
    // The retry the 503 asks for goes through.
    const again = await reportOnce(api, at(1), key, '持续限流小吃店');
    expect(again.status).toBe(201);
  }, 30_000);
});

describe('a lost answer', () => {
  it('writes committed whose answers were dropped: each report once, with one event, counters exact', async () => {
    await proxy().set({ dropWriteResponses: 0.5 });
    proxy().resetStats();
    const runs = [];
    for (let i = 0; i < 12; i++) runs.push(await reportWithRetries(api, at(i), `掉线小吃店 ${i}`, 5));
    const stats = proxy().stats();
    await proxy().set({ dropWriteResponses: 0 });
    expect(stats.droppedResponses).toBeGreaterThan(2);
    for (const [i, run] of runs.entries()) {
      const last = run.attempts.at(-1);
      expect(last?.status, JSON.stringify(run.attempts)).toBe(201);
      const id = findingIdFor(at(i).reporter, run.key);
      expect(last?.body.id).toBe(id);
      const events = await listFindingEvents(id);
      expect(events.items.map((e) => e.version)).toEqual([1]);
    }
    await settled(api);
    const report = await verifyCounters({
      offices: api.config.offices.map((o) => o.id),
      timeZone: api.config.timeZone,
    });
    expect(report.disagreements).toEqual([]);
  }, 120_000);
});
