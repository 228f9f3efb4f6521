/** The languages the API speaks. The web app's catalogue (packages/web) uses the same two tags. */
export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/**
 * The language of an answer from an `Accept-Language` header: the supported language with the
 * highest q (any `zh*` is zh-CN, any `en*` is en; ties keep the header's order), else the city's.
 *
 * @example negotiateLanguage('en-US,en;q=0.9,zh;q=0.8', 'zh-CN') // 'en'
 * @example negotiateLanguage(undefined, 'zh-CN') // 'zh-CN'
 */
export function negotiateLanguage(header: string | undefined, fallback: Language): Language {
  if (!header) return fallback;
  let best: { language: Language; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const primary = tag.trim().toLowerCase().split('-')[0];
    const language: Language | undefined = primary === 'zh' ? 'zh-CN' : primary === 'en' ? 'en' : undefined;
    if (language && (best === undefined || q > best.q)) best = { language, q };
  }
  return best?.language ?? fallback;
}
