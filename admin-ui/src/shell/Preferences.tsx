import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { languageNames, languages, type Language } from '../i18n/messages';
import { applyTheme, storedTheme, type ThemeChoice } from '../theme/theme';

/** Language and theme pickers, on the sign-in page and in the console's header. */
export function Preferences() {
  const { t, language, setLanguage } = useI18n();
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  return (
    <div className="preferences">
      <label>
        <span className="visually-hidden">{t('app.language')}</span>
        <select value={language} onChange={(e) => setLanguage(e.target.value as Language)} aria-label={t('app.language')}>
          {languages.map((code) => <option key={code} value={code} lang={code}>{languageNames[code]}</option>)}
        </select>
      </label>
      <label>
        <span className="visually-hidden">{t('app.theme')}</span>
        <select value={theme} aria-label={t('app.theme')}
                onChange={(e) => { const next = e.target.value as ThemeChoice; setTheme(next); applyTheme(next); }}>
          <option value="system">{t('app.theme.system')}</option>
          <option value="light">{t('app.theme.light')}</option>
          <option value="dark">{t('app.theme.dark')}</option>
        </select>
      </label>
    </div>
  );
}
