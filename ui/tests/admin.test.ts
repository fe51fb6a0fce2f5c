// The office's administration screen (issue 64) with the transport replaced by a recorder: an
// administrator logs in (the office this workstation joined when no address is typed), sees the
// incidents to act on, people, workstations and the journal; every action is sent with its reason
// and nothing without one; a revoke prepared from an incident names that workstation — in ru and kk.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminView } from '../src/lib/types/AdminView';

const calls: { method: string; params: Record<string, unknown> }[] = [];
const view = (journal = false): AdminView => ({
  person: 'Admin Dana', office: 'https://ekn.office.local', expires_at: '2026-11-29T18:00:00Z',
  overview: {
    at: '2026-11-29T06:00:00Z',
    people: [
      { name: 'Асель Нурланова', role: 'prosecutor', districts: ['1940'], blocked: false, blocked_reason: null },
      { name: 'Bekzat Omarov', role: 'prosecutor', districts: ['5532'], blocked: true, blocked_reason: 'в отпуске' },
    ],
    workstations: [{ id: 'ws-7', name: 'laptop', person: 'Bekzat Omarov', epoch: 'e1', last_push_at: '2026-11-28T10:00:00Z', last_pull_at: null,
      blocked_reason: 'refused as a fork', revoked_at: null, revoked_reason: null }],
    connectors: [{ name: 'registry', data: 'inspections', kind: 'http-file', url: 'https://portal.local/inspections.csv', added_by: 'Admin Dana',
      every_hours: 24, next_run: '2026-11-30T06:00:00Z',
      runs: [{ id: 3, status: 'failed', started_by: 'schedule', started_at: '2026-11-29T06:00:00Z', finished_at: null, records: null, error: 'HTTP 503 after 5 tries' }] }],
    incidents: [{ at: '2026-11-28T10:00:00Z', kind: 'fork', workstation: 'ws-7', detail: 'two histories after entry 41' }],
    journal: journal ? [{ at: '2026-11-29T06:01:00Z', admin: 'Admin Dana', action: 'revoke', subject: 'ws-7', reason: 'украден' }] : [],
  },
});

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'office_admin_login' || method === 'office_admin') return view();
    if (method === 'office_admin_act') return view(true);
    if (method === 'office_admin_logout') return { ok: true };
    if (method === 'office_admin_access_log') return {
      lines: [{ seq: 3, at: '2026-11-29T06:02:00Z', person: 'Admin Dana', role: 'admin', action: 'access_log', subject: null, district: null,
        outcome: 'allowed', ws: null, local_id: null, detail: null, prev_hash: 'a'.repeat(64), hash: 'b'.repeat(64) }],
      check: { hashes_hold: 1, lines: 1, adjacent_pairs: 0, linked_pairs: 0, broken: [] }, fetched_at: '2026-11-29T06:02:01Z' };
    if (method === 'office_admin_report') return { file_name: 'office-administration.xlsx', media_type: 'application/octet-stream', base64: 'UEs=' };
    throw new Error(`unexpected ${method}`);
  },
}));

const { default: Admin } = await import('../src/screens/Admin.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');
const { office } = await import('../src/lib/sync.svelte');
const { admin } = await import('../src/lib/admin.svelte');

