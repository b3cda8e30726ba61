import { areaMessages, type AreaMessages, type OtherLanguage } from '../../i18n/area';

/** One text in en, de, fr, es, it, pt: a row per key keeps the six translations of a text side by side. */
export type Row = readonly [string, string, string, string, string, string];

/** Turns rows of six translations into an area's messages (the compiler still sees every key in every language). */
export function fromRows<K extends string>(rows: Record<K, Row>): AreaMessages<K> {
  const column = (index: number) =>
    Object.fromEntries(Object.entries<Row>(rows).map(([key, row]) => [key, row[index]!])) as Record<K, string>;
  const others = { de: column(1), fr: column(2), es: column(3), it: column(4), pt: column(5) } satisfies Record<OtherLanguage, Record<K, string>>;
  return areaMessages(column(0), others);
}
