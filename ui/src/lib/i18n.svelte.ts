// Every word the UI shows, in Russian, Kazakh and English. Screens call `t(key, vars)`; the
// language is reactive state, so switching it re-renders every label at once. The words the
// command line says too (error codes, task kinds and statuses, the desk's and the dashboard's
// headings) live in `words/{ru,kk,en}.json`, the one catalogue `ekn` and `ekn-office` read
// (crates/ekn-i18n; its `cli.*` entries are the command line's own and are left out here); the
// UI's own words in `words/ui/{ru,kk,en}.json`. A key is typed (`WordKey`, generated into
// `words/keys.ts` by `npm run words`), so a misspelt one fails the type check; a word built from
// a value the core sends goes through `tEnum(prefix, value)`, whose families a Vitest test checks
// against the generated wire types. The test also checks the three languages have the same keys
// and no empty value.

import ruWords from './words/ru.json';
import kkWords from './words/kk.json';
import enWords from './words/en.json';
import ruOwn from './words/ui/ru.json';
import kkOwn from './words/ui/kk.json';
import enOwn from './words/ui/en.json';
import type { WordKey, WordPrefix } from './words/keys';

export type { WordKey, WordPrefix };

export type Lang = 'ru' | 'kk' | 'en';
export const LANGS: Lang[] = ['ru', 'kk', 'en'];

type Dict = Record<string, string>;

/** The shared catalogue's words for the UI: plain texts only, without the command line's own. */
function shared(words: Record<string, unknown>): Dict {
  const dict: Dict = {};
  for (const [key, value] of Object.entries(words)) {
    if (typeof value === 'string' && !key.startsWith('cli.')) dict[key] = value;
  }
  return dict;
}

const ru: Dict = { ...shared(ruWords), ...ruOwn };
const kk: Dict = { ...shared(kkWords), ...kkOwn };
const en: Dict = { ...shared(enWords), ...enOwn };

export const DICTIONARIES: Record<Lang, Dict> = { ru, kk, en };

export const i18n = $state({ lang: 'ru' as Lang });

/** The label for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: WordKey, vars: Record<string, string | number> = {}): string {
  return word(key, vars);
}

/** The word for a value the core sends (a task's kind, a unit, an error code): `prefix.value`.
 * The value is the core's, so the key is known only at run time; tests/i18n.test.ts checks every
 * value of each family has its word. */
export function tEnum(prefix: WordPrefix, value: string, vars: Record<string, string | number> = {}): string {
  return word(`${prefix}.${value}`, vars);
}

function word(key: string, vars: Record<string, string | number>): string {
  const text = DICTIONARIES[i18n.lang][key] ?? DICTIONARIES.ru[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** A name in the current language from a record with name_ru/name_kk/name_en. */
export function named(value: { name_ru: string; name_kk: string; name_en: string } | null | undefined): string {
  if (!value) return '—';
  return i18n.lang === 'kk' ? value.name_kk : i18n.lang === 'en' ? value.name_en : value.name_ru;
}

/** A text in the current language from a record with ru/kk/en. */
export function local(value: { ru: string; kk: string; en: string } | null | undefined): string {
  if (!value) return '—';
  return i18n.lang === 'kk' ? value.kk : i18n.lang === 'en' ? value.en : value.ru;
}

/** A date (YYYY-MM-DD) the way people of the chosen language write it. */
/** A share (0.123) as a percentage with one decimal (12.3%). */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const [y, m, d] = iso.split('-');
  return i18n.lang === 'en' ? `${y}-${m}-${d}` : `${d}.${m}.${y}`;
}
