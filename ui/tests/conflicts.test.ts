// A supervisor's deadline conflicts with the transport replaced by a recorder: an open conflict
// shows its entries and the date in force, resolving needs a kept entry and a reason and sends
// exactly those, and the answer (who resolved, what stands) replaces the form; a task row in
// conflict says which date is in force and why, in the reader's language.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import ConflictsPanel from '../src/components/ConflictsPanel.svelte';
import TaskRow from '../src/components/TaskRow.svelte';
import type { ConflictNotice } from '../src/lib/types/ConflictNotice';
import { taskView } from './fixtures';

const entry = (global_seq: number, author: string, new_due: string) => ({
  global_seq, workstation_id: `ws-${global_seq}`, seq: 4, author, kind: 'task_extended', at: '2026-11-20T09:00:00Z',
  old_due: '2026-11-25', new_due, detail: 'продлено',
});
const open: ConflictNotice = {
  global_seq: 12, id: 3, object_key: 'appeal:ЖТ-1/consider_appeal', district: '192010000', task: null,
  entries: [entry(10, 'Асель Нурланова', '2026-12-15'), entry(11, 'Асель Нурланова', '2026-12-05')],
  opened_at: '2026-11-21T10:00:00Z', due_in_force: '2026-12-05', resolved_at: null, resolved_by: null, chosen: null, reason: null,
};
const calls: { method: string; params: Record<string, unknown> }[] = [];

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'office_conflicts') return [open];
    if (method === 'office_resolve') return {
      ...open, global_seq: 20, resolved_at: '2026-11-22T10:00:00Z', resolved_by: 'Supervisor Saule', chosen: params.keep,
      reason: params.reason, due_in_force: '2026-12-15',
    };
    throw new Error(`unexpected ${method}`);
  },
}));

describe('ConflictsPanel', () => {
  it('resolves a conflict with the kept entry and a reason, and shows who decided', async () => {
    i18n.lang = 'ru';
    let resolved = 0;
    render(ConflictsPanel, { onresolved: () => resolved++ });
    await waitFor(() => expect(screen.getByText('не решён · в силе 05.12.2026')).toBeTruthy());
    expect(screen.getByText(/срок 25.11.2026 → 15.12.2026/)).toBeTruthy();
    await fireEvent.click(screen.getAllByRole('radio')[0]);
    await fireEvent.input(screen.getByLabelText('основание решения'), { target: { value: 'документы поступили' } });
    await fireEvent.click(screen.getByText('Решить'));
    await waitFor(() => expect(screen.getByText(/решён \(Supervisor Saule\): оставлен срок 15.12.2026 — документы поступили/)).toBeTruthy());
    expect(calls.find((c) => c.method === 'office_resolve')?.params).toEqual({ id: 3, keep: 10, reason: 'документы поступили' });
    expect(resolved).toBe(1);
  });
});

describe('TaskRow in conflict', () => {
  it('says the earlier date is in force until a supervisor decides, then who decided', () => {
    i18n.lang = 'kk';
    const first = render(TaskRow, { today: '2026-11-20', view: taskView({ current_due: '2026-12-05', conflict: open }) });
    expect(screen.getByText(/басшы шешкенге дейін ертерек 05.12.2026 мерзімі күшінде/)).toBeTruthy();
    first.unmount();
    i18n.lang = 'en';
    const done = { ...open, resolved_at: '2026-11-22T10:00:00Z', resolved_by: 'Supervisor Saule', chosen: 10, reason: 'documents arrived' };
    render(TaskRow, { today: '2026-11-20', view: taskView({ current_due: '2026-12-15', conflict: done }) });
    expect(screen.getByText('deadline conflict resolved by Supervisor Saule: documents arrived')).toBeTruthy();
    i18n.lang = 'ru';
  });
});
