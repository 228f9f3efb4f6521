/**
 * How a notification leaves the system (docs/decisions/0052), pure: which channels a person gets it
 * through, when (quiet hours and the daily digest defer it), the retry pace, and the exact payloads
 * of the WeCom and DingTalk group robots. The delivery worker (functions/src/notifications) does
 * the I/O.
 */

import * as z from 'zod';
import { localDate } from '../calendar';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { schemaText } from '../validation';
import { CHANNELS, type Channel, type NotificationsConfig, TimeOfDay } from './config';

/**
 * What a person chose (PUT /me/notification-settings). Absent settings: every channel the city
 * enables that the person can be reached on (the group robots always; SMS with a phone).
 */
export const NotificationSettings = lazySchema(() =>
  z.strictObject({
    /** Channels this person turned off. */
    optOut: z.array(z.enum(CHANNELS)).max(CHANNELS.length).default([]),
    /** For SMS; the person record's phone when absent. Mainland mobile numbers, +86 optional. */
    phone: z
      .string()
      .regex(/^(\+86)?1[3-9]\d{9}$/, schemaText(message('schema.mobile')))
      .optional(),
    /** For e-mail: without one, no e-mail. */
    email: z
      .email(schemaText(message('schema.emailAddress')))
      .max(254)
      .optional(),
    /** One message a day (at the city's `digestAt`) instead of one per notification. */
    digest: z.boolean().default(false),
  }),
);
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const DEFAULT_SETTINGS: NotificationSettings = { optOut: [], digest: false };

/**
 * The channels a notification goes out on: enabled by the city, not turned off by the person, and
 * reachable (SMS needs a phone, e-mail an address; a group robot needs the item's office, checked
 * by the worker when it looks the robot up).
 *
 * @example channelsFor(['wecom', 'sms'], { optOut: [], digest: false }, undefined) // ['wecom']
 */
export function channelsFor(
  enabled: readonly Channel[],
  settings: NotificationSettings,
  personPhone: string | undefined,
): Channel[] {
  return enabled.filter((c) => {
    if (settings.optOut.includes(c)) return false;
    if (c === 'sms') return (settings.phone ?? personPhone) !== undefined;
    if (c === 'email') return settings.email !== undefined;
    return true;
  });
}

const minutesOf = (t: z.infer<typeof TimeOfDay>) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** The city's local wall-clock minutes of the day at `at`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** The next instant at or after `at` whose local time is `time` (whole minutes). */
function nextLocal(at: Date, time: string, timeZone: string): Date {
  const now = localMinutes(at, timeZone);
  let wait = minutesOf(time) - now;
  if (wait < 0) wait += 24 * 60;
  const start = new Date(at.getTime() - (at.getTime() % 60_000));
  return new Date(start.getTime() + wait * 60_000);
}

/**
 * When a send may go out: `at` itself, or the end of the quiet window it falls in (city local
 * time; a window may cross midnight, e.g. 22:00–07:00).
 *
 * @example sendAfterQuietHours(new Date('2026-12-07T15:00:00Z'), { start: '22:00', end: '07:00' }, 'Asia/Shanghai') // 2026-12-07T23:00:00Z (07:00 local)
 */
export function sendAfterQuietHours(
  at: Date,
  quiet: NotificationsConfig['quietHours'],
  timeZone: string,
): Date {
  if (quiet === undefined) return at;
  const now = localMinutes(at, timeZone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  return inside ? nextLocal(at, quiet.end, timeZone) : at;
}

/**
 * When a notification is sent: the person's digest time for a digest reader, else now unless quiet
 * hours hold it back. A digest that falls in quiet hours waits for their end too.
 *
 * @example sendTime(now, config, { digest: true, optOut: [] }, 'Asia/Shanghai') // the next 08:00 local
 */
export function sendTime(
  at: Date,
  config: Pick<NotificationsConfig, 'quietHours' | 'digestAt'>,
  settings: Pick<NotificationSettings, 'digest'>,
  timeZone: string,
): Date {
  const base = settings.digest ? nextLocal(at, config.digestAt, timeZone) : at;
  return sendAfterQuietHours(base, config.quietHours, timeZone);
}

/** Tries per channel within one delivery before the item is dead-lettered. */
export const DELIVERY_ATTEMPTS = 5;

/**
 * The wait before retry `attempt` (1-based): exponential from `baseMs`, capped at 30 s.
 *
 * @example retryDelayMs(3, 100) // 400
 */
export const retryDelayMs = (attempt: number, baseMs: number): number =>
  Math.min(30_000, baseMs * 2 ** Math.max(0, attempt - 1));

/**
 * The body of a group robot message: WeCom's and DingTalk's documented text message, naming the
 * person by their mobile so the group app notifies them (`mentioned_mobile_list` / `at.atMobiles`).
 *
 * @example robotPayload('wecom', '新线索…', '13800138000') // { msgtype: 'text', text: { content: '新线索…', mentioned_mobile_list: ['13800138000'] } }
 */
export function robotPayload(channel: 'wecom' | 'dingtalk', text: string, mobile: string | undefined) {
  const mobiles = mobile !== undefined ? [mobile.replace(/^\+86/, '')] : [];
  return channel === 'wecom'
    ? { msgtype: 'text', text: { content: text, mentioned_mobile_list: mobiles } }
    : { msgtype: 'text', text: { content: text }, at: { atMobiles: mobiles, isAtAll: false } };
}

/**
 * The text DingTalk's robot signature is computed over: the timestamp (ms), a newline, the secret
 * (HMAC-SHA256 keyed with the secret, base64, URL-encoded as `sign`, with `timestamp`, on the URL).
 */
export const dingTalkStringToSign = (timestampMs: number, secret: string) => `${timestampMs}\n${secret}`;

/** The day a digest collects: the city's local date of its send time. */
export const digestDay = (sendAt: Date, timeZone: string) => localDate(sendAt, timeZone);
