// Every failure shown to a person, in their language: the core's errors by their code (never the
// English sentence, which stays in the browser's console for whoever looks after the system).

import { t } from './i18n.svelte';
import { CallError } from './transport';

/** The sentence for an error caught from a call (or anything else thrown). */
export function errorText(e: unknown): string {
  if (e instanceof CallError) {
    console.warn(`ekn: ${e.code}: ${e.message}`);
    return t(`error.${e.code}`);
  }
  console.warn('ekn:', e);
  return t('error.internal');
}
