/**
 * What the three desk pages share: loading an answer with its error in words, the refusal shown to a
 * role without the page, and the pages' own stylesheet (injected once when the console's chunk loads,
 * so the field pages' CSS stays as it is; the CSP allows inline styles).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api';
import type { AppContext } from '../../context';
import { t } from '../../i18n';
import { CONSOLE_CSS } from './styles';

if (typeof document !== 'undefined' && !document.getElementById('gp-console-b')) {
  const style = document.createElement('style');
  style.id = 'gp-console-b';
  style.textContent = CONSOLE_CSS;
  document.head.append(style);
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly reload: () => void;
}

/** An answer loaded when `deps` change, its failure in the reader's words, and a way to load it again. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (d) => live && setData(d),
      (err) => live && setError(errorText(err, t)),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

/** A page the caller's role may not open: said in words, nothing of the page shown. */
export function Refused({ title }: { title: string }) {
  return (
    <main class="page console">
      <h1>{title}</h1>
      <p class="notice error" role="alert" data-testid="refused">
        {t('console.refused')}
      </p>
    </main>
  );
}

/** A labelled section with its heading, for the pages' parts. */
export function Part({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="part" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** A number in the reader's language (thousands separated). */
export const num = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined
    ? '—'
    : n.toLocaleString(document.documentElement.lang || 'zh-CN', { maximumFractionDigits: digits });

/** A share 0–1 as a percentage. */
export const pct = (share: number | null | undefined, digits = 1): string =>
  share === null || share === undefined ? '—' : `${num(share * 100, digits)}%`;

export interface Caller {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly office?: string;
}

/** The signed-in person (GET /me): the pages decide what to show by their role. */
export function useCaller(api: AppContext['api']): Loaded<Caller> {
  return useLoad(() => api.request<Caller>('GET', '/me'), [api]);
}

/** An instant as the city's clock and calendar show it: 2026-12-07 14:05. */
export function cityDateTime(config: AppContext['config'], iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: config.city.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}
