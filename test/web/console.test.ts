/**
 * The desk console (issue 13 part A) in headless Chromium on a 1280×800 desk screen, against the
 * real local server on DynamoDB Local: an officer's area map and a cell's panel; the findings queue
 * filtered, one action and a refusal in Chinese, the history; a supervisor's week plan drafted,
 * a reassignment refused before it is sent, published; a grid worker sent to the field pages; a
 * supervisor of another office shown a not-found page for a foreign finding and plan. One server and
 * one browser for the file. Screenshots of every page go to .reports/web/console-*.png.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe';
import { launchBrowser, pathsAsked, screenshot, signIn } from '../support/browser';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

let api: TestApi;
let browser: Browser;
const desks: { context: BrowserContext; page: Page; errors: Error[] }[] = [];
let liCells: string[];
let liCell: string;
let findingId: string;
const findingName = `工作台小店 ${randomUUID().slice(0, 6)}`;

const DESK = { width: 1280, height: 800 };

/** A fresh desk browser signed in as `as`, at `path`. */
async function desk(as: string, path = '/app/'): Promise<Page> {
  const context = await browser.newContext({
    viewport: DESK,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  // A missing control fails its step at once, with its name, rather than the whole test's timeout.
  page.setDefaultTimeout(10_000);
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  desks.push({ context, page, errors });
  await page.goto(`${api.url}/app/`);
  await signIn(page, as);
  if (path !== '/app/') await page.goto(`${api.url}${path}`);
  return page;
}

beforeAll(async () => {
  [api, browser] = await Promise.all([startTestApi('demo'), launchBrowser()]);
  const li = (await api.call('GET', '/cells?limit=500', { as: 'officer-li' })).body.items as { id: string }[];
  liCells = li.map((c) => c.id).sort();
  liCell = liCells[0] ?? '';
  const point = await pointInCell(async (p) => (await api.call('GET', p, { as: 'admin' })).body, liCell);
  if (!point) throw new Error(`no point inside ${liCell}`);
  const report = await api.call('POST', '/findings', {
    as: 'worker-liu',
    body: reportBody(point, findingName),
    headers: { 'idempotency-key': randomUUID() },
  });
  if (report.status !== 201) throw new Error(`report: ${report.status} ${report.text}`);
  findingId = report.body.id;
  await api.settle();
}, 120_000);

afterEach(() => {
  expect(desks.flatMap((d) => d.errors.map((e) => e.message))).toEqual([]);
});

afterAll(async () => {
  for (const d of desks) await d.context.close().catch(() => undefined);
  await browser?.close();
  await api?.close();
});

describe('the desk console', () => {
  it("draws an officer's area map and opens a cell's panel on a click", async () => {
    const page = await desk('officer-li', '/app/console/');
    const map = page.getByTestId('console-map');
    await expect.poll(() => map.getAttribute('data-drawn'), { timeout: 15_000 }).not.toBeNull();
    const drawn = Number(await map.getAttribute('data-drawn'));
    const cells = (await api.call('GET', '/stats/cells', { as: 'officer-li' })).body.items.length;
    expect(drawn).toBe(cells);
    await expect.poll(() => page.getByTestId('legend').textContent()).toContain('未办结线索');
    await screenshot(page, 'console-01-area-map');

    // The keyboard's way to the same panel as a click: the picker; then a click inside the canvas.
    await page.getByLabel('查找网格（编号或名称）').fill(liCell);
    await page.getByRole('button', { name: '显示' }).click();
    const panel = page.getByTestId('cell-panel');
    await expect.poll(() => panel.textContent()).toContain(liCell);
    await expect.poll(() => panel.textContent()).toContain(findingName);
    await expect.poll(() => panel.getByTestId('cell-open').textContent()).not.toBe('0');
    await page.getByRole('button', { name: '关闭' }).click();

    const box = await map.boundingBox();
    if (!box) throw new Error('no map box');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => panel.count()).toBe(1);
    await expect.poll(() => panel.textContent()).toMatch(/所属责任区.*网格人员/);

    await page.getByLabel('距上次联合巡查（天）').check();
    await expect.poll(() => page.getByTestId('legend').textContent()).toContain('距上次联合巡查');
    await screenshot(page, 'console-02-cell-panel');
  });

  it('filters the queue, shows a refusal in Chinese, takes an action and shows the history', async () => {
    const page = await desk('officer-li', '/app/console/findings');
    const queue = page.getByTestId('queue');
    await expect.poll(() => queue.textContent()).toContain(findingName);
    await screenshot(page, 'console-04-queue-todo');

    await page.getByRole('tab', { name: '筛选列表' }).click();
    await page.getByLabel('网格', { exact: true }).fill(liCell);
    await page.getByLabel('状态').selectOption('reported');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => queue.textContent()).toContain(findingName);
    await screenshot(page, 'console-05-queue-filtered');
    await page.getByLabel('已逾期').selectOption('true');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('.empty').textContent()).toBe('没有事项。');
    await page.getByLabel('已逾期').selectOption('');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('link', { name: findingName }).click();
    await expect
      .poll(() => page.getByTestId('history').textContent())
      .toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d上报/);

    // Someone else verifies it first, with a note (the same body would be answered as a retry of the
    // same step): the page's stale version is refused, in Chinese.
    const before = await api.call('GET', `/findings/${findingId}`, { as: 'officer-li' });
    const other = await api.call('POST', `/findings/${findingId}/actions`, {
      as: 'officer-li',
      body: { action: 'verify', expectedVersion: before.body.version, note: '电话核实' },
    });
    expect(other.status, other.text).toBe(200);
    await page.getByRole('button', { name: '核实属实' }).click();
    await page.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('其他人已先修改了此记录');
    await screenshot(page, 'console-06-refusal');
    await page.getByRole('button', { name: '刷新' }).click();
    await page.getByRole('button', { name: '责令限期整改' }).click();
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('期限（日期）').fill(due);
    await page.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => page.getByTestId('history').locator('li').count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('history').textContent()).toContain('核实属实');
    // People by name (the reporter in the officer's cell, the officer himself), never by id.
    const name = async (id: string) =>
      (await api.call('GET', `/people/${id}`, { as: 'officer-li' })).body.name;
    const history = await page.getByTestId('history').textContent();
    expect(history).toContain(`${await name('worker-liu')} · 网格员`);
    expect(history).toContain(`${await name('officer-li')} · 责任区干部`);
    expect(history).not.toMatch(/worker-liu|officer-li/);
    await expect.poll(() => page.getByTestId('history').textContent()).toContain(`期限 ${due} 23:59`);
    await screenshot(page, 'console-07-finding-history');
  });

  it("drafts a supervisor's week plan, shows a reassignment's broken rule before sending, publishes", async () => {
    const page = await desk('sup-east', '/app/console/plan');
    await page.getByRole('button', { name: '生成草案' }).click();
    const calendar = page.getByTestId('calendar');
    await expect
      .poll(() => calendar.locator('button[data-task]').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('plan-status').textContent()).toBe('草案');
    await expect.poll(() => page.getByTestId('unmet').textContent()).toMatch(/未满足的巡查需求/);

    // A task's demand in words, the API's explanation beside it.
    const chip = calendar.locator('button[data-task]').first();
    const taskId = (await chip.getAttribute('data-task')) as string;
    await chip.click();
    const detail = page.getByTestId('task-detail');
    await expect.poll(() => detail.getByTestId('explanation').textContent()).toMatch(/选此网格/);
    await screenshot(page, 'console-08-week-plan');

    // A grid partner who does not serve the task's cell: the rule is named before anything is sent.
    const plan = (await api.call('GET', `/plans/${taskId.split('.')[0]}`, { as: 'sup-east' })).body;
    const task = plan.tasks.find((x: { id: string }) => x.id === taskId);
    const serving = new Set(
      (await api.call('GET', `/people?cell=${task.cellId}&limit=200`, { as: 'sup-east' })).body.items.map(
        (p: { id: string }) => p.id,
      ),
    );
    const office = (await api.call('GET', '/people?limit=200', { as: 'sup-east' })).body.items as {
      id: string;
      role: string;
      active: boolean;
    }[];
    const stranger = office.find(
      (p) => (p.role === 'grid_worker' || p.role === 'grid_leader') && p.active && !serving.has(p.id),
    );
    if (!stranger) throw new Error(`every grid person of the office serves ${task.cellId}`);
    await detail.getByLabel('网格人员').selectOption(stranger.id);
    await expect.poll(() => detail.getByTestId('violations').textContent()).toContain('partner_cell');
    expect(await detail.getByRole('button', { name: '提交调整' }).isDisabled()).toBe(true);
    await screenshot(page, 'console-09-reassign-violation');
    // Nothing was sent: the task is as drafted.
    const after = (await api.call('GET', `/plans/${plan.id}`, { as: 'sup-east' })).body.tasks.find(
      (x: { id: string }) => x.id === taskId,
    );
    expect(after.version).toBe(task.version);
    // A dry run that keeps every rule answers the task as it is and writes nothing either.
    const dry = await api.call('POST', `/plans/${plan.id}/tasks/${taskId}/reassign`, {
      as: 'sup-east',
      body: { expectedVersion: task.version, officerId: task.officerId, dryRun: true },
    });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ id: taskId, version: task.version, partnerId: task.partnerId });
    const still = (await api.call('GET', `/tasks/${taskId}/history`, { as: 'sup-east' })).body.items;
    expect(still.map((e: { action: string }) => e.action)).toEqual(['plan']);

    await page.getByRole('button', { name: '发布' }).click();
    await expect
      .poll(() => page.getByTestId('plan-status').textContent(), { timeout: 15_000 })
      .toBe('已发布');
    expect((await api.call('GET', `/plans/${plan.id}`, { as: 'sup-east' })).body.status).toBe('published');
    await screenshot(page, 'console-10-plan-published');
  });

  it('shows a supervisor of another office a not-found page for a foreign finding and plan', async () => {
    const plans = (await api.call('GET', '/plans', { as: 'sup-east' })).body.items as { id: string }[];
    const page = await desk('sup-west', `/app/console/findings/${findingId}`);
    await expect.poll(() => page.getByTestId('not-found').textContent()).toContain('未找到');
    expect(await page.content()).not.toContain(findingName);
    await screenshot(page, 'console-11-foreign-finding');
    await page.goto(`${api.url}/app/console/plan/${plans[0]?.id}`);
    await expect.poll(() => page.getByTestId('not-found').textContent()).toContain('未找到');
    await screenshot(page, 'console-12-foreign-plan');
  });

  it("asks a supervisor's reload for who they are once and never for patrol tasks they have none of", async () => {
    const page = await desk('sup-east', '/app/console/findings');
    await page.waitForLoadState('networkidle');
    const asked = pathsAsked(page, ['/me', '/me/tasks']);
    const refused: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/me/tasks') refused.push(r.status());
    });
    await page.reload();
    await expect.poll(() => page.getByTestId('console-link').count()).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    // Before: the boot script asked /me/tasks for everyone and got a 403 at every desk page load.
    expect(asked).toEqual(['/me']);
    expect(refused).toEqual([]);
  });

  it("names the findings' cells, filters by a cell chosen by its name, and reads the names once", async () => {
    // A second finding in another of the officer's cells, so that a cell filter has something to leave out.
    const otherCell = liCells[1] ?? '';
    const point = await pointInCell(async (p) => (await api.call('GET', p, { as: 'admin' })).body, otherCell);
    if (!point) throw new Error(`no point inside ${otherCell}`);
    const otherName = `隔壁小店 ${randomUUID().slice(0, 6)}`;
    const other = await api.call('POST', '/findings', {
      as: 'officer-li',
      body: reportBody(point, otherName),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(other.status, other.text).toBe(201);
    const cellName = async (id: string): Promise<string> =>
      (await api.call('GET', `/cells/${id}`, { as: 'officer-li' })).body.properties.name;
    const [liCellName, otherCellName] = [await cellName(liCell), await cellName(otherCell)];

    const page = await desk('officer-li', '/app/console/findings');
    await page.getByRole('tab', { name: '筛选列表' }).click();
    const queue = page.getByTestId('queue');
    const cellField = page.getByLabel('网格', { exact: true });
    // The datalist offers every cell the officer may read, by name.
    await expect.poll(() => page.locator('#queue-cells option').count()).toBe(liCells.length);

    const asked = page.waitForRequest((r) => new URL(r.url()).pathname === '/findings');
    await cellField.fill(otherCellName);
    await page.getByRole('button', { name: '查询' }).click();
    expect(new URL((await asked).url()).searchParams.get('cell')).toBe(otherCell);
    await expect.poll(() => queue.textContent()).toContain(otherName);
    expect(await queue.textContent()).not.toContain(findingName);
    const otherRow = page.locator(`tr[data-finding="${other.body.id}"] td[data-cell]`);
    expect(await otherRow.textContent()).toBe(`${otherCellName}${otherCell}`);

    await cellField.fill(liCellName);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => queue.textContent()).toContain(findingName);
    expect(await queue.textContent()).not.toContain(otherName);
    const row = page.locator(`tr[data-finding="${findingId}"] td[data-cell]`);
    expect(await row.locator('.muted').textContent()).toBe(liCell);
    expect(await row.textContent()).toBe(`${liCellName}${liCell}`);
    await screenshot(page, 'console-13-queue-cell-names');
    expect(await seriousViolations(page)).toEqual([]);

    // Part of a name is no cell: said at the field, and nothing is asked.
    const sent = pathsAsked(page, ['/findings', '/cells', '/zones']);
    await cellField.fill(liCellName.slice(0, 2));
    await page.getByRole('button', { name: '查询' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe(`“${liCellName.slice(0, 2)}”不是您辖区内某一个网格的名称，请从列表中选择。`);
    expect(await cellField.getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([]);
    await screenshot(page, 'console-14-queue-cell-unknown');
    expect(await seriousViolations(page)).toEqual([]);

    // Away to the finding and back: the queue comes back with the names it read, asking for none again.
    await page.getByRole('link', { name: findingName }).click();
    await page.getByRole('link', { name: '返回线索队列' }).click();
    await page.getByRole('tab', { name: '筛选列表' }).click();
    await expect.poll(() => page.locator('#queue-cells option').count()).toBe(liCells.length);
    await page.waitForLoadState('networkidle');
    // (The list itself is asked again: only the names are kept.)
    expect(sent.filter((p) => p !== '/findings')).toEqual([]);
  });

  it('sends a grid worker opening the console to the field pages', async () => {
    const page = await desk('worker-liu', '/app/console/map');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/app/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('今日任务');
    expect(await page.getByTestId('console-link').count()).toBe(0);
    await screenshot(page, 'console-03-worker-sent-away');
  });
});
