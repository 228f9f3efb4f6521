/**
 * The delivery rules, pure (packages/core/src/notifications/delivery.ts): quiet hours in city local
 * time (also across midnight), the digest hour, the retry pace, the channels a person is reached on,
 * and the robots' payloads and DingTalk's string to sign as their documentation gives them.
 */
import {
  channelsFor,
  dingTalkStringToSign,
  retryDelayMs,
  robotPayload,
  sendAfterQuietHours,
  sendTime,
} from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

const TZ = 'Asia/Shanghai'; // UTC+8, no daylight saving
const at = (iso: string) => new Date(iso);

describe('quiet hours (city local time)', () => {
  const quiet = { start: '22:00', end: '07:00' };
  it.each([
    ['before the window: now', '2026-12-07T13:59:00.000Z', '2026-12-07T13:59:00.000Z'],
    [
      'at its start (22:00 local): its end, 07:00 next day',
      '2026-12-07T14:00:00.000Z',
      '2026-12-07T23:00:00.000Z',
    ],
    [
      'after midnight (03:30 local): 07:00 the same day',
      '2026-12-07T19:30:00.000Z',
      '2026-12-07T23:00:00.000Z',
    ],
    ['at its end (07:00 local): now', '2026-12-07T23:00:00.000Z', '2026-12-07T23:00:00.000Z'],
  ])('%s', (_name, now, expected) => {
    expect(sendAfterQuietHours(at(now), quiet, TZ).toISOString()).toBe(expected);
  });

  it('a window within one day (12:00–13:30) holds back a send at noon until 13:30', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(sendAfterQuietHours(at('2026-12-07T04:10:00.000Z'), lunch, TZ).toISOString()).toBe(
      '2026-12-07T05:30:00.000Z',
    );
    expect(sendAfterQuietHours(at('2026-12-07T06:00:00.000Z'), lunch, TZ).toISOString()).toBe(
      '2026-12-07T06:00:00.000Z',
    );
  });

  it('no window: now', () => {
    expect(sendAfterQuietHours(at('2026-12-07T15:00:00.000Z'), undefined, TZ).toISOString()).toBe(
      '2026-12-07T15:00:00.000Z',
    );
  });

  it('a digest goes at the next digest hour, after the quiet window if it falls inside', () => {
    const config = { digestAt: '08:00', quietHours: quiet };
    expect(sendTime(at('2026-12-07T03:00:00.000Z'), config, { digest: true }, TZ).toISOString()).toBe(
      '2026-12-08T00:00:00.000Z',
    );
    const early = { digestAt: '06:00', quietHours: quiet };
    expect(sendTime(at('2026-12-07T03:00:00.000Z'), early, { digest: true }, TZ).toISOString()).toBe(
      '2026-12-07T23:00:00.000Z',
    );
    expect(sendTime(at('2026-12-07T03:00:00.000Z'), config, { digest: false }, TZ).toISOString()).toBe(
      '2026-12-07T03:00:00.000Z',
    );
  });
});

describe('channels, retries and payloads', () => {
  it('reaches a person only where the city enables it, they did not opt out, and an address exists', () => {
    const all = ['wecom', 'dingtalk', 'sms', 'email'] as const;
    expect(channelsFor(all, { optOut: [], digest: false }, undefined)).toEqual(['wecom', 'dingtalk']);
    expect(channelsFor(all, { optOut: ['wecom'], digest: false }, '13800138000')).toEqual([
      'dingtalk',
      'sms',
    ]);
    expect(channelsFor(['sms'], { optOut: [], digest: false, email: 'li@example.cn' }, undefined)).toEqual(
      [],
    );
    expect(
      channelsFor(all, { optOut: ['dingtalk'], digest: false, email: 'li@example.cn' }, undefined),
    ).toEqual(['wecom', 'email']);
  });

  it('waits longer before each retry, up to 30 s', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 100))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(20, 100)).toBe(30_000);
  });

  it('builds WeCom’s and DingTalk’s text messages naming the person by mobile, and DingTalk’s string to sign', () => {
    expect(robotPayload('wecom', '新线索', '+8613800138000')).toEqual({
      msgtype: 'text',
      text: { content: '新线索', mentioned_mobile_list: ['13800138000'] },
    });
    expect(robotPayload('dingtalk', '新线索', undefined)).toEqual({
      msgtype: 'text',
      text: { content: '新线索' },
      at: { atMobiles: [], isAtAll: false },
    });
    expect(dingTalkStringToSign(1700000000000, 'SECabc')).toBe('1700000000000\nSECabc');
  });
});
