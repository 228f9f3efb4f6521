/**
 * Notifications (issue 17, docs/decisions/0052): the stored item, what the API answers, and the
 * catalogue entry each trigger reads as.
 */

import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { type Message, message } from '../messages';
import { PersonId, PersonRecord } from '../people';

/** What someone must hear about; each names the rule in ./rules that writes it. */
export const NOTIFICATION_TRIGGERS = [
  'finding_routed',
  'escalated_to_supervisor',
  'escalated_to_admin',
  'deadline_soon',
  'transfer_sent',
  'transfer_outcome',
  'reopened',
  'plan_published',
  'task_reassigned',
  'task_missed',
  'person_deactivated',
] as const;
export const NotificationTrigger = lazySchema(() => z.enum(NOTIFICATION_TRIGGERS));
export type NotificationTrigger = z.infer<typeof NotificationTrigger>;

/** The object a notification is about; the API turns it into a link. */
export const NotificationSubject = lazySchema(() =>
  z.object({
    kind: z.enum(['finding', 'task', 'plan', 'person']),
    id: z.string(),
  }),
);

/**
 * One notification for one person. `id` is its dedup id, derived from the change that caused it
 * (the event's key and the trigger), unique per recipient: a retried change writes no second item,
 * and the delivery worker sends it as the receiver's dedup key.
 */
export const Notification = lazySchema(() =>
  z.object({
    id: z.string().regex(/^[A-Za-z0-9_.:+-]{1,300}$/),
    recipientId: PersonId,
    trigger: NotificationTrigger,
    subject: NotificationSubject,
    /** The office the object belongs to (a WeCom / DingTalk group is per office); null: the city's. */
    officeId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().optional(),
    /** What the text says: a few values of the object at the time of the change. */
    data: z.record(z.string(), z.union([z.string(), z.number()])),
  }),
);
export type Notification = z.infer<typeof Notification>;

/** The API's link to a notification's object (the field app and the console route by it). */
export function notificationLink(subject: Notification['subject']): string {
  switch (subject.kind) {
    case 'finding':
      return `/findings/${subject.id}`;
    case 'task':
      return `/tasks/${subject.id}/history`;
    case 'plan':
      return `/plans/${subject.id}`;
    case 'person':
      return `/people/${subject.id}`;
  }
}

/**
 * What a notification says, as a catalogue entry of the reader's (or recipient's) language.
 *
 * @example render(notificationMessage(n), { language: 'zh-CN', timeZone }) // '新线索「张三小吃店」已分派到您的责任区'
 */
export function notificationMessage(n: Pick<Notification, 'trigger' | 'data' | 'subject'>): Message {
  const d = n.data;
  const text = (k: string) => String(d[k] ?? '');
  switch (n.trigger) {
    case 'finding_routed':
    case 'escalated_to_supervisor':
    case 'escalated_to_admin':
    case 'transfer_sent':
    case 'reopened':
      return message(`notification.${n.trigger}`, { name: text('businessName'), address: text('address') });
    case 'transfer_outcome':
      return message('notification.transfer_outcome', {
        name: text('businessName'),
        outcome: text('outcome'),
      });
    case 'deadline_soon':
      return message('notification.deadline_soon', {
        name: text('businessName'),
        deadline: { localTime: text('deadline') },
      });
    case 'plan_published':
      return message('notification.plan_published', { week: text('weekStart'), tasks: Number(d.tasks ?? 0) });
    case 'task_reassigned':
      return message(d.change === 'removed' ? 'notification.task_removed' : 'notification.task_reassigned', {
        cell: text('cellId'),
        date: text('date'),
        shift: text('shift'),
      });
    case 'task_missed':
      return message('notification.task_missed', {
        cell: text('cellId'),
        date: text('date'),
        shift: text('shift'),
      });
    case 'person_deactivated':
      return message('notification.person_deactivated', { name: text('name'), id: n.subject.id });
  }
}

/** GET /me/notifications. */
export const NotificationListQuery = lazySchema(() =>
  z.strictObject({
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  }),
);
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

/** The path of POST /me/notifications/{id}/read. */
export const NotificationIdParam = lazySchema(() => z.strictObject({ id: Notification.shape.id }));

/** A notification as the API answers it: the item, its text in the reader's language and its link. */
export const NotificationOut = lazySchema(() =>
  Notification.omit({ recipientId: true }).extend({
    read: z.boolean(),
    text: z.string(),
    link: z.string(),
  }),
);
export type NotificationOut = z.infer<typeof NotificationOut>;

/** POST /me/notifications/read-all: how many it marked, and whether more unread remain (call again). */
export const MarkAllReadOut = lazySchema(() =>
  z.object({ marked: z.number().int().min(0), more: z.boolean() }),
);

/** GET /me: the caller's record and their unread count (the app's badge). */
export const MeOut = lazySchema(() => PersonRecord.extend({ unreadNotifications: z.number().int().min(0) }));
