/**
 * `npm run bench -- web [rounds]`: the field pages' weight and speed on a slow phone.
 *
 * 1. Shipped bytes: the JavaScript and CSS a first visit loads before any map (raw and gzip), and
 *    the map chunk (Leaflet) loaded with the first map. Target: ≤ 150 KB gzip of JavaScript before
 *    the map library.
 * 2. Time to a usable task list in headless Chromium with the network throttled to DevTools' slow
 *    mobile profile (562.5 ms RTT, 1.44 Mbit/s down, 675 kbit/s up) and the CPU slowed 4×, from
 *    navigation start to the first task card, each visit cold (a fresh browser context). Beside it,
 *    interleaved round by round, a bare page that only fetches /me/tasks and prints it. Target: the
 *    app ≤ 2× the bare page (ratio of medians).
 *
 * 3. The desk console's area map (issue 13) for a city admin at 1k / 5k / 20k cells (a synthetic
 *    grid imported and activated in a server of its own): time from navigation to the choropleth
 *    drawn (the first frame painted with every cell), the main thread's busy time over that span
 *    (CDP TaskDuration), and the page's JavaScript heap after a GC. Desk screen, no throttling.
 *    Targets: 20k cells drawn within 2 s of main-thread time; memory growing no faster than linearly.
 *
 * Runs its own local server on DynamoDB Local (in memory unless DYNAMODB_ENDPOINT is set), with
 * three of worker-liu's tasks under way now. `npm run bench -- web console [rounds] [1000,5000]` runs
 * part 3 alone (at the sizes given).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildGrid } from '@gridpatrol/core';
import { activateReviewed } from '@gridpatrol/functions/grid-import/activation';
import { syntheticCity } from '@gridpatrol/local';
import { storeBuiltGrid } from '@gridpatrol/store';
import { ensureWebBuilt } from '@gridpatrol/web/build';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM } from '../test/support/browser';
import { startTestApi } from '../test/support/local-api';
import { writePublishedTask } from '../test/support/tasks';
import { fmt, summarize } from './stats';

const ROUNDS = 7;
const SLOW_MOBILE = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const CPU_SLOWDOWN = 4;
const JS_BUDGET_GZIP = 150 * 1024;
const TARGET_RATIO = 2;
const HOUR = 3600_000;

const BARE_PAGE = `<!doctype html><meta charset="utf-8"><title>bare</title><body><script>
const s = JSON.parse(localStorage.getItem('gp.session'));
fetch('/me/tasks', { headers: { authorization: 'Bearer ' + s.token } })
  .then((r) => r.json())
  .then((d) => { document.body.innerHTML = d.items.map((i) => '<article data-task>' + i.cell.name + '</article>').join(''); });
</script></body>`;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function weights(dir: string) {
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f) && f !== 'sw.js');
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const rows = files.map((f) => {
    const body = readFileSync(path.join(dir, f));
    const initial = html.includes(`/app/${f}`);
    return {
      file: f,
      raw: statSync(path.join(dir, f)).size,
      gzip: gzipSync(body, { level: 9 }).length,
      initial,
    };
  });
  return rows;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === 'console')
    return consoleMap(
      Number(args[1] ?? CONSOLE_ROUNDS),
      args[2] ? args[2].split(',').map(Number) : CONSOLE_SIZES,
    );
  await fieldPages(Number(args[0] ?? ROUNDS));
  await consoleMap(CONSOLE_ROUNDS);
}

async function fieldPages(rounds: number): Promise<void> {
  const build = await ensureWebBuilt();
  const rows = weights(build.outDir);
  console.log('Shipped bytes (gzip -9):');
  for (const r of rows)
    console.log(
      `  ${r.file.padEnd(22)} ${kb(r.raw).padStart(9)} raw ${kb(r.gzip).padStart(8)} gzip  ${r.initial ? 'first visit' : 'with the first map'}`,
    );
  const initialJs = rows.filter((r) => r.initial && r.file.endsWith('.js')).reduce((s, r) => s + r.gzip, 0);
  const initialCss = rows.filter((r) => r.initial && r.file.endsWith('.css')).reduce((s, r) => s + r.gzip, 0);
  console.log(
    `  before the map: JavaScript ${kb(initialJs)} gzip (target ≤ ${kb(JS_BUDGET_GZIP)}: ${initialJs <= JS_BUDGET_GZIP ? 'met' : 'MISSED'}), CSS ${kb(initialCss)} gzip`,
  );

  // The built app plus the bare page, served by the same static route.
  const webDir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-bench-web-'));
  cpSync(build.outDir, webDir, { recursive: true });
  writeFileSync(path.join(webDir, 'bare.html'), BARE_PAGE);
  const api = await startTestApi('demo', { webDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const cells: string[] = (await api.call('GET', '/me', { as: 'worker-liu' })).body.cells;
    const now = Date.now();
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: api.config.timeZone }).format(now);
    for (const [i, cellId] of cells.slice(0, 3).entries()) {
      const cell = (await api.call('GET', `/cells/${cellId}`, { as: 'admin' })).body;
      await writePublishedTask({
        planId: `P-bench${i}`,
        cellId,
        zoneId: cell.properties.primaryZone,
        officeId: 'office-east',
        officerId: 'officer-li',
        partnerId: 'worker-liu',
        date,
        shift: 'am',
        shiftStart: new Date(now - HOUR).toISOString(),
        shiftEnd: new Date(now + 2 * HOUR).toISOString(),
      });
    }
    const token = await api.token('worker-liu');
    const session = JSON.stringify({
      personId: 'worker-liu',
      token,
      expiresAt: Math.floor(now / 1000) + 3600,
    });

    const visit = async (url: string): Promise<number> => {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
      await context.addInitScript(`localStorage.setItem('gp.session', ${JSON.stringify(session)});`);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_MOBILE);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForSelector('article[data-task]', { timeout: 120_000 });
      const ms = (await page.evaluate('performance.now()')) as number;
      await context.close();
      return ms;
    };

    const app: number[] = [];
    const bare: number[] = [];
    await visit(`${api.url}/app/`); // warm the server's caches, not the browser's
    for (let i = 0; i < rounds; i++) {
      app.push(await visit(`${api.url}/app/`));
      bare.push(await visit(`${api.url}/app/bare.html`));
    }
    const a = summarize(app);
    const b = summarize(bare);
    const ratio = a.median / b.median;
    console.log(`\nTime to a usable task list (slow mobile network, CPU ${CPU_SLOWDOWN}× slower, cold):`);
    console.log(`  field app   ${fmt(a, 'ms', 0)}`);
    console.log(`  bare page   ${fmt(b, 'ms', 0)}`);
    console.log(
      `  ratio       ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'})`,
    );
  } finally {
    await browser.close();
    await api.close();
    rmSync(webDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The console's area map at city scale

const CONSOLE_SIZES = [1_000, 5_000, 20_000];
const CONSOLE_ROUNDS = 3;
const MAP_BUDGET_MS = 2_000;

interface MapVisit {
  readonly toDrawnMs: number;
  readonly mainThreadMs: number;
  readonly heapMb: number;
  readonly nodes: number;
}

async function visitConsoleMap(
  browser: Browser,
  url: string,
  session: string,
  cells: number,
): Promise<MapVisit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  await context.addInitScript(`localStorage.setItem('gp.session', ${JSON.stringify(session)});`);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string) =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0) as number;
  try {
    const busyBefore = await metric('TaskDuration');
    await page.goto(`${url}/app/console/map`, { waitUntil: 'commit' });
    // Drawn, or a refusal on the page (then the bench stops with its words rather than wait).
    const refused = page
      .waitForSelector('.console-page .notice.error', { timeout: 300_000 })
      .then(async (el) => {
        throw new Error(`the console map failed: ${await el?.textContent()}`);
      });
    refused.catch(() => undefined);
    await Promise.race([
      page.waitForSelector(`[data-testid="console-map"][data-drawn="${cells}"]`, { timeout: 300_000 }),
      refused,
    ]);
    const toDrawnMs = (await page.evaluate(
      "performance.getEntriesByName('console-map-drawn')[0]?.startTime ?? performance.now()",
    )) as number;
    const mainThreadMs = ((await metric('TaskDuration')) - busyBefore) * 1000;
    await cdp.send('HeapProfiler.collectGarbage');
    const heapMb = (await metric('JSHeapUsedSize')) / 1024 / 1024;
    return { toDrawnMs, mainThreadMs, heapMb, nodes: await metric('Nodes') };
  } finally {
    await context.close();
  }
}

async function consoleMap(rounds: number, sizes: readonly number[] = CONSOLE_SIZES): Promise<void> {
  await ensureWebBuilt();
  // One server; each size is a grid version of its own, imported and activated in turn (the server
  // reads the new active version at once: the activation is made in its process).
  const api = await startTestApi('demo');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const median = (xs: number[]) => summarize(xs).median;
  const rows: { cells: number; drawn: number; busy: number; heap: number; nodes: number; importS: number }[] =
    [];
  console.log('\nConsole area map, a city admin, desk screen, cold browser context (median of rounds):');
  console.log('  cells   to drawn   main thread   JS heap   heap/cell   DOM nodes   (grid import)');
  try {
    for (const [i, cells] of sizes.entries()) {
      const started = Date.now();
      const city = syntheticCity({ cells, seed: 13 + i });
      const built = buildGrid(
        { type: 'FeatureCollection', features: city.cells },
        { type: 'FeatureCollection', features: city.zones },
        { config: api.config },
      );
      const meta = await storeBuiltGrid(built, 'bench');
      await activateReviewed(meta.version, 'bench', { force: true, reason: 'bench' }, 1);
      const importS = (Date.now() - started) / 1000;
      const token = await api.token('admin');
      const session = JSON.stringify({
        personId: 'admin',
        token,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      });
      await visitConsoleMap(browser, api.url, session, cells); // the server's caches, not the browser's
      const visits: MapVisit[] = [];
      for (let r = 0; r < rounds; r++) visits.push(await visitConsoleMap(browser, api.url, session, cells));
      const row = {
        cells,
        drawn: median(visits.map((v) => v.toDrawnMs)),
        busy: median(visits.map((v) => v.mainThreadMs)),
        heap: median(visits.map((v) => v.heapMb)),
        nodes: median(visits.map((v) => v.nodes)),
        importS,
      };
      rows.push(row);
      console.log(
        `  ${String(row.cells).padStart(5)}  ${row.drawn.toFixed(0).padStart(6)} ms  ${row.busy.toFixed(0).padStart(8)} ms  ${row.heap.toFixed(1).padStart(6)} MB  ${((row.heap * 1024) / row.cells).toFixed(2).padStart(6)} KB  ${String(row.nodes).padStart(9)}   ${row.importS.toFixed(0)} s`,
      );
    }
  } finally {
    await browser.close();
    await api.close();
  }
  const largest = rows[rows.length - 1];
  const smallest = rows[0];
  if (largest && smallest) {
    console.log(
      `  ${largest.cells} cells: main-thread time ${largest.busy.toFixed(0)} ms (target < ${MAP_BUDGET_MS} ms: ${largest.busy < MAP_BUDGET_MS ? 'met' : 'MISSED'})`,
    );
    // Linear growth: each step's extra heap per extra cell no larger than the step before's (10% slack).
    const slopes = rows.slice(1).map((r, i) => {
      const before = rows[i] as (typeof rows)[number];
      return ((r.heap - before.heap) * 1024) / (r.cells - before.cells);
    });
    const linear = slopes.every((k, i) => i === 0 || k <= (slopes[i - 1] as number) * 1.1);
    console.log(
      `  heap per added cell ${slopes.map((k) => `${k.toFixed(2)} KB`).join(' → ')} (no faster than linear: ${linear ? 'met' : 'MISSED'})`,
    );
  }
}
