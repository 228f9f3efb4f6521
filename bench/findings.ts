/**
 * `npm run bench -- findings [rounds] [keysPerClient]`: the cost of a report, against DynamoDB Local
 * (its own, in memory, unless DYNAMODB_ENDPOINT is set). Three figures in one run:
 *
 * 1. latency: `POST /findings` through the local server beside a bare PutItem of a similar finding
 *    item (same table, same index keys, same document client), interleaved round by round; the
 *    ratio of medians is the figure (target ≤ 3×). Measured again after the load phase, when the
 *    zones hold many open findings that the duplicate check reads.
 * 2. throughput: 20 concurrent clients on loopback, each sending its reports (bounded in count and
 *    time) and re-sending every one 1–3 times under the same Idempotency-Key, some retries racing the
 *    first request and some after its answer.
 * 3. duplicates: findings in the table for those keys (per reporter's index partition) minus the
 *    distinct keys, and the city's `total` counter moved by exactly the distinct keys once the
 *    counter fold has caught up. Both must be 0.
 * 4. the counter fold's lag (docs/decisions/0028): for every 4th report of the load, the time from
 *    its 201 to its counters being visible (its fold ledger entry, written in the same transaction
 *    as its counter ADDs, read strongly consistent every 10 ms).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { readCityConfig } from '@gridpatrol/cities';
import type { Finding } from '@gridpatrol/core';
import {
  type CounterFold,
  issueDevToken,
  openDatabase,
  randomDevKey,
  seedCity,
  startCounterFold,
  startLocalServer,
} from '@gridpatrol/local';
import {
  documentClient,
  findingIdFor,
  getCounters,
  getFinding,
  keys,
  listFindingsByReporter,
  primaryKey,
  tableName,
} from '@gridpatrol/store';
import { reportBody as report } from '../test/support/findings';
import { pointInCell } from '../test/support/points';
import { fmt, type Summary, summarize } from './stats';

const ROUNDS = 150;
const WARMUP = 15;
const CLIENTS = 20;
const KEYS_PER_CLIENT = 25;
const LOAD_TIME_LIMIT_MS = 60_000;
const AFTER_LOAD_ROUNDS = 40;
const TARGET_RATIO = 3;
/** Reporters of the demo seed that report in their own cells; clients take them in turn. */
const REPORTERS = ['worker-liu', 'worker-sun'] as const;

type Point = { lon: number; lat: number };
// biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely, as in the e2e tests
type Json = any;

interface Api {
  call(method: string, path: string, as: string, body?: unknown, key?: string): Promise<Answer>;
}
interface Answer {
  status: number;
  body: Json;
  replayed: boolean;
}

function makeApi(url: string, tokens: Map<string, string>): Api {
  return {
    async call(method, path, as, body, key) {
      const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(as)}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (key !== undefined) headers['idempotency-key'] = key;
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: Json;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, body: json, replayed: res.headers.get('idempotent-replayed') === 'true' };
    },
  };
}

