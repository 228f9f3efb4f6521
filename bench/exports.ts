/**
 * `npm run bench -- exports [findings] [runs]`: a city-wide findings export against DynamoDB Local
 * (its own, in memory, unless DYNAMODB_ENDPOINT is set), through the local server, beside a bare
 * Query of the same partitions. 100k findings by default, seeded straight into the table in the shape
 * the store writes (BatchWriteItem, outside the timed part), spread over the demo grid's zones, the
 * unzoned partition and every state.
 *
 * Figures, medians of `runs` interleaved rounds:
 * 1. GET /exports/findings.csv?scope=city until its 303 (read every page, format, stream to the local
 *    object store, sign): seconds, rows/s, bytes, Query pages, CPU seconds of this process; and the
 *    bare Query of the same reads (same partitions, projection, page limit and parallelism, items
 *    left unparsed), and of whole items one partition after another (the naive read): the ratios.
 * 2. Memory of this process (the server runs in it) while the export runs: peak RSS and heap growth
 *    over their level before it; and the live heap (sampled after full collections) of the city's
 *    export beside one office's (fewer rows, as many partitions in flight): streaming means it does
 *    not follow the rows (only the ids kept against duplicates do).
 * 3. Once: findings.geojson and cells.geojson of the city, and the CSV read back with csv-parse
 *    (rows must equal the findings seeded plus the template).
 * PASS when every export answered 303 and the CSV median leaves a third of the HTTP API's 30 s.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readCityConfig } from '@gridpatrol/cities';
import { FINDING_STATUSES, type Finding, TERMINAL_STATUSES } from '@gridpatrol/core';
import { issueDevToken, openDatabase, randomDevKey, seedCity, startLocalServer } from '@gridpatrol/local';
import {
  batchPut,
  documentClient,
  EXPORT_QUERY_LIMIT,
  EXPORT_READS_IN_FLIGHT,
  findingExportReads,
  getFinding,
  keys,
  tableName,
} from '@gridpatrol/store';
import { parse } from 'csv-parse/sync';
import { reportBody } from '../test/support/findings';
import { pointInCell } from '../test/support/points';
import { fmt, summarize } from './stats';

const FINDINGS = 100_000;
const RUNS = 5;
const SEED_CHUNK = 5_000;
const TARGET_S = 20;

// biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely, as in the e2e tests
type Json = any;

const NAMES = [
  '张三小吃店',
  '李四杂货铺',
  '王五理发店',
  '赵六网吧',
  '钱七废品回收站',
  '孙八水果店, 二楼',
  '周九"老字号"',
];

/** The demo grid's cells with their routing: primary zone (or none), every zone, office. */
async function cellRouting(get: (p: string) => Promise<Json>) {
  const zones = new Map<string, string>();
  for (const z of (await get('/zones?limit=500')).items) zones.set(z.id, z.office);
  const cells: { id: string; zoneId: string | null; zones: string[]; officeId: string | null }[] = [];
  let cursor: string | undefined;
  do {
    const page = await get(`/cells?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const c of page.items)
      cells.push({
        id: c.id,
        zoneId: c.primaryZone,
        zones: c.zones.map((s: { zoneId: string }) => s.zoneId),
        officeId: c.primaryZone ? (zones.get(c.primaryZone) ?? null) : null,
      });
    cursor = page.cursor;
  } while (cursor);
  return cells;
}

/** The n-th bench finding: a copy of a real one, in another cell, state and time. */
function benchFinding(template: Finding, cells: Awaited<ReturnType<typeof cellRouting>>, n: number): Finding {
  const cell = cells[(n * 7919) % cells.length] as (typeof cells)[number];
  // One in 40 findings lies outside every zone (the unzoned partition).
  const unzoned = n % 40 === 0;
  const status = FINDING_STATUSES[(n * 31) % FINDING_STATUSES.length] ?? 'reported';
  const reportedAt = new Date(
    Date.parse('2026-01-01T00:00:00Z') + ((n * 2_654_435_761) % 31_536_000_000),
  ).toISOString();
  return {
    ...template,
    id: `F-bench${String(n).padStart(7, '0')}`,
    status,
    businessName: `${NAMES[n % NAMES.length]} ${n}`,
    lon: template.lon + ((n % 1000) - 500) * 1e-5,
    lat: template.lat + ((n % 997) - 498) * 1e-5,
    cellId: cell.id,
    zoneId: unzoned ? null : cell.zoneId,
    zones: unzoned ? [] : cell.zones,
    officeId: unzoned ? null : cell.officeId,
    reportedAt,
    updatedAt: reportedAt,
    overdue: status === 'rectifying' && n % 3 === 0,
    ...(TERMINAL_STATUSES.includes(status) ? { closedAt: reportedAt } : {}),
  };
}

interface MemoryPeak {
  rss: number;
  heap: number;
}

/** A full garbage collection, so that each measurement starts from what is really held. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * This process's memory while `work` runs, as growth over the level before (after a full
 * collection). Sampled every 10 ms, the heap peak includes garbage V8 has not collected yet; with
 * `live`, a full collection runs before each sample (every 100 ms, slowing the work), so the peak is
 * what the export really holds at once.
 */
async function withMemory<T>(work: () => Promise<T>, live = false): Promise<{ result: T; peak: MemoryPeak }> {
  gc();
  const before = process.memoryUsage();
  const peak = { rss: before.rss, heap: before.heapUsed };
  const timer = setInterval(
    () => {
      if (live) gc();
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
    },
    live ? 100 : 10,
  );
  try {
    const result = await work();
    return { result, peak: { rss: peak.rss - before.rss, heap: peak.heap - before.heapUsed } };
  } finally {
    clearInterval(timer);
  }
}

const MB = 1024 * 1024;
const now = () => performance.now();

export async function run(args: string[] = []): Promise<void> {
  const total = Number(args[0] ?? FINDINGS);
  const runs = Number(args[1] ?? RUNS);
  // The handlers run in this process: their request logs would bury the figures.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const config = readCityConfig('demo');
  const s3Dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-bench-s3-'));
  const db = await openDatabase(config, { persist: false, tableName: `bench-${randomUUID().slice(0, 8)}` });
  let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
  try {
    await seedCity(config);
    const key = randomDevKey();
    server = await startLocalServer({ config, tokenKey: key, host: '127.0.0.1', s3Dir });
    const token = await issueDevToken(key, 'admin');
    const url = server.url;
    const get = async (p: string) =>
      (await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<Json>;
    const cells = await cellRouting(get);

    // A real finding as the template of the seeded ones.
    const liu = await get('/people/worker-liu');
    const at = await pointInCell(get, liu.cells[0]);
    if (!at) throw new Error('no point inside worker-liu’s cell');
    const res = await fetch(`${url}/findings`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(reportBody(at, '模板')),
    });
    const template = await getFinding(((await res.json()) as Json).id);
    if (!template) throw new Error('template finding not stored');

    const seedStart = now();
    for (let from = 0; from < total; from += SEED_CHUNK) {
      const items = [];
      for (let n = from; n < Math.min(total, from + SEED_CHUNK); n++) {
        const f = benchFinding(template, cells, n);
        items.push({ ...keys.finding(f), entity: 'finding', ...f });
      }
      await batchPut(items, undefined, 16);
      process.stderr.write(`\rseeded ${Math.min(total, from + SEED_CHUNK)} / ${total}`);
    }
    const seedSeconds = (now() - seedStart) / 1000;
    process.stderr.write('\n');
    const itemBytes = Buffer.byteLength(
      JSON.stringify({
        ...keys.finding(benchFinding(template, cells, 1)),
        ...benchFinding(template, cells, 1),
      }),
    );

    const exportOnce = async (what: string) => {
      const t = now();
      const r = await fetch(`${url}${what}`, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
      });
      const body = (await r.json()) as Json;
      if (r.status !== 303) throw new Error(`${what}: ${r.status} ${JSON.stringify(body)}`);
      return { ms: now() - t, out: body };
    };
    const reads = await findingExportReads({ by: 'city' }, {});
    /**
     * Every page of every partition, `parallel` partitions at a time, items counted and dropped:
     * projected to the exported fields as the export reads them, or whole items (`whole`).
     */
    const bareQuery = async (parallel: number, whole = false) => {
      const t = now();
      let items = 0;
      let pages = 0;
      let next = 0;
      const worker = async () => {
        while (next < reads.length) {
          const read = reads[next++] as (typeof reads)[number];
          const names: Record<string, string> = { '#pk': `${read.index}pk` };
          const projection = whole
            ? undefined
            : read.projection?.map((a, i) => {
                names[`#p${i}`] = a;
                return `#p${i}`;
              });
          let start: Record<string, unknown> | undefined;
          do {
            const out = await documentClient().send(
              new QueryCommand({
                TableName: tableName(),
                IndexName: read.index,
                KeyConditionExpression: '#pk = :pk',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: { ':pk': read.pk },
                ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
                ExclusiveStartKey: start,
                Limit: EXPORT_QUERY_LIMIT,
              }),
            );
            items += out.Items?.length ?? 0;
            pages++;
            start = out.LastEvaluatedKey;
          } while (start);
        }
      };
      await Promise.all(Array.from({ length: parallel }, worker));
      return { ms: now() - t, items, pages };
    };

    // Warm-up: one of each (JIT, connections, DynamoDB Local's caches).
    await exportOnce('/exports/findings.csv?scope=city');
    await bareQuery(EXPORT_READS_IN_FLIGHT);

    const exportMs: number[] = [];
    const cpuS: number[] = [];
    const bareMs: number[] = [];
    const bareSeqMs: number[] = [];
    const rss: number[] = [];
    const heap: number[] = [];
    let last: Json;
    let bare = { items: 0, pages: 0 };
    const ops = ['export', 'bare', 'sequential'] as const;
    for (let i = 0; i < runs; i++)
      for (let j = 0; j < ops.length; j++) {
        const op = ops[(i + j) % ops.length];
        if (op === 'export') {
          const cpu = process.cpuUsage();
          const { result, peak } = await withMemory(() => exportOnce('/exports/findings.csv?scope=city'));
          const used = process.cpuUsage(cpu);
          cpuS.push((used.user + used.system) / 1e6);
          exportMs.push(result.ms);
          last = result.out;
          rss.push(peak.rss / MB);
          heap.push(peak.heap / MB);
        } else if (op === 'bare') {
          const b = await bareQuery(EXPORT_READS_IN_FLIGHT);
          bareMs.push(b.ms);
          bare = b;
        } else {
          bareSeqMs.push((await bareQuery(1, true)).ms);
        }
      }

    // What an export holds at once: the city's beside one office's (fewer rows, as many partitions
    // in flight), each sampled after full collections.
    const smallScope = `office:${config.offices[0]?.id}`;
    const liveCity = await withMemory(() => exportOnce('/exports/findings.csv?scope=city'), true);
    const liveSmall = await withMemory(() => exportOnce(`/exports/findings.csv?scope=${smallScope}`), true);

    // Once each: GeoJSON of the findings, the cells with their numbers, and the CSV read back.
    const geo = await exportOnce('/exports/findings.geojson?scope=city');
    const cellsGeo = await exportOnce('/exports/cells.geojson?scope=city');
    const csvText = await (await fetch(last.url)).text();
    const parsed = parse(csvText, { bom: true, columns: true, record_delimiter: '\r\n' }) as unknown[];

    const e = summarize(exportMs);
    const b = summarize(bareMs);
    const endpoint = db.owned ? `${db.endpoint}, own, in memory` : db.endpoint;
    console.log(
      `Exports against DynamoDB Local (${endpoint}), local server on loopback, node ${process.version}`,
    );
    console.log(
      `seeded ${total} findings (~${itemBytes} bytes an item as JSON, ${reads.length} partitions: ` +
        `${reads.length - 1} zones + unzoned) in ${seedSeconds.toFixed(1)} s, not timed\n`,
    );
    console.log(`${'median (min–max)'.padEnd(40)} time`);
    console.log(
      `${'GET /exports/findings.csv?scope=city'.padEnd(40)} ${fmt(summarize(exportMs.map((ms) => ms / 1000)), 's', 2)}`,
    );
    console.log(
      `${`bare Query, same reads, ${EXPORT_READS_IN_FLIGHT} at once`.padEnd(40)} ${fmt(summarize(bareMs.map((ms) => ms / 1000)), 's', 2)}`,
    );
    console.log(
      `${'bare Query, whole items, one by one'.padEnd(40)} ${fmt(summarize(bareSeqMs.map((ms) => ms / 1000)), 's', 2)}`,
    );
    console.log(
      `ratio of medians: export / bare ${(e.median / b.median).toFixed(2)}×, ` +
        `export / whole items one by one ${(e.median / summarize(bareSeqMs).median).toFixed(2)}×`,
    );
    console.log(
      `  CPU of this process during the export (handler, SDK unmarshalling, CSV, file writes): ` +
        `${summarize(cpuS).median.toFixed(2)} s, ${Math.round((last?.rows ?? 0) / summarize(cpuS).median)} rows per CPU-second`,
    );
    console.log(
      `  export: ${last.rows} rows, ${(last.bytes / MB).toFixed(1)} MB, ${last.pages} Query pages ` +
        `(${Math.round(last.rows / last.pages)} rows a page), ${Math.round(last.rows / (e.median / 1000))} rows/s`,
    );
    console.log(
      `  bare:   ${bare.items} items, ${bare.pages} pages, ${Math.round(bare.items / (b.median / 1000))} items/s`,
    );
    console.log(
      `  memory while exporting (this process): peak RSS +${summarize(rss).median.toFixed(1)} MB ` +
        `(max +${summarize(rss).max.toFixed(1)}), peak heap +${summarize(heap).median.toFixed(1)} MB ` +
        `(max +${summarize(heap).max.toFixed(1)}; garbage included), against a ${(last.bytes / MB).toFixed(1)} MB file`,
    );
    console.log(
      `  live heap peak (a full collection before each sample): city +${(liveCity.peak.heap / MB).toFixed(1)} MB ` +
        `(${liveCity.result.out.rows} rows), ${smallScope} +${(liveSmall.peak.heap / MB).toFixed(1)} MB ` +
        `(${liveSmall.result.out.rows} rows): pages in flight and waiting, and the ids kept against duplicates`,
    );
    console.log(
      `  findings.geojson: ${geo.out.rows} features, ${(geo.out.bytes / MB).toFixed(1)} MB in ${(geo.ms / 1000).toFixed(2)} s; ` +
        `cells.geojson: ${cellsGeo.out.rows} cells, ${(cellsGeo.out.bytes / MB).toFixed(1)} MB in ${(cellsGeo.ms / 1000).toFixed(2)} s`,
    );
    console.log(
      `  findings.csv read back with csv-parse: ${parsed.length} rows (seeded ${total} + 1 template)`,
    );
    const pass = parsed.length === total + 1 && last.rows === total + 1 && e.median / 1000 <= TARGET_S;
    console.log(
      `\n${pass ? 'PASS' : 'FAIL'}: city export median ${(e.median / 1000).toFixed(2)} s (target ≤ ${TARGET_S} s, ` +
        `a third under the HTTP API's 30 s), rows ${last.rows} of ${total + 1}`,
    );
    if (!pass) process.exitCode = 1;
  } finally {
    await server?.close();
    await db.stop();
    rmSync(s3Dir, { recursive: true, force: true });
  }
}
