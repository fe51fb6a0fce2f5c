// Words for the parts of a deadline's explanation the core sends as data: warnings (what is not
// confirmed law) and the extension cap. Kept apart from the components so every screen that shows
// a due date says the same thing, in the reader's language.

import { t, formatDate, named, local } from './i18n.svelte';
import type { Warning } from './types/Warning';
import type { CapDate } from './types/CapDate';

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
  }
}

/** The extension cap: the date, what it counts from, and where a non-working end moved. */
export function capLines(cap: CapDate): string[] {
  const lines = [t('date.cap', { date: formatDate(cap.date) })];
  lines.push(t(`date.cap_from.${cap.anchor}`, {
    period: t(`unit.${cap.period.unit}`, { n: cap.period.amount }),
    date: formatDate(cap.anchor_date),
  }));
  if (cap.raw_date !== cap.date) {
    lines.push(t(`date.cap_moved.${cap.on_non_working_day}`, { date: formatDate(cap.raw_date) }));
  }
  lines.push(local({ ru: cap.text_ru, kk: cap.text_kk, en: cap.text_en }) + (cap.verified ? '' : ` — ${t('common.unconfirmed')}`));
  return lines;
}
