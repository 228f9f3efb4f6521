/**
 * Retries that are safe (issue 19.3), through the fault proxy: transactions cancelled by other
 * writers (the real service's conflict rule) or by throttling are retried inside the handler and
 * answered 201/200; throttling that outlasts the request's budget is a clean 503 with Retry-After
 * and nothing written; a write whose answer was lost after it committed leaves exactly one finding
 * and one event.
 */
import { randomUUID } from 'node:crypto';
import { addDays, planningWeekStart } from '@gridpatrol/core';
import {
  findingIdFor,
  getFinding,
  keys,
  listFindingEvents,
  RETRY_BUDGET,
  verifyCounters,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FieldPoint,
  reportOnce,
  reportWithRetries,
  settled,
  startFaultApi,
} from '../support/fault-load';
import type { TestApi } from '../support/local-api';

let api: TestApi;
let points: FieldPoint[];
const proxy = () => {
  if (!api.proxy) throw new Error('the API runs without its proxy');
  return api.proxy;
};

beforeAll(async () => {
  ({ api, points } = await startFaultApi(19));
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
  /** The finding's own item, held by "another writer" for `ms` (the proxy's conflict rule). */
  const holdFinding = (id: string, ms: number) =>
    proxy().hold([{ table: api.tableName, ...keys.findingById(id) }], ms);

  it('a report whose item another transaction holds: cancelled, retried inside the handler, 201', async () => {
    await proxy().set({ conflicts: true });
    proxy().resetStats();
    const point = at(0);
    const key = randomUUID();
    holdFinding(findingIdFor(point.reporter, key), 400);
    const answer = await reportOnce(api, point, key, '被占用小吃店');
    const stats = proxy().stats();
    await proxy().set({ conflicts: false });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.replayed).toBe(false);
    expect(stats.transactionConflicts).toBeGreaterThan(0);
    expect((await listFindingEvents(answer.body.id)).items.map((e) => e.version)).toEqual([1]);
  }, 30_000);

  it('a verification while another transaction holds the finding: cancelled, retried, 200', async () => {
    const reported = await reportOnce(api, at(1), randomUUID(), '待核实小吃店');
    expect(reported.status).toBe(201);
    await proxy().set({ conflicts: true });
    proxy().resetStats();
    holdFinding(reported.body.id, 400);
    const answer = await verify(reported.body.id, at(1));
    const stats = proxy().stats();
    await proxy().set({ conflicts: false });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.version).toBe(2);
    expect(stats.transactionConflicts).toBeGreaterThan(0);
  }, 30_000);

  it('an item held past the budget: 503 with Retry-After, not 409, and nothing written', async () => {
    await proxy().set({ conflicts: true });
    const point = at(2);
    const key = randomUUID();
    const id = findingIdFor(point.reporter, key);
    holdFinding(id, RETRY_BUDGET.spendMs + 3_000);
    const answer = await reportOnce(api, point, key, '长期占用小吃店');
    await proxy().set({ conflicts: false });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(await getFinding(id)).toBeUndefined();
  }, 30_000);

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

  it('a hot item throttled for a second, then cool again: the report waits it out and is 201', async () => {
    const point = at(0);
    const key = randomUUID();
    const hot = keys.findingById(findingIdFor(point.reporter, key)).pk;
    await proxy().set({ throttle: { hotKeys: [{ pk: hot }], kind: 'Throttling' } });
    setTimeout(() => void proxy().set({ throttle: null }), 1_000);
    const answer = await reportOnce(api, point, key, '热点小吃店');
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

describe('a lost answer to a plan draft', () => {
  it('is still answered 201 with the plan it wrote, one plan per week', async () => {
    await proxy().set({ dropWriteResponses: 0.25 });
    proxy().resetStats();
    const first = planningWeekStart(new Date(), api.config.timeZone);
    const weeks = [1, 2, 3, 4, 5, 6].map((n) => addDays(first, 7 * n));
    const answers = [];
    for (const weekStart of weeks)
      answers.push(await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart } }));
    const stats = proxy().stats();
    await proxy().set({ dropWriteResponses: 0 });
    expect(stats.droppedResponses).toBeGreaterThan(2);
    for (const [i, res] of answers.entries()) {
      // Its own header, written before the lost answer, is no "existing draft" (200).
      expect(res.status, `${weeks[i]}: ${res.status === 200 ? 'the existing draft' : res.text}`).toBe(201);
      const week = await api.call('GET', `/plans?week=${weeks[i]}`, { as: 'sup-east' });
      expect(week.status, week.text).toBe(200);
      expect(week.body.items.map((p: { id: string }) => p.id)).toEqual([res.body.id]);
    }
  }, 120_000);
});
