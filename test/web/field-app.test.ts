/**
 * The field app in headless Chromium on a 360×740 phone, against the real local server on DynamoDB
 * Local: sign-in, a report with the device's position, the same made offline and sent after a
 * reload, a joint check-in by both partners, a check-in refused 1 km away, a stale completion, a
 * deactivated account. Screenshots of each page go to .reports/web/; each page has no serious or
 * critical accessibility violation (axe-core, test/support/axe.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { PatrolTask } from '@gridpatrol/core';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe';
import {
  goOffline,
  launchBrowser,
  openPhone,
  type Phone,
  pathsAsked,
  screenshot,
  signIn,
  watchedPage,
} from '../support/browser';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

const PHOTO = path.join(import.meta.dirname, '..', 'fixtures', 'photos', 'base.jpg');

let api: TestApi;
let browser: Browser;
const phones: Phone[] = [];
let liuCells: string[];
const inside = new Map<string, { lon: number; lat: number }>();
let seq = 0;

const HOUR = 3600_000;
const cityDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);

/** A published task of officer-li and worker-liu whose shift is under way now. */
async function taskNow(cellId: string): Promise<PatrolTask> {
  const cell = (await api.call('GET', `/cells/${cellId}`, { as: 'admin' })).body;
  const now = Date.now();
  return writePublishedTask({
    planId: `P-web${String(++seq).padStart(4, '0')}`,
    cellId,
    zoneId: cell.properties.primaryZone,
    officeId: 'office-east',
    officerId: 'officer-li',
    partnerId: 'worker-liu',
    date: cityDate(new Date(now)),
    // The shift named as the hour it starts in the city (a morning or an afternoon one).
    shift:
      Number(
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: 'numeric' }).format(now - HOUR),
      ) < 12
        ? 'am'
        : 'pm',
    shiftStart: new Date(now - HOUR).toISOString(),
    shiftEnd: new Date(now + 2 * HOUR).toISOString(),
  });
}

async function phone(position: { lon: number; lat: number }, as?: string): Promise<Phone> {
  const p = await openPhone(browser, api.url, position);
  phones.push(p);
  if (as) await signIn(p.page, as);
  return p;
}

/** A page in a context the test set up itself, its errors watched as phone()'s are. */
async function pageIn(context: BrowserContext): Promise<Phone['page']> {
  const watched = await watchedPage(context);
  phones.push(watched);
  return watched.page;
}

const findingsNamed = async (name: string) => {
  const list = await api.call('GET', `/findings?cell=${liuCells[0]}&limit=100`, { as: 'admin' });
  expect(list.status, list.text).toBe(200);
  return (list.body.items as { id: string; businessName: string }[]).filter((f) => f.businessName === name);
};

beforeAll(async () => {
  [api, browser] = await Promise.all([startTestApi('demo'), launchBrowser()]);
  liuCells = (await api.call('GET', '/me', { as: 'worker-liu' })).body.cells;
  const get = async (path: string) => (await api.call('GET', path, { as: 'admin' })).body;
  for (const id of liuCells.slice(0, 3)) {
    const p = await pointInCell(get, id);
    if (!p) throw new Error(`no point inside ${id}`);
    inside.set(id, { lon: p.lon, lat: p.lat });
  }
}, 120_000);

afterEach(() => {
  // Nothing thrown in any page of the test.
  expect(phones.flatMap((p) => p.errors.map((e) => e.message))).toEqual([]);
});

afterAll(async () => {
  for (const p of phones) await p.context.close().catch(() => undefined);
  await browser?.close();
  await api?.close();
});

/**
 * The header's links and buttons a thumb cannot reach on this screen: any that lies (partly) outside
 * the viewport or under something else at its centre, i.e. that only sideways scrolling would reveal.
 */
function headerOutOfReach(page: Phone['page']): Promise<string[]> {
  // As text: the tests compile without the DOM's types; this runs in the page.
  return page.evaluate<
    string[]
  >(`[...document.querySelectorAll('header.top a, header.top button')].flatMap((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const reachable = r.width > 0 && r.left >= 0 && r.right <= innerWidth && hit !== null && el.contains(hit);
    return reachable ? [] : [el.textContent.trim() + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + ' px)'];
  })`);
}

