/**
 * Control characters in free text (issue 21.8): every string a request body carries either refuses
 * them (ids, dates, codes: a pattern) or is cleaned by core's `Text` (names, addresses, notes), so
 * nothing stored, listed or exported holds one. Walks every body schema of the manifest.
 */
import { cleanText, Text } from '@gridpatrol/core';
import { ROUTES, type RouteDef, routeKey } from '@gridpatrol/functions';
import { describe, expect, it } from 'vitest';
import { detailPath, leavesOf, variantsOf } from '../support/schema-walk';

/** Control and bidi format characters, but the newline and tab a note may keep. */
const CONTROL = /(?![\n\t])[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

describe('cleanText / Text', () => {
  it('drops control and bidi characters; a one-line field turns line breaks into a space', () => {
    expect(cleanText('Li\u0000 Wei\u0007')).toBe('Li Wei');
    expect(cleanText('a\r\nb\tc')).toBe('a b c');
    expect(cleanText('\u202eexe.txt')).toBe('exe.txt');
    expect(cleanText('\u009b31m red')).toBe('31m red');
    expect(cleanText('张三小吃店')).toBe('张三小吃店');
  });

  it('keeps newlines and tabs in a multi-line field, CRLF as LF', () => {
    expect(cleanText('line 1\r\nline 2\tend\u0000', true)).toBe('line 1\nline 2\tend');
  });

  it('bounds and trims after cleaning', () => {
    expect(Text(5).parse('  ab\u0000c  ')).toBe('abc');
    expect(Text(3).safeParse('abcd').success).toBe(false);
    expect(Text(3).min(1).safeParse('\u0000 ').success).toBe(false);
  });
});

describe('every string of every request body', () => {
  it('refuses a control character or removes it', () => {
    const leaks: string[] = [];
    for (const route of (ROUTES as readonly RouteDef[]).filter((r) => r.request?.body)) {
      for (const variant of variantsOf(route.request?.body as Parameters<typeof variantsOf>[0]))
        for (const leaf of leavesOf(variant).filter((l) => l.kind === 'string')) {
          for (const probe of ['ok\u0000text', 'ok\u001btext', 'ok\u202etext']) {
            const parsed = leaf.schema.safeParse(probe);
            if (parsed.success && typeof parsed.data === 'string' && CONTROL.test(parsed.data))
              leaks.push(
                `${routeKey(route)} ${detailPath('body', leaf.path)} keeps ${JSON.stringify(probe)}`,
              );
          }
        }
    }
    expect(leaks).toEqual([]);
  });
});
