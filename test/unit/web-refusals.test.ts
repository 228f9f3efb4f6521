/**
 * Issue 16: the web app words a refused check-in or completion from the details' fields, not from
 * their words (which now come in the person's language). That the app asks for the person's
 * language is checked in the browser (test/web/field-app.test.ts).
 */

import { ApiError } from '@gridpatrol/web/app/api-error';
import { refusalText } from '@gridpatrol/web/app/refusals';
import { format, type MessageKey } from '@gridpatrol/web/messages';
import type { Language } from '@gridpatrol/web/runtime-config';
import { describe, expect, it } from 'vitest';

const words = (language: Language) => ({
  t: (key: MessageKey, params?: Record<string, string | number>) => format(language, key, params),
  cityTime: (iso: string) =>
    new Intl.DateTimeFormat('zh-CN', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(new Date(iso)),
});
const task = { cell: { name: '秋北社区第2网格' } };
const refused = (details: { path: string; message: string; [field: string]: unknown }[]) =>
  new ApiError('unprocessable', 422, 'unprocessable', '签到未通过。', details);

describe('refusals in the app’s words', () => {
  it('reads distance and allowance from the fields, whatever language the words are in', () => {
    const err = refused([
      { path: 'body', message: '在网格外 722 米，允许 108 米', distanceM: 722, allowanceM: 108 },
    ]);
    expect(refusalText(err, task, words('zh-CN'))).toBe(
      '您距网格「秋北社区第2网格」722 米，超出允许的 108 米，请进入网格后再签到',
    );
    expect(refusalText(err, task, words('en'))).toMatch(/722 m.*108 m/);
  });

  it('reads the window from the fields, in the city’s time, and tells a completion from a check-in', () => {
    const window = { opensAt: '2026-12-07T07:45:00+08:00', closesAt: '2026-12-07T12:15:00+08:00' };
    const early = refused([{ path: 'task.shiftStart', message: '太早', step: 'checkIn', ...window }]);
    expect(refusalText(early, task, words('zh-CN'))).toBe('尚未到签到时间，07:45 开始');
    const late = refused([{ path: 'task.shiftEnd', message: '太晚', step: 'completion', ...window }]);
    expect(refusalText(late, task, words('zh-CN'))).toBe('完成时间已过，已于 12:15 结束');
  });

  it('shows the API’s own words for a refusal it does not word itself', () => {
    const err = refused([{ path: 'body.findingIds[0]', message: '「F-1」：不是本任务网格内的线索' }]);
    expect(refusalText(err, task, words('zh-CN'))).toContain('「F-1」：不是本任务网格内的线索');
  });
});
