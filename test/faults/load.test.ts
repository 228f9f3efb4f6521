/**
 * City-scale load with faults (issue 19.4): 50 concurrent clients, 2,000 reports and 2,000 actions
 * (each report verified once it is acknowledged), through a proxy that throttles 20% of calls and
 * applies the real service's conflict rule. At least 99.9% are acknowledged within the retry budget
 * and the rest are a clean 503 that a retry settles; no finding or event is duplicated, none
 * acknowledged is missing, and the counters equal a recount. FAULT_LOAD_REPORTS lowers the size for
 * local iteration only.
 */
import { randomUUID } from 'node:crypto';
import { findingIdFor, listFindingEvents, verifyCounters } from '@gridpatrol/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FieldPoint,
  findingsNamed,
  pool,
  quantile,
  reportOnce,
  settled,
  sizeFromEnv,
  startFaultApi,
} from '../support/fault-load';
import type { TestApi } from '../support/local-api';

const CLIENTS = 50;
const REPORTS = sizeFromEnv('FAULT_LOAD_REPORTS', 2_000);
const TARGET = 0.999;

let api: TestApi;
let points: FieldPoint[];

beforeAll(async () => {
  ({ api, points } = await startFaultApi(1904));
}, 120_000);
afterAll(async () => {
  await api?.close();
});

interface Outcome {
  kind: 'report' | 'verify';
  status: number;
  ms: number;
  body: { error?: { code?: string } } | undefined;
  retryAfter: string | null;
}

it(`${CLIENTS} clients, ${REPORTS} reports and as many verifications, 20% throttled, conflicts on: ≥ 99.9% acknowledged, the rest a clean 503, nothing lost or doubled`, async () => {
  const proxy = api.proxy;
  if (!proxy) throw new Error('no proxy');
  const run = randomUUID().slice(0, 6);
  const acknowledged = new Map<string, { reporter: string; verified: boolean }>();
  const outcomes: Outcome[] = [];
  /** Verifications answered 503, to be retried as a client would (see below). */
  const unansweredVerifications: { id: string; verifier: string }[] = [];

  await proxy.set({ conflicts: true, throttle: { rate: 0.2 } });
  proxy.resetStats();
  const started = performance.now();
  await pool(
    CLIENTS,
    Array.from({ length: REPORTS }, (_, i) => async () => {
      const point = points[i % points.length] as FieldPoint;
      const key = randomUUID();
      const report = await reportOnce(api, point, key, `负载 ${run} ${i}`);
      outcomes.push({ kind: 'report', ...report });
      if (report.status !== 201) return;
      const id = findingIdFor(point.reporter, key);
      acknowledged.set(id, { reporter: point.reporter, verified: false });
      const t0 = performance.now();
      const res = await api.call('POST', `/findings/${id}/actions`, {
        as: point.verifier,
        body: { action: 'verify', expectedVersion: 1 },
      });
      outcomes.push({
        kind: 'verify',
        status: res.status,
        ms: performance.now() - t0,
        body: res.body,
        retryAfter: res.headers.get('retry-after'),
      });
      if (res.status === 200) acknowledged.set(id, { reporter: point.reporter, verified: true });
      else unansweredVerifications.push({ id, verifier: point.verifier });
    }),
  );
  const elapsed = performance.now() - started;
  const stats = proxy.stats();
  await proxy.set({ conflicts: false, throttle: null });

  const ok = outcomes.filter((o) => o.status === 201 || o.status === 200);
  const refused = outcomes.filter((o) => o.status !== 201 && o.status !== 200);
  const summary = {
    requests: outcomes.length,
    acknowledged: ok.length,
    unavailable: refused.filter((o) => o.status === 503).length,
    other: refused.filter((o) => o.status !== 503).map((o) => `${o.kind} ${o.status}`),
    p50ms: Math.round(
      quantile(
        ok.map((o) => o.ms),
        0.5,
      ),
    ),
    p95ms: Math.round(
      quantile(
        ok.map((o) => o.ms),
        0.95,
      ),
    ),
    p999ms: Math.round(
      quantile(
        ok.map((o) => o.ms),
        0.999,
      ),
    ),
    perSecond: Math.round((outcomes.length / elapsed) * 1000),
    proxy: { throttled: stats.throttled, conflicts: stats.transactionConflicts + stats.conflictExceptions },
  };
  console.log('fault load:', JSON.stringify(summary));

  // Whatever was not acknowledged is a clean 503 the client can retry.
  expect(summary.other).toEqual([]);
  for (const o of refused) {
    expect(o.body?.error?.code).toBe('unavailable');
    expect(Number(o.retryAfter)).toBeGreaterThan(0);
  }
  // The throttling was really there (conflicts happen only where writes share an item, which the
  // counter design decides, so their number is reported, not asserted).
  expect(stats.throttled).toBeGreaterThan(outcomes.length * 0.1);

  // A 503 can follow a write that committed while its last attempt's answer was still on the way
  // (the server cannot know, no more than against DynamoDB): the client retries, and the retry of
  // the same action is answered as a replay or done now; either way the finding ends verified once.
  await pool(
    8,
    unansweredVerifications.map(({ id, verifier }) => async () => {
      const res = await api.call('POST', `/findings/${id}/actions`, {
        as: verifier,
        body: { action: 'verify', expectedVersion: 1 },
      });
      expect(res.status, `retried verification of ${id}`).toBe(200);
      acknowledged.set(id, { reporter: acknowledged.get(id)?.reporter as string, verified: true });
    }),
  );

  // Nothing acknowledged is missing, nothing is there twice, each version has one event.
  const ids = await findingsNamed(`负载 ${run} `);
  expect([...ids.values()].filter((n) => n > 1)).toEqual([]);
  const missing = [...acknowledged.keys()].filter((id) => !ids.has(id));
  expect(missing).toEqual([]);
  const wrongHistories: string[] = [];
  await pool(
    8,
    [...acknowledged.entries()].map(([id, a]) => async () => {
      const versions = (await listFindingEvents(id)).items.map((e) => e.version);
      const expected = a.verified ? [1, 2] : [1];
      if (JSON.stringify(versions) !== JSON.stringify(expected)) wrongHistories.push(`${id}: ${versions}`);
    }),
  );
  expect(wrongHistories).toEqual([]);

  await settled(api);
  const verified = await verifyCounters({
    offices: api.config.offices.map((o) => o.id),
    timeZone: api.config.timeZone,
  });
  expect(verified.disagreements).toEqual([]);

  // The target, last: on a branch where every write still touches the city counter it may not hold.
  expect(ok.length / outcomes.length).toBeGreaterThanOrEqual(TARGET);
}, 1_800_000);
