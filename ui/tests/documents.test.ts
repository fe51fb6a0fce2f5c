// The document viewer's helpers: a page cut around the facts' spans (character offsets, Kazakh
// letters and all), overlapping or out-of-range spans skipped, and values in plain words.
import { describe, expect, it } from 'vitest';
import { pieces, valueText } from '../src/lib/documents';
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
