/**
 * Issue 16: the API answers in the reader's language (Accept-Language, else the city's zh-CN), with
 * the same code and paths in every language, and times a person reads in the city's time zone.
 * One server for the file; a handful of requests.
 */
import { randomUUID } from 'node:crypto';
import { isoDateTime, localDateTime, type PatrolTask, shiftWindow } from '@gridpatrol/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;
let setClock: (fn?: () => Date) => void;
let now = new Date();
const MIN = 60_000;

beforeAll(async () => {
  api = await startTestApi('demo');
  const mod = await import('@gridpatrol/functions/handlers/tasks');
  setClock = mod.setTasksClock;
  setClock(() => now);
}, 120_000);
afterAll(async () => {
  setClock?.();
  await api?.close();
});

const badList = (language: string) =>
  api.call('GET', '/findings?limit=0&colour=red', { as: 'admin', headers: { 'accept-language': language } });

describe('error messages in the reader’s language', () => {
  it('words a schema error in Chinese or English; code and detail paths stay the same', async () => {
    const zh = await badList('zh-CN,zh;q=0.9');
    const en = await badList('en-US,en;q=0.8');
    expect(zh.status).toBe(400);
    expect(en.status).toBe(400);
    expect(zh.body.error.code).toBe('bad_request');
    expect(en.body.error.code).toBe('bad_request');
    const paths = (r: typeof zh) => r.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths(zh)).toEqual(['query.colour', 'query.limit']);
    expect(paths(en)).toEqual(paths(zh));
    expect(zh.body.error.message).toMatch(/^查询参数有误：/);
    expect(zh.body.error.details).toContainEqual({ path: 'query.colour', message: '未知字段，请删除' });
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(en.body.error.message).toMatch(/^Invalid request query: /);
    expect(en.body.error.details).toContainEqual({
      path: 'query.colour',
      message: 'unknown field; remove it',
    });
    expect(en.headers.get('content-language')).toBe('en');
    expect(en.headers.get('vary')).toMatch(/Accept-Language/);
  });

  it('answers in the city’s language (zh-CN for the demo) when the request names none it speaks', async () => {
    for (const language of ['', 'fr-FR']) {
      const res = await api.call('GET', '/cells/NO-SUCH-CELL', {
        as: 'admin',
        headers: { 'accept-language': language },
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', message: '找不到网格「NO-SUCH-CELL」。' });
    }
    const en = await api.call('GET', '/cells/NO-SUCH-CELL', { as: 'admin' });
    expect(en.body.error.message).toBe("No cell 'NO-SUCH-CELL'.");
  });
});

describe('times a person reads', () => {
  let task: PatrolTask;
  beforeAll(async () => {
    const me = await api.call('GET', '/me', { as: 'worker-liu' });
    const cellId = me.body.cells[0] as string;
    const cell = await api.call('GET', `/cells/${cellId}`, { as: 'admin' });
    const times = api.config.patrols.shiftTimes.am;
    if (!times) throw new Error('no am shift');
    const w = shiftWindow('2026-12-07', times, api.config.timeZone);
    task = await writePublishedTask({
      planId: 'P-msgs0001',
      cellId,
      zoneId: cell.body.properties.primaryZone,
      officeId: 'office-east',
      officerId: 'officer-li',
      partnerId: 'worker-liu',
      date: '2026-12-07',
      shift: 'am',
      shiftStart: w.start,
      shiftEnd: w.end,
    });
  });

  it('gives the check-in window in the city’s time with its offset, not in UTC', async () => {
    const grace = api.config.patrols.graceMinutes;
    now = new Date(Date.parse(task.shiftStart) - (grace + 1) * MIN);
    const opens = localDateTime(new Date(Date.parse(task.shiftStart) - grace * MIN), 'Asia/Shanghai');
    expect(opens).toMatch(/^2026-12-07 \d\d:\d\d\+08:00$/);
    const checkIn = (language: string) =>
      api.call('POST', `/tasks/${task.id}/check-in`, {
        as: 'officer-li',
        body: { lon: 120.2, lat: 30.27 },
        headers: { 'idempotency-key': randomUUID(), 'accept-language': language },
      });
    const en = await checkIn('en');
    expect(en.status, en.text).toBe(422);
    expect(en.body.error.message).toContain(`Check-in opens at ${opens}`);
    expect(en.body.error.message).not.toMatch(/\d\d:\d\d:\d\d(\.\d+)?Z/);
    // The window's bounds as machine fields beside the words (issue 16: the web app reads these,
    // not the words), ISO-8601 with the city's offset.
    const iso = (ms: number) => isoDateTime(new Date(ms), 'Asia/Shanghai');
    const window = {
      step: 'checkIn',
      opensAt: iso(Date.parse(task.shiftStart) - grace * MIN),
      closesAt: iso(Date.parse(task.shiftEnd) + grace * MIN),
      graceMinutes: grace,
    };
    expect(window.opensAt).toMatch(/^2026-12-07T\d\d:\d\d:00\+08:00$/);
    expect(en.body.error.details).toEqual([
      { path: 'task.shiftStart', message: `too early: opens at ${opens}`, ...window },
    ]);
    const zh = await checkIn('zh-CN');
    expect(zh.status).toBe(422);
    expect(zh.body.error.message).toContain(`尚未到签到时间：${opens} 开始`);
    expect(zh.body.error.details).toEqual([
      { path: 'task.shiftStart', message: expect.any(String), ...window },
    ]);
  });

  it('gives a refused check-in’s distance and allowance as fields, the same in every language', async () => {
    now = new Date(Date.parse(task.shiftStart) + 5 * MIN);
    const far = (language: string) =>
      api.call('POST', `/tasks/${task.id}/check-in`, {
        as: 'officer-li',
        body: { lon: 121.5, lat: 31.2, accuracyM: 20 },
        headers: { 'idempotency-key': randomUUID(), 'accept-language': language },
      });
    const [zh, en] = [await far('zh-CN'), await far('en')];
    expect(zh.status, zh.text).toBe(422);
    const [detail] = zh.body.error.details;
    expect(detail).toMatchObject({
      path: 'body',
      distanceM: expect.any(Number),
      allowanceM: expect.any(Number),
    });
    expect(detail.distanceM).toBeGreaterThan(100_000);
    expect(detail.message).toContain(`${detail.distanceM}`);
    expect(en.body.error.details).toEqual([
      {
        path: 'body',
        message: `${detail.distanceM} m outside the cell, ${detail.allowanceM} m allowed`,
        distanceM: detail.distanceM,
        allowanceM: detail.allowanceM,
      },
    ]);
  });

  it('explains the task in the reader’s language, codes beside the words (plan explanations)', async () => {
    const mine = (language: string) =>
      api.call('GET', '/me/tasks?from=2026-12-07&to=2026-12-07', {
        as: 'officer-li',
        headers: { 'accept-language': language },
      });
    const zh = (await mine('zh-CN')).body.items.find((t: { id: string }) => t.id === task.id);
    expect(zh.reasons.pair).toEqual(['primary_zone', 'rotated']);
    expect(zh.explanation).toContain(
      '选此网格：风险分 1.5，来自未办结线索 1 条 +1［open］；近期上报 1 条 +0.5［recent］',
    );
    expect(zh.explanation).toContain('轮换：上周由其他干部巡查此网格（或无人巡查）［rotated］');
    const en = (await mine('en')).body.items.find((t: { id: string }) => t.id === task.id);
    expect(en.explanation).toContain('risk score 1.5 from open findings: 1, +1 [open]');
  });
});

describe('exports for a bureau’s spreadsheet', () => {
  /** The file, following the export's 303 as a browser does. */
  const download = async (pathAndQuery: string) => {
    const res = await api.call('GET', pathAndQuery, { as: 'sup-east' });
    expect(res.status, res.text).toBe(200);
    // fetch's text() drops the BOM (WHATWG UTF-8 decode); test/unit/export-sheets.test.ts checks it.
    return res.text;
  };

  it('heads findings.csv in the city’s language by default, and in English with lang=en', async () => {
    const zh = await download('/exports/findings.csv');
    expect(zh.startsWith('编号,上报时间,商户名称,地址,网格,责任区,状态,期限,')).toBe(true);
    expect(zh).not.toMatch(/\d\d:\d\d:\d\d(\.\d+)?Z/);
    const en = await download('/exports/findings.csv?lang=en');
    expect(en.startsWith('No.,Reported at,Business name,Address,Grid cell,Zone,Status,Deadline,')).toBe(true);
    const tasks = await download('/exports/tasks.csv?from=2026-12-07&to=2026-12-07');
    expect(tasks.startsWith('编号,日期,班次,开始时间,结束时间,网格,责任区,')).toBe(true);
  });

  it('refuses a language it does not write, naming the parameter', async () => {
    const res = await api.call('GET', '/exports/findings.csv?lang=fr', { as: 'sup-east' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'query.lang', message: expect.any(String) }]);
  });
});