async function fillReport(page: Phone['page'], name: string) {
  await page.getByRole('link', { name: '上报' }).click();
  await page.getByRole('button', { name: '使用当前位置' }).click();
  await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/±8 米/);
  await page.getByLabel('商户名称').fill(name);
  await page.getByLabel('经营类型').selectOption('food_stall');
  await page.getByLabel('地址').fill('示范路 8 号');
  await page.getByLabel('备注').fill('夜间经营');
}

describe('the field app on a phone', () => {
  it('signs in by choosing a seeded person, in Chinese', async () => {
    const { page } = await phone(inside.get(liuCells[0] as string) as { lon: number; lat: number });
    await expect.poll(() => page.locator('button[data-person]').count()).toBeGreaterThan(5);
    await expect.poll(() => page.locator('h1').textContent()).toBe('登录');
    await screenshot(page, '01-sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await signIn(page, 'worker-liu');
    await expect.poll(() => page.locator('.whoami').textContent()).toContain('网格员');
    await expect.poll(() => page.locator('h1').textContent()).toBe('今日任务');
  });

  it('opens a signed-in phone asking who and what once each, from the boot script', async () => {
    const { page } = await phone(
      inside.get(liuCells[0] as string) as { lon: number; lat: number },
      'worker-liu',
    );
    // The sign-in's own first load done and the service worker in control (it claims the page on
    // its first visit), so that only the reload's requests are counted.
    await page.waitForLoadState('networkidle');
    await page.waitForFunction('navigator.serviceWorker.controller !== null');
    const asked = pathsAsked(page, ['/me', '/me/tasks']);
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('今日任务');
    await expect.poll(() => page.locator('.whoami').textContent()).toContain('网格员');
    // Started before the module ran and taken over by it: not asked a second time.
    expect(asked.sort()).toEqual(['/me', '/me/tasks']);
  });

  it('reports a finding at the emulated position', async () => {
    const at = inside.get(liuCells[0] as string) as { lon: number; lat: number };
    const { page } = await phone(at, 'worker-liu');
    const name = `网页小吃 ${randomUUID().slice(0, 6)}`;
    await fillReport(page, name);
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await expect.poll(() => page.getByTestId('report-message').textContent()).toMatch(/^已上报，线索编号 F-/);
    await screenshot(page, '02-report-sent');
    expect(await seriousViolations(page)).toEqual([]);
    const [finding] = await findingsNamed(name);
    expect(finding).toMatchObject({
      businessName: name,
      businessType: 'food_stall',
      address: '示范路 8 号',
      note: '夜间经营',
      reporterId: 'worker-liu',
      cellId: liuCells[0],
      lon: at.lon,
      lat: at.lat,
      accuracyM: 8,
    });

    // The same shop again, a step away: the server links it as a possible duplicate, the page says so.
    await page.getByLabel('商户名称').fill(name);
    await page.getByLabel('地址').fill('示范路 8 号旁');
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('report-message').textContent())
      .toContain(`附近 30 米内已有名称相近的未办结线索（${finding?.id}）`);
    await screenshot(page, '02b-report-duplicate');
  });

  it('reports with a photo taken on the phone, and the history shows it with its flag in words', async () => {
    const { page } = await phone(
      inside.get(liuCells[0] as string) as { lon: number; lat: number },
      'worker-liu',
    );
    const name = `带照片小店 ${randomUUID().slice(0, 6)}`;
    await fillReport(page, name);
    await page.getByLabel('拍照或选择照片').setInputFiles(PHOTO);
    // The thumbnail is drawn on the phone (a JPEG data URL), before anything is sent.
    await expect
      .poll(() => page.getByTestId('photo-thumbs').locator('img').getAttribute('src'))
      .toMatch(/^data:image\/jpeg;base64,/);
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await expect.poll(() => page.getByTestId('report-message').textContent()).toMatch(/^已上报，线索编号 F-/);
    const [finding] = (await findingsNamed(name)) as { id: string; photos?: string[] }[];
    expect(finding?.photos).toHaveLength(1);
    await api.settleUploads();

    await page.getByRole('link', { name: '我的事项' }).click();
    const card = page.locator(`article[data-finding="${finding?.id}"]`);
    await card.getByRole('button', { name: '处理记录与照片' }).click();
    const photo = card.locator(`[data-photo="${finding?.photos?.[0]}"]`);
    await expect.poll(() => photo.getAttribute('data-status')).toBe('verified');
    // The fixture has no EXIF: said so in words; and the picture loads through its short-lived link.
    await expect.poll(() => photo.textContent()).toContain('照片没有拍摄时间和位置信息（EXIF）');
    await expect
      .poll(() =>
        photo.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(16);
    // The person by name, as the API gives it to those who may see them, not by id.
    const liu = (await api.call('GET', '/me', { as: 'worker-liu' })).body.name as string;
    await expect
      .poll(() => card.getByTestId('finding-history').textContent())
      .toContain(`经办人 ${liu}：上报`);
    await screenshot(page, '02c-report-photo-history');
  });

  it('keeps a report made offline with its photo through a reload, and uploads it once when back online', async () => {
    const { context, page } = await phone(
      inside.get(liuCells[0] as string) as { lon: number; lat: number },
      'worker-liu',
    );
    await page.waitForFunction('navigator.serviceWorker.controller !== null');
    const name = `离线带照片 ${randomUUID().slice(0, 6)}`;
    await fillReport(page, name);
    await page.getByLabel('拍照或选择照片').setInputFiles(PHOTO);
    await expect.poll(() => page.getByTestId('photo-thumbs').locator('img').count()).toBe(1);
    await goOffline(context, page);
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await expect.poll(() => page.getByTestId('report-message').textContent()).toContain('已保存在本机');
    // The photo lives in IndexedDB with the report: a reload loses neither.
    await page.reload();
    await expect.poll(() => page.getByTestId('outbox-count').textContent()).toBe('1 项等待发送');
    const slots: string[] = [];
    page.on('request', (r) => {
      if (!r.serviceWorker() && r.method() === 'POST' && new URL(r.url()).pathname === '/me/attachments')
        slots.push(r.headers()['idempotency-key'] ?? '');
    });
    await context.setOffline(false);
    await expect.poll(() => findingsNamed(name).then((f) => f.length), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('outbox-count').count()).toBe(0);
    const [finding] = (await findingsNamed(name)) as { id: string; photos?: string[] }[];
    expect(finding?.photos).toHaveLength(1);
    // Every slot request of this photo, however many tries it took, under the one key made offline.
    expect(new Set(slots).size).toBe(1);
    await api.settleUploads();
    const history = await api.call('GET', `/findings/${finding?.id}/history`, { as: 'worker-liu' });
    expect(history.body.photos).toMatchObject([
      { id: finding?.photos?.[0], status: 'verified', flags: ['no_exif'] },
    ]);
  });

  it('keeps a report made offline through a reload and sends it once when back online', async () => {
    const { context, page } = await phone(
      inside.get(liuCells[0] as string) as { lon: number; lat: number },
      'worker-liu',
    );
    // The service worker must hold the shell before the connection goes.
    await page.waitForFunction('navigator.serviceWorker.controller !== null');
    const name = `离线小店 ${randomUUID().slice(0, 6)}`;
    await fillReport(page, name);
    await goOffline(context, page);
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await expect.poll(() => page.getByTestId('report-message').textContent()).toContain('已保存在本机');
    await expect.poll(() => page.getByTestId('outbox-count').textContent()).toBe('1 项等待发送');

    await page.reload();
    await expect.poll(() => page.getByTestId('outbox-count').textContent()).toBe('1 项等待发送');
    // Opened offline, the app still knows who is signed in: the report form works.
    await expect.poll(() => page.locator('.whoami').textContent()).toContain('刘网格员');
    await expect.poll(() => page.getByLabel('商户名称').isVisible()).toBe(true);
    await screenshot(page, '03-offline-queued');
    expect(await findingsNamed(name)).toHaveLength(0);
    expect(await page.getByTestId('outbox-old').count()).toBe(0);

    // A day later, still unsent: the person is told. (The day is forged in the stored item: the
    // app's own count and notice do the rest.) And every start asks to keep the queue from eviction.
    await context.addInitScript(`{
      const persist = navigator.storage && navigator.storage.persist;
      window.__persistAsked = 0;
      if (persist) navigator.storage.persist = () => { window.__persistAsked += 1; return persist.call(navigator.storage); };
    }`);
    await page.evaluate(`new Promise((resolve, reject) => {
      const open = indexedDB.open('gridpatrol');
      open.onsuccess = () => {
        const store = open.result.transaction('outbox', 'readwrite').objectStore('outbox');
        const all = store.getAll();
        all.onsuccess = () => {
          // Its retries reset too: this test's extra offline start must not lengthen the backoff
          // the send below waits out.
          for (const item of all.result)
            store.put({ ...item, createdAt: item.createdAt - 25 * 3600 * 1000, attempts: 0, nextAttemptAt: 0 });
          store.transaction.oncomplete = () => { open.result.close(); resolve(true); };
        };
      };
      open.onerror = () => reject(open.error);
    })`);
    await page.reload();
    await expect.poll(() => page.getByTestId('outbox-old').textContent()).toContain('已等待超过一天仍未发送');
    expect(await page.evaluate('window.__persistAsked')).toBe(1);
    await screenshot(page, '03b-offline-a-day');

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('outbox-count').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByTestId('outbox-old').count()).toBe(0);
    expect(await findingsNamed(name)).toHaveLength(1);
  });

  it('shows a check-in 1 km from the cell refused with its distance, in Chinese', async () => {
    const task = await taskNow(liuCells[1] as string);
    const at = inside.get(liuCells[1] as string) as { lon: number; lat: number };
    // About 1 km east of a point inside the cell (1° of longitude ≈ 96 km at 30° N).
    const { page } = await phone({ lon: at.lon + 0.0104, lat: at.lat }, 'worker-liu');
    const card = page.locator(`article[data-task="${task.id}"]`);
    // The app asks the API for the person's language (issue 16), and words this refusal from the
    // detail's distanceM and allowanceM.
    const sent = page.waitForRequest((r) => r.url().endsWith(`/tasks/${task.id}/check-in`));
    await card.getByRole('button', { name: '签到' }).click();
    expect((await sent).headers()['accept-language']).toBe('zh-CN');
    await expect
      .poll(() => card.locator('.notice.error').textContent())
      .toMatch(/^签到未通过：您距网格「.+」\d+ 米，超出允许的 108 米，请进入网格后再签到$/);
    await screenshot(page, '04-check-in-refused');
    expect(
      (await api.call('GET', `/tasks/${task.id}/history`, { as: 'worker-liu' })).body.items,
    ).toHaveLength(1);
  });

  it("shows a shop name typed as markup as text in the task map's tooltip, never as HTML", async () => {
    // Leaflet puts a string tooltip in as HTML; names are typed by people (plainText in map.tsx).
    const cellId = liuCells[1] as string;
    const at = inside.get(cellId) as { lon: number; lat: number };
    const name = `小店<img src=x onerror="window.__xss=1">${randomUUID().slice(0, 4)}`;
    const reported = await api.call('POST', '/findings', {
      as: 'worker-liu',
      body: reportBody(at, name),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(reported.status, reported.text).toBe(201);
    const task = await taskNow(cellId);
    const { page } = await phone(at, 'worker-liu');
    const card = page.locator(`article[data-task="${task.id}"]`);
    // Leaflet draws a dot as an SVG path of arcs; the cell's outline has none.
    const dots = card.locator('path.leaflet-interactive[d*="a"]');
    await expect.poll(() => dots.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const tips: string[] = [];
    for (const dot of await dots.all()) {
      await dot.hover({ force: true });
      tips.push((await page.locator('.leaflet-tooltip').last().textContent()) ?? '');
    }
    expect(tips).toContain(name);
    expect(await page.locator('.leaflet-tooltip img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('shows the task as joint once both partners checked in inside the cell', async () => {
    const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
    const { version: _v, createdAt: _c, updatedAt: _u, id: _id, unreadNotifications: _n, ...record } = li;
    const saved = await api.call('PUT', '/people/officer-li', {
      as: 'admin',
      body: { ...record, phone: '13800138000' },
    });
    expect(saved.status, saved.text).toBe(200);
    const task = await taskNow(liuCells[0] as string);
    const at = inside.get(liuCells[0] as string) as { lon: number; lat: number };
    const officer = await phone(at, 'officer-li');
    const worker = await phone(at, 'worker-liu');
    for (const { page } of [officer, worker]) {
      const card = page.locator(`article[data-task="${task.id}"]`);
      await card.getByRole('button', { name: '签到' }).click();
      await expect.poll(() => card.locator('.notice.ok').textContent()).toBe('签到成功');
    }
    const card = worker.page.locator(`article[data-task="${task.id}"]`);
    await expect.poll(() => card.locator('.joint').getAttribute('data-joint')).toBe('true');
    await expect.poll(() => card.locator('.joint').textContent()).toBe('双方均已签到：计为联合巡查');
    await expect.poll(() => card.locator('.partner').textContent()).toContain('李警官');
    expect(await card.locator('a.call').getAttribute('href')).toBe('tel:13800138000');
    await screenshot(worker.page, '05-tasks-joint');
    expect(await seriousViolations(worker.page)).toEqual([]);

    await card.getByRole('button', { name: '完成巡查' }).click();
    await card.getByRole('radio', { name: '有问题' }).first().click();
    await card.getByLabel('备注').fill('消防通道堵塞');
    await screenshot(worker.page, '06-complete-form');
    expect(await seriousViolations(worker.page)).toEqual([]);
    await card.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => card.locator('.joint').textContent()).toBe('已完成：联合巡查');
    const stored = (await api.call('GET', '/me/tasks', { as: 'officer-li' })).body.items.find(
      (i: { id: string }) => i.id === task.id,
    );
    expect(stored).toMatchObject({
      status: 'completed',
      completion: {
        joint: true,
        checks: { safety: 'issue', food: 'ok', license: 'ok' },
        note: '消防通道堵塞',
      },
    });
  });

  it('tells the person someone else changed the task first, keeping what they typed', async () => {
    const task = await taskNow(liuCells[2] as string);
    const at = inside.get(liuCells[2] as string) as { lon: number; lat: number };
    for (const who of ['officer-li', 'worker-liu'])
      await api.call('POST', `/tasks/${task.id}/check-in`, {
        as: who,
        body: at,
        headers: { 'idempotency-key': randomUUID() },
      });
    const { page } = await phone(at, 'worker-liu');
    const card = page.locator(`article[data-task="${task.id}"]`);
    await card.getByRole('button', { name: '完成巡查' }).click();
    await card.getByLabel('备注').fill('店主不在');
    // Meanwhile the officer completes it from another phone.
    const done = await api.call('POST', `/tasks/${task.id}/complete`, {
      as: 'officer-li',
      body: { checks: { safety: 'ok', food: 'ok', license: 'ok' } },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(done.status, done.text).toBe(200);
    await card.getByRole('button', { name: '提交' }).click();
    await expect
      .poll(() => card.locator('.notice.error').textContent())
      .toContain('其他人已先修改了此记录，请刷新后再操作。');
    expect(await card.getByLabel('备注').inputValue()).toBe('店主不在');
    await screenshot(page, '07-conflict');
  });

  it('says what will not work in a browser without service workers, IndexedDB and geolocation', async () => {
    const task = await taskNow(liuCells[0] as string);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
    // What WeChat's or DingTalk's in-app browser may lack.
    await context.addInitScript(
      'delete Navigator.prototype.serviceWorker; delete Navigator.prototype.geolocation; delete Window.prototype.indexedDB; delete window.indexedDB;',
    );
    const page = await pageIn(context);
    await page.goto(`${api.url}/app/`);
    await signIn(page, 'worker-liu');
    const notice = page.getByTestId('capabilities');
    await expect.poll(() => notice.textContent()).toContain('此浏览器不支持离线打开应用');
    expect(await notice.textContent()).toContain('无法在本机保存记录');
    expect(await notice.textContent()).toContain('签到不可用');
    // Online, the rest works: the task list, and the report form with the marker in the city's middle.
    const card = page.locator(`article[data-task="${task.id}"]`);
    expect(await card.getByRole('button', { name: '签到' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: '上报' }).click();
    await expect.poll(() => page.getByTestId('position').textContent()).toBe('30.275000, 120.200000');
    await screenshot(page, '09-in-app-browser');
  });

  it('lets an officer verify and order rectification, checks a credit code on the device, and shows a stale action as a conflict', async () => {
    const at = inside.get(liuCells[0] as string) as { lon: number; lat: number };
    // Two reports of one shop at one spot: the second links to the first as a possible duplicate.
    const report = (businessName: string) =>
      api.call('POST', '/findings', {
        as: 'worker-liu',
        headers: { 'idempotency-key': randomUUID() },
        body: { ...at, address: '示范路 9 号', businessName, businessType: 'grocery', kind: 'unlicensed' },
      });
    const reported = await report(`待办小店 ${randomUUID().slice(0, 6)}`);
    expect(reported.status, reported.text).toBe(201);
    const finding = reported.body;
    const repeat = await report(finding.businessName);
    expect(repeat.body.possibleDuplicateOf, repeat.text).toBe(finding.id);
    const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
    const officer = li.zones.includes(finding.zoneId) ? 'officer-li' : 'officer-zhao';
    const { page } = await phone(at, officer);
    await page.getByRole('link', { name: '我的事项' }).click();
    const card = page.locator(`article[data-finding="${finding.id}"]`);
    await card.waitFor();
    // A second report of the same shop is named by the one it may repeat, not by its id.
    const warning = page.locator(`article[data-finding="${repeat.body.id}"] .notice.warn`);
    expect(await warning.textContent()).toBe(`可能与「${finding.businessName}」（示范路 9 号）重复`);
    await card.getByRole('button', { name: '核实属实' }).click();
    await card.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => card.locator('.notice.ok').textContent()).toBe('已提交：已核实');

    const again = page.locator(`article[data-finding="${finding.id}"]`);
    await again.getByRole('button', { name: '责令限期整改' }).click();
    const due = cityDate(new Date(Date.now() + 7 * 24 * HOUR));
    await again.getByLabel('期限（日期）').fill(due);
    await screenshot(page, '10-officer-order');
    expect(await seriousViolations(page)).toEqual([]);
    await again.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => again.locator('.notice.ok').textContent()).toBe('已提交：限期整改中');
    const ordered = (await api.call('GET', `/findings/${finding.id}`, { as: officer })).body;
    expect(ordered).toMatchObject({ status: 'rectifying', deadline: `${due}T15:59:59.000Z` });

    // A bad credit code is caught on the phone: nothing is sent.
    const card3 = page.locator(`article[data-finding="${finding.id}"]`);
    await card3.getByRole('button', { name: '办结' }).click();
    await card3.getByLabel('统一社会信用代码').fill('91110108551385082R');
    await card3.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => card3.locator('.notice.error').textContent()).toContain('统一社会信用代码有误');
    expect((await api.call('GET', `/findings/${finding.id}`, { as: officer })).body.version).toBe(
      ordered.version,
    );

    // The office head acts first (gives more time): the phone's version is stale.
    const other = await api.call('POST', `/findings/${finding.id}/actions`, {
      as: 'sup-east',
      body: {
        action: 'extend_deadline',
        expectedVersion: ordered.version,
        deadline: `${due}T23:59:59+08:00`,
        note: '店主申请',
      },
    });
    expect(other.status, other.text).toBe(200);
    await card3.getByLabel('办结结果').selectOption('ceased');
    await card3.getByRole('button', { name: '确定' }).click();
    await expect
      .poll(() => card3.locator('.notice.error').textContent())
      .toContain('其他人已先修改了此记录，请刷新后再操作。');
    await screenshot(page, '11-finding-conflict');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows the unread count in the header and the notifications with a link to their finding, then marks them read', async () => {
    const at = inside.get(liuCells[0] as string) as { lon: number; lat: number };
    const name = `通知小店 ${randomUUID().slice(0, 6)}`;
    const reported = await api.call('POST', '/findings', {
      as: 'worker-liu',
      headers: { 'idempotency-key': randomUUID() },
      body: {
        ...at,
        address: '示范路 7 号',
        businessName: name,
        businessType: 'grocery',
        kind: 'unlicensed',
      },
    });
    expect(reported.status, reported.text).toBe(201);
    const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
    const officer = li.zones.includes(reported.body.zoneId) ? 'officer-li' : 'officer-zhao';
    const unread: number = (await api.call('GET', '/me', { as: officer })).body.unreadNotifications;
    expect(unread).toBeGreaterThan(0);
    const { page } = await phone(at, officer);
    await expect.poll(() => page.getByTestId('unread-count').textContent()).toBe(String(unread));
    // An officer's header has the most links (the console's too): on a 360 px phone each, 通知 the
    // last, is on the screen to tap, in both languages, and the page never scrolls sideways.
    await page.setViewportSize({ width: 360, height: 640 });
    for (const switchTo of ['English', '中文']) {
      expect(await headerOutOfReach(page)).toEqual([]);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await screenshot(page, `09a-header-360-${switchTo === 'English' ? 'zh' : 'en'}`);
      await page.getByRole('button', { name: switchTo }).click();
    }
    await page.getByTestId('notifications-link').click();
    const card = page.locator('article[data-notification]', { hasText: name });
    await expect.poll(() => card.textContent()).toContain(`新线索「${name}」`);
    await screenshot(page, '09-notifications');
    await card.getByRole('link', { name: '查看' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('我的事项');
    await expect.poll(() => new URL(page.url()).hash).toBe(`#${reported.body.id}`);
    if (unread > 1) {
      await expect.poll(() => page.getByTestId('unread-count').textContent()).toBe(String(unread - 1));
      await page.getByTestId('notifications-link').click();
      await page.getByRole('button', { name: '全部标为已读' }).click();
    }
    await expect.poll(() => page.getByTestId('unread-count').count()).toBe(0);
    expect((await api.call('GET', '/me', { as: officer })).body.unreadNotifications).toBe(0);
  });

  it("signs in through Cognito's hosted UI with a PKCE code, and refuses a callback it did not ask for", async () => {
    // A stand-in for the two hosted-UI endpoints the app uses (Cognito cannot run here): authorize
    // answers with a code for the challenge it was given, the token endpoint hands out worker-liu's
    // token (a real one of the local server) only for the verifier of that challenge.
    const challenges = new Map<string, string>();
    const exchanges: string[] = [];
    const fake = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname === '/oauth2/authorize') {
        const code = randomUUID();
        challenges.set(code, url.searchParams.get('code_challenge') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.search = new URLSearchParams({ code, state: url.searchParams.get('state') ?? '' }).toString();
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const code = form.get('code') ?? '';
        const verifier = form.get('code_verifier') ?? '';
        const proves = createHash('sha256').update(verifier).digest('base64url') === challenges.get(code);
        exchanges.push(`${form.get('grant_type')}:${proves ? 'verified' : 'refused'}`);
        const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
        if (url.pathname !== '/oauth2/token' || !proves) {
          res.writeHead(400, headers).end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
        const idToken = await api.token('worker-liu');
        res
          .writeHead(200, headers)
          .end(JSON.stringify({ id_token: idToken, refresh_token: 'r-1', expires_in: 3600 }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const cognito = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
      const page = await pageIn(context);
      // The runtime config the stack would write: Cognito, with the stand-in as its hosted UI.
      await context.route('**/app/config.json', async (route) => {
        const config = await (await route.fetch()).json();
        const auth = {
          mode: 'cognito',
          region: 'ap-east-1',
          userPoolId: 'ap-east-1_x',
          clientId: 'app',
          domain: cognito,
        };
        await route.fulfill({ json: { ...config, auth } });
      });
      // A callback this tab never asked for (a forged link): refused, nothing exchanged.
      await page.goto(`${api.url}/app/?code=stolen&state=forged`);
      await expect.poll(() => page.getByTestId('sign-in-failed').isVisible()).toBe(true);
      expect(exchanges).toEqual([]);
      expect(page.url()).toBe(`${api.url}/app/`);
      await page.getByRole('button', { name: '使用本市统一账号登录' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('今日任务');
      expect(exchanges).toEqual(['authorization_code:verified']);
      // The code is gone from the address bar; the session keeps the refresh token.
      expect(page.url()).toBe(`${api.url}/app/`);
      const stored = JSON.parse(await page.evaluate<string>("localStorage.getItem('gp.session') ?? '{}'"));
      expect(stored).toMatchObject({ personId: 'worker-liu', refreshToken: 'r-1' });
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('draws the position shifted on a GCJ-02 base map and sends a dragged one back in WGS-84', async () => {
    const at = inside.get(liuCells[0] as string) as { lon: number; lat: number };
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'zh-CN',
      geolocation: { longitude: at.lon, latitude: at.lat, accuracy: 8 },
      permissions: ['geolocation'],
    });
    // An AMap-like GCJ-02 base map whose tiles never leave the machine.
    await context.route('https://tiles.invalid/**', (route) => route.fulfill({ status: 204 }));
    await context.route('**/app/config.json', async (route) => {
      const config = await (await route.fetch()).json();
      const tiles = { url: 'https://tiles.invalid/{z}/{x}/{y}.png', attribution: 'test', coordSys: 'gcj02' };
      await route.fulfill({ json: { ...config, tiles } });
    });
    const page = await pageIn(context);
    await page.goto(`${api.url}/app/`);
    await signIn(page, 'worker-liu');
    await page.getByRole('link', { name: '上报' }).click();
    await page.getByRole('button', { name: '使用当前位置' }).click();
    const shown = async () => {
      const [lat, lon] = ((await page.getByTestId('position').textContent()) ?? '')
        .split(/[,·]\s*/)
        .map(Number);
      return { lon: lon as number, lat: lat as number };
    };
    await expect.poll(async () => (await shown()).lat).toBeCloseTo(at.lat, 6);
    // Drag the marker away (the form follows it), then back to where it was drawn: the form gets
    // the GPS fix again (to a pixel, ~1 m), not its GCJ-02 twin some 500 m away, as it would
    // without the shift back (or with the overlays drawn unshifted).
    const pin = page.locator('.gp-pin');
    await pin.waitFor();
    // Grab the marker once the map has stopped moving (it zooms to the position when it arrives).
    const settled = async () => {
      let last = '';
      await expect
        .poll(async () => {
          const now = JSON.stringify(await pin.boundingBox());
          const same = now === last;
          last = now;
          return same;
        })
        .toBe(true);
    };
    const drag = async (dx: number, dy: number) => {
      await settled();
      const box = await pin.boundingBox();
      if (!box) throw new Error('no marker');
      const x = box.x + box.width / 2;
      const y = box.y + box.height - 4;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + dx, y + dy, { steps: 5 });
      await page.mouse.up();
    };
    await drag(40, 20);
    await expect.poll(async () => (await shown()).lon - at.lon).toBeGreaterThan(1e-4);
    await drag(-40, -20);
    await expect.poll(async () => Math.abs((await shown()).lon - at.lon)).toBeLessThan(3e-5);
    expect(Math.abs((await shown()).lat - at.lat)).toBeLessThan(3e-5);
    await screenshot(page, '12-report-gcj02');
  });

  it('shows a deactivated person a page saying so', async () => {
    const sun = (await api.call('GET', '/me', { as: 'worker-sun' })).body;
    const { version: _v, createdAt: _c, updatedAt: _u, id: _id, unreadNotifications: _n, ...record } = sun;
    expect(
      (await api.call('PUT', '/people/worker-sun', { as: 'admin', body: { ...record, active: false } }))
        .status,
    ).toBe(200);
    const { page } = await phone(inside.get(liuCells[0] as string) as { lon: number; lat: number });
    await page.locator('button[data-person="worker-sun"]').click();
    await expect
      .poll(() => page.getByTestId('deactivated').textContent())
      .toContain('您的账号（worker-sun）已被停用');
    await screenshot(page, '08-deactivated');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
