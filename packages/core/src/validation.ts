import type * as z from 'zod';
// The one locale module, not `z.locales.en`: reaching through `z.locales` kept every locale zod
// ships (about 200 KB) in each Lambda bundle.
import en from 'zod/v4/locales/en.js';
import { detail, type ErrorDetail } from './errors';
import { inEnglish, isMessageKey, type Message, message } from './messages';

/** Renders a zod issue path as "body.features[3].properties.id". */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * One detail per problem. An unknown field is named by its own path ("body.availability.colour:
 * unknown field"), at whatever depth: request objects are strict throughout, so a misspelt nested
 * field is refused as loudly as a top-level one.
 */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  return withoutSafeIntegerBounds(issues).flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => detail(formatPath(prefix, [...issue.path, key]), message('zod.unknownField')))
      : [issueDetail(formatPath(prefix, issue.path), issue)],
  );
}

/**
 * zod adds its own bound (the safe-integer range) to `.int()` beside the schema's: a seed of 1e308
 * would name two maxima, 9007199254740991 and 4294967295. Where the schema's own bound speaks for
 * the same path, the safe-integer one is left out.
 */
function withoutSafeIntegerBounds(issues: readonly z.core.$ZodIssue[]): readonly z.core.$ZodIssue[] {
  const key = (issue: z.core.$ZodIssue) => `${issue.code} ${JSON.stringify(issue.path)}`;
  const ownBounds = new Set(
    issues.filter((i) => (i.code === 'too_big' || i.code === 'too_small') && i.origin !== 'int').map(key),
  );
  return issues.filter(
    (i) => !((i.code === 'too_big' || i.code === 'too_small') && i.origin === 'int' && ownBounds.has(key(i))),
  );
}

/** Texts our schemas set, by their English wording: a `.regex` keeps only the string. */
const SCHEMA_TEXTS = new Map<string, Message>();

/**
 * A message our own schema sets (`.regex`, `.refine`, `ctx.addIssue`), worded from the catalogue:
 * zod carries the English, the detail is rendered in the reader's language. A text with values
 * (an id, a number) is found through the issue's `params`, which `.regex` does not keep: give a
 * `.regex` a text without values.
 *
 * @example z.string().regex(/^P-\w+$/, schemaText(message('schema.planId')))
 */
export function schemaText(text: Message): { message: string; params: { text: Message } } {
  const english = inEnglish(text);
  if (text.params === undefined) SCHEMA_TEXTS.set(english, text);
  return { message: english, params: { text } };
}

function schemaTextOf(issue: z.core.$ZodIssue): Message | undefined {
  const text = issue.code === 'custom' ? (issue.params as { text?: Message } | undefined)?.text : undefined;
  return text ?? SCHEMA_TEXTS.get(issue.message);
}

/** zod's English wording, to tell its own messages from those our schemas set. */
const ZOD_EN = en().localeError as (issue: unknown) => string | { message: string } | undefined;

function zodDefaultMessage(issue: z.core.$ZodIssue): string | undefined {
  const out = ZOD_EN(issue);
  return typeof out === 'string' ? out : out?.message;
}

/**
 * A zod issue as a detail worded from the catalogue. zod's own messages (told apart from the ones
 * our schemas set by comparing with zod's English wording) are mapped by the issue's kind; English
 * readers keep zod's exact text. A message our schemas set comes from the catalogue (`schemaText`).
 */
function issueDetail(path: string, issue: z.core.$ZodIssue): ErrorDetail {
  const own = schemaTextOf(issue);
  if (own !== undefined) return detail(path, own);
  const text = zodIssueText(issue);
  if (text === undefined) return { path, message: issue.message };
  return detail(path, { ...text, original: issue.message });
}

/** The catalogue's word for a zod name (a type, a format), else the name itself. */
const wordOr = (key: string, name: string): Message | string => (isMessageKey(key) ? message(key) : name);

function zodIssueText(issue: z.core.$ZodIssue): Message | undefined {
  if (issue.code === 'invalid_type') {
    // zod words this one with the value received, which the issue no longer carries.
    if (!issue.message.startsWith(`Invalid input: expected ${issue.expected}`)) return undefined;
    const expected = wordOr(`zod.type.${issue.expected}`, issue.expected);
    return issue.message.endsWith('received undefined')
      ? message('zod.required', { expected })
      : message('zod.invalid_type', { expected });
  }
  if (issue.message !== zodDefaultMessage(issue)) return undefined;
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? 'minimum' : 'maximum';
      const value = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const origin = issue.origin === 'string' || issue.origin === 'array' ? issue.origin : 'number';
      const exclusive = origin === 'number' && !issue.inclusive ? 'Exclusive' : '';
      return message(`zod.${issue.code}.${origin}${exclusive}` as Message['key'], { [bound]: value });
    }
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? message('zod.invalid_format.regex', { pattern: String(issue.pattern) })
        : message('zod.invalid_format', { format: wordOr(`zod.format.${issue.format}`, issue.format) });
    case 'invalid_value':
      return message('zod.invalid_value', { values: issue.values.map(String).join('|') });
    case 'invalid_union':
      return message('zod.invalid_union');
    case 'not_multiple_of':
      return message('zod.not_multiple_of', { divisor: String(issue.divisor) });
    case 'invalid_key':
      return message('zod.invalid_key');
    case 'invalid_element':
      return message('zod.invalid_element');
    default:
      return undefined;
  }
}

/** The smallest magnitude other than 0 that DynamoDB stores (its numbers span 1e-130 to 1e126). */
export const MIN_STORABLE_MAGNITUDE = 1e-130;

/**
 * A measured number from a client (a coordinate, a GPS accuracy) that the store can keep. No real
 * measurement is as close to 0 as 1e-130, but a subnormal such as 5e-324 passes every range check
 * and then fails the write: refused here, where the field can be named, instead of a 500 there.
 *
 * @example storableNumber(z.number().min(0)).safeParse(5e-324).success // false
 */
export const storableNumber = (schema: z.ZodNumber) =>
  schema.refine(
    (v) => v === 0 || Math.abs(v) >= MIN_STORABLE_MAGNITUDE,
    schemaText(message('schema.tooCloseToZero')),
  );
