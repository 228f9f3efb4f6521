/**
 * Free text people type (names, addresses, notes, labels), cleaned once on the way in: every text
 * field of a request schema is built with `Text`, so what is stored, listed and exported never
 * carries a control character (a NUL that hides `=` from a CSV formula guard, an escape sequence
 * for a terminal, a bidi override that reverses what a reader sees) and is bounded in length.
 */
import * as z from 'zod';

/** C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Line breaks and tabs, which a one-line field turns into a space. */
const LINE_SPACE = /[\t\r\n\u2028\u2029]+/g;

/**
 * The text without control characters. A one-line field turns line breaks and tabs into a single
 * space; a multi-line field keeps newlines and tabs (CRLF becomes LF) and drops the rest.
 *
 * @example cleanText('Li\u0000 Wei\r\nShop') // 'Li Wei Shop'
 * @example cleanText('line 1\r\nline 2', true) // 'line 1\nline 2'
 */
export function cleanText(value: string, multiline = false): string {
  if (multiline)
    return value.replace(/\r\n?/g, '\n').replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : ''));
  return value.replace(LINE_SPACE, ' ').replace(CONTROL, '');
}

/**
 * A free-text field of at most `max` characters (after cleaning and trimming). Add `.min(1, …)` where
 * the text is required.
 *
 * @example Text(100).min(1).parse('  Wang\u0007 ') // 'Wang'
 */
export const Text = (max: number, options: { multiline?: boolean } = {}) =>
  z
    .string()
    .overwrite((v) => cleanText(v, options.multiline ?? false))
    .trim()
    .max(max);
