// The document viewer's helpers: a page cut around the facts' spans (character offsets, Kazakh
// letters and all), overlapping or out-of-range spans skipped, and values in plain words; and the
// order the viewer asks about facts in: those still to decide by rising confidence, then the decided.
import { describe, expect, it } from 'vitest';
import { byDoubt, pieces, valueText, warnings } from '../src/lib/documents';
import type { FactView } from '../src/lib/types/FactView';

function fact(id: number, start: number, end: number): FactView {
  return {
    id, kind: 'number', value: 'x', proposed: 'x', page: 1, span: [start, end], bbox: null, confidence: 0.9,
    status: 'proposed', corrected: false, reason: null, decided_by: null, decided_at: null, rule: 'r', context: '',
  } as FactView;
}

describe('pieces', () => {
  it('cuts the text at the spans, counting characters not bytes', () => {
    const text = 'ҰСЫНЫС № 12 от 14.03.2025';
    const out = pieces(text, [fact(2, 15, 25), fact(1, 7, 11)]);
    expect(out.map((p) => p.text)).toEqual(['ҰСЫНЫС ', '№ 12', ' от ', '14.03.2025']);
    expect(out.map((p) => p.fact?.id ?? null)).toEqual([null, 1, null, 2]);
    expect(out.map((p) => p.text).join('')).toBe(text);
  });

  it('skips overlapping and out-of-range spans and keeps the text whole', () => {
    const text = 'abcdef';
    const out = pieces(text, [fact(1, 1, 4), fact(2, 2, 5), fact(3, 5, 99)]);
    expect(out.map((p) => p.text).join('')).toBe(text);
    expect(out.filter((p) => p.fact).map((p) => p.fact!.id)).toEqual([1]);
  });
});

describe('valueText', () => {
  it('words amounts, articles and periods', () => {
    expect(valueText({ tenge: 500000, tiyn: 0 })).toContain('₸');
    expect(valueText({ code: 'КоАП', article: '462', part: '1', item: null })).toBe('КоАП ст. 462 ч. 1');
    expect(valueText({ value: 10, unit: 'working_days' })).toBe('10 working_days');
    expect(valueText('2025-03-14')).toBe('2025-03-14');
  });
});

const doubtful = (id: number, confidence: number, status: string, page: number, at: number): FactView => ({
  id, kind: 'number', value: String(id), proposed: String(id), page, span: [at, at + 3], bbox: null, confidence, status,
  corrected: false, reason: null, decided_by: null, decided_at: null, rule: 'number.alone@requisites-2026.11.5',
  context: '', task_id: null,
});

describe('byDoubt', () => {
  it('puts the least sure open fact first and the decided ones last, in the document order', () => {
    const facts = [
      doubtful(1, 0.95, 'proposed', 1, 10),
      doubtful(2, 0.6, 'proposed', 2, 5),
      doubtful(3, 0.99, 'confirmed', 2, 1),
      doubtful(4, 0.6, 'proposed', 1, 40),
      doubtful(5, 0.7, 'rejected', 1, 2),
    ];
    expect(byDoubt(facts).map((f) => f.id)).toEqual([4, 2, 1, 5, 3]);
    expect(facts.map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('warnings', () => {
  const period = (rule: string) => ({ ...fact(1, 0, 1), kind: 'period', rule }) as FactView;
  it('warns of plain days and of a period read through a misread letter, and of nothing else', () => {
    expect(warnings(period('period.ru.within.plain_days@requisites-2026.11.30a'))).toEqual(['docs.unit_unconfirmed']);
    expect(warnings(period('period.ru.within.misread@requisites-2026.11.30a'))).toEqual(['docs.misread']);
    expect(warnings(period('period.ru.within.plain_days.misread@requisites-2026.11.30a'))).toEqual([
      'docs.unit_unconfirmed',
      'docs.misread',
    ]);
    expect(warnings(period('period.ru.within@requisites-2026.11.30a'))).toEqual([]);
    expect(warnings({ ...fact(1, 0, 1), rule: 'number.alone.misread@x' } as FactView)).toEqual([]);
  });
});
