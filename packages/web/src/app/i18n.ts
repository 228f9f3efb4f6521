/** The language the person sees: zh-CN unless they chose another, remembered on this device. */

import { format, type MessageKey } from '../messages';
import { LANGUAGES, type Language } from '../runtime-config';
import { signal } from './state';

const KEY = 'gp.language';

function stored(): Language | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return LANGUAGES.find((l) => l === value);
  } catch {
    return undefined;
  }
}

export const language = signal<Language>('zh-CN');

export function initLanguage(defaultLanguage: Language): void {
  language.set(stored() ?? defaultLanguage);
  document.documentElement.lang = language.get();
}

export function setLanguage(next: Language): void {
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // Private mode: the choice holds for this visit only.
  }
  document.documentElement.lang = next;
  language.set(next);
}

export const t = (key: MessageKey, params?: Record<string, string | number>): string =>
  format(language.get(), key, params);
