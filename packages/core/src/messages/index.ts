/**
 * The API's message catalogue: one file per language (en.ts, zh-CN.ts), `{name}` placeholders, as
 * the web app's catalogue has them. A throw site names a catalogue entry and its values (`message`);
 * the HTTP layer renders it in the reader's language and the city's time zone (`render`). The code
 * and the paths of an error never change with the language. docs/decisions/0037-api-messages.md.
 */
import { localDateTime } from '../calendar';
import { buildEn, type MessageKey } from './en';
import type { Language } from './language';
import { buildZhCN } from './zh-CN';

export type { MessageKey } from './en';
export * from './language';

const built: Partial<Record<Language, Record<MessageKey, string>>> = {};
/**
 * Each catalogue is built at its first read, not at load (~2 ms each): a cold start builds none,
 * and a container whose requests render no message, or only Chinese ones, never builds the
 * English one (decision 0060). Errors carry their English text, so the first error builds it.
 */
export const CATALOGUES: Readonly<Record<Language, Record<MessageKey, string>>> = {
  get 'zh-CN'() {
    built['zh-CN'] ??= buildZhCN();
    return built['zh-CN'];
  },
  get en() {
    built.en ??= buildEn();
    return built.en;
  },
};

/** An instant a person reads: rendered local, with the city's offset (never as UTC). */
export interface LocalTime {
  readonly localTime: string;
}

export type MessageParam = string | number | Message | LocalTime | readonly Message[];

/** A catalogue entry with its values, to be rendered in the reader's language. */
export interface Message {
  readonly key: MessageKey;
  readonly params?: Readonly<Record<string, MessageParam>>;
  /**
   * The English text as it came from elsewhere (zod's own wording), kept for English readers
   * exactly as before; other languages render the entry.
   */
  readonly original?: string;
}

export interface RenderContext {
  readonly language: Language;
  /** The city's time zone; without one, instants stay as stored (ISO-8601 UTC), as logs want them. */
  readonly timeZone?: string;
}

/**
 * A catalogue entry and its values.
 *
 * @example message('notFound.entity', { entity: message('entity.cell'), id: 'C-1' })
 */
export const message = (key: MessageKey, params?: Record<string, MessageParam>): Message =>
  params === undefined ? { key } : { key, params };

/** An instant as a message value: shown in the city's time zone with its offset. */
export const localTime = (instant: string): LocalTime => ({ localTime: instant });

/** The `{name}` placeholders of a text, sorted. */
export const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

const isMessage = (v: unknown): v is Message => typeof v === 'object' && v !== null && 'key' in v;
const isLocalTime = (v: unknown): v is LocalTime => typeof v === 'object' && v !== null && 'localTime' in v;

/** Lists read with the language's own separator. */
const LIST_SEPARATOR: Record<Language, string> = { 'zh-CN': '；', en: '; ' };

function renderParam(value: MessageParam, context: RenderContext): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (isLocalTime(value))
    return context.timeZone === undefined
      ? value.localTime
      : localDateTime(value.localTime, context.timeZone);
  if (isMessage(value)) return render(value, context);
  return value.map((m) => render(m, context)).join(LIST_SEPARATOR[context.language]);
}

/**
 * A message in the reader's language; a placeholder it was not given stays visible.
 *
 * @example render(message('unavailable.retryIn', { seconds: 5 }), { language: 'zh-CN', timeZone: 'Asia/Shanghai' })
 *   // '数据库暂时无法访问或负载过高，请 5 秒后重试。'
 */
export function render(msg: Message, context: RenderContext): string {
  if (context.language === 'en' && msg.original !== undefined) return msg.original;
  const params = msg.params ?? {};
  return CATALOGUES[context.language][msg.key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : renderParam(value, context);
  });
}

/** The English text of a message, instants as stored: what logs and `Error.message` carry. */
export const inEnglish = (msg: Message): string => render(msg, { language: 'en' });

/** A catalogue entry in some reader's words: what a formatter of command output is given. */
export type Say = (key: MessageKey, params?: Record<string, MessageParam>) => string;

/** Say, in English: the default of formatters whose callers name no reader. */
export const sayInEnglish: Say = (key, params) => inEnglish(message(key, params));

/** Whether a string is a key of the catalogue. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(CATALOGUES.en, key);
