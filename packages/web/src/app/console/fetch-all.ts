/** Every page of a paged API list (`items` and `cursor`), in order, up to `maxPages`. */
import type { ApiClient } from '../api';

export async function allPages<T>(
  api: ApiClient,
  path: string,
  opts: {
    readonly key?: 'items' | 'features';
    readonly maxPages?: number;
    readonly signal?: AbortSignal;
  } = {},
): Promise<T[]> {
  const key = opts.key ?? 'items';
  const out: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api.request<Record<string, unknown> & { cursor?: string }>(
      'GET',
      cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path,
      { signal: opts.signal },
    );
    out.push(...((page[key] as T[] | undefined) ?? []));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < (opts.maxPages ?? Number.POSITIVE_INFINITY));
  return out;
}
