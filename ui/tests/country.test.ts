// The Country screen (issue 64) with the transport replaced by a recorder: a national analyst logs
// in to the national face by its address, sees the regions' deadlines, appeals and acts answered in
// time, drills into a region (the themes and anomalies asked for that region alone), sees that the
// objects are withheld, and — when the face is out of reach — the last figures with the reason; a
// national administrator sees each region's replication and no figures — in ru and kk.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CountryView } from '../src/lib/types/CountryView';

const calls: { method: string; params: Record<string, unknown> }[] = [];
const words = (ru: string, kk: string, en: string) => ({ ru, kk, en });
const figures = (open: number, overdue: number) =>
  ({ open, due_within_3_working_days: 1, overdue, done_on_time_last_90_days: 2, done_late_last_90_days: 1, median_days_late: 3 });
const proportion = (numerator: number, denominator: number) =>
  ({ numerator, denominator, share: denominator ? numerator / denominator : null, ci95: denominator ? [0.2, 0.9] as [number, number] : null });
const kpis = (acts: number) => ({
  acts, answered_in_time: proportion(3, 4), satisfied: proportion(2, 3), satisfied_or_partly: proportion(3, 3), protests_upheld: proportion(0, 0),
  median_days_to_answer: 12, median_days_ci95: null, answered: 3, unconfirmed_norms: [], without_period: 0,
  quality: { checklist_complete: proportion(1, 1), placeholders_filled: proportion(1, 1), formal_defects: proportion(0, 3) }, funnel: [],
});
let stale: string | null = null;
const analystView = (region: string | null): CountryView => ({
  person: 'aigerim', server: 'https://national.local', expires_at: '2026-11-29T18:00:00Z', analyst: true, admin: false, region,
  dashboard: {
    today: '2026-12-01', totals: figures(9, 4), overdue_matrix: { '1940': { fire_safety: 3 }, '5532': { housing: 1 } },
    regions: { '19': { totals: figures(6, 3), tasks: 7, appeals: 4 }, '55': { totals: figures(3, 1), tasks: 4, appeals: 92 } },
    by_district: { '1940': figures(6, 3), '5532': figures(3, 1) },
    tasks: 11, appeals: { total: 96, by_region_category: { '19': { housing: 4 }, '55': { housing: 92 } }, by_month: { '2026-10': 96 }, by_district: { '1940': 4, '5532': 92 } },
    calendar: 'the calendar shipped with ЭКН',
  },
  effect: { today: '2026-12-01', totals: kpis(8), regions: { '19': kpis(5), '55': kpis(3) },
    estimates: [
      { region: '19', outcome: 'violations_per_inspection', kind: 'all', ratio: 0.81, ci95: [0.7, 0.94], log_se: 0.075, n_treated: 140, n_controls: 400,
        pre_trend_p: 0.41, method: 'effect-2026.11.29', as_of: '2026-11-30' },
      { region: '55', outcome: 'violations_per_inspection', kind: 'all', ratio: 0.93, ci95: [0.8, 1.08], log_se: 0.076, n_treated: 90, n_controls: 260,
        pre_trend_p: 0.01, method: 'effect-2026.11.29', as_of: '2026-11-30' },
      // A kind's estimate in the country's view alone: a region drilled into is fetched without it.
      ...(region ? [] : [{ region: '19', outcome: 'violations_per_inspection' as const, kind: 'protest', ratio: 0.7, ci95: [0.55, 0.89] as [number, number],
        log_se: 0.12, n_treated: 60, n_controls: 400, pre_trend_p: 0.3, method: 'effect-2026.11.29', as_of: '2026-11-30' }])],
    pooled: [{ outcome: 'violations_per_inspection', kind: 'all', regions: 2, n_treated: 230, regions_warned: 1,
      common: { ratio: 0.867, ci95: [0.78, 0.96] }, random: { ratio: 0.866, ci95: [0.76, 0.99] }, tau2: 0.002, q: 1.6, q_p: 0.2, i2: 0.38,
      method: 'pool-2026.11.29' },
    ...(region ? [] : [{ outcome: 'violations_per_inspection' as const, kind: 'protest', regions: 1, n_treated: 60, regions_warned: 0,
      common: { ratio: 0.7, ci95: [0.55, 0.89] as [number, number] }, random: { ratio: 0.7, ci95: [0.55, 0.89] as [number, number] }, tau2: 0, q: 0,
      q_p: null, i2: 0, method: 'pool-2026.11.29' }])] },
  themes: { as_of: '2026-12-01', method: 'farrington-flexible-v1', params: { months: 3 } as never, region, regions: region ? [region] : ['19', '55'],
    cells: { months: ['2026-09', '2026-10', '2026-11'], cells: 4, judged: 12, not_judged: 0, neighbours: [], neighbours_judged: 0, neighbours_method: 'n',
      alarms: [{ category: 'housing', district: '5532', month: '2026-11', observed: 40, expected: 6.2, upper: 12, p: 1e-6, q: 1e-5, dispersion: 1, trend: false, alarm: true },
        { category: 'wages', district: '1940', month: '2026-11', observed: 9, expected: 2.1, upper: 6, p: 1e-4, q: 1e-3, dispersion: 1, trend: false, alarm: true },
        { category: 'housing', district: '1940', month: '2026-10', observed: 8, expected: 2.0, upper: 6, p: 1e-4, q: 1e-3, dispersion: 1, trend: false, alarm: true }] },
    note: words('Темы — гипотезы', 'Тақырыптар — болжамдар', 'Themes are hypotheses') },
  anomalies: { region, regions: ['19', '55'], inspections: 120, appeals: 96, objects_withheld: true,
    as_of: '2026-12-01', window: { from: '2023-12-01', to: '2026-11-30' }, method: 'funnel', params: {} as never, units_judged: [],
    anomalies: [{ id: 'a1', key: 'k', kind: 'illegal_share', control_body: null, region_code: '19', district: '1940', category: null, combination: null,
      subject_bins: [], period: { from: '2025-12-01', to: '2026-11-30' }, observed: 9, expected: 2.5, ratio: 3.6, ratio_interval: null, p_value: 1e-4,
      q_value: 0.002, volume: 30, peer_rate: 0.08, peers: 5, group: 'g', method: 'funnel',
      explanation: words('Доля незаконных проверок втрое выше', 'Заңсыз тексерулер үлесі үш есе жоғары', 'Three times the illegal share'),
      dismissed: false, review: null }],
    note: words('', '', ''), seconds: 0.1 },
  health: null, fetched_at: '2026-11-29T07:00:00Z', stale,
});
const adminView = (): CountryView => ({
  person: 'nurlan', server: 'https://national.local', expires_at: '2026-11-29T18:00:00Z', analyst: false, admin: true, region: null,
  dashboard: null, effect: null, themes: null, anomalies: null, fetched_at: '2026-11-29T07:00:00Z', stale: null,
  health: { at: '2026-11-29T07:00:00Z', regions: [
    { region: '19', attached_at: '2026-11-01T00:00:00Z', enabled: true, copying: 0, worker: true, last_message_at: '2026-11-29T06:59:00Z',
      applied_up_to: '2026-11-29T06:58:00Z', last_check: { checked_at: '2026-11-29T06:50:00Z', slot: 'reserved', lag_bytes: 0, caught_up: true, problem: null } },
    { region: '55', attached_at: '2026-11-01T00:00:00Z', enabled: true, copying: 0, worker: false, last_message_at: null, applied_up_to: null,
      last_check: { checked_at: '2026-11-29T06:50:00Z', slot: 'lost', lag_bytes: null, caught_up: false, problem: 'region 55\'s slot was invalidated' } },
  ] },
});
let asAdmin = false;

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'national_login') return asAdmin ? adminView() : analystView(null);
    if (method === 'national_country') return analystView((params.region as string | null) ?? null);
    if (method === 'national_logout') return { ok: true };
    if (method === 'national_report') return { file_name: 'country-2026-11-29.pdf', media_type: 'application/pdf', base64: 'JVBERg==' };
    if (method === 'regions') return [
      { code: '19', name_ru: 'Алматинская область', name_kk: 'Алматы облысы', name_en: 'Almaty Region', high_risk: 0 },
      { code: '55', name_ru: 'Павлодарская область', name_kk: 'Павлодар облысы', name_en: 'Pavlodar Region', high_risk: 0 }];
    if (method === 'appeals_reference') return { taxonomy: null };
    throw new Error(`unexpected ${method}`);
  },
}));
vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerKazakhstan: async () => {},
  registerRegionDistricts: async (region: string) => `kz-districts-${region}`,
  registerDistricts: async () => ({ '1940': { ru: 'Енбекшиказахский район', kk: 'Еңбекшіқазақ ауданы', en: 'Enbekshikazakh' } }),
}));
class NoResize { observe() {} unobserve() {} disconnect() {} }
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoResize;

