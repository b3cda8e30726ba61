import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { catalogs, languages, reference, type Language, type MessageKey } from './messages';

const STORAGE_KEY = 'voicecore.language';

/** The language to start with: the one chosen before, else the browser's first supported one, else English. */
export function initialLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (stored && (languages as readonly string[]).includes(stored)) {
    return stored as Language;
  }
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if ((languages as readonly string[]).includes(base ?? '')) {
      return base as Language;
    }
  }
  return 'en';
}

/** The text of key in language, with {name} placeholders filled; English when the language lacks it. */
export function translate(language: Language, key: MessageKey, values: Record<string, string> = {}): string {
  const template = catalogs[language][key] ?? reference[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export type Translate = (key: MessageKey, values?: Record<string, string>) => string;

interface I18nValue {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(
    () => fixed ?? initialLanguage(readStored(), typeof navigator === 'undefined' ? [] : navigator.languages),
  );
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage may be off (private mode): the choice then lasts for this page only.
    }
  }, []);
  const value = useMemo<I18nValue>(
    () => ({ language, setLanguage, t: (key, values) => translate(language, key, values) }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) {
    throw new Error('useI18n outside I18nProvider');
  }
  return value;
}
