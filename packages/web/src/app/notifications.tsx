/**
 * 通知: what the person was told (issue 17, docs/decisions/0052), unread first, each with its text in
 * the person's language (the API words it) and a link to what it is about. Opening one marks it read;
 * "all read" marks the rest. The header shows the unread count (`unread`, from GET /me).
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from './api';
import type { AppContext } from './context';
import { language, t } from './i18n';
import { signal, useSignal } from './state';

interface Notification {
  id: string;
  text: string;
  read: boolean;
  createdAt: string;
  subject: { kind: 'finding' | 'task' | 'plan' | 'person'; id: string };
}

/** The unread count the header shows; GET /me sets it, this page keeps it true. */
export const unread = signal(0);

/** Where a notification leads in the field app: a finding to my findings, a task or plan to my tasks. */
const pageOf = (s: Notification['subject']) =>
  s.kind === 'finding' ? `/app/findings#${s.id}` : s.kind === 'person' ? undefined : '/app/';

/** The header's link, with the unread count when there is one. */
export function NotificationsLink({ active, go }: { active: boolean; go: (e: MouseEvent) => void }) {
  const count = useSignal(unread);
  return (
    <a href="/app/notifications" class={active ? 'active' : ''} onClick={go} data-testid="notifications-link">
      {t('nav.notifications')}
      {count > 0 && (
        <span class="unread-badge" data-testid="unread-count">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </a>
  );
}

export function NotificationsPage({ ctx, navigate }: { ctx: AppContext; navigate: (path: string) => void }) {
  useSignal(language);
  const [items, setItems] = useState<Notification[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  const load = () =>
    ctx.api.request<{ items: Notification[] }>('GET', '/me/notifications?limit=50').then(
      (page) => {
        setItems(page.items);
        setError(undefined);
      },
      (err) => setError(errorText(err, t)),
    );
  useEffect(() => {
    void load();
  }, [language.get()]);

  const open = async (n: Notification, e: MouseEvent) => {
    e.preventDefault();
    if (!n.read) {
      await ctx.api
        .request('POST', `/me/notifications/${encodeURIComponent(n.id)}/read`)
        .catch(() => undefined);
      unread.set(Math.max(0, unread.get() - 1));
    }
    const to = pageOf(n.subject);
    if (to) navigate(to);
    else void load();
  };
  const readAll = async () => {
    try {
      await ctx.api.request('POST', '/me/notifications/read-all');
      unread.set(0);
      await load();
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  return (
    <main class="page">
      <h1>{t('notifications.title')}</h1>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {items?.some((n) => !n.read) && (
        <button type="button" onClick={readAll}>
          {t('notifications.markAll')}
        </button>
      )}
      {items?.length === 0 && <p class="empty">{t('notifications.empty')}</p>}
      {items?.map((n) => (
        <article key={n.id} class={n.read ? 'card read' : 'card unread'} data-notification={n.id}>
          <p>{n.text}</p>
          <a href={pageOf(n.subject) ?? '#'} onClick={(e) => void open(n, e)}>
            {t('notifications.open')}
          </a>
        </article>
      ))}
    </main>
  );
}
