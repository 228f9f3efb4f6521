/**
 * The desk console's grid versions, statistics and people pages (issue 13 part B) in headless
 * Chromium at desk size, against the real local server on DynamoDB Local: a city admin imports a
 * refused pair (its problem marked on the map), then a valid one, compares and activates it; a
 * grid worker is refused the admin pages in Chinese. One server and one browser for the file.
 * Screenshots of every page go to .reports/web/.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { seriousViolations } from '../support/axe';
import { launchBrowser, screenshot, signIn } from '../support/browser';
import { reportBody } from '../support/findings';
import { squareRing } from '../support/geometry';
import { featureCollection } from '../support/grid-imports';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: Error[] = [];

beforeAll(async () => {
  [api, browser] = await Promise.all([startTestApi('demo'), launchBrowser()]);
}, 120_000);

afterEach(() => {
  // Nothing thrown in any page of the test.
  expect(errors.map((e) => e.message)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await api?.close();
});

/** A desk browser signed in as `personId`, at `path`. */
async function desk(personId: string, path: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err));
  // What the page showed when a test failed, to look at.
  onTestFailed(() => screenshot(page, `console-failed-${personId}`));
  await page.goto(`${api.url}/app/`);
  await signIn(page, personId);
  await page.goto(`${api.url}${path}`);
  return page;
}

/** A GET as the admin; a 503 (DynamoDB Local slow on a busy machine) is tried again, as a client would. */
async function get(path: string) {
  let got = await api.call('GET', path, { as: 'admin' });
  for (let i = 0; i < 3 && got.status === 503; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    got = await api.call('GET', path, { as: 'admin' });
  }
  expect(got.status, got.text.slice(0, 300)).toBe(200);
  return got.body;
}

const file = (name: string, value: unknown) => ({
  name,
  mimeType: 'application/geo+json',
  buffer: Buffer.from(JSON.stringify(value)),
});

/** A cell's square of `size` degrees at lon, lat. */
const square = (lon: number, lat: number, size = 0.002) => squareRing(lon, lat, size);

