// Words for what the themes' core sends as codes and figures: a score's parts (the core's `why`
// is English, for the command line), a category code named in the reader's language, and the
// card's timeline events worded.
import { t, named, tEnum } from './i18n.svelte';
import type { ScorePart } from './types/ScorePart';
import type { Taxonomy } from './types/Taxonomy';
import type { ThemeEvent } from './types/ThemeEvent';

export const PARTS = ['growth', 'severity', 'anomaly', 'member_risk', 'repeats'] as const;

/** Why a part has its value, from its figures, in the reader's language. */
export function partWhy(p: ScorePart): string {
  const f = (name: string) => p.figures[name] ?? 0;
  switch (p.part) {
    case 'growth':
      return f('q') >= 1 && p.value === 0 ? t('themes.why.growth_none') : t('themes.why.growth', { q: f('q').toFixed(3) });
    case 'severity':
      return t('themes.why.severity', { count: f('count'), of: f('of') });
    case 'repeats':
      return t('themes.why.repeats', { count: f('count'), of: f('of') });
    case 'anomaly':
      return f('q') >= 1 ? t('themes.why.anomaly_none') : t('themes.why.anomaly', { q: f('q').toFixed(3) });
    case 'member_risk':
      return f('objects') === 0 ? t('themes.why.risk_none') : t('themes.why.risk', { objects: f('objects'), ratio: f('ratio').toFixed(2) });
    default:
      return p.why;
  }
}

/** A part's value with its interval (a point part shows no interval). */
export function partValue(p: ScorePart): string {
  const v = p.value.toFixed(2);
  return p.low === p.high ? v : `${v} (${p.low.toFixed(2)}–${p.high.toFixed(2)})`;
}

/** A category code (or an office label the taxonomy does not know) named in the reader's language. */
export function categoryName(taxonomy: Taxonomy | null | undefined, code: string): string {
  const c = taxonomy?.categories.find((x) => x.code === code);
  return c ? named(c) : code;
}

/** A timeline event's detail in the reader's language (codes worded; numbers and dates as they are). */
export function eventText(e: ThemeEvent): string {
  const words = e.detail.split(' ');
  switch (e.kind) {
    case 'version':
    case 'retired': return `v${e.detail}`;
    case 'decision': return `${tEnum('themes.event', words[0])}: ${words.slice(2).join(' ')}`;
    case 'act': return tEnum('effect.kind', e.detail);
    case 'outcome': return `${tEnum('effect.kind', words[0])} — ${tEnum('outcome_stage', words[1])}: ${tEnum('outcome_result', words[2])}`;
    default: return e.detail;
  }
}
