/**
 * The API's message catalogue (issue 16): both languages have every entry with the same
 * placeholders, Chinese is Chinese, the reader's language comes from Accept-Language, zod's own
 * issues are worded from the catalogue, and times are shown in the city's time zone.
 */
import {
  BadRequestError,
  CATALOGUES,
  localDateTime,
  localTime,
  message,
  NotFoundError,
  negotiateLanguage,
  placeholders,
  render,
  zodIssuesToDetails,
} from '@gridpatrol/core';
import { errorToResponse } from '@gridpatrol/functions/http/errors';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { expectCataloguesAlike } from '../support/catalogues';

const zh = CATALOGUES['zh-CN'];
const en = CATALOGUES.en;
const ZH = { language: 'zh-CN', timeZone: 'Asia/Shanghai' } as const;
const EN = { language: 'en', timeZone: 'Asia/Shanghai' } as const;

describe('API message catalogue', () => {
  it('has every key in both languages, with the same placeholders and no empty text', () => {
    expectCataloguesAlike(zh, en, placeholders);
  });

  it('writes Chinese in the Chinese catalogue', () => {
    // Entries that are placeholders and punctuation only are the same in both languages.
    const untranslated = Object.entries(zh).filter(
      ([, v]) => !/[\u4e00-\u9fff]/.test(v.replace(/\{\w+\}/g, '')),
    );
    expect(untranslated.map(([k]) => k).sort()).toEqual([
      'error.untranslated',
      'finding.actionCode',
      'finding.actionList',
      'import.problem',
      'reassign.rule',
      'request.problem',
      'task.findingNotOfTask',
    ]);
  });

  it('has a sentence for every error code the status table maps', async () => {
    const { STATUS_BY_CODE } = await import('@gridpatrol/functions/http/errors');
    const missing = Object.keys(STATUS_BY_CODE).filter((code) => !(`error.${code}` in en));
    expect(missing).toEqual([]);
  });
});

describe('negotiateLanguage', () => {
  it('takes the supported language with the highest q, else the city’s', () => {
    expect(negotiateLanguage('en-US,en;q=0.9,zh;q=0.8', 'zh-CN')).toBe('en');
    expect(negotiateLanguage('fr;q=1, zh-TW;q=0.5, en;q=0.4', 'en')).toBe('zh-CN');
    expect(negotiateLanguage('en;q=0, fr', 'zh-CN')).toBe('zh-CN');
    expect(negotiateLanguage('', 'en')).toBe('en');
    expect(negotiateLanguage(undefined, 'zh-CN')).toBe('zh-CN');
  });
});

describe('rendering', () => {
  it('shows an instant in the city’s time with its offset, never as UTC', () => {
    expect(localDateTime('2026-12-07T00:00:00.000Z', 'Asia/Shanghai')).toBe('2026-12-07 08:00+08:00');
    expect(localDateTime('2026-12-06T23:30:05Z', 'America/St_Johns', { seconds: true })).toBe(
      '2026-12-06 20:00:05-03:30',
    );
    const m = message('task.tooEarlyDetail', { opensAt: localTime('2026-12-07T00:00:00.000Z') });
    expect(render(m, EN)).toBe('too early: opens at 2026-12-07 08:00+08:00');
    expect(render(m, ZH)).toBe('太早：2026-12-07 08:00+08:00 开始');
  });

  it('answers a domain error in the reader’s language; code and paths stay English', () => {
    const out = errorToResponse(new NotFoundError('cell', 'C-1'), 'r1', ZH);
    expect(out.status).toBe(404);
    expect(out.body.error).toMatchObject({ code: 'not_found', message: '找不到网格「C-1」。' });
    expect(errorToResponse(new NotFoundError('cell', 'C-1'), 'r1', EN).body.error.message).toBe(
      "No cell 'C-1'.",
    );
  });

  it('keeps an English-only message readable in Chinese: the code’s sentence, then the original', () => {
    const out = errorToResponse(new BadRequestError('Filter by zone or by cell, not both.'), 'r1', ZH);
    expect(out.body.error.message).toBe('请求有误。（Filter by zone or by cell, not both.）');
  });
});

describe('zod issues', () => {
  const Body = z.strictObject({
    name: z.string().min(2),
    count: z.number().int().max(10),
    kind: z.enum(['unlicensed', 'unpermitted']),
    at: z.iso.datetime(),
    tags: z.array(z.string()).max(1),
    code: z.string().regex(/^[A-Z]+$/, 'upper-case letters only'),
  });
  const details = zodIssuesToDetails(
    Body.safeParse({ name: 'x', count: 11, kind: 'other', at: 'soon', tags: ['a', 'b'], code: 'x', extra: 1 })
      .error?.issues ?? [],
    'body',
  );
  const byPath = (context: typeof ZH | typeof EN) =>
    Object.fromEntries(details.map((d) => [d.path, d.text ? render(d.text, context) : d.message]));

  it('maps zod’s own kinds to catalogue entries in Chinese', () => {
    expect(byPath(ZH)).toEqual({
      'body.name': '太短：至少 2 个字符',
      'body.count': '太大：应不大于 10',
      'body.kind': '取值有误：应为 unlicensed|unpermitted 之一',
      'body.at': '格式有误：应为 ISO-8601 日期时间',
      'body.tags': '太多：至多 1 项',
      // A message our own schema set is not zod's: it stays as written.
      'body.code': 'upper-case letters only',
      'body.extra': '未知字段，请删除',
    });
  });

  it('keeps zod’s exact English for English readers', () => {
    const english = byPath(EN);
    expect(english['body.name']).toBe(details.find((d) => d.path === 'body.name')?.message);
    expect(english['body.name']).toMatch(/^Too small/);
    expect(english['body.extra']).toBe('unknown field; remove it');
  });

  it('says “required” for a missing field', () => {
    const [missing] = zodIssuesToDetails(z.object({ name: z.string() }).safeParse({}).error?.issues ?? []);
    expect(missing?.text && render(missing.text, ZH)).toBe('必填：应为文本');
  });
});

describe('finding lifecycle refusals', () => {
  it('names the actions a reader may take: codes in English, the code and its word in Chinese', async () => {
    const { IllegalActionError } = await import('@gridpatrol/core');
    const { message: m } = await import('@gridpatrol/core');
    const err = new IllegalActionError(m('finding.deadlinePast'), ['verify', 'reject']);
    expect(errorToResponse(err, 'r', EN).body.error.details).toEqual([
      { path: 'body.action', message: 'allowed actions: verify, reject' },
    ]);
    expect(errorToResponse(err, 'r', ZH).body.error.details).toEqual([
      { path: 'body.action', message: '允许的操作：verify（核实属实）；reject（驳回）' },
    ]);
  });
});
