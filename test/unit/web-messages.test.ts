/**
 * The web app's catalogue: both languages have every key, the same placeholders and no empty
 * message, and filling a message keeps a placeholder it was not given visible.
 */
import { CATALOGUES, format, placeholders } from '@gridpatrol/web/messages';
import { describe, expect, it } from 'vitest';
import { expectCataloguesAlike } from '../support/catalogues';

describe('web app messages', () => {
  const zh = CATALOGUES['zh-CN'];
  const en = CATALOGUES.en;

  it('has every key in both languages, with the same placeholders', () => {
    expectCataloguesAlike(zh, en, placeholders);
  });

  it('writes Chinese in the Chinese catalogue', () => {
    // A key copied across untranslated would show English on a Chinese screen.
    // (The language switch names the other language; the shift window is placeholders only.)
    const untranslated = Object.entries(zh).filter(([, v]) => !/[\u4e00-\u9fff]/.test(v));
    expect(untranslated.map(([k]) => k)).toEqual(['lang.switch', 'tasks.window']);
  });

  it('fills placeholders, and keeps one it was not given visible', () => {
    expect(format('zh-CN', 'tasks.visit', { position: 2, of: 5 })).toBe('第 2/5 站');
    expect(format('en', 'tasks.visit', { position: 2 })).toBe('Stop 2 of {of}');
  });
});
