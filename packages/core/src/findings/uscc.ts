import { inEnglish, type Message, message } from '../messages';

/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): the 18 characters on every
 * business licence. An officer types it when a case is resolved as licensed, so a typo must be
 * caught on the spot, not found months later when the licence cannot be looked up.
 *
 *   position  1      registration authority (登记管理部门代码, e.g. 9 = market regulation)
 *             2      institution category (机构类别代码, e.g. 1 = company, 2 = individual business)
 *             3-8    administrative division of the registering office (GB/T 2260), six digits
 *             9-17   subject identifier = the organisation code (组织机构代码, GB 11714): eight
 *                    characters and their own check character
 *             18     check character over positions 1-17
 *
 * Positions 1 and 2 are not checked against a list of codes: new authorities and categories have
 * been added since 2015 and a stale list would refuse a real licence.
 */

/** GB 32100 code alphabet: digits and capitals without I, O, Z, S, V; a character's value is its index. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/** GB 11714 weights for the eight body characters of an organisation code. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * What an officer's phone may produce for a code: full-width characters from a Chinese input method,
 * lower case, spaces or dashes between groups. Normalised before any check.
 *
 * @example normaliseUscc(' ９１１１０１０８５５１３８５０８２ｑ ') // '91110108551385082Q'
 */
export function normaliseUscc(code: string): string {
  return code.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/**
 * The 18th character that positions 1-17 call for, or null when they are not 17 code characters.
 *
 * @example usccCheckCharacter('91110108551385082') // 'Q'
 */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    const weight = USCC_WEIGHTS[i];
    if (value < 0 || weight === undefined) return null;
    sum += value * weight;
  }
  // 31 − (Σ mod 31), where 31 (Σ divisible by 31) is written as 0.
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/**
 * The 9th character of an organisation code (GB 11714) from its first eight: digits count as
 * themselves, letters A-Z as 10-35; C9 = 11 − (Σ mod 11), with 10 written X and 11 written 0.
 *
 * @example organisationCodeCheckCharacter('55138508') // '2'
 */
export function organisationCodeCheckCharacter(body8: string): string | null {
  if (!/^[0-9A-Z]{8}$/.test(body8)) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charCodeAt(i);
    const value = ch <= 57 ? ch - 48 : ch - 55; // '0'..'9' → 0..9, 'A'..'Z' → 10..35
    sum += value * (ORG_WEIGHTS[i] ?? 0);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export interface UsccOptions {
  /**
   * Also check the organisation code's own check character (position 17). GB 32100 says positions
   * 9-17 follow GB 11714, and every published code we verified does; 'ignore' exists in case a
   * registry is found issuing codes that do not (then only the 18th character is checked).
   */
  readonly organisationCode?: 'check' | 'ignore';
}

/** What is wrong with a code, with the values its sentence names (catalogue `uscc.<kind>`). */
export type UsccFault =
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'character'; readonly position: number; readonly character: string }
  | { readonly kind: 'division' }
  | { readonly kind: 'organisationCheck'; readonly actual: string; readonly expected: string }
  | { readonly kind: 'check'; readonly actual: string; readonly expected: string };

/**
 * Why a code (already normalised) is not a valid unified social credit code, or null when it is:
 * the first fault, naming the position, so the officer knows which character to look at again.
 * No words here, so the field app checks a code without the API's message catalogue in its bundle.
 *
 * @example usccFault('91110108551385082R') // { kind: 'check', actual: 'R', expected: 'Q' }
 */
export function usccFault(code: string, options: UsccOptions = {}): UsccFault | null {
  if (code.length !== 18) return { kind: 'length', length: code.length };
  for (let i = 0; i < 18; i++) {
    const ch = code.charAt(i);
    if (!USCC_ALPHABET.includes(ch)) return { kind: 'character', position: i + 1, character: ch };
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) return { kind: 'division' };
  if ((options.organisationCode ?? 'check') === 'check') {
    const expected = organisationCodeCheckCharacter(code.slice(8, 16));
    const actual = code.charAt(16);
    if (expected !== actual) return { kind: 'organisationCheck', actual, expected: expected ?? '?' };
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  const actual = code.charAt(17);
  if (expected !== actual) return { kind: 'check', actual, expected: expected ?? '?' };
  return null;
}

/**
 * As usccFault, in English words naming the position.
 *
 * @example usccProblem('91110108551385082Q') // null
 * @example usccProblem('91110108551385082R') // 'check character is R, expected Q (position 18)'
 */
export function usccProblem(code: string, options: UsccOptions = {}): string | null {
  const text = usccProblemText(code, options);
  return text === null ? null : inEnglish(text);
}

/** As usccFault, as a catalogue entry for the reader's language. */
export function usccProblemText(code: string, options: UsccOptions = {}): Message | null {
  const fault = usccFault(code, options);
  if (fault === null) return null;
  const { kind, ...params } = fault;
  return message(`uscc.${kind}`, params);
}

/**
 * @example isValidUscc('914403001922038216') // true (Huawei Technologies Co., Ltd.)
 * @example isValidUscc('914403001922038217') // false
 */
export function isValidUscc(code: string, options: UsccOptions = {}): boolean {
  return usccFault(code, options) === null;
}