/** A point the API resolves inside the cell (test/support/points.ts, shared with the findings tests). */
async function pointIn(api: Api, cellId: string): Promise<Point> {
  const p = await pointInCell(async (path) => (await api.call('GET', path, 'admin')).body, cellId);
  if (!p) throw new Error(`no inside point found for ${cellId}`);
  return p;
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A reporter's findings in the table, by id (their gsi2 partition, every page). */
async function findingIdsOf(reporterId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listFindingsByReporter(reporterId, cursor, 200);
    ids.push(...page.items.map((f) => f.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

interface LatencyRow {
  post: Summary;
  put: Summary;
  /** The report's write before the fold: finding, event, idempotency record and 8 counter ADDs. */
  tx11: Summary;
  /** The report's write now: finding, event, idempotency record (counters follow from the stream). */
  tx3: Summary;
  me: Summary;
}

/**
 * `rounds` interleaved rounds of five operations, the order rotating so that none always runs
 * first: POST /findings (a new key); the bare PutItem of a copy of a finding item under a fresh id;
 * for reference, the write a report makes done bare, as it was before the counter fold (one
 * TransactWriteItems: the finding, its event, its idempotency record, ADDs on four live counter
 * items of their own and on their four month bucket items, docs/decisions/0015) and as it is now
 * (the first three only, docs/decisions/0028); and GET /me through the server (HTTP, token check,
 * person read: the floor of any call).
 */
async function measureLatency(
  api: Api,
  reporter: string,
  points: readonly Point[],
  template: Finding,
  rounds: number,
  tag: string,
): Promise<LatencyRow> {
  const samples: number[][] = [[], [], [], [], []];
  const client = documentClient();
  const table = tableName();
  const copy = (i: number) => {
    const id = `F-bench${randomUUID().replaceAll('-', '')}`;
    const reportedAt = new Date().toISOString();
    // The same attributes and index keys as a real finding (a zone list entry and a reporter list
    // entry), but in a reporter partition of its own so that the duplicate count below ignores it.
    const f = { ...template, id, reportedAt, businessName: `${tag}小吃店 ${i}`, reporterId: 'bench-put' };
    return { f, item: { ...keys.finding(f), entity: 'finding', ...f } };
  };
  const ops: ((i: number) => Promise<void>)[] = [
    async (i) => {
      const p = points[i % points.length] as Point;
      const res = await api.call('POST', '/findings', reporter, report(p, `${tag}小吃店 ${i}`), randomUUID());
      if (res.status !== 201)
        throw new Error(`POST /findings answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    async (i) => {
      const { item } = copy(i);
      await client.send(
        new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },
    (i) => bareReportWrite(i, true),
    (i) => bareReportWrite(i, false),
    async () => {
      const res = await api.call('GET', '/me', reporter);
      if (res.status !== 200) throw new Error(`GET /me answered ${res.status}`);
    },
  ];
  async function bareReportWrite(i: number, withCounters: boolean): Promise<void> {
    const { f, item } = copy(i);
    const pk = keys.findingById(f.id).pk;
    const counterItems = [
      ...['city', 'cell', 'zone', 'office'].map((a) => ({
        Update: {
          TableName: table,
          Key: keys.counter(`bench-${a}`),
          UpdateExpression: 'SET #e = :e ADD #t :one, #o :one, #s :one',
          ExpressionAttributeNames: { '#e': 'entity', '#t': 'total', '#o': 'open', '#s': 'status:reported' },
          ExpressionAttributeValues: { ':e': 'counter', ':one': 1 },
        },
      })),
      ...['city', 'cell', 'zone', 'office'].map((a) => ({
        Update: {
          TableName: table,
          Key: keys.counter(`bench-${a}#${f.reportedAt.slice(0, 7)}`),
          UpdateExpression: 'SET #e = :e ADD #d :one',
          ExpressionAttributeNames: { '#e': 'entity', '#d': `reported:${f.reportedAt.slice(0, 10)}` },
          ExpressionAttributeValues: { ':e': 'counter', ':one': 1 },
        },
      })),
    ];
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: table,
              Item: {
                ...keys.findingEvent(f.id, 1),
                entity: 'finding_event',
                findingId: f.id,
                at: f.reportedAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...keys.findingIdempotency(f.id), findingId: f.id, response: template, pk },
            },
          },
          ...(withCounters ? counterItems : []),
        ],
      }),
    );
  }
  for (let i = 0; i < rounds; i++)
    for (let j = 0; j < ops.length; j++) {
      const op = (i + j) % ops.length;
      const t = now();
      await (ops[op] as (i: number) => Promise<void>)(i);
      samples[op]?.push(now() - t);
    }
  const [post, put, tx11, tx3, me] = samples.map((s) => summarize(s)) as [
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
  ];
  return { post, put, tx11, tx3, me };
}

interface LoadResult {
  keys: Map<string, Set<string>>;
  requests: number;
  replayed: number;
  seconds: number;
  firstLatency: Summary;
  /** From a report's 201 to its counters being visible (ms), every LAG_SAMPLE_EVERY-th report. */
  foldLag: number[];
  errors: string[];
}

/** One report in this many has its fold lag measured; each is watched by polling one item. */
const LAG_SAMPLE_EVERY = 4;
const LAG_POLL_MS = 10;
const LAG_GIVE_UP_MS = 60_000;

/**
 * Waits until the fold has counted finding `id`: its ledger entry is written in the same transaction
 * as its counter ADDs, so its appearance is the moment the counters show the report.
 */
async function foldLagOf(id: string, since: number): Promise<number> {
  const key = primaryKey(keys.foldLedger(keys.findingById(id).pk));
  for (;;) {
    const out = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    );
    if (out.Item) return now() - since;
    if (now() - since > LAG_GIVE_UP_MS) return Number.POSITIVE_INFINITY;
    await sleep(LAG_POLL_MS);
  }
}

/**
 * CLIENTS clients, each reporting its KEYS_PER_CLIENT reports one after another. Every report is
 * sent 2–4 times under one key: the first send alone or racing 1–2 twins, then the rest after the
 * first answer. Every answer must be 201 with the same finding id.
 */
