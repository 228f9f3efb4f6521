/**
 * Lost answers (issue 19.4): 1,000 reports whose answers are lost 30% of the time after the write
 * committed, on both hops: the proxy drops DynamoDB's answer to the server (the SDK resends with the
 * same ClientRequestToken), and the client loses the API's answer (a field phone's connection
 * breaking after the request went out) and sends again under its Idempotency-Key, at most 5 times in
 * all, as it does after a 503 or a broken connection. Every report is present exactly once, with one
 * event, and every attempt after one that committed is answered as a replay. FAULT_LOSS_REPORTS
 * lowers the size for local iteration only.
 */
import { randomUUID } from 'node:crypto';
import { findingIdFor, getFinding, listFindingEvents } from '@gridpatrol/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Attempt,
  type FieldPoint,
  findingsNamed,
  pool,
  reportOnce,
  sizeFromEnv,
  startFaultApi,
} from '../support/fault-load';
import { seeded } from '../support/findings';
import type { TestApi } from '../support/local-api';

const REPORTS = sizeFromEnv('FAULT_LOSS_REPORTS', 1_000);
const CLIENTS = 20;
const MAX_TRIES = 5;
const LOSS = 0.3;

let api: TestApi;
let points: FieldPoint[];

beforeAll(async () => {
  ({ api, points } = await startFaultApi(30));
}, 120_000);
afterAll(async () => {
  await api?.close();
});

interface Run {
  id: string;
  attempts: (Attempt & { committedBefore: boolean; lost: boolean })[];
}

it(`${REPORTS} reports, 30% of write answers dropped after commit, each retried ≤ ${MAX_TRIES}× with its key: each present once, every retry after a commit a replay`, async () => {
  const proxy = api.proxy;
  if (!proxy) throw new Error('no proxy');
  const run = randomUUID().slice(0, 6);
  const clientLoss = seeded(31);
  await proxy.set({ dropWriteResponses: LOSS });
  proxy.resetStats();
  const runs = await pool(
    CLIENTS,
    Array.from({ length: REPORTS }, (_, i) => async (): Promise<Run> => {
      const point = points[i % points.length] as FieldPoint;
      const key = randomUUID();
      const id = findingIdFor(point.reporter, key);
      const attempts: Run['attempts'] = [];
      for (let t = 0; t < MAX_TRIES; t++) {
        // Read straight from the table (reads are never dropped): did an earlier attempt commit?
        const committedBefore = t > 0 && (await getFinding(id)) !== undefined;
        const a = await reportOnce(api, point, key, `丢包 ${run} ${i}`);
        const lost = a.status === 201 && clientLoss.rand() < LOSS;
        attempts.push({ ...a, committedBefore, lost });
        if (a.status !== 503 && a.status !== 0 && !lost) break;
      }
      return { id, attempts };
    }),
  );
  const stats = proxy.stats();
  await proxy.set({ dropWriteResponses: 0 });

  const afterCommit = runs.flatMap((r) => r.attempts.filter((a) => a.committedBefore));
  console.log(
    'fault loss:',
    JSON.stringify({
      reports: REPORTS,
      droppedDatabaseAnswers: stats.droppedResponses,
      lostApiAnswers: runs.flatMap((r) => r.attempts).filter((a) => a.lost).length,
      retriesAfterCommit: afterCommit.length,
      statuses: runs
        .flatMap((r) => r.attempts)
        .reduce<Record<number, number>>((n, a) => {
          n[a.status] = (n[a.status] ?? 0) + 1;
          return n;
        }, {}),
    }),
  );
  expect(stats.droppedResponses).toBeGreaterThan(REPORTS * 0.2);
  expect(afterCommit.length).toBeGreaterThan(REPORTS * 0.2);

  // Every attempt after one that committed was answered as a replay of it, with the same finding.
  // A 503 ("retry later": its retry budget ran out on a loaded machine, nothing written) is the one
  // other honest answer; the client tries again, and its last attempt must still be a replay.
  const notReplays = afterCommit.filter((a) => a.status !== 503 && !(a.status === 201 && a.replayed));
  expect(notReplays.map((a) => a.status)).toEqual([]);
  expect(afterCommit.filter((a) => a.status === 503).length).toBeLessThan(REPORTS * 0.01);
  for (const r of runs) for (const a of r.attempts) if (a.status === 201) expect(a.body.id).toBe(r.id);
  // Only attempts that lost every answer may end without one; the report is there all the same.
  const unanswered = runs.filter((r) => r.attempts.at(-1)?.status !== 201);
  expect(unanswered.map((r) => r.attempts.map((a) => a.status))).toEqual([]);

  // Present exactly once, one event each.
  const counts = await findingsNamed(`丢包 ${run} `);
  expect(counts.size).toBe(REPORTS);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(runs.every((r) => counts.has(r.id))).toBe(true);
  const badHistories: string[] = [];
  await pool(
    8,
    runs.map((r) => async () => {
      const versions = (await listFindingEvents(r.id)).items.map((e) => e.version);
      if (versions.join() !== '1') badHistories.push(`${r.id}: ${versions}`);
    }),
  );
  expect(badHistories).toEqual([]);
}, 1_200_000);
