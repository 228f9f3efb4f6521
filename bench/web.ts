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
 * Runs its own local server on DynamoDB Local (in memory unless DYNAMODB_ENDPOINT is set), with
 * three of worker-liu's tasks under way now.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuilt } from '@gridpatrol/web/build';
import { chromium } from 'playwright-core';
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
  const rounds = Number(args[0] ?? ROUNDS);
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
