/**
 * The shell: header (pages, language, sign-out), what waits in the outbox, what this browser cannot
 * do, and the page for the path. Client-side routes under /app/ (the server answers index.html for
 * them): /app/ my tasks, /app/report, /app/findings, and the desk console under /app/console/
 * (console/pages.ts; loaded only when opened).
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../messages';
import { ApiError, errorText, RETRYABLE } from './api';
import { session, signOut } from './auth';
import { CONSOLE_ROOT, mayUseConsole } from './console/pages';
import { type AppContext, requestOnce } from './context';
import { FindingsPage } from './findings';
import { hasGeolocation } from './geo';
import { language, setLanguage, t } from './i18n';
import { NotificationsLink, NotificationsPage, unread } from './notifications';
import { hasIndexedDb, refusals, waiting } from './outbox';
import { FIELD_ROLES, rememberedPerson, rememberPerson } from './remembered';
import { ReportPage } from './report';
import { DeactivatedPage, SignInPage } from './sign-in';
import { signal, useSignal } from './state';
import { TasksPage } from './tasks';

export const route = signal(location.pathname);

export function navigate(path: string): void {
  history.pushState(null, '', path);
  route.set(path);
}
addEventListener('popstate', () => route.set(location.pathname));

interface Me {
  id: string;
  name: string;
  role: string;
  office?: string;
  zones?: string[];
  cells?: string[];
  unreadNotifications?: number;
}

const isConsolePath = (path: string) => path === '/app/console' || path.startsWith(CONSOLE_ROOT);

/** The console's shell, fetched the first time a desk person opens it. */
let consoleShell: Promise<typeof import('./console/shell')> | undefined;
function ConsoleLoader(props: { ctx: AppContext; me: Me }) {
  const [shell, setShell] = useState<typeof import('./console/shell') | undefined>();
  useEffect(() => {
    consoleShell ??= import('./console/shell');
    let live = true;
    consoleShell.then((m) => live && setShell(m));
    return () => {
      live = false;
    };
  }, []);
  return shell ? <shell.ConsoleShell {...props} /> : <main class="page">{t('app.loading')}</main>;
}

