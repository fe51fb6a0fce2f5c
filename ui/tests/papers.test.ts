// A colleague's appeal task assigned to this person shows, on request, the appeal that came with
// it (the transport replaced by a recorder): who holds it, the masked text, the category and its
// source, the decisions with their authors and reasons, and that the applicant never travels —
// in the reader's language; a task whose paper has not come yet says so.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import TaskRow from '../src/components/TaskRow.svelte';
import type { HeldPaper } from '../src/lib/types/HeldPaper';
import { taskView } from './fixtures';

const held: HeldPaper = {
  holder: 'Асель Нурланова', updated_at: '2026-11-20T09:00:00+00:00',
  paper: {
    appeal_no: 'ЖТ-2026-00000007', task_key: 'appeal:ЖТ-2026-00000007/consider_appeal', received: '2026-10-01',
    kato: '192010000', subject_bin: null, applicant_category: 'физическое лицо',
    text: 'Прошу проверить задержку зарплаты.\nЗаявитель: [ФИО]', masked: [{ kind: 'name', rule: 'surname_initials', count: 1 }],
    category: 'трудовые права', category_source: 'person', priority: 'high', priority_points: 20,
    route_unit: null, route_by_person: false, status: null, decided: null, outcome: null,
    decisions: [{ aspect: 'category', value: 'трудовые права', basis: 'person', decided_at: '2026-11-19T10:00:00Z',
      author: 'Асель Нурланова', reason: 'речь о зарплате' }],
  },
};
let paper: HeldPaper | null = held;

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string) => {
    if (method === 'task') return { appeal_paper: paper ?? undefined };
    if (method === 'appeals_reference') throw new Error('no reference in this test');
    throw new Error(`unexpected ${method}`);
  },
}));

describe('TaskRow of a colleague’s appeal task', () => {
  it('shows the appeal that came with the task, without the applicant', async () => {
    i18n.lang = 'kk';
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: -3, owner: 'Асель Нурланова' }) });
    await fireEvent.click(screen.getByText('ЖТ-2026-00000007 өтінішін көрсету'));
    await waitFor(() => expect(screen.getByText(/Прошу проверить задержку зарплаты/)).toBeTruthy());
    expect(screen.getByText(/өтінішті Асель Нурланова ұстайды/)).toBeTruthy();
    expect(screen.getByText('речь о зарплате')).toBeTruthy();
    expect(screen.getByText(/Өтініш беруші тапсырмамен берілмейді/)).toBeTruthy();
  });

  it('says when the appeal has not come yet', async () => {
    i18n.lang = 'en';
    paper = null;
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: -4, owner: 'Асель Нурланова' }) });
    await fireEvent.click(screen.getByText('Show appeal ЖТ-2026-00000007'));
    await waitFor(() => expect(screen.getByText(/The appeal has not come yet/)).toBeTruthy());
  });

  it('offers nothing on one’s own task', () => {
    i18n.lang = 'ru';
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: 5 }) });
    expect(screen.queryByText(/Показать обращение/)).toBeNull();
  });
});