describe('the administration screen', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; admin.view = null; office.status = { link: { url: 'https://ekn.office.local', role: 'supervisor' } } as never; });

  it('logs in to the joined office and acts on an incident with a reason', async () => {
    render(Admin);
    await fireEvent.input(screen.getByRole('textbox', { name: 'Имя сотрудника' }), { target: { value: 'Admin Dana' } });
    await fireEvent.input(document.querySelector('[data-admin-password]')!, { target: { value: 'correct horse battery staple' } });
    await fireEvent.submit(screen.getByTestId('admin-login'));
    await screen.findByTestId('admin-incidents');
    const login = calls.find((c) => c.method === 'office_admin_login')!;
    expect(login.params).toMatchObject({ url: null, user: 'Admin Dana' });
    expect(screen.getByTestId('admin-incidents').textContent).toContain('отклонено как развилка');
    expect(screen.getByTestId('admin-people').querySelector('[data-person="Bekzat Omarov"]')!.textContent).toContain('заблокирован');
    // The administration as a file a head hands on, in the reader's language.
    await fireEvent.click(screen.getByTestId('admin-report').querySelector('[data-format="xlsx"]')!);
    await waitFor(() => expect(calls.find((c) => c.method === 'office_admin_report')?.params).toEqual({ format: 'xlsx', lang: 'ru' }));
    // Who looked at whom, read with her own session, filtered by a person.
    await fireEvent.input(document.querySelector('[data-admin-access-person]')!, { target: { value: 'Admin Dana' } });
    await fireEvent.submit(document.querySelector('[data-admin-access-load]')!.closest('form')!);
    await waitFor(() => expect(screen.getByTestId('admin-access').textContent).toContain('читал журнал доступа'));
    expect(calls.find((c) => c.method === 'office_admin_access_log')!.params).toEqual({ subject: null, person: 'Admin Dana', limit: 500 });
    // The connectors' runs: a failed one says why.
    expect(screen.getByTestId('admin-connectors').querySelector('[data-run="failed"]')!.textContent).toContain('HTTP 503 after 5 tries');

    // Revoke from the incident's row: the form names the workstation and waits for a reason.
    const row = screen.getByTestId('admin-incidents').querySelector('[data-incident="fork"]')!;
    await fireEvent.click([...row.querySelectorAll('button')].find((b) => b.textContent === 'Отозвать')!);
    const form = await screen.findByTestId('admin-act');
    expect(form.textContent).toContain('Отозвать — ws-7');
    expect((form.querySelector('[data-admin-do]') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(form.querySelector('[data-admin-reason]')!, { target: { value: 'украден' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(calls.some((c) => c.method === 'office_admin_act')).toBe(true));
    expect(calls.find((c) => c.method === 'office_admin_act')!.params).toEqual({ act: { action: 'revoke', workstation: 'ws-7', reason: 'украден' } });
    await waitFor(() => expect(screen.getByTestId('admin-journal').textContent).toContain('украден'));
    i18n.lang = 'kk';
    await waitFor(() => expect(screen.getByTestId('admin-journal').textContent).toContain('Әкімшілер журналы'));
  });

  it('unblocks and sets districts with the person named, and logs out', async () => {
    admin.view = view();
    render(Admin);
    const people = await screen.findByTestId('admin-people');
    await fireEvent.click(people.querySelector('[data-admin-block="Bekzat Omarov"]')!);
    let form = await screen.findByTestId('admin-act');
    await fireEvent.input(form.querySelector('[data-admin-reason]')!, { target: { value: 'вернулся' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(calls.filter((c) => c.method === 'office_admin_act')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'office_admin_act')!.params).toEqual({ act: { action: 'unblock', name: 'Bekzat Omarov', reason: 'вернулся' } });

    const row = screen.getByTestId('admin-people').querySelector('[data-person="Асель Нурланова"]')!;
    await fireEvent.click([...row.querySelectorAll('button')].find((b) => b.textContent === 'Задать районы')!);
    form = await screen.findByTestId('admin-act');
    expect((form.querySelector('[data-admin-districts]') as HTMLInputElement).value).toBe('1940');
    await fireEvent.input(form.querySelector('[data-admin-districts]')!, { target: { value: '1940, 1920' } });
    await fireEvent.input(form.querySelector('[data-admin-reason]')!, { target: { value: 'замещает' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(calls.filter((c) => c.method === 'office_admin_act')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'office_admin_act')[1].params).toEqual({ act: { action: 'set_districts', name: 'Асель Нурланова', districts: ['1940', '1920'], reason: 'замещает' } });

    // A new person: name, role, districts as a list, the first password, the reason.
    await fireEvent.click(document.querySelector('[data-admin-add]')!);
    form = await screen.findByTestId('admin-act');
    await fireEvent.input(form.querySelector('[data-admin-new-name]')!, { target: { value: 'Аналитик Арман' } });
    await fireEvent.change(form.querySelector('[data-admin-role]')!, { target: { value: 'analyst' } });
    await fireEvent.input(form.querySelector('[data-admin-first-password]')!, { target: { value: 'correct horse battery staple' } });
    await fireEvent.input(form.querySelector('[data-admin-districts]')!, { target: { value: '19' } });
    await fireEvent.input(form.querySelector('[data-admin-reason]')!, { target: { value: 'новый аналитик' } });
    await fireEvent.submit(form);
    await waitFor(() => expect(calls.filter((c) => c.method === 'office_admin_act')).toHaveLength(3));
    expect(calls.filter((c) => c.method === 'office_admin_act')[2].params).toEqual({ act: {
      action: 'add_person', name: 'Аналитик Арман', role: 'analyst', districts: ['19'], password: 'correct horse battery staple', reason: 'новый аналитик' } });

    await fireEvent.click(document.querySelector('[data-admin-logout]')!);
    await screen.findByTestId('admin-login');
    expect(calls.some((c) => c.method === 'office_admin_logout')).toBe(true);
  });
});
