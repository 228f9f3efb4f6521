import {
  isValidUscc,
  normaliseUscc,
  organisationCodeCheckCharacter,
  USCC_ALPHABET,
  usccCheckCharacter,
  usccProblem,
} from '@gridpatrol/core/findings/uscc';
import { describe, expect, it } from 'vitest';

/**
 * Codes published on business licences and company registries. Each passes both check characters,
 * which a made-up code does by chance once in 341 (31 × 11).
 */
const PUBLISHED = [
  '914403001922038216', // 华为技术有限公司
  '91440300708461136T', // 深圳市腾讯计算机系统有限公司
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '91110108551385082Q', // 小米科技有限责任公司
  '91110000802100433B', // 百度在线网络技术（北京）有限公司
  '91110000100010433L', // 中国石油天然气集团有限公司
  '91350100M000100Y43', // an organisation code with letters inside
];

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(PUBLISHED)('accepts the published code %s', (code) => {
    expect(usccProblem(code)).toBeNull();
    expect(isValidUscc(code)).toBe(true);
    expect(usccCheckCharacter(code.slice(0, 17))).toBe(code.charAt(17));
    expect(organisationCodeCheckCharacter(code.slice(8, 16))).toBe(code.charAt(16));
  });

  it('catches every single-character change of a published code', () => {
    for (const code of PUBLISHED) {
      for (let i = 0; i < 18; i++) {
        for (const ch of USCC_ALPHABET) {
          if (ch === code.charAt(i)) continue;
          const mutated = code.slice(0, i) + ch + code.slice(i + 1);
          expect(isValidUscc(mutated), mutated).toBe(false);
          // The 18th character alone catches it too: the weights are all prime to 31.
          expect(isValidUscc(mutated, { organisationCode: 'ignore' }), mutated).toBe(false);
        }
      }
    }
  });

  it('catches swapping two different neighbours', () => {
    for (const code of PUBLISHED) {
      for (let i = 0; i < 17; i++) {
        const a = code.charAt(i);
        const b = code.charAt(i + 1);
        if (a === b) continue;
        const swapped = code.slice(0, i) + b + a + code.slice(i + 2);
        expect(isValidUscc(swapped), swapped).toBe(false);
      }
    }
  });

  it('explains what is wrong', () => {
    expect(usccProblem('91110108551385082')).toBe('must be 18 characters, got 17');
    expect(usccProblem('91110108551385O82Q')).toMatch(/character 15 'O' is not allowed/);
    for (const letter of ['I', 'O', 'Z', 'S', 'V']) expect(USCC_ALPHABET).not.toContain(letter);
    expect(usccProblem('9111A108551385082Q')).toMatch(/characters 3-8 must be digits/);
    expect(usccProblem('91110108551385083Q')).toBe(
      'organisation code check character is 3, expected 2 (position 17)',
    );
    expect(usccProblem('91110108551385082R')).toBe('check character is R, expected Q (position 18)');
    expect(usccProblem('91110108551385082q')).toMatch(/character 18 'q'/);
  });

  it('writes 31 as 0 and 10 / 11 of GB 11714 as X / 0', () => {
    // Found by search: a body whose weighted sum is divisible by 31, and GB 11714 remainders 1 and 0.
    let zero: string | undefined;
    for (let n = 0; n < 100_000 && zero === undefined; n++) {
      const first = `91110000${String(n).padStart(8, '0')}`;
      const orgCheck = organisationCodeCheckCharacter(first.slice(8, 16)) ?? '?';
      if (usccCheckCharacter(first + orgCheck) === '0') zero = first + orgCheck;
    }
    expect(zero).toBeDefined();
    expect(isValidUscc(`${zero}0`)).toBe(true);
    expect(organisationCodeCheckCharacter('10000000')).toBe('8'); // 3 → 11 − 3
    const bodies = Array.from({ length: 200 }, (_, n) => String(n).padStart(8, '0'));
    expect(bodies.some((b) => organisationCodeCheckCharacter(b) === 'X')).toBe(true);
    expect(bodies.some((b) => organisationCodeCheckCharacter(b) === '0')).toBe(true);
    expect(organisationCodeCheckCharacter('1234567')).toBeNull();
    expect(usccCheckCharacter('9111010855138508I')).toBeNull();
  });

  it('checks only the 18th character when the organisation code is ignored', () => {
    const body = '91110108551385083';
    const code = body + (usccCheckCharacter(body) ?? '');
    expect(isValidUscc(code)).toBe(false);
    expect(isValidUscc(code, { organisationCode: 'ignore' })).toBe(true);
  });

  it('forgives full width, lower case, spaces and dashes when normalising', () => {
    expect(normaliseUscc(' ９１１１０１０８-５５１３８５０８２ｑ ')).toBe('91110108551385082Q');
    expect(normaliseUscc('9144 0300 7084 6113 6t')).toBe('91440300708461136T');
  });
});
