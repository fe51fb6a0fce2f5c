// Naming the appeals pipeline's codes in the reader's language, from the reference data the core
// sends (taxonomy, priority rules, routing units) — one place for the queue and the appeal card.

import { named, t } from './i18n.svelte';
import type { AppealsReference } from './types/AppealsReference';
import type { FiredRule } from './types/FiredRule';

/** A taxonomy code's name; a label the taxonomy does not know stays as written. */
export function categoryName(reference: AppealsReference | null, code: string | null | undefined): string {
  if (!code) return '—';
  const found = reference?.taxonomy.categories.find((c) => c.code === code);
  return found ? named(found) : code;
}

export function unitName(reference: AppealsReference | null, id: string | null | undefined): string {
  const unit = reference?.routing.units.find((u) => u.id === id);
  return unit ? named(unit) : (id ?? '—');
}

export function ruleName(reference: AppealsReference | null, id: string): string {
  const rule = reference?.priority.rules.find((r) => r.id === id);
  return rule ? named(rule) : id;
}

/** What made a rule fire: the word of the text, or the working days for the deadline rules. */
export function ruleEvidence(rule: FiredRule): string {
  return rule.id === 'overdue' || rule.id === 'deadline_near' ? t('appeals.wd', { n: Math.abs(Number(rule.evidence)) }) : rule.evidence;
}
