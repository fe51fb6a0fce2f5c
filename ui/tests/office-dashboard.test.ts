// The Deadlines screen on a workstation that joined an office (issue 64): the office's figures are
// one click away, with when the office computed them, over how many tasks and workstations, each
// person's figures beside them; offline, the last figures the office gave and a warning saying
// so. The transport is replaced by a recorder; the charts by a stand-in that draws nothing.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import { office } from '../src/lib/sync.svelte';

vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerKazakhstan: async () => {},
  registerDistricts: async () => ({ '1940': { ru: 'Енбекшиказахский район', kk: 'Еңбекшіқазақ ауданы', en: 'Enbekshikazakh' } }),
  registerRegionDistricts: async () => 'kz-districts-19',
}));

const figures = (open: number, overdue: number) => ({
  open, due_within_3_working_days: 0, overdue, done_on_time_last_90_days: 0, done_late_last_90_days: 0, median_days_late: null,
});
const ownBoard = { today: '2026-11-27', totals: figures(3, 1), by_assignee: {}, by_unit: {}, overdue_matrix: {} };
const officeBoard = {
  today: '2026-11-27', totals: figures(40, 7), by_assignee: {}, by_unit: {}, overdue_matrix: { '19': { труд: 7 } },
  by_owner: { 'Асель Нурланова': figures(25, 4), 'Bekzat Omarov': figures(15, 3) },
  by_district: { '1940': figures(40, 7) },
  tasks: 40, workstations: 2, open_conflicts: 1, calendar: 'shipped', computed_at: '2026-11-27T06:00:00Z',
};
let offline: string | null = null;
const exported: { report: string; format: string; lang: string }[] = [];

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: unknown = {}) => {
    if (method === 'dashboard') return ownBoard;
    if (method === 'overdue') return [];
    if (method === 'regions') return [{ code: '19', name_ru: 'Алматинская область', name_kk: 'Алматы облысы', name_en: 'Almaty Region', subjects: 1, high_risk: 0 }];
    if (method === 'office_conflicts') return [];
    if (method === 'office_dashboard') return { dashboard: officeBoard, fetched_at: '2026-11-27T06:00:05Z', offline };
    if (method === 'office_report') { exported.push(params as { report: string; format: string; lang: string }); return { file_name: 'office-dashboard-2026-11-27.xlsx', media_type: 'application/x', base64: 'UEs=' }; }
    throw new Error(`unexpected ${method}`);
  },
}));

const link = {
  url: 'https://office.local', office_key: 'k', workstation_id: 'ws', person: 'Supervisor Saule', role: 'supervisor',
  districts: ['1940'], joined_at: '2026-11-01T00:00:00Z', pushed_through: 0, pull_cursor: 0, tls_ca: null, tls_pin: null,
};

describe('the office on the Deadlines screen', () => {
  it('shows the office figures with when they were computed and each person\'s, and offline says so', async () => {
    i18n.lang = 'ru';
    office.status = { link, pending_entries: 0 } as never;
    const { default: Dashboard } = await import('../src/screens/Dashboard.svelte');
    render(Dashboard);
    await waitFor(() => expect(screen.getByTestId('dash-scope')).toBeTruthy());
    await waitFor(() => expect(document.querySelector('[data-figure="open"] .value')?.textContent).toBe('3'));
    await fireEvent.click(screen.getByTestId('dash-scope-office'));
    await waitFor(() => expect(document.querySelector('[data-figure="open"] .value')?.textContent).toBe('40'));
    const note = screen.getByTestId('office-figures-note').textContent ?? '';
    expect(note).toMatch(/Офис вычислил эти показатели .*40 задач с 2 рабочих мест/);
    expect(note).not.toMatch(/недоступен/);
    expect(document.querySelector('[data-section="by-owner"]')?.textContent).toMatch(/Асель Нурланова.*Bekzat Omarov/s);
    // The report a head hands on, as a workbook or a PDF, asked for in the reader's language.
    URL.createObjectURL ??= () => 'blob:x';
    URL.revokeObjectURL ??= () => {};
    await fireEvent.click(screen.getByTestId('office-xlsx').querySelector('[data-format="xlsx"]')!);
    await waitFor(() => expect(exported).toEqual([{ report: 'dashboard', format: 'xlsx', lang: 'ru' }]));
    await fireEvent.click(screen.getByTestId('office-xlsx').querySelector('[data-format="pdf"]')!);
    await waitFor(() => expect(exported.at(-1)).toEqual({ report: 'dashboard', format: 'pdf', lang: 'ru' }));

    // The office's region opens into its districts, coloured by the office's own district figures.
    await fireEvent.click(document.querySelector('[data-section="map"] [data-pick="19"]')!);
    await waitFor(() => expect(document.querySelector('[data-section="district-map"]')?.textContent).toMatch(/Енбекшиказахский район.*7/s));

    offline = 'connection refused';
    await fireEvent.click(screen.getByTestId('dash-scope-office'));
    await waitFor(() => expect(screen.getByTestId('office-figures-note').textContent).toMatch(/Офис недоступен: это последние/));
    await fireEvent.click(screen.getByText('Это рабочее место'));
    await waitFor(() => expect(document.querySelector('[data-figure="open"] .value')?.textContent).toBe('3'));
  });
});