export function App({ ctx }: { ctx: AppContext }) {
  useSignal(language);
  const current = useSignal(session);
  const path = useSignal(route);
  const [me, setMe] = useState<Me | undefined>();
  const [problem, setProblem] = useState<ApiError | undefined>();

  useEffect(() => {
    setMe(undefined);
    setProblem(undefined);
    if (!current) return;
    let live = true;
    const load = () =>
      requestOnce<Me>(ctx, '/me', current.token).then(
        (m) => {
          if (!live) return;
          rememberPerson(m);
          setMe(m);
          unread.set(m.unreadNotifications ?? 0);
          setProblem(undefined);
          void ctx.outbox.flush({ now: true });
        },
        (err) => {
          if (!live) return;
          const problem = err instanceof ApiError ? err : new ApiError('server', 0, 'internal', String(err));
          // Opened without a connection: the person as last seen, so reporting offline still works.
          const known = rememberedPerson(current.personId);
          if (RETRYABLE.has(problem.kind) && known) setMe(known);
          else setProblem(problem);
        },
      );
    void load();
    addEventListener('online', load);
    return () => {
      live = false;
      removeEventListener('online', load);
    };
  }, [current?.token]);

  // Grid people and volunteers opening the console are sent to their field pages.
  const sentAway = Boolean(me && isConsolePath(path) && !mayUseConsole(me.role));
  useEffect(() => {
    if (sentAway) {
      history.replaceState(null, '', '/app/');
      route.set('/app/');
    }
  }, [sentAway]);

  const leave = () => {
    signOut(ctx.config);
    navigate('/app/');
  };

  let page: JSX.Element;
  if (!current) page = <SignInPage ctx={ctx} />;
  else if (problem?.kind === 'deactivated')
    page = <DeactivatedPage personId={current.personId} onSignOut={leave} />;
  else if (problem?.kind === 'unauthenticated')
    page = <SignInPage ctx={ctx} notice={t('error.unauthenticated')} />;
  else if (problem)
    page = (
      <main class="page">
        <p class="notice error" role="alert">
          {errorText(problem, t)}
        </p>
        <button type="button" onClick={() => location.reload()}>
          {t('error.reload')}
        </button>
      </main>
    );
  else if (!me || sentAway) page = <main class="page">{t('app.loading')}</main>;
  else if (isConsolePath(path)) page = <ConsoleLoader ctx={ctx} me={me} />;
  else if (path.startsWith('/app/report')) page = <ReportPage ctx={ctx} />;
  else if (path.startsWith('/app/findings')) page = <FindingsPage ctx={ctx} role={me.role} />;
  else if (path.startsWith('/app/notifications')) page = <NotificationsPage ctx={ctx} navigate={navigate} />;
  else if (FIELD_ROLES.has(me.role)) page = <TasksPage ctx={ctx} personId={me.id} />;
  else
    page = (
      <main class="page">
        <p class="empty">{t('tasks.notForRole')}</p>
        {mayUseConsole(me.role) && (
          <p>
            <a href={CONSOLE_ROOT} class="button primary" onClick={link(CONSOLE_ROOT)}>
              {t('console.open')}
            </a>
          </p>
        )}
      </main>
    );

  return (
    <>
      <header class="top">
        <strong class="brand">{t('app.title')}</strong>
        {me && (
          <nav>
            <a
              href="/app/"
              class={path === '/app/' || path === '/app' ? 'active' : ''}
              onClick={link('/app/')}
            >
              {t('nav.tasks')}
            </a>
            <a
              href="/app/report"
              class={path.startsWith('/app/report') ? 'active' : ''}
              onClick={link('/app/report')}
            >
              {t('nav.report')}
            </a>
            <a
              href="/app/findings"
              class={path.startsWith('/app/findings') ? 'active' : ''}
              onClick={link('/app/findings')}
            >
              {t('nav.findings')}
            </a>
            {mayUseConsole(me.role) && (
              <a
                href={CONSOLE_ROOT}
                class={isConsolePath(path) ? 'active' : ''}
                onClick={link(CONSOLE_ROOT)}
                data-testid="console-link"
              >
                {t('console.title')}
              </a>
            )}
            <NotificationsLink
              active={path.startsWith('/app/notifications')}
              go={link('/app/notifications')}
            />
          </nav>
        )}
        <span class="spacer" />
        <button
          type="button"
          class="link"
          onClick={() => setLanguage(language.get() === 'en' ? 'zh-CN' : 'en')}
        >
          {t('lang.switch')}
        </button>
        {current && (
          <button type="button" class="link" onClick={leave}>
            {t('nav.signOut')}
          </button>
        )}
      </header>
      {me && (
        <p class="whoami">
          {t('app.title')} · {me.name} · {t(`role.${me.role}` as MessageKey)} · {ctx.config.city.displayName}
        </p>
      )}
      <Notices />
      {page}
    </>
  );
}

function link(path: string) {
  return (e: MouseEvent) => {
    e.preventDefault();
    navigate(path);
  };
}

/** What waits unsent, what the server refused later, and what this browser cannot do. */
function Notices() {
  const queue = useSignal(waiting);
  const refused = useSignal(refusals);
  const missing: MessageKey[] = [];
  if (!('serviceWorker' in navigator)) missing.push('caps.noServiceWorker');
  if (!hasIndexedDb()) missing.push('caps.noIndexedDb');
  if (!hasGeolocation()) missing.push('caps.noGeolocation');
  return (
    <div class="notices">
      {queue.count > 0 && (
        <p class="notice warn" data-testid="outbox-count">
          {t('outbox.waiting', { count: queue.count })}
        </p>
      )}
      {queue.old > 0 && (
        <p class="notice error" role="alert" data-testid="outbox-old">
          {t('outbox.old', { count: queue.old })}
        </p>
      )}
      {refused.map((r, i) => (
        <p class="notice error" role="alert" key={`${r.label}-${i}`}>
          {r.label}: {t('outbox.refused', { message: errorText(r.error, t) })}{' '}
          <button type="button" onClick={() => refusals.set(refused.filter((_, j) => j !== i))}>
            {t('outbox.dismiss')}
          </button>
        </p>
      ))}
      {missing.length > 0 && (
        <p class="notice warn" data-testid="capabilities">
          {[...missing, 'caps.suggest' as const].map((k) => (
            <span key={k} class="line">
              {t(k)}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
