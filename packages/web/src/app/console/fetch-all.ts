/**
 * Every page of a paged API list (`items` and `cursor`), in order, up to `maxPages`. A city's map is
 * tens of pages: a page the service could not answer for the moment (503, no connection) is asked
 * again up to four times, 0.5 s to 6 s apart, rather than lose the whole map to one busy moment.
 */
import { type ApiClient, ApiError } from '../api';

const RETRY_AFTER_MS = [500, 1500, 3000, 6000];

async function withRetries<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask();
    } catch (err) {
      const wait = RETRY_AFTER_MS[attempt];
      const passing = err instanceof ApiError && (err.kind === 'unavailable' || err.kind === 'offline');
      if (!passing || wait === undefined) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * `keep` turns each item into what the caller holds on to, page by page, so that a long list (a
 * city's thousands of cells) is never all held in full at once.
 */
export async function allPages<T, U = T>(
  api: ApiClient,
  path: string,
  opts: {
    readonly key?: 'items' | 'features';
    readonly maxPages?: number;
    readonly signal?: AbortSignal;
    readonly keep?: (item: T) => U;
  } = {},
): Promise<U[]> {
  const key = opts.key ?? 'items';
  const keep = opts.keep ?? ((item: T) => item as unknown as U);
  const out: U[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path;
    const page = await withRetries(() =>
      api.request<Record<string, unknown> & { cursor?: string }>('GET', url, { signal: opts.signal }),
    );
    out.push(...((page[key] as T[] | undefined) ?? []).map(keep));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < (opts.maxPages ?? Number.POSITIVE_INFINITY));
  return out;
}
