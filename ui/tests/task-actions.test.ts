// Task actions in the app, with the transport replaced by a recorder: one's own open task offers
// done, extend, stop the clock, wait and note; each sends exactly its parameters (a move of the
// deadline only with a reason), the core's refusal is shown in the reader's language, and the row
// asks its list to reload after a success; a colleague's or a finished task offers none. A new
// task from the card is planned by the core with the norm chosen; what slips through is listed.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import TaskRow from '../src/components/TaskRow.svelte';
import NewTaskForm from '../src/components/NewTaskForm.svelte';
import { taskView } from './fixtures';

const calls: { method: string; params: Record<string, unknown> }[] = [];
let refuse: string | null = null;
// Task 7 was counted before a version of its norm that now governs its event came into the catalogue.
const lawChanged = { kind: 'law_changed', norm_id: 'appk-76-consideration', counted_under: '2021-07-01', now_from: '2025-12-28', due: '2026-02-09' };

vi.mock('../src/lib/transport', () => {
  class CallError extends Error {
    code: string;
    constructor(code: string, message: string) { super(message); this.code = code; }
  }
  return {
    CallError,
    call: async (method: string, params: Record<string, unknown> = {}) => {
      calls.push({ method, params });
      if (refuse) throw new CallError(refuse, 'refused');
      if (method === 'norms') return { origin: 'shipped', sha256: '', source_file: null, imported_at: null, shipped_differs: false,
        norms: [{ id: 'appk-76-consideration', name: { ru: 'Рассмотрение обращения', kk: 'Өтінішті қарау', en: 'Consideration' },
          basis: { ru: '', kk: '', en: '' }, period: { amount: 15, unit: 'working_days' }, trigger: { ru: '', kk: '', en: '' },
          extension_cap: null, verified: true, note: null, version: 1, since: '2026-01-01', origin: 'shipped' }] };
      if (method === 'add_task') return { created: [taskView({ id: 31 })] };
      if (method === 'task') return { explanation: { warnings: params.id === 7 ? [lawChanged] : [] } };
      return {};
    },
  };
});

beforeEach(() => { calls.length = 0; refuse = null; i18n.lang = 'ru'; });

describe('task actions', () => {
  it('extends with a date and a reason only, marks done on a day, and asks the list to reload', async () => {
    let reloaded = 0;
    render(TaskRow, { today: '2026-11-20', view: taskView(), onchanged: () => reloaded++ });
    await fireEvent.click(screen.getByText('Продлить срок'));
    const save = screen.getByText('Сохранить') as HTMLButtonElement;
    await fireEvent.input(document.querySelector('[data-field="date"]')!, { target: { value: '2026-11-30' } });
    expect(save.disabled).toBe(true);
    await fireEvent.input(document.querySelector('[data-field="reason"]')!, { target: { value: 'запрошены документы' } });
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    // The day of the decision to extend is today unless the person names another (a cap may count from it).
    await waitFor(() => expect(calls.at(-1)).toEqual({ method: 'extend_task', params: { id: 7, to: '2026-11-30', reason: 'запрошены документы', decided: '2026-11-20' } }));
    await screen.findByText('Записано в журнал');
    expect(reloaded).toBe(1);
    await fireEvent.click(screen.getByText('Исполнено'));
    expect((document.querySelector('[data-field="date"]') as HTMLInputElement).value).toBe('2026-11-20');
    await fireEvent.click(screen.getByText('Сохранить'));
    await waitFor(() => expect(calls.at(-1)).toEqual({ method: 'complete_task', params: { id: 7, on: '2026-11-20' } }));
  });

  it('recounts under the law now in force only where the law changed, with a reason', async () => {
    render(TaskRow, { today: '2026-11-20', view: taskView() });
    await fireEvent.click(screen.getByText('Пересчитать по закону'));
    const change = await screen.findByText(/Закон изменился: задача посчитана по редакции нормы appk-76-consideration/);
    expect(change.textContent).toContain('09.02.2026');
    const save = screen.getByText('Сохранить') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await fireEvent.input(document.querySelector('[data-field="reason"]')!, { target: { value: 'новая редакция ст. 76' } });
    await fireEvent.click(save);
    await waitFor(() => expect(calls.at(-1)).toEqual({ method: 'recount_task', params: { id: 7, reason: 'новая редакция ст. 76' } }));
    // A task counted under the law that governs it has nothing to recount.
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: 8 }) });
    await fireEvent.click(screen.getAllByText('Пересчитать по закону').at(-1)!);
    await screen.findByText(/пересчитывать нечего/);
  });

  it('stops the clock for a period, makes the task wait for another, and says a refusal in Kazakh', async () => {
    render(TaskRow, { today: '2026-11-20', view: taskView() });
    await fireEvent.click(screen.getByText('Приостановить срок'));
    await fireEvent.input(document.querySelector('[data-field="until"]')!, { target: { value: '2026-11-27' } });
    await fireEvent.input(document.querySelector('[data-field="reason"]')!, { target: { value: 'экспертиза' } });
    await fireEvent.click(screen.getByText('Сохранить'));
    await waitFor(() => expect(calls.at(-1)).toEqual({ method: 'suspend_task', params: { id: 7, from: '2026-11-20', to: '2026-11-27', reason: 'экспертиза' } }));
    i18n.lang = 'kk';
    refuse = 'invalid_input';
    await fireEvent.click(await screen.findByText('Тапсырманы күтеді'));
    await fireEvent.input(document.querySelector('[data-field="prerequisite"]')!, { target: { value: '12' } });
    await fireEvent.click(screen.getByText('Сақтау'));
    await waitFor(() => expect(calls.at(-1)).toEqual({ method: 'wait_for_task', params: { id: 7, prerequisite: 12 } }));
    expect((await screen.findByRole('alert')).textContent!.length).toBeGreaterThan(0);
  });

  it('offers nothing on a colleague\'s task or a finished one', () => {
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: -3, owner: 'Асель' }) });
    render(TaskRow, { today: '2026-11-20', view: taskView({ id: 8, status: 'done', done_on: '2026-11-01', urgency: null }) });
    expect(screen.queryByText('Продлить срок')).toBeNull();
  });

  it('creates a task on the card\'s object with the chosen norm', async () => {
    let created: number[] = [];
    render(NewTaskForm, { bin: '000740000728', oncreated: (ids: number[]) => (created = ids) });
    await fireEvent.click(screen.getByTestId('task-new'));
    await waitFor(() => expect(document.querySelector('[data-field="norm"] option')).toBeTruthy());
    await fireEvent.input(document.querySelector('[data-field="assignee"]')!, { target: { value: 'Иванов В.' } });
    await fireEvent.input(document.querySelector('[data-field="unit"]')!, { target: { value: 'Отдел надзора' } });
    // An object alone has no day to count from (the core refuses it): the form waits for the event's date.
    expect((screen.getByTestId('task-new-create') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(document.querySelector('[data-field="event"]')!, { target: { value: '2026-11-16' } });
    await fireEvent.click(screen.getByTestId('task-new-create'));
    await waitFor(() => expect(created).toEqual([31]));
    expect(calls.find((c) => c.method === 'add_task')!.params).toEqual({
      kind: 'gather_information', title: null, subject_bin: '000740000728', appeal_no: null, assignee: 'Иванов В.',
      unit: 'Отдел надзора', norm: 'appk-76-consideration', period: null, event_date: '2026-11-16', depends_on: [],
    });
    expect(screen.getByTestId('task-created').textContent).toContain('31');
  });
});
