/**
 * `npm run bench -- faults [requests] [clients]`: what the real service's conflict rule costs a
 * report (docs/decisions/0029). DynamoDB Local (its own, in memory, unless DYNAMODB_ENDPOINT is set)
 * behind the fault proxy with the conflict rule on; two phases of the same load, one after the
 * other, each `requests` (default 1,000) at `clients` (default 50) concurrent clients:
 *
 * 1. reports: POST /findings through the local server (HTTP, token, grid, duplicate Query, the
 *    transaction with its retries);
 * 2. bare: the same transaction alone (store createFindingTx: the finding, its event, its
 *    idempotency record and the counter ADDs of a report in the same cell), on the same retry budget,
 *    through the same proxy.
 *
 * Printed per phase: latency median and p95 of the acknowledged, acknowledged/503 counts, and
 * retries per request (transaction attempts through the proxy beyond the first, per request, and
 * the proxy's conflict cancellations per request); then the ratio of the reports' latency to the bare
 * transaction's.
 */
import { randomUUID } from 'node:crypto';
import type { Finding, FindingEvent } from '@gridpatrol/core';
import {
  createFindingTx,
  getFinding,
  getFindingEvent,
  isDatabaseUnavailable,
  requestDeadline,
  withRequestBudget,
  worstAttemptMs,
} from '@gridpatrol/store';
import { type FieldPoint, fieldPoints, pool, quantile, reportOnce } from '../test/support/fault-load';

const DEFAULT_REQUESTS = 1_000;
const DEFAULT_CLIENTS = 50;
/** The local server's function timeout: the reports' budget, and so the bare phase's. */
const LOCAL_TIMEOUT_MS = 30_000;

interface Phase {
  name: string;
  ms: number[];
  acknowledged: number;
  unavailable: number;
  other: number;
  txAttempts: number;
  conflicts: number;
  seconds: number;
}

function line(p: Phase, requests: number): string {
  const retries = (p.txAttempts - requests) / requests;
  return [
    `${p.name.padEnd(8)} median ${quantile(p.ms, 0.5).toFixed(1)} ms, p95 ${quantile(p.ms, 0.95).toFixed(1)} ms`,
    `acknowledged ${p.acknowledged}, 503 ${p.unavailable}, other ${p.other}`,
    `retries/request ${retries.toFixed(2)} (conflict cancellations/request ${(p.conflicts / requests).toFixed(2)})`,
    `${(requests / p.seconds).toFixed(1)} req/s`,
  ].join('; ');
}

export async function run(args: string[]): Promise<void> {
  const requests = Number(args[0] ?? DEFAULT_REQUESTS);
  const clients = Number(args[1] ?? DEFAULT_CLIENTS);
  // Every 503 would log a warning with its cancellation: thousands of lines that hide the figures.
  // Set before the handlers (and their logger) are loaded, hence the imports below.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const { startDynamoDbLocal } = await import('@gridpatrol/local');
  const { startTestApi } = await import('../test/support/local-api');
  process.env.GRIDPATROL_CALLER_CACHE_MS ??= '0';
  const own = process.env.DYNAMODB_ENDPOINT ? undefined : await startDynamoDbLocal();
  if (own) process.env.DYNAMODB_ENDPOINT = own.endpoint;
  const api = await startTestApi('demo', { faultProxy: { seed: 19 } });
  const proxy = api.proxy;
  try {
    if (!proxy) throw new Error('no proxy');
    const points = await fieldPoints(api);
    // Each cell's probe report, and its event, as templates of the bare transaction's items.
    const templates = new Map<string, { finding: Finding; event: FindingEvent }>();
    for (const p of points) {
      const finding = await getFinding(p.probeId);
      const event = await getFindingEvent(p.probeId, 1);
      if (!finding || !event) throw new Error(`probe ${p.probeId} not stored`);
      templates.set(p.cell, { finding, event });
    }
    const run = randomUUID().slice(0, 6);

    const measure = async (name: string, one: (i: number, point: FieldPoint) => Promise<number>) => {
      await proxy.set({ conflicts: true });
      proxy.resetStats();
      const ms: number[] = [];
      const statuses: number[] = [];
      const started = performance.now();
      await pool(
        clients,
        Array.from({ length: requests }, (_, i) => async () => {
          const t0 = performance.now();
          const status = await one(i, points[i % points.length] as FieldPoint);
          statuses.push(status);
          if (status < 300) ms.push(performance.now() - t0);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const stats = proxy.stats();
      await proxy.set({ conflicts: false });
      const phase: Phase = {
        name,
        ms,
        acknowledged: statuses.filter((s) => s < 300).length,
        unavailable: statuses.filter((s) => s === 503).length,
        other: statuses.filter((s) => s >= 300 && s !== 503).length,
        txAttempts: stats.byOperation.TransactWriteItems ?? 0,
        conflicts: stats.transactionConflicts,
        seconds,
      };
      console.log(line(phase, requests));
      return phase;
    };

    console.log(`faults: ${requests} requests a phase at ${clients} clients, conflict rule on`);
    const reports = await measure('reports', async (i, point) => {
      const a = await reportOnce(api, point, randomUUID(), `压测 ${run} ${i}`);
      return a.status;
    });
    const bare = await measure('bare tx', async (i, point) => {
      const template = templates.get(point.cell) as { finding: Finding; event: FindingEvent };
      const id = `F-bench${randomUUID().replaceAll('-', '')}`;
      const reportedAt = new Date().toISOString();
      const finding: Finding = { ...template.finding, id, reportedAt, businessName: `裸事务 ${run} ${i}` };
      const event: FindingEvent = { ...template.event, findingId: id, at: reportedAt };
      const deadline = requestDeadline(LOCAL_TIMEOUT_MS, worstAttemptMs());
      try {
        await withRequestBudget(deadline, () =>
          createFindingTx(finding, event, {
            reporterId: point.reporter,
            requestHash: 'bench',
          }),
        );
        return 201;
      } catch (err) {
        return isDatabaseUnavailable(err) ? 503 : 500;
      }
    });
    const ratio = (q: number) => quantile(reports.ms, q) / quantile(bare.ms, q);
    console.log(
      `ratio reports / bare transaction: median ${ratio(0.5).toFixed(2)}×, p95 ${ratio(0.95).toFixed(2)}×`,
    );
  } finally {
    await api.close();
    await own?.stop();
  }
}
