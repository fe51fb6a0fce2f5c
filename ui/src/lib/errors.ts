// Every failure shown to a person, in their language: the core's errors by their code (never the
// English sentence, which stays in the browser's console for whoever looks after the system), and
// where in a file the problem is when the core says so (file, line or row, column, value).

import { t, tEnum } from './i18n.svelte';
import { CallError } from './transport';
import type { ErrorDetail } from './types/ErrorDetail';

/** Where in a file a problem is, in the reader's language. */
export function detailText(d: ErrorDetail): string {
  const place = t(d.position === 'row' ? 'error.at_row' : 'error.at_line', { file: d.file, line: d.line });
  const field = d.field && d.field !== '—' && d.field !== '-' ? t('error.at_field', { field: d.field }) : '';
  const value = d.value !== undefined ? t('error.at_value', { value: d.value }) : '';
  return [place, field, value].filter(Boolean).join(', ');
}

/** The code behind each sentence `errorText` gave, so the place that shows it can link to the
 *  guide's topic on that code (`ErrorNote`). A sentence that names a file's line and value is new
 *  each time, so only the latest `KEPT_CODES` are kept (a Map iterates oldest first): a sentence
 *  still on screen is always among them. */
const codes = new Map<string, string>();
const KEPT_CODES = 200;

/** The error code a sentence from `errorText` stands for, if it came from the core. */
export function codeOf(text: string): string | null {
  return codes.get(text) ?? null;
}

/** The sentence for an error caught from a call (or anything else thrown). */
export function errorText(e: unknown): string {
  if (e instanceof CallError) {
    console.warn(`ekn: ${e.code}: ${e.message}`);
    const text = tEnum('error', e.code);
    const sentence = e.detail ? `${text} — ${detailText(e.detail)}` : text;
    codes.delete(sentence);
    codes.set(sentence, e.code);
    if (codes.size > KEPT_CODES) codes.delete(codes.keys().next().value!);
    return sentence;
  }
  console.warn('ekn:', e);
  return t('error.internal');
}
