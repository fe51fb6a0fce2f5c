// The document viewer asks first about the facts the reader is least sure of: those still to decide
// by rising confidence, then the decided ones in the document's order.
import { describe, expect, it } from 'vitest';
import { byDoubt } from '../src/lib/documents';
import type { FactView } from '../src/lib/types/FactView';

const fact = (id: number, confidence: number, status: string, page: number, at: number): FactView => ({
  id, kind: 'number', value: String(id), proposed: String(id), page, span: [at, at + 3], bbox: null, confidence, status,
  corrected: false, reason: null, decided_by: null, decided_at: null, rule: 'number.alone@requisites-2026.11.5',
  context: '', task_id: null,
});

describe('byDoubt', () => {
  it('puts the least sure open fact first and the decided ones last, in the document order', () => {
    const facts = [
      fact(1, 0.95, 'proposed', 1, 10),
      fact(2, 0.6, 'proposed', 2, 5),
      fact(3, 0.99, 'confirmed', 2, 1),
      fact(4, 0.6, 'proposed', 1, 40),
      fact(5, 0.7, 'rejected', 1, 2),
    ];
    expect(byDoubt(facts).map((f) => f.id)).toEqual([4, 2, 1, 5, 3]);
    expect(facts.map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);
  });
});
