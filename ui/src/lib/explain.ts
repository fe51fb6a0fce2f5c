// Words for the parts of a deadline's explanation the core sends as data: warnings (what is not
// confirmed law) and the extension cap. Kept apart from the components so every screen that shows
// a due date says the same thing, in the reader's language.

import { t, formatDate, named, local, tEnum } from './i18n.svelte';
import type { Warning } from './types/Warning';
import type { CapDate } from './types/CapDate';
import type { RuleView } from './types/RuleView';

/** A warning of an explanation as a sentence in the current language. */
export function warningText(w: Warning): string {
  switch (w.kind) {
    case 'no_calendar':
      return t(w.by_rule ? 'warn.no_calendar_rule' : 'warn.no_calendar', { year: w.year });
    case 'unconfirmed_holiday':
      return t('warn.unconfirmed_holiday', { name: named(w), date: formatDate(w.date) });
    case 'unconfirmed_transfer':
      return t('warn.unconfirmed_transfer', { date: formatDate(w.date) });
    case 'pending':
      return t('warn.pending', { what: named(w), from: formatDate(w.from), to: formatDate(w.to) });
    case 'unverified_norm':
      return t('warn.unverified_norm', { norm: w.norm_id });
    case 'hand_period':
      return t('warn.hand_period');
    case 'unverified_cap':
      return t('warn.unverified_cap', { norm: w.norm_id });
    case 'unconfirmed_in_force':
      return t('warn.unconfirmed_in_force', {
        norm: w.norm_id,
        from: formatDate(w.from),
        certain: w.certain_from ? t('warn.certain_from', { date: formatDate(w.certain_from) }) : '',
      });
    case 'version_boundary':
      return t('warn.version_boundary', { norm: w.norm_id, from: formatDate(w.other_from), due: formatDate(w.other_due) });
    case 'before_first_version':
      return t('warn.before_first_version', { norm: w.norm_id, from: formatDate(w.first_from) });
    case 'unconfirmed_end_rule':
      return t('warn.unconfirmed_end_rule', { norm: w.norm_id, raw: formatDate(w.raw_end), due: formatDate(w.due) });
    case 'unconfirmed_cap_end':
      return t('warn.unconfirmed_cap_end', { norm: w.norm_id });
    case 'caveat':
      return local({ ru: w.text_ru, kk: w.text_kk, en: w.text_en });
    case 'law_changed':
      return t('warn.law_changed', {
        norm: w.norm_id,
        counted: formatDate(w.counted_under),
        now: formatDate(w.now_from),
        due: formatDate(w.due),
      });
  }
}

/** The version of the law a due date was counted by, in lines: the act, article, part and
 *  edition, why that version applies, whose deadline it is, and the law's own words. */
export function lawLines(rule: RuleView | null | undefined): { label: string; text: string }[] {
  if (!rule?.law) return [];
  const lines = [];
  if (rule.legal_basis) lines.push({ label: t('date.law'), text: local(rule.legal_basis) });
  if (rule.why) lines.push({ label: t('date.law_why'), text: local(rule.why) });
  lines.push({ label: t('date.governs'), text: local(rule.law.governs) });
  if (rule.law.version.quote_ru) lines.push({ label: t('date.law_words'), text: `«${rule.law.version.quote_ru}»` });
  return lines;
}

/** The extension cap: the date, what it counts from, and where a non-working end moved. */
export function capLines(cap: CapDate): string[] {
  const lines = [t('date.cap', { date: formatDate(cap.date) })];
  lines.push(tEnum('date.cap_from', cap.anchor, {
    period: tEnum('unit', cap.period.unit, { n: cap.period.amount }),
    date: formatDate(cap.anchor_date),
  }));
  if (cap.raw_date !== cap.date) {
    lines.push(tEnum('date.cap_moved', cap.on_non_working_day, { date: formatDate(cap.raw_date) }));
  }
  lines.push(local({ ru: cap.text_ru, kk: cap.text_kk, en: cap.text_en }) + (cap.verified ? '' : ` — ${t('common.unconfirmed')}`));
  return lines;
}
