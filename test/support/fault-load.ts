/**
 * Load for the fault suite (test/faults) and `npm run bench -- faults`: field reporters of the demo
 * seed with points inside their own cells, the officer who may verify what is found in each cell,
 * a pool of concurrent clients, and a client that retries a report under its Idempotency-Key.
 */
import { randomUUID } from 'node:crypto';
import { listFindingsByReporter } from '@gridpatrol/store';
import { reportBody } from './findings';
import { startTestApi, type TestApi, type TestResponse } from './local-api';
import { pointInCell } from './points';

export interface FieldPoint {
  readonly reporter: string;
  readonly lon: number;
  readonly lat: number;
  readonly cell: string;
  /** Who may verify a finding reported here (the zone officer of the cell's responsible zone). */
  readonly verifier: string;
  /** The finding reported here to find the verifier (a template of a report in this cell). */
  readonly probeId: string;
}

/** What the helpers need of a running API: its `call`. */
export type ApiCaller = Pick<TestApi, 'call'>;

/** Field reporters of the demo seed (one office's grid workers and its grid leader). */
export const FIELD_REPORTERS = ['worker-liu', 'worker-sun', 'leader-chen'] as const;
const VERIFIER_CANDIDATES = ['officer-li', 'officer-zhao', 'officer-wang', 'sup-east', 'sup-west'];

/** A size from the environment for local iteration; CI runs the issue's size. */
export function sizeFromEnv(name: string, issueSize: number): number {
  const raw = Number(process.env[name]);
  return Number.isInteger(raw) && raw > 0 ? raw : issueSize;
}

/**
 * A file's demo API behind the fault proxy (seeded, so a run's faults repeat) and one point in each
 * field reporter's cell, found while the proxy lets everything through.
 *
 * @example ({ api, points } = await startFaultApi(30));
 */
export async function startFaultApi(seed: number): Promise<{ api: TestApi; points: FieldPoint[] }> {
  const api = await startTestApi('demo', { faultProxy: { seed } });
  try {
    return { api, points: await fieldPoints(api) };
  } catch (err) {
    await api.close();
    throw err;
  }
}

/**
 * The field reporters' stored findings whose business name starts with `prefix`, each with how
 * many times it is stored (more than once is a duplicate).
 *
 * @example const counts = await findingsNamed(`丢包 ${run} `); // Map { 'F-…' => 1, … }
 */
export async function findingsNamed(prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const reporter of FIELD_REPORTERS) {
    let cursor: string | undefined;
    do {
      const page = await listFindingsByReporter(reporter, cursor, 200);
      for (const f of page.items)
        if (f.businessName.startsWith(prefix)) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
      cursor = page.cursor;
    } while (cursor);
  }
  return counts;
}

/**
 * One point in each cell of the field reporters, with its verifier (found by reporting one finding
 * there and asking each officer which actions they have): the API must run without faults here.
 */
export async function fieldPoints(api: ApiCaller): Promise<FieldPoint[]> {
  const get = async (path: string) => (await api.call('GET', path, { as: 'admin' })).body;
  const points: FieldPoint[] = [];
  const seen = new Set<string>();
  for (const reporter of FIELD_REPORTERS) {
    const me = (await api.call('GET', '/me', { as: reporter })).body;
    for (const cell of me.cells as string[]) {
      if (seen.has(cell)) continue;
      seen.add(cell);
      const p = await pointInCell(get, cell);
      if (!p) continue;
      const probe = await api.call('POST', '/findings', {
        as: reporter,
        body: reportBody(p, `探针 ${cell}`),
        headers: { 'idempotency-key': randomUUID() },
      });
      if (probe.status !== 201) throw new Error(`probe report in ${cell}: ${probe.status} ${probe.text}`);
      let verifier: string | undefined;
      for (const who of VERIFIER_CANDIDATES) {
        const seenBy = await api.call('GET', `/findings/${probe.body.id}`, { as: who });
        if (seenBy.status === 200 && seenBy.body.allowedActions.includes('verify')) {
          verifier = who;
          break;
        }
      }
      if (verifier) points.push({ reporter, lon: p.lon, lat: p.lat, cell, verifier, probeId: probe.body.id });
    }
  }
  if (points.length === 0) throw new Error('no reporting point with a verifier in the demo seed');
  return points;
}

/** Runs `tasks` with at most `clients` at a time, in order of the array. */
export async function pool<T>(clients: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, tasks.length) }, worker));
  return results;
}

export interface Attempt {
  readonly status: number;
  readonly replayed: boolean;
  readonly ms: number;
  readonly body: TestResponse['body'];
  readonly retryAfter: string | null;
}

/** One POST /findings under `key`; a connection the server broke counts as status 0. */
export async function reportOnce(
  api: ApiCaller,
  point: FieldPoint,
  key: string,
  name: string,
): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await api.call('POST', '/findings', {
      as: point.reporter,
      body: reportBody(point, name),
      headers: { 'idempotency-key': key },
    });
    return {
      status: res.status,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      ms: performance.now() - started,
      body: res.body,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch {
    return { status: 0, replayed: false, ms: performance.now() - started, body: undefined, retryAfter: null };
  }
}

/**
 * A field app's report: sent, and sent again under the same key after a 503 or a broken connection,
 * at most `maxTries` times in all. Every attempt is returned, in order.
 */
export async function reportWithRetries(
  api: ApiCaller,
  point: FieldPoint,
  name: string,
  maxTries: number,
): Promise<{ key: string; attempts: Attempt[] }> {
  const key = randomUUID();
  const attempts: Attempt[] = [];
  for (let i = 0; i < maxTries; i++) {
    const a = await reportOnce(api, point, key, name);
    attempts.push(a);
    if (a.status !== 503 && a.status !== 0) break;
  }
  return { key, attempts };
}

/** Quantile of a sample (nearest rank). */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Waits for asynchronous counters to catch up, where the API has them (TestApi.settle). */
export async function settled(api: TestApi): Promise<void> {
  await (api as TestApi & { settle?: () => Promise<void> }).settle?.();
}
