// The office's figures for its analyst (issue 64) with the transport replaced by a recorder: an
// analyst logs in to the joined office (no address typed), sees the deadlines by unit without a
// person, the KPIs, the risen cells and the anomalies with their objects withheld; the office out
// of reach leaves the last figures, said so; logging out ends it — in ru and kk.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnalystView } from '../src/lib/types/AnalystView';

const calls: { method: string; params: Record<string, unknown> }[] = [];
const words = (ru: string, kk: string, en: string) => ({ ru, kk, en });
const figures = (open: number, overdue: number) =>
  ({ open, due_within_3_working_days: 1, overdue, done_on_time_last_90_days: 2, done_late_last_90_days: 1, median_days_late: 3 });
const proportion = (numerator: number, denominator: number) =>
  ({ numerator, denominator, share: denominator ? numerator / denominator : null, ci95: denominator ? [0.2, 0.9] as [number, number] : null });
let stale: string | null = null;
const view = (): AnalystView => ({
  person: 'Analyst Aizhan', office: 'https://ekn.office.local', expires_at: '2026-11-29T18:00:00Z',
  dashboard: { today: '2026-12-01', computed_at: '2026-11-29T07:00:00Z', tasks: 12, workstations: 3, open_conflicts: 0, calendar: 'c',
    totals: figures(9, 4), by_assignee: {}, by_unit: { 'Отдел надзора': figures(9, 4) }, overdue_matrix: {}, by_owner: {},
    by_district: { '1940': figures(6, 3), '5532': figures(3, 1) } },
  effect: { as_of: '2026-12-01', horizon_days: 365, default_horizon_days: 365, kind: null, district: null,
    kpis: { acts: 4, answered_in_time: proportion(3, 4), satisfied: proportion(2, 3), satisfied_or_partly: proportion(3, 3), protests_upheld: proportion(0, 0),
      median_days_to_answer: 12, median_days_ci95: null, answered: 3, unconfirmed_norms: [], without_period: 0,
      quality: { checklist_complete: proportion(1, 1), placeholders_filled: proportion(1, 1), formal_defects: proportion(0, 3) }, funnel: [] },
    verification: null, effects: [], method: 'm', registry: [], appeals_held: 10, not_computed: [], computed_at: null } as never,
  themes: { as_of: '2026-12-01', method: 'f', params: {} as never, months: ['2026-11'], themes: [], owners: [], appeals_held: 10, registry: [], not_computed: [],
    computed_at: null, note: words('', '', ''), seconds: 0.1,
    cells: { months: ['2026-11'], cells: 4, judged: 12, not_judged: 0, neighbours: [], neighbours_judged: 0, neighbours_method: 'n',
      alarms: [{ category: 'housing', district: '1940', month: '2026-11', observed: 14, expected: 3.2, upper: 8, p: 1e-5, q: 1e-4, dispersion: 1, trend: false, alarm: true }] } },
  anomalies: { as_of: '2026-12-01', window: { from: '2023-12-01', to: '2026-11-30' }, method: 'funnel', params: {} as never, units_judged: [],
    note: words('', '', ''), seconds: 0.1, appeals_held: 10, registry: [], not_computed: [], districts: ['19'], outside: 0, objects_withheld: true, computed_at: null,
    anomalies: [{ id: 'a1', key: 'k', kind: 'unplanned_growth', control_body: null, region_code: '19', district: '1940', category: null, combination: null,
      subject_bins: [], period: { from: '2025-12-01', to: '2026-11-30' }, observed: 9, expected: 2.5, ratio: 3.6, ratio_interval: null, p_value: 1e-4,
      q_value: 0.002, volume: 30, peer_rate: 0.08, peers: 5, group: 'g', method: 'funnel',
      explanation: words('Внеплановых проверок больше', 'Жоспардан тыс тексеру көп', 'More unplanned inspections'), dismissed: false, review: null }] },
  appeals: { today: '2026-12-01', by_district: { '1940': { open: 5, received_90_days: 7, total: 9 } }, without_district: 0, appeals_held: 9, computed_at: null },
  fetched_at: '2026-11-29T07:00:01Z', stale,
});

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'office_analyst_login' || method === 'office_analyst') return view();
    if (method === 'office_analyst_logout') return { ok: true };
    if (method === 'office_analyst_report') return { file_name: 'office-anomalies.xlsx', media_type: 'application/octet-stream', base64: 'UEs=' };
    if (method === 'appeals_reference') return { taxonomy: null };
    throw new Error(`unexpected ${method}`);
  },
}));
vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerDistricts: async () => ({ '1940': { ru: 'Енбекшиказахский район', kk: 'Еңбекшіқазақ ауданы', en: 'Enbekshikazakh' } }),
}));
class NoResize { observe() {} unobserve() {} disconnect() {} }
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoResize;

const { default: OfficeFigures } = await import('../src/screens/OfficeFigures.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');
const { office } = await import('../src/lib/sync.svelte');
const { analyst } = await import('../src/lib/analyst.svelte');

async function logIn() {
  render(OfficeFigures);
  await fireEvent.input(document.querySelector('[data-analyst-user]')!, { target: { value: 'Analyst Aizhan' } });
  await fireEvent.input(document.querySelector('[data-analyst-password]')!, { target: { value: 'correct horse battery staple' } });
  await fireEvent.submit(screen.getByTestId('analyst-login'));
}

describe('the office\'s figures for its analyst', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; analyst.view = null; stale = null; office.status = { link: { url: 'https://ekn.office.local', role: 'prosecutor' } } as never; });

  it('logs an analyst in to the joined office and shows the aggregates only', async () => {
    await logIn();
    const totals = await screen.findByTestId('analyst-totals');
    expect(calls.find((c) => c.method === 'office_analyst_login')!.params).toMatchObject({ url: null, user: 'Analyst Aizhan' });
    expect(totals.querySelector('[data-unit="Отдел надзора"]')).not.toBeNull();
    expect(totals.textContent).toContain('только подразделения и районы');
    expect(screen.getByTestId('analyst-effect').textContent).toContain('3 / 4');
    expect(screen.getByTestId('analyst-cells').textContent).toContain('Енбекшиказахский район');
    expect(screen.getByTestId('analyst-anomalies').textContent).toContain('Объекты за каждой аномалией скрыты');
    await fireEvent.click(screen.getByTestId('analyst-anomalies-report').querySelector('[data-format="xlsx"]')!);
    await waitFor(() => expect(calls.find((c) => c.method === 'office_analyst_report')?.params).toEqual({ report: 'anomalies', format: 'xlsx', lang: 'ru' }));
    await fireEvent.click(document.querySelector('[data-analyst-logout]')!);
    await screen.findByTestId('analyst-login');
    expect(calls.some((c) => c.method === 'office_analyst_logout')).toBe(true);
  });

  it('keeps the last figures when the office is out of reach — in Kazakh', async () => {
    i18n.lang = 'kk';
    stale = 'the office is unreachable: connection refused';
    await logIn();
    await fireEvent.click(await screen.findByText('Жаңарту'));
    const note = await screen.findByTestId('analyst-stale');
    expect(note.textContent).toContain('Прокуратура қолжетімсіз');
    await waitFor(() => expect(calls.some((c) => c.method === 'office_analyst')).toBe(true));
  });
});
