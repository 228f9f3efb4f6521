/**
 * A person's notifications through the API (docs/decisions/0052): only the caller's own partition
 * is ever read, so nobody lists, reads or marks another person's.
 */
import {
  NotFoundError,
  type Notification,
  type NotificationListQuery,
  type NotificationOut,
  notificationLink,
  notificationMessage,
  type Person,
  type RenderContext,
  render,
} from '@gridpatrol/core';
import type { Page } from '@gridpatrol/store';
import { listNotifications, markNotificationRead } from '@gridpatrol/store';
import { now } from '../clock';

/** A notification as the reader sees it: its text in their language, and the link to its object. */
export function notificationView(n: Notification, reader: RenderContext): NotificationOut {
  const { recipientId: _r, ...rest } = n;
  return {
    ...rest,
    read: n.readAt !== undefined,
    text: render(notificationMessage(n), reader),
    link: notificationLink(n.subject),
  };
}

/** GET /me/notifications: unread first, newest first within each, paged. */
export async function myNotifications(
  caller: Person,
  query: NotificationListQuery,
  reader: RenderContext,
): Promise<Page<NotificationOut>> {
  const page = await listNotifications(caller.id, query.cursor, query.limit ?? 50);
  return { ...page, items: page.items.map((n) => notificationView(n, reader)) };
}

/** POST /me/notifications/{id}/read: 404 for an id the caller has not (theirs or none at all). */
export async function readMyNotification(
  caller: Person,
  id: string,
  reader: RenderContext,
): Promise<NotificationOut> {
  const read = await markNotificationRead(caller.id, id, now());
  if (!read) throw new NotFoundError('notification', id);
  return notificationView(read, reader);
}
