// The office's journal of decisions on the Deadlines screen, office scope (issue 64), with the
// transport replaced by a recorder: the entries newest first with who decided (or the office's rule),
// what and why, and the chain's check — holding, or naming the entries that do not — in ru and kk.
import { render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OfficeJournalView } from '../src/lib/types/OfficeJournalView';

let broken: number[] = [];
const h = (c: string) => c.repeat(64);
const view = (): OfficeJournalView => ({
  fetched_at: '2026-11-29T07:00:00Z',
  check: { hashes_hold: 2, lines: 2, adjacent_pairs: 1, linked_pairs: broken.length ? 0 : 1, broken },
  entries: [
    { seq: 2, at: '2026-11-28T10:00:00Z', person: null, kind: 'assigned_by_rule', object_key: 'task:ws-1/7', district: '1940', global_seq: 41,
      detail: '{"assigned_to":"Bekzat Omarov","reason":"least loaded of the unit"}', prev_hash: h('a'), hash: h('b') },
    { seq: 1, at: '2026-11-27T10:00:00Z', person: 'Supervisor Saule', kind: 'assigned', object_key: 'task:ws-1/3', district: '1940', global_seq: 30,
      detail: '{"assigned_to":"Bekzat Omarov","reason":"Асель в отпуске"}', prev_hash: h('0'), hash: h('a') },
  ],
});

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string) => {
    if (method === 'office_journal') return view();
    throw new Error(`unexpected ${method}`);
  },
}));

const { default: Panel } = await import('../src/components/OfficeJournalPanel.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');

describe('the office\'s journal of decisions', () => {
  beforeEach(() => { i18n.lang = 'ru'; broken = []; });

  it('lists who decided what and why, its chain holding', async () => {
    render(Panel);
    const check = await screen.findByTestId('ojournal-check');
    expect(check.textContent).toContain('Цепочка цела');
    const rule = screen.getByTestId('office-journal').querySelector('[data-ojournal-entry="2"]')!;
    expect(rule.textContent).toContain('правило прокуратуры');
    expect(rule.textContent).toContain('поручено по правилу маршрутизации');
    expect(screen.getByTestId('office-journal').querySelector('[data-ojournal-entry="1"]')!.textContent).toContain('Асель в отпуске');
  });

  it('names the entries that do not hold — in Kazakh', async () => {
    i18n.lang = 'kk';
    broken = [2];
    render(Panel);
    const check = await screen.findByTestId('ojournal-check');
    expect(check.textContent).toContain('ЖУРНАЛ БҰЗЫЛҒАН: 2');
    expect(screen.getByTestId('office-journal').querySelector('[data-ojournal-entry="2"]')!.classList.contains('broken')).toBe(true);
  });
});
