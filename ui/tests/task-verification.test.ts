// An act's control-of-execution task shows what later data say of the act once it is due, in the
// reader's language, fetched through the transport (here a recorder); before it is due only on
// request, and other tasks never.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import TaskRow from '../src/components/TaskRow.svelte';
import { taskView } from './fixtures';

const calls: { method: string; params: object }[] = [];

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: object = {}) => {
    calls.push({ method, params });
    if (method === 'task') return {
      act_verification: {
        act_id: 3, from: '2025-04-16', until: '2026-04-16', horizon_days: 365, rule: 'verify-2026.11.2',
        next_inspection: { status: 'verified', reason: { code: 'inspection_clean', date: '2025-10-01' }, why: '', rows: ['R-1'] },
        appeals: { status: 'no_data', reason: { code: 'appeals_not_yet', from: '2025-04-16', until: '2026-04-16' }, why: '', rows: [] },
        category_appeals: { status: 'no_data', reason: { code: 'no_category' }, why: '', rows: [] },
        returning_applicant: { status: 'no_data', reason: { code: 'not_satisfied' }, why: '', rows: [] },
      },
    };
    throw new Error(`unexpected ${method}`);
  },
}));

describe('a control-of-execution task', () => {
  it('shows the act\'s verification by itself once due, in Russian', async () => {
    i18n.lang = 'ru';
    calls.length = 0;
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: 5, kind: 'control_execution', urgency: { score: 50, working_days_left: 2, from_deadline: 50, from_blocking: 0, from_risk: 0 } }) });
    const block = await screen.findByTestId('act-verification');
    expect(block.querySelector('[data-check="inspection"]')!.textContent).toContain('следующая проверка (01.10.2025) нарушений не выявила');
    expect(block.querySelector('[data-check="category_appeals"]')!.textContent).toContain('в акте не указана категория нарушения');
    expect(calls).toEqual([{ method: 'task', params: { id: 5 } }]);
  });

  it('waits to be asked before it is due, and other tasks offer nothing', async () => {
    i18n.lang = 'en';
    calls.length = 0;
    const early = render(TaskRow, { today: '2026-11-20', view: taskView({ id: 6, kind: 'control_execution', urgency: { score: 10, working_days_left: 20, from_deadline: 10, from_blocking: 0, from_risk: 0 } }) });
    expect(screen.queryByTestId('act-verification')).toBeNull();
    expect(calls).toEqual([]);
    await fireEvent.click(screen.getByText('What later data show'));
    await waitFor(() => expect(screen.getByTestId('act-verification').textContent).toContain('the act names no violation category'));
    early.unmount();
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: 7 }) });
    expect(screen.queryByText('What later data show')).toBeNull();
  });
});
