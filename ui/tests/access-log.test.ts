// Who looked at whom (issue 64) with the transport replaced by a recorder: the office's lines with
// who, what and the outcome in the reader's language, the chain's check said (holds, or which lines
// do not), the filters sent as typed, and a workstation without an office told so.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import { office } from '../src/lib/sync.svelte';

const calls: { method: string; params: Record<string, unknown> }[] = [];
let broken: number[] = [];
const line = (seq: number, person: string, action: string, outcome: string) => ({
  seq, at: '2026-11-27T09:00:00Z', person, role: 'prosecutor', action, subject: '061040026492', district: '1940',
  outcome, ws: null, local_id: null, detail: null, prev_hash: '0'.repeat(64), hash: '1'.repeat(64),
});

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'office_access_log') return {
      lines: [line(12, 'Асель Нурланова', 'card', 'refused'), line(11, 'Bekzat Omarov', 'export', 'allowed')],
      check: { hashes_hold: 2 - broken.length, lines: 2, adjacent_pairs: 1, linked_pairs: broken.length ? 0 : 1, broken },
      fetched_at: '2026-11-27T09:01:00Z' };
    if (method === 'office_access_log_report') return { file_name: 'office-access-log.pdf', media_type: 'application/pdf', base64: 'JVBERg==' };
    throw new Error(`unexpected ${method}`);
  },
}));

const { default: AccessLog } = await import('../src/screens/AccessLog.svelte');

describe('Who looked at whom', () => {
  it('lists the looks in the reader\'s language, says the chain holds, and sends the filters typed', async () => {
    i18n.lang = 'ru';
    office.status = { link: { role: 'supervisor' } } as never;
    render(AccessLog);
    await waitFor(() => expect(screen.getByTestId('access-check').textContent).toContain('Цепочка сходится: 2 строк'));
    const rows = screen.getByTestId('access-lines').textContent ?? '';
    expect(rows).toContain('открыл карточку');
    expect(rows).toContain('отказано');
    expect(rows).toContain('выгрузил');
    await fireEvent.input(screen.getByTestId('access-subject'), { target: { value: ' 061040026492 ' } });
    await fireEvent.input(screen.getByTestId('access-person'), { target: { value: 'Асель Нурланова' } });
    broken = [12];
    await fireEvent.click(screen.getByTestId('access-load'));
    await waitFor(() => expect(screen.getByTestId('access-check').textContent).toContain('ЖУРНАЛ НЕ СХОДИТСЯ: строки 12'));
    expect(document.querySelector('[data-access-line="12"]')!.classList.contains('broken')).toBe(true);
    expect(calls.at(-1)!.params).toEqual({ subject: '061040026492', person: 'Асель Нурланова', limit: 500 });
    // The lines shown, as a file: read again with the same filter.
    await fireEvent.click(screen.getByTestId('access-report').querySelector('[data-format="pdf"]')!);
    await waitFor(() => expect(calls.at(-1)!.method).toBe('office_access_log_report'));
    expect(calls.at(-1)!.params).toEqual({ query: { subject: '061040026492', person: 'Асель Нурланова', limit: 500 }, format: 'pdf', lang: 'ru' });
    i18n.lang = 'kk';
    await waitFor(() => expect(screen.getByTestId('access-lines').textContent).toContain('карточканы ашты'));
  });

  it('tells a workstation without an office where the log is kept', async () => {
    i18n.lang = 'en';
    office.status = null;
    render(AccessLog);
    expect(screen.getByTestId('access-not-joined').textContent).toContain('kept by the office');
  });
});
