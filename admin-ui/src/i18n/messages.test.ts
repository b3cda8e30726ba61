import { describe, expect, it } from 'vitest';
import { initialLanguage, translate } from './i18n';
import { catalogs, languages, reference } from './messages';

describe('messages', () => {
  it('are the six languages the receptionist speaks', () => {
    expect([...languages].sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'pt']);
  });

  for (const language of languages) {
    it(`${language} has every key, each non-empty, with the same placeholders as English`, () => {
      const catalog = catalogs[language];
      const missing = Object.keys(reference).filter((key) => !(catalog as Record<string, string>)[key]?.trim());
      expect(missing, `missing in ${language}`).toEqual([]);
      const extra = Object.keys(catalog).filter((key) => !(key in reference));
      expect(extra, `unknown keys in ${language}`).toEqual([]);
      for (const [key, text] of Object.entries(reference)) {
        const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(placeholders((catalog as Record<string, string>)[key] ?? ''), `${language} ${key}`).toEqual(placeholders(text));
      }
    });
  }

  it('fills placeholders', () => {
    expect(translate('de', 'app.signedInAs', { actor: 'ana', role: 'Prüfer' })).toBe('Angemeldet als ana (Prüfer)');
  });

  it('starts in the stored language, else the browser\'s, else English', () => {
    expect(initialLanguage('fr', ['de-DE'])).toBe('fr');
    expect(initialLanguage(null, ['nl-NL', 'pt-BR'])).toBe('pt');
    expect(initialLanguage('xx', ['ja'])).toBe('en');
  });
});