async function load(api: Api, points: Map<string, Point[]>, keysPerClient: number): Promise<LoadResult> {
  const keysBy = new Map<string, Set<string>>(REPORTERS.map((r) => [r, new Set<string>()]));
  const errors: string[] = [];
  const first: number[] = [];
  const lagWatches: Promise<number>[] = [];
  let requests = 0;
  let replayed = 0;
  const deadline = now() + LOAD_TIME_LIMIT_MS;
  const start = now();
  const client = async (c: number) => {
    const reporter = REPORTERS[c % REPORTERS.length] as string;
    const pts = points.get(reporter) ?? [];
    for (let k = 0; k < keysPerClient && now() < deadline; k++) {
      const key = randomUUID();
      const body = report(pts[(c + k) % pts.length] as Point, `负载 ${c}-${k} 杂货铺`);
      keysBy.get(reporter)?.add(key);
      const retries = 1 + ((c * 7 + k) % 3); // 1–3 re-sends
      const racing = (c + k) % 2 === 0 ? Math.min(retries, 1 + (k % 2)) : 0; // 0–2 sent with the first
      const send = () => api.call('POST', '/findings', reporter, body, key);
      const t = now();
      const watchLag = (c * keysPerClient + k) % LAG_SAMPLE_EVERY === 0;
      const firstSend = send().then((a) => {
        first.push(now() - t);
        if (watchLag && a.status === 201) lagWatches.push(foldLagOf(a.body.id, now()));
        return a;
      });
      const answers = await Promise.all([firstSend, ...Array.from({ length: racing }, send)]);
      for (let r = racing; r < retries; r++) answers.push(await send());
      requests += answers.length;
      const expected = findingIdFor(reporter, key);
      for (const a of answers) {
        if (a.replayed) replayed++;
        if (a.status !== 201 || a.body?.id !== expected)
          errors.push(`${reporter} ${key}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const seconds = (now() - start) / 1000;
  return {
    keys: keysBy,
    requests,
    replayed,
    seconds,
    firstLatency: summarize(first),
    foldLag: await Promise.all(lagWatches),
    errors,
  };
}

export async function run(args: string[] = []): Promise<void> {
  const rounds = Number(args[0] ?? ROUNDS);
  const keysPerClient = Number(args[1] ?? KEYS_PER_CLIENT);
  const config = readCityConfig('demo');
  // The bench runs the counter fold itself, so that one latency phase can run with it paused: the
  // request path alone, as in AWS where the fold runs in its own function (decision 0028).
  const db = await openDatabase(config, {
    persist: false,
    tableName: `bench-${randomUUID().slice(0, 8)}`,
    foldCounters: false,
  });
  const startFold = () => startCounterFold({ endpoint: db.endpoint, tableName: db.tableName });
  let fold: CounterFold = startFold();
  let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
  try {
    await seedCity(config);
    const key = randomDevKey();
    server = await startLocalServer({ config, tokenKey: key, host: '127.0.0.1' });
    const tokens = new Map<string, string>();
    for (const id of ['admin', ...REPORTERS]) tokens.set(id, await issueDevToken(key, id));
    const api = makeApi(server.url, tokens);

    const points = new Map<string, Point[]>();
    for (const r of REPORTERS) {
      const me = await api.call('GET', '/me', r);
      points.set(r, await Promise.all((me.body.cells as string[]).map((c) => pointIn(api, c))));
    }
    const liuPoints = points.get('worker-liu') ?? [];

    // A real finding as the template of the bare PutItem's item.
    const sample = await api.call(
      'POST',
      '/findings',
      'worker-liu',
      report(liuPoints[0] as Point, '模板'),
      randomUUID(),
    );
    if (sample.status !== 201) throw new Error(`template report failed: ${sample.status}`);
    const template = await getFinding(sample.body.id);
    if (!template) throw new Error('template finding not stored');

    await measureLatency(api, 'worker-liu', liuPoints, template, WARMUP, '预热');
    const fresh = await measureLatency(api, 'worker-liu', liuPoints, template, rounds, '延迟');
    await fold.stop();
    const paused = await measureLatency(api, 'worker-liu', liuPoints, template, rounds, '暂停');
    fold = startFold();

    // Counters follow the stream (0028): read them once the fold has caught up.
    await fold.settle();
    const cityBefore = (await getCounters(['city'])).city?.total ?? 0;
    const countedBefore = new Map<string, number>();
    for (const r of REPORTERS) countedBefore.set(r, (await findingIdsOf(r)).length);
    const loaded = await load(api, points, keysPerClient);
    await fold.settle();
    const cityAfter = (await getCounters(['city'])).city?.total ?? 0;

    let distinct = 0;
    let written = 0;
    let missing = 0;
    for (const r of REPORTERS) {
      const want = new Set([...(loaded.keys.get(r) ?? [])].map((k) => findingIdFor(r, k)));
      const ids = await findingIdsOf(r);
      const mine = ids.filter((id) => want.has(id));
      distinct += want.size;
      // Everything new in the partition counts: a duplicate under another id would show here too.
      written += ids.length - (countedBefore.get(r) ?? 0);
      missing += [...want].filter((id) => !mine.includes(id)).length;
    }
    const duplicates = written - distinct;
    const counterDrift = cityAfter - cityBefore - distinct;

    await sleep(100);
    const after = await measureLatency(api, 'worker-liu', liuPoints, template, AFTER_LOAD_ROUNDS, '负载后');

    const endpoint = db.owned ? `${db.endpoint}, own, in memory` : db.endpoint;
    console.log(
      `Findings against DynamoDB Local (${endpoint}), local server on loopback, node ${process.version}\n`,
    );
    const row = (label: string, l: LatencyRow) => {
      const ratio = l.post.median / l.put.median;
      console.log(
        `${label.padEnd(26)} ${fmt(l.post, 'ms').padEnd(40)} ${fmt(l.put, 'ms').padEnd(38)} ${ratio.toFixed(2)}×`,
      );
      console.log(
        `${''.padEnd(26)}   report's write before the fold (11 items)    ${fmt(l.tx11, 'ms')} ${(l.tx11.median / l.put.median).toFixed(2)}×`,
      );
      console.log(
        `${''.padEnd(26)}   report's write now (3 items, 0028)           ${fmt(l.tx3, 'ms')} ${(l.tx3.median / l.put.median).toFixed(2)}×`,
      );
      console.log(
        `${''.padEnd(26)}   GET /me through the server (call floor)      ${fmt(l.me, 'ms')} ${(l.me.median / l.put.median).toFixed(2)}×`,
      );
      // What the request adds to its own transaction: HTTP, token, resolution, the duplicate Query,
      // validation (docs/decisions/0012-findings-latency.md); and the same request with the 11-item
      // write of before, side by side in this run (the request's other parts unchanged).
      const beyond = l.post.median - l.tx3.median;
      const before = beyond + l.tx11.median;
      console.log(
        `${''.padEnd(26)}   POST beyond its own transaction (medians)    ${beyond.toFixed(1)} ms ${(beyond / l.put.median).toFixed(2)}×; POST / transaction ${(l.post.median / l.tx3.median).toFixed(2)}×`,
      );
      console.log(
        `${''.padEnd(26)}   POST with the 11-item write (before 0028)    ${before.toFixed(1)} ms ${(before / l.put.median).toFixed(2)}×`,
      );
      return ratio;
    };
    console.log(
      `${'latency (median, min–max)'.padEnd(26)} ${'POST /findings'.padEnd(40)} ${'bare PutItem'.padEnd(38)} ratio`,
    );
    const ratio = row('fresh zones', fresh);
    row('fresh, fold paused', paused);
    row(`after load (+${written} open)`, after);
    console.log();
    console.log(
      `load: ${CLIENTS} clients, ${distinct} reports (${keysPerClient}/client max, ${LOAD_TIME_LIMIT_MS / 1000} s cap), ` +
        `${loaded.requests} requests (${loaded.replayed} replayed) in ${loaded.seconds.toFixed(1)} s`,
    );
    console.log(
      `  ${(distinct / loaded.seconds).toFixed(1)} reports/s, ${(loaded.requests / loaded.seconds).toFixed(1)} requests/s; ` +
        `first send under load ${fmt(loaded.firstLatency, 'ms')}`,
    );
    console.log(
      `  findings written ${written} for ${distinct} distinct keys: duplicates ${duplicates}, missing ${missing}, ` +
        `city total counter drift ${counterDrift}, bad answers ${loaded.errors.length}`,
    );
    for (const e of loaded.errors.slice(0, 5)) console.log(`    ${e}`);
    const seen = loaded.foldLag.filter(Number.isFinite);
    const lag = summarize(seen.length > 0 ? seen : [Number.NaN]);
    const lost = loaded.foldLag.filter((x) => !Number.isFinite(x)).length;
    console.log(
      `  counter fold lag, 201 → counters visible (${loaded.foldLag.length} reports sampled): ${fmt(lag, 'ms')}` +
        (lost > 0 ? `; ${lost} not counted within ${LAG_GIVE_UP_MS / 1000} s` : ''),
    );
    const pass =
      ratio <= TARGET_RATIO &&
      lost === 0 &&
      duplicates === 0 &&
      missing === 0 &&
      counterDrift === 0 &&
      loaded.errors.length === 0;
    console.log(
      `\n${pass ? 'PASS' : 'FAIL'}: ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×), duplicates ${duplicates} (must be 0)` +
        (missing || counterDrift || loaded.errors.length
          ? `, missing ${missing}, counter drift ${counterDrift}, bad answers ${loaded.errors.length}`
          : ''),
    );
    if (!pass) process.exitCode = 1;
  } finally {
    await server?.close();
    await fold.stop();
    await db.stop();
  }
}
