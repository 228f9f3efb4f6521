/**
 * The check every pair of message catalogues must pass (the API's in core, the web app's): the
 * same keys in both languages, the same placeholders in each entry, and no empty text. Each
 * catalogue brings its own `placeholders`, as each formats its own messages.
 */
import { expect } from 'vitest';

type Catalogue = Readonly<Record<string, string>>;

/** @example expectCataloguesAlike(CATALOGUES['zh-CN'], CATALOGUES.en, placeholders); */
export function expectCataloguesAlike(
  zh: Catalogue,
  en: Catalogue,
  placeholders: (text: string) => readonly string[],
): void {
  expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  const mismatched = Object.keys(en).filter(
    (k) => placeholders(zh[k] as string).join() !== placeholders(en[k] as string).join(),
  );
  expect(mismatched).toEqual([]);
  expect(Object.entries({ ...zh, ...en }).filter(([, v]) => v.trim() === '')).toEqual([]);
}