const { default: Country } = await import('../src/screens/Country.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');
const { country } = await import('../src/lib/country.svelte');

async function logIn(user: string) {
  render(Country);
  await fireEvent.input(document.querySelector('[data-country-url]')!, { target: { value: ' https://national.local ' } });
  await fireEvent.input(document.querySelector('[data-country-user]')!, { target: { value: user } });
  await fireEvent.input(document.querySelector('[data-country-password]')!, { target: { value: 'analyst-pw-1' } });
  await fireEvent.submit(screen.getByTestId('country-login'));
}

describe('the Country screen', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; country.view = null; stale = null; asAdmin = false; });

  it('logs an analyst in and drills into a region, its themes and anomalies judged alone', async () => {
    await logIn('aigerim');
    const totals = await screen.findByTestId('country-totals');
    expect(calls.find((c) => c.method === 'national_login')!.params).toEqual(
      { url: 'https://national.local', user: 'aigerim', password: 'analyst-pw-1', tls_ca: null, tls_pin: null });
    await waitFor(() => expect(totals.querySelector('[data-region="55"]')!.textContent).toContain('Павлодарская область'));
    expect(totals.querySelector('[data-region="55"]')!.textContent).toContain('92');
    expect(totals.textContent).toContain('Вся страна');
    expect(screen.getByTestId('country-effect').textContent).toContain('3 / 4');
    // Tier 3: the regions' estimates and the country's pooled one; a region whose pre-trend warned marked.
    const estimates = screen.getByTestId('country-estimates');
    expect(estimates.querySelector('[data-pooled="violations_per_inspection"]')!.textContent).toContain('0.866 (0.760–0.990)');
    expect(estimates.querySelector('[data-pooled="violations_per_inspection"]')!.textContent).toContain('объединено регионов: 2');
    expect(estimates.querySelector('[data-estimate="55:violations_per_inspection"]')!.classList.contains('late')).toBe(true);
    expect(estimates.querySelector('[data-estimate="19:violations_per_inspection"]')!.classList.contains('late')).toBe(false);
    expect(estimates.querySelectorAll('[data-kind="protest"]').length).toBe(0);
    // One kind of act: its pooled figure over the regions that estimated it, and their rows alone.
    await fireEvent.change(estimates.querySelector('[data-estimate-kind]')!, { target: { value: 'protest' } });
    await waitFor(() => expect(estimates.querySelector('[data-pooled="violations_per_inspection"]')!.textContent).toContain('0.700 (0.550–0.890)'));
    expect(estimates.querySelector('[data-estimate="55:violations_per_inspection"]')).toBeNull();
    expect(estimates.querySelector('[data-estimate="19:violations_per_inspection"]')!.getAttribute('data-kind')).toBe('protest');
    expect(screen.getByTestId('country-anomalies').textContent).toContain('Объекты за каждой аномалией скрыты');
    expect(screen.getByTestId('country-themes').querySelector('[data-alarm="5532"]')).not.toBeNull();
    expect(screen.queryByTestId('country-health')).toBeNull();
    // The screen as a file, in the reader's language.
    await fireEvent.click(screen.getByTestId('country-report').querySelector('[data-format="pdf"]')!);
    await waitFor(() => expect(calls.find((c) => c.method === 'national_report')?.params).toEqual({ format: 'pdf', lang: 'ru' }));

    await fireEvent.click(totals.querySelector('[data-country-region="19"]')!);
    await waitFor(() => expect(calls.some((c) => c.method === 'national_country')).toBe(true));
    expect(calls.find((c) => c.method === 'national_country')!.params).toEqual({ region: '19', today: null });
    await waitFor(() => expect(screen.getByTestId('country-effect').textContent).toContain('Алматинская область'));
    // A region drilled into: its own estimate, no pooled row — of all acts, since the kind chosen
    // before has no estimate in the region's figures.
    expect(screen.getByTestId('country-estimates').querySelector('[data-estimate="19:violations_per_inspection"]')!.getAttribute('data-kind')).toBe('all');
    expect(screen.getByTestId('country-estimates').querySelector('[data-pooled]')).toBeNull();
    expect(screen.getByTestId('country-estimates').querySelector('[data-estimate="55:violations_per_inspection"]')).toBeNull();
    expect(screen.getByTestId('country-estimates').querySelector('[data-estimate="19:violations_per_inspection"]')).not.toBeNull();
    expect(screen.getByTestId('country-totals').querySelector('[data-country-whole]')).not.toBeNull();
    // The region's districts coloured by their overdue tasks (published by district), then by appeals.
    const districts = await waitFor(() => {
      const map = document.querySelector('[data-section="country-district-map"]');
      expect(map).not.toBeNull();
      return map!;
    });
    const row = () => [...districts.querySelectorAll('[data-testid="chart-table"] tr')].find((r) => r.textContent!.includes('Енбекшиказахский'));
    expect(row()!.textContent).toContain('3');
    await fireEvent.change(screen.getByTestId('country-districts-by'), { target: { value: 'open' } });
    await waitFor(() => expect(row()!.textContent).toContain('6'));
    await fireEvent.change(screen.getByTestId('country-districts-by'), { target: { value: 'appeals' } });
    await waitFor(() => expect(row()!.textContent).toContain('4'));
    // The region's anomalies and risen themes on the same map: one anomaly and two risen cells in 1940.
    const value = () => row()!.lastElementChild!.textContent!.trim();
    await fireEvent.change(screen.getByTestId('country-districts-by'), { target: { value: 'anomalies' } });
    await waitFor(() => expect(value()).toBe('1'));
    await fireEvent.change(screen.getByTestId('country-districts-by'), { target: { value: 'themes' } });
    await waitFor(() => expect(value()).toBe('2'));
  });

  it('keeps the last figures when the face is out of reach, and says why — in Kazakh', async () => {
    i18n.lang = 'kk';
    stale = 'the national face is unreachable: connection refused';
    await logIn('aigerim');
    await screen.findByTestId('country-totals');
    await fireEvent.click(document.querySelector('[data-country-refresh]')!);
    const note = await screen.findByTestId('country-stale');
    expect(note.textContent).toContain('Ұлттық сервер қолжетімсіз');
    expect(note.textContent).toContain('connection refused');
    expect(screen.getByTestId('country-totals').textContent).toContain('Бүкіл ел');
  });

  it('shows a national administrator each region\'s replication and no figures', async () => {
    asAdmin = true;
    await logIn('nurlan');
    const health = await screen.findByTestId('country-health');
    expect(health.querySelector('[data-health="19"]')!.textContent).toContain('идёт поток');
    const lost = health.querySelector('[data-health="55"]')!;
    expect(lost.classList.contains('late')).toBe(true);
    expect(lost.textContent).toContain('invalidated');
    expect(screen.queryByTestId('country-totals')).toBeNull();
    await fireEvent.click(document.querySelector('[data-country-logout]')!);
    await screen.findByTestId('country-login');
    expect(calls.some((c) => c.method === 'national_logout')).toBe(true);
  });
});
