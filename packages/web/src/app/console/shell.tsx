/**
 * The desk console's shell: the pages the caller's role may open (pages.ts) as a side menu on a
 * wide screen, a row of tabs on a narrow one, and the page for the path, loaded when first opened.
 * A path the role may not open shows the not-found page, as the API answers what lies outside an
 * area: nothing about it.
 */
import type { ComponentChildren, ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api';
import { navigate, route } from '../app';
import type { AppContext } from '../context';
import { language, t } from '../i18n';
import { Problem } from '../notice';
import { useSignal } from '../state';
import type { ConsoleMe, ConsolePageProps } from './page-props';
import { type ConsolePage, consolePath, pageOf, pagesFor } from './pages';

const loaded = new Map<string, ComponentType<ConsolePageProps>>();

export function ConsoleShell({ ctx, me }: { ctx: AppContext; me: ConsoleMe }) {
  useSignal(language);
  const path = useSignal(route);
  const { page, rest } = pageOf(path, me.role);
  return (
    <div class="console">
      <nav class="console-nav" aria-label={t('console.title')}>
        {pagesFor(me.role).map((p) => (
          <ConsoleLink
            key={p.key}
            to={[p.path]}
            class={p === page ? 'active' : ''}
            aria-current={p === page ? 'page' : undefined}
          >
            {t(p.title)}
          </ConsoleLink>
        ))}
      </nav>
      <div class="console-main">
        {page ? <Page page={page} ctx={ctx} me={me} rest={rest} /> : <ConsoleNotFound />}
      </div>
    </div>
  );
}

function Page({ page, ...props }: ConsolePageProps & { page: ConsolePage }) {
  const [component, setComponent] = useState(() => loaded.get(page.key));
  const [failed, setFailed] = useState<unknown>();
  useEffect(() => {
    if (loaded.has(page.key)) return setComponent(() => loaded.get(page.key));
    let live = true;
    setComponent(undefined);
    page.load().then(
      (c) => {
        loaded.set(page.key, c);
        if (live) setComponent(() => c);
      },
      (err) => live && setFailed(err),
    );
    return () => {
      live = false;
    };
  }, [page.key]);
  if (failed) return <Problem text={errorText(failed, t)} />;
  const Component = component;
  return Component ? <Component {...props} /> : <p>{t('app.loading')}</p>;
}

/**
 * A link to a console page (`to`: the page's path and what follows, as consolePath takes them),
 * followed inside the app without reloading it.
 */
export function ConsoleLink({
  to,
  children,
  ...attributes
}: { to: readonly [string, ...string[]]; children: ComponentChildren } & Omit<
  JSX.HTMLAttributes<HTMLAnchorElement>,
  'href' | 'onClick'
>) {
  const href = consolePath(...to);
  return (
    <a
      {...attributes}
      href={href}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

/** What a page shows for something missing or outside the caller's area (the API's 404). */
export function ConsoleNotFound() {
  return (
    <section class="console-page" data-testid="not-found">
      <h1>{t('console.notFound.title')}</h1>
      <p class="empty">{t('error.notFound')}</p>
    </section>
  );
}
