/**
 * `npm run bench -- notifications [rounds]`: what the outbox (docs/decisions/0052) costs a report.
 * `POST /findings` through the local server into a zone with officers, with the outbox on (the
 * zone's officers read beside the duplicate Query, one item per officer in the report's
 * transaction) and off (`setOutbox(false)`: no read, no item), interleaved round by round in one run,
 * order alternating; medians side by side. Target: within 10%. The delivery worker is not running
 * (the demo city enables no channel), as a report's latency never waits for it.
 */
import { randomUUID } from 'node:crypto';
import { readCityConfig } from '@gridpatrol/cities';
import { setOutbox } from '@gridpatrol/functions/notifications/outbox';
import { issueDevToken, openDatabase, randomDevKey, seedCity, startLocalServer } from '@gridpatrol/local';
import { listNotifications } from '@gridpatrol/store';
import { reportBody } from '../test/support/findings';
import { pointInCell } from '../test/support/points';
import { fmt, summarize } from './stats';

const ROUNDS = 150;
const WARMUP = 15;
const TARGET = 1.1;

export async function run(args: string[] = []): Promise<void> {
  const rounds = Number(args[0] ?? ROUNDS);
  const config = readCityConfig('demo');
  const db = await openDatabase(config, { persist: false, tableName: `bench-${randomUUID().slice(0, 8)}` });
  let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
  try {
    await seedCity(config);
    const key = randomDevKey();
    server = await startLocalServer({ config, tokenKey: key, host: '127.0.0.1' });
    const url = server.url;
    const tokens = new Map<string, string>();
    for (const id of ['admin', 'worker-liu']) tokens.set(id, await issueDevToken(key, id));
    const call = async (method: string, path: string, as: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens.get(as)}`,
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() }
            : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely, as in the e2e tests
      return { status: res.status, body: (await res.json()) as any };
    };
    const get = async (path: string) => (await call('GET', path, 'admin')).body;
    const me = (await call('GET', '/me', 'worker-liu')).body as { cells: string[] };
    const point = await (async () => {
      for (const c of me.cells as string[]) {
        const p = await pointInCell(get, c, (r) => r.primaryZone !== null);
        if (p) return p;
      }
      throw new Error("no point with a zone in worker-liu's cells");
    })();
    const officers = (await get(`/people?zone=${point.primaryZone}&role=zone_officer`)).items.map(
      (p: { id: string }) => p.id,
    );

    const timed = async (on: boolean, i: number) => {
      setOutbox(on);
      const started = performance.now();
      const res = await call(
        'POST',
        '/findings',
        'worker-liu',
        reportBody(point, `基准${on ? '甲' : '乙'}${i}`),
      );
      const ms = performance.now() - started;
      if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) {
      await timed(true, i);
      await timed(false, i);
    }
    const withOutbox: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always follows the other's writes.
      if (i % 2 === 0) {
        withOutbox.push(await timed(true, i));
        without.push(await timed(false, i));
      } else {
        without.push(await timed(false, i));
        withOutbox.push(await timed(true, i));
      }
    }
    setOutbox(true);
    const items =
      officers.length > 0 ? (await listNotifications(officers[0], undefined, 1000)).items.length : 0;
    const on = summarize(withOutbox);
    const off = summarize(without);
    const ratio = on.median / off.median;
    console.log(
      `Notifications outbox: POST /findings into zone ${point.primaryZone} (${officers.length} officer(s)), node ${process.version}\n`,
    );
    console.log(`with the outbox     ${fmt(on, 'ms')}`);
    console.log(`without             ${fmt(off, 'ms')}`);
    console.log(
      `ratio of medians    ${ratio.toFixed(3)}× (target ≤ ${TARGET}×: ${ratio <= TARGET ? 'met' : 'NOT met'})`,
    );
    console.log(`items the first officer holds: ${items} (one per report made with the outbox on)`);
  } finally {
    setOutbox(true);
    await server?.close();
    await db.stop();
  }
}
