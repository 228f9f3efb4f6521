/** What every page reads: the runtime config, the API client and the outbox, made once at start. */
import type { AppConfig } from '../runtime-config';
import type { ApiClient } from './api';
import type { Outbox } from './outbox';

export interface AppContext {
  readonly config: AppConfig;
  readonly api: ApiClient;
  readonly outbox: Outbox;
  /**
   * Requests started at launch, before the page that needs them is shown, with the token they were
   * sent with; each is used once, and only by the same sign-in.
   */
  readonly early?: Record<string, { readonly token: string; readonly answer: Promise<unknown> }>;
}

/** The early answer for `path` if one was started under this token (and not used yet), else a new request. */
export function requestOnce<T>(ctx: AppContext, path: string, token: string | undefined): Promise<T> {
  const early = ctx.early?.[path];
  if (early && ctx.early) delete ctx.early[path];
  if (early && early.token === token) return early.answer as Promise<T>;
  return ctx.api.request<T>('GET', path);
}

/** Times and dates in the city's time zone, whatever the phone's own setting. */
export function cityTime(config: AppConfig, iso: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: config.city.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** Today's date (YYYY-MM-DD) in the city. */
export function cityToday(config: AppConfig, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: config.city.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** A local date's month and day, with its weekday, in the person's language. */
export function cityDate(date: string, language: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(language, {
    timeZone: 'UTC',
    month: 'long',
    day: 'numeric',
    weekday: 'short',
  }).format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}
