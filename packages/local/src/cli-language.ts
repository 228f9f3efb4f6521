/**
 * The language the `gridpatrol` command speaks: `--lang`, else the locale (LC_ALL, then LANG: any
 * zh* is zh-CN, any en* is en; C, POSIX and the rest say nothing), else the city's language. Its
 * words come from the API's catalogue (packages/core/src/messages); JSON output keeps its English
 * keys. docs/decisions/0048.
 */
import {
  type DomainError,
  inEnglish,
  type Language,
  type Message,
  type MessageKey,
  type MessageParam,
  message,
  type RenderContext,
  render,
} from '@gridpatrol/core';

/** zh-CN or en from a tag such as `zh`, `zh_CN.UTF-8`, `en-US`; undefined for anything else. */
export function languageOfTag(tag: string | undefined): Language | undefined {
  const primary = tag
    ?.trim()
    .toLowerCase()
    .split(/[-_.@]/)[0];
  return primary === 'zh' ? 'zh-CN' : primary === 'en' ? 'en' : undefined;
}

/**
 * @example cliLanguage(undefined, { LANG: 'zh_CN.UTF-8' }, 'en') // 'zh-CN'
 * @example cliLanguage('en', { LANG: 'zh_CN.UTF-8' }, 'zh-CN') // 'en'
 * @example cliLanguage(undefined, { LANG: 'C.UTF-8' }, 'zh-CN') // 'zh-CN'
 */
export function cliLanguage(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cityLanguage: Language,
): Language {
  if (flag !== undefined) {
    const chosen = languageOfTag(flag);
    if (!chosen) throw new Error(`--lang '${flag}': use zh-CN or en.`);
    return chosen;
  }
  // LC_ALL overrides LANG when it is set (POSIX); a locale in neither language leaves the city's.
  const locale = env.LC_ALL?.trim() ? env.LC_ALL : env.LANG;
  return languageOfTag(locale) ?? cityLanguage;
}

/** The command's words in its reader's language and the city's time. */
export interface Speaker {
  readonly context: RenderContext;
  say(key: MessageKey, params?: Record<string, MessageParam>): string;
  text(msg: Message): string;
  /** An error's words: a domain error's catalogue entry, else its message. */
  error(err: unknown): string;
}

export function speaker(language: Language, timeZone?: string): Speaker {
  const context: RenderContext = timeZone === undefined ? { language } : { language, timeZone };
  const text = (msg: Message) => render(msg, context);
  return {
    context,
    text,
    say: (key, params) => text(message(key, params)),
    error: (err) => {
      const t = (err as DomainError | undefined)?.text;
      if (t) return text(t);
      return err instanceof Error ? err.message : String(err);
    },
  };
}

/** English words, as logs and tests of core functions read them. */
export const englishSpeaker: Speaker = {
  context: { language: 'en' },
  say: (key, params) => inEnglish(message(key, params)),
  text: inEnglish,
  error: (err) => (err instanceof Error ? err.message : String(err)),
};