describe('grid versions (city admin)', () => {
  it('marks a refused import’s problem on the map, then compares a valid pair and activates it', {
    timeout: 90_000,
  }, async () => {
    const page = await desk('admin', '/app/console/grid');
    await expect.poll(() => page.locator('h1').textContent()).toBe('网格版本');

    // A bow-tie cell: refused, the crossing named by feature, ring and position and marked.
    const bowTie = [
      [120.1, 30.2],
      [120.102, 30.202],
      [120.102, 30.2],
      [120.1, 30.202],
      [120.1, 30.2],
    ];
    const zone = {
      type: 'Feature',
      properties: { id: 'Z-900', name: '试验责任区', office: 'office-east' },
      geometry: { type: 'Polygon', coordinates: [square(120.099, 30.199, 0.004)] },
    };
    await page.getByLabel('网格文件（GeoJSON）').setInputFiles(
      file(
        'cells.geojson',
        featureCollection([
          {
            type: 'Feature',
            properties: { id: '330106999000001', name: '蝴蝶网格' },
            geometry: { type: 'Polygon', coordinates: [bowTie] },
          },
        ]),
      ),
    );
    await page
      .getByLabel('责任区文件（GeoJSON）')
      .setInputFiles(file('zones.geojson', featureCollection([zone])));
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const failed = page.getByTestId('grid-failed');
    await expect.poll(() => failed.textContent(), { timeout: 20_000 }).toMatch(/导入未通过，共 \d+ 个问题/);
    const problem = page.getByTestId('grid-problems').locator('li', { hasText: 'self_intersection' });
    await expect
      .poll(() => problem.textContent())
      .toMatch(/网格文件 · 第 0 个要素 · id 330106999000001 · 「蝴蝶网格」 · 第 0 个环 · 第 \d+ 个点/);
    await problem.getByRole('button', { name: '在地图上显示' }).click();
    await expect
      .poll(() => page.locator('.leaflet-popup-content').textContent())
      .toContain('self_intersection');
    await expect.poll(() => page.locator('[data-layer="refused"]').textContent()).toBe('有问题的要素 (1)');
    await screenshot(page, 'console-admin-01-grid-refused');
    expect(await seriousViolations(page)).toEqual([]);

    // A valid pair: the active grid with one cell added where no zone is.
    const keep = (f: { properties: Record<string, unknown>; geometry: unknown }, keys: string[]) => ({
      type: 'Feature',
      properties: Object.fromEntries(keys.filter((k) => k in f.properties).map((k) => [k, f.properties[k]])),
      geometry: f.geometry,
    });
    const cells = (await get('/grid/cells.geojson?limit=500')).features.map((f: never) =>
      keep(f, ['id', 'name', 'street', 'community']),
    );
    const zones = (await get('/grid/zones.geojson?limit=500')).features.map((f: never) =>
      keep(f, ['id', 'name', 'office']),
    );
    cells.push({
      type: 'Feature',
      properties: { id: '330106999001001', name: '新增网格' },
      geometry: { type: 'Polygon', coordinates: [square(120.06, 30.16)] },
    });
    await page
      .getByLabel('网格文件（GeoJSON）')
      .setInputFiles(file('cells.geojson', featureCollection(cells)));
    await page
      .getByLabel('责任区文件（GeoJSON）')
      .setInputFiles(file('zones.geojson', featureCollection(zones)));
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('grid-counts').textContent(), { timeout: 30_000 })
      .toBe('网格 301 个，责任区 15 个，自动修复 0 处');
    await expect.poll(() => page.getByTestId('grid-coverage').textContent()).toContain('330106999001001');
    await expect
      .poll(() => page.locator('[data-layer="unzoned"]').textContent())
      .toMatch(/^不属于任何责任区的网格 \(\d+\)$/);
    await expect.poll(() => page.getByTestId('diff-added').textContent()).toBe('1 · 330106999001001');
    await screenshot(page, 'console-admin-02-grid-draft');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: /^启用版本 \d+…$/ }).click();
    await expect
      .poll(() => page.getByTestId('activate-confirm').textContent())
      .toContain('新增网格 1 个，删除 0 个');
    await screenshot(page, 'console-admin-03-grid-confirm');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '确认启用' }).click();
    await expect.poll(() => page.getByTestId('grid-activated').textContent()).toMatch(/^版本 \d+ 已启用。$/);
    const versions = (await get('/grid/imports')).items as { version: number; status: string }[];
    expect(versions.find((v) => v.status === 'active')?.version).toBe(
      Math.max(...versions.map((v) => v.version)),
    );
  });

  it('shows a zone officer the grid page as not found, in Chinese (the console lists only what a role may use)', async () => {
    const page = await desk('officer-li', '/app/console/grid');
    await expect.poll(() => page.getByTestId('not-found').textContent()).toContain('未找到');
    expect(await page.locator('input[type=file]').count()).toBe(0);
    await screenshot(page, 'console-admin-09-refused');
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('statistics (supervisor)', () => {
  it('shows the summary, the series as charts and the assessment, and downloads the findings as CSV', async () => {
    // Two findings reported in the supervisor's office today, folded into the counters.
    const [cellId] = (await get('/people/worker-liu')).cells as string[];
    const at = await pointInCell(get, cellId as string);
    for (const name of ['统计小吃店', '统计理发店']) {
      const r = await api.call('POST', '/findings', {
        as: 'worker-liu',
        body: reportBody(at as { lon: number; lat: number }, name),
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(r.status, r.text).toBe(201);
    }
    await api.settle();

    const page = await desk('sup-east', '/app/console/stats');
    const summary = page.getByTestId('stats-summary');
    await expect
      .poll(() => summary.locator('h2').textContent())
      .toMatch(/^监管所 office-east 概况（\d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d）$/);
    await expect.poll(() => summary.locator('.card[data-card="上报"] .v').textContent()).toBe('2');
    const chart = page.getByTestId('chart-reported');
    await expect.poll(() => chart.locator('figcaption').textContent()).toBe('每周上报线索（合计 2）');
    expect(await chart.locator('svg rect').count()).toBeGreaterThanOrEqual(4);
    await expect.poll(() => page.getByTestId('assessment-officers').locator('tbody tr').count()).toBe(2);
    // Results come before activity, as the API orders them.
    const groups = await page
      .getByTestId('assessment-officers')
      .locator('thead tr')
      .first()
      .locator('th')
      .allTextContents();
    expect(groups.slice(2)).toEqual(['成效', '巡查工作量']);
    // A supervisor reads the baselines but may not freeze one.
    await expect.poll(() => page.getByTestId('stats-baselines').textContent()).toContain('尚未冻结基数');
    expect(await page.getByRole('button', { name: '冻结新基数' }).count()).toBe(0);
    await screenshot(page, 'console-admin-04-stats');
    expect(await seriousViolations(page)).toEqual([]);

    // Reached and pressed from the keyboard alone: Tab until the CSV export has the focus, then Enter.
    const csvButton = page.getByRole('button', { name: '线索台账（CSV）' });
    for (let i = 0; i < 80 && !(await csvButton.evaluate((b) => b === b.ownerDocument.activeElement)); i++)
      await page.keyboard.press('Tab');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(/^findings_office-office-east_.*\.csv$/);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('商户名称');
    expect(csv).toContain('统计小吃店');
    await expect.poll(() => page.getByTestId('export-saved').textContent()).toMatch(/^已下载 findings_/);
  });
});

describe('people (city admin and supervisor)', () => {
  it('creates a person, edits one and deactivates one with the consequences shown first', async () => {
    const admin = await desk('admin', '/app/console/people');
    await admin.getByRole('button', { name: '新建人员' }).click();
    const form = admin.getByTestId('person-form');
    await form.getByLabel('编号').fill('worker-new1');
    await form.getByLabel('姓名').fill('新网格员');
    await form.getByLabel('角色').selectOption('grid_worker');
    await form.getByLabel('所属监管所').fill('office-east');
    const [liuCell] = (await get('/people/worker-liu')).cells as string[];
    await form.getByLabel('负责的网格（用顿号分隔）').fill(liuCell as string);
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => admin.getByTestId('people-notice').textContent()).toBe('已新建 新网格员。');
    expect(await get('/people/worker-new1')).toMatchObject({
      role: 'grid_worker',
      office: 'office-east',
      cells: [liuCell],
      active: true,
    });

    // A supervisor: no "new person" (ids are city-wide: 0007), edits and deactivates in their office.
    const start = new Date(Date.now() + 2 * 86_400_000);
    const sunCell = ((await get('/people/worker-sun')).cells as string[])[0] as string;
    const task = await writePublishedTask({
      planId: 'P-consoleweb1',
      cellId: sunCell,
      zoneId: (await get(`/cells/${sunCell}`)).properties.primaryZone,
      officeId: 'office-east',
      officerId: 'officer-li',
      partnerId: 'worker-sun',
      date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(start),
      shift: 'am',
      shiftStart: start.toISOString(),
      shiftEnd: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    });
    const page = await desk('sup-east', '/app/console/people');
    await expect.poll(() => page.locator('tr[data-person="worker-sun"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: '新建人员' }).count()).toBe(0);
    expect(await page.locator('tr[data-person="worker-he"]').count()).toBe(0);
    await page.getByRole('button', { name: /^编辑 孙网格员/ }).click();
    await page.getByTestId('person-form').getByLabel('每周联合巡查次数').fill('5');
    await page.getByTestId('person-form').getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('people-notice').textContent()).toMatch(/^已保存 孙网格员/);
    expect((await get('/people/worker-sun')).capacity).toBe(5);
    await screenshot(page, 'console-admin-05-people');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: /^停用 孙网格员.*…$/ }).click();
    const dialog = page.getByTestId('deactivate-confirm');
    await expect
      .poll(() => page.getByTestId('deactivate-tasks').textContent())
      .toBe('1 个已发布的未来巡查任务将标记为待改派：');
    await expect
      .poll(() => dialog.locator('li').textContent())
      .toBe(`${task.date} 上午 网格 ${sunCell}（担任搭档）`);
    // Shown, not done: the person is still active until confirmed.
    expect((await get('/people/worker-sun')).active).toBe(true);
    await screenshot(page, 'console-admin-06-people-deactivate');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: '确认停用' }).click();
    await expect
      .poll(() => page.getByTestId('people-notice').textContent())
      .toMatch(/^已停用 孙网格员.*：1 个未来任务待改派。$/);
    expect((await get('/people/worker-sun')).active).toBe(false);

    // An officer's zones left without an officer are named with who takes their cases.
    await page.getByRole('button', { name: /^停用 赵警官/ }).click();
    await expect
      .poll(() => page.getByTestId('deactivate-zones').textContent())
      .toBe('责任区 Z-002 将没有在岗的责任区干部，其 0 条未办结线索转入 sup-east 的待办。');
    await page.getByTestId('deactivate-confirm').getByRole('button', { name: '取消' }).click();
    expect((await get('/people/officer-zhao')).active).toBe(true);
  });

  it('imports a people CSV, and lists a refused file’s problems by line and field', async () => {
    const page = await desk('sup-east', '/app/console/people');
    const csvFile = (text: string) => ({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    });
    const input = page.getByLabel('人员 CSV 文件');
    await input.setInputFiles(
      csvFile(
        'id,name,role,office,cells\nworker-liu,刘,grid_worker,office-east,330106999999999\nworker-he,何,grid_worker,office-west,\n',
      ),
    );
    await page.getByTestId('people-import').getByRole('button', { name: '导入' }).click();
    const rows = page.getByTestId('import-problems').locator('tbody tr');
    // Line 2: a cell that does not exist (and so outside the supervisor's area); line 3: another office's person.
    await expect.poll(() => rows.count()).toBe(3);
    const table = await Promise.all(
      [0, 1, 2].map(async (i) => (await rows.nth(i).locator('td').allTextContents()).slice(0, 2)),
    );
    expect(table).toEqual([
      ['2', 'cells[0]'],
      ['2', 'id'],
      ['3', 'id'],
    ]);
    expect(await rows.nth(0).locator('td').nth(2).textContent()).toContain('330106999999999');
    await screenshot(page, 'console-admin-07-people-import-refused');
    expect(await seriousViolations(page)).toEqual([]);

    const [cell] = (await get('/people/worker-liu')).cells as string[];
    await input.setInputFiles(
      csvFile(`id,name,role,office,cells,capacity\nworker-liu,刘网格员,grid_worker,office-east,${cell},7\n`),
    );
    await page.getByTestId('people-import').getByRole('button', { name: '导入' }).click();
    await expect
      .poll(() => page.getByTestId('people-notice').textContent())
      .toBe('已导入 1 人（新建 0，更新 1）；0 个未来任务待改派。');
    expect((await get('/people/worker-liu')).capacity).toBe(7);
  });

  it('shows a zone officer the people page as not found, and a grid worker the field pages', async () => {
    const page = await desk('officer-li', '/app/console/people');
    await expect.poll(() => page.getByTestId('not-found').textContent()).toContain('未找到');
    expect(await page.locator('table').count()).toBe(0);
    const worker = await desk('worker-liu', '/app/console/people');
    await expect.poll(() => new URL(worker.url()).pathname).toBe('/app/');
    expect(await page.locator('table').count()).toBe(0);
  });
});

// Screenshots of an earlier run must not pass for this one's.
rmSync('.reports/web/console-admin-01-grid-refused.png', { force: true });
