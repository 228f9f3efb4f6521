/**
 * A city's notification settings (the city file's `notifications`, docs/decisions/0052). Webhook
 * URLs and robot secrets are never here: the delivery worker reads them from the secret store under
 * names derived from the city, office and channel.
 */

import * as z from 'zod';
import { lazySchema } from '../lazy-schema';

/** A local time of day, 24-hour `HH:MM`. */
export const TimeOfDay = lazySchema(() =>
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. 22:00'),
);

export const CHANNELS = ['wecom', 'dingtalk', 'sms', 'email'] as const;
export const Channel = lazySchema(() => z.enum(CHANNELS));
export type Channel = z.infer<typeof Channel>;

export const NotificationsConfig = lazySchema(() =>
  z
    .object({
      /** A running deadline reminds the zone's officers this many hours before it comes due. */
      deadlineLeadHours: z.number().int().min(1).max(168).default(24),
      /**
       * Channels the city delivers through besides the in-app list: WeCom / DingTalk group robots (per
       * office), SMS (SNS), e-mail (SES). Empty: in the app only.
       */
      channels: z.array(Channel).max(CHANNELS.length).default([]),
      /** In city local time; a send that falls inside waits for `end`. Crossing midnight is allowed. */
      quietHours: z.object({ start: TimeOfDay, end: TimeOfDay }).optional(),
      /** The sender of e-mail (an SES-verified address of the bureau's domain); needed for 'email'. */
      emailFrom: z.email().optional(),
      /** When a person who chose the daily digest gets it, city local time. */
      digestAt: TimeOfDay.default('08:00'),
    })
    .default({ deadlineLeadHours: 24, channels: [], digestAt: '08:00' }),
);
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;
