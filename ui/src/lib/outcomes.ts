// What became of an issued act, in the reader's words: the results each stage can have (the same
// rule as the core's `domain::outcomes`) and the measures an answer reports.

import { t, formatDate, tEnum, type WordKey } from './i18n.svelte';
import type { ActResult } from './types/ActResult';
import type { ActStage } from './types/ActStage';
import type { Measures } from './types/Measures';
import type { VerificationReason } from './types/VerificationReason';
import type { ActVerification } from './types/ActVerification';
import type { VerificationCheck } from './types/VerificationCheck';

/** The results a stage can have: an answer or a consideration satisfies or not; a court upholds or overturns. */
export const RESULTS_OF: Record<ActStage, ActResult[]> = {
  answer: ['satisfied', 'partly', 'rejected', 'withdrawn'],
  consideration: ['satisfied', 'partly', 'rejected', 'withdrawn'],
  court: ['upheld', 'overturned', 'withdrawn'],
};

/** The measures an outcome reports, in words; empty when it reports none. */
export function measuresText(m: Measures): string {
  const parts: string[] = [];
  if (m.disciplined !== null) parts.push(t('outcomes.m_disciplined', { n: m.disciplined }));
  if (m.admin_cases !== null) parts.push(t('outcomes.m_admin_cases', { n: m.admin_cases }));
  if (m.restored_tiyn !== null) parts.push(t('outcomes.m_restored', { sum: (m.restored_tiyn / 100).toLocaleString('ru-RU') }));
  if (m.eliminated !== null) parts.push(t(m.eliminated ? 'outcomes.m_eliminated' : 'outcomes.m_not_eliminated'));
  return parts.join(', ');
}

/** The four checks of what later data say of an act, with their i18n keys, in the core's order. */
export function verificationChecks(v: ActVerification): [WordKey, VerificationCheck][] {
  return [
    ['verify.inspection', v.next_inspection],
    ['verify.appeals', v.appeals],
    ['verify.category_appeals', v.category_appeals],
    ['verify.returning', v.returning_applicant],
  ];
}

/** Why a check came out as it did, in the reader's language (the core's `why` is English only). */
export function reasonText(reason: VerificationReason): string {
  const vars: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(reason)) {
    if (key === 'code') continue;
    vars[key] = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : (value as string | number);
  }
  return tEnum('verify.reason', reason.code, vars);
}
