// Helpers of the document viewer: a page's text cut into pieces around the facts' spans (so the
// spans can be highlighted without building HTML by hand), and a fact's value in the reader's words.

import { t, tEnum } from './i18n.svelte';
import type { FactView } from './types/FactView';
import type { WordKey } from './words/keys';

export interface Piece {
  text: string;
  fact: FactView | null;
}

/** The page's text cut at the facts' spans (character offsets); overlapping spans keep the first. */
export function pieces(text: string, facts: FactView[]): Piece[] {
  const chars = Array.from(text);
  const sorted = [...facts].sort((a, b) => a.span[0] - b.span[0]);
  const out: Piece[] = [];
  let at = 0;
  for (const f of sorted) {
    const [start, end] = [Number(f.span[0]), Number(f.span[1])];
    if (start < at || end <= start || end > chars.length) continue;
    if (start > at) out.push({ text: chars.slice(at, start).join(''), fact: null });
    out.push({ text: chars.slice(start, end).join(''), fact: f });
    at = end;
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join(''), fact: null });
  return out;
}

/**
 * The order a person goes through a document's facts in: those still to decide first, the one the
 * reader is least sure of at the top (where a correction is likeliest to be needed), then the
 * decided ones as they stand in the document.
 */
export function byDoubt(facts: FactView[]): FactView[] {
  const place = (f: FactView) => [Number(f.page), Number(f.span[0])];
  const inDocument = (a: FactView, b: FactView) => {
    const [pa, sa] = place(a);
    const [pb, sb] = place(b);
    return pa - pb || sa - sb;
  };
  const open = facts.filter((f) => f.status === 'proposed').sort((a, b) => a.confidence - b.confidence || inDocument(a, b));
  const decided = facts.filter((f) => f.status !== 'proposed').sort(inDocument);
  return [...open, ...decided];
}

/**
 * What the viewer warns of beside a fact, as word keys: a period whose «days» were counted as
 * calendar days without the word saying so (`.plain_days`), and a period read through a word the
 * reading spelt a letter wrong and the reader put right (`.misread`, reader 2026.11.30a) — the page
 * is to be checked before confirming either.
 */
export function warnings(fact: FactView): WordKey[] {
  if (fact.kind !== 'period') return [];
  const out: WordKey[] = [];
  if (fact.rule.includes('.plain_days')) out.push('docs.unit_unconfirmed');
  if (fact.rule.includes('.misread')) out.push('docs.misread');
  return out;
}

/** A fact's value as a person reads it. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('tenge' in v) return `${Number(v.tenge).toLocaleString('ru-RU')} ₸${Number(v.tiyn) ? ` ${v.tiyn} тиын` : ''}`;
    if ('article' in v) return [v.code, `ст. ${v.article}`, v.part ? `ч. ${v.part}` : '', v.item ? `п. ${v.item}` : ''].filter(Boolean).join(' ');
    if ('unit' in v) return `${v.value} ${v.unit}`;
  }
  return JSON.stringify(value);
}

/** A fact's value in the reader's words: kinds, outcomes and units translated, the rest as written. */
export function shown(kind: string, value: unknown): string {
  if (kind === 'doc_type' || kind === 'outcome') return tEnum(kind === 'doc_type' ? 'docs.doc_type' : 'docs.outcome', String(value));
  if (kind === 'period' && value && typeof value === 'object') {
    const p = value as { value: number; unit: string };
    return `${p.value} ${tEnum('docs.unit', p.unit)}`;
  }
  return valueText(value);
}
