/** The languages besides English, the reference every area's texts are written in first. */
export type OtherLanguage = 'de' | 'fr' | 'es' | 'it' | 'pt';

/** One area's texts: English, and each other language with exactly the same keys (checked by the compiler). */
export interface AreaMessages<K extends string> {
  en: Record<K, string>;
  others: Record<OtherLanguage, Record<K, string>>;
}

/**
 * Declares an area's texts (src/pages/<area>/messages.ts), so each area keeps its own texts in one file of its own and
 * src/i18n/areas.ts merges them. Keys start with the area's name ('crm.import.title').
 */
export function areaMessages<K extends string>(en: Record<K, string>, others: Record<OtherLanguage, Record<K, string>>): AreaMessages<K> {
  return { en, others };
}
