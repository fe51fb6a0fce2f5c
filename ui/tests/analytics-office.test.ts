// The Analytics screen's anomalies on a workstation joined to an office (issue 64), with the
// transport replaced by a recorder: «The office» asks the office's list, says when the office
// computed it, what lies outside the person's districts and (for an analyst) that the objects are
// withheld; the kind filter narrows it here; an anomaly opens with its own words and figures and
// never asks this workstation's detectors for the office's id — in ru and kk.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnomalyReport } from '../src/lib/types/AnomalyReport';
import type { ListedAnomaly } from '../src/lib/types/ListedAnomaly';

const calls: string[] = [];
const reports: unknown[] = [];
const words = (ru: string, kk: string, en: string) => ({ ru, kk, en });
const anomaly = (id: string, kind: 'illegal_share' | 'unplanned_growth', district: string, bins: string[]): ListedAnomaly => ({
  id, key: `${kind} / ${district}`, kind, control_body: null, region_code: '19', district, category: null, combination: null,
  subject_bins: bins, period: { from: '2024-11-03', to: '2025-05-03' }, observed: 51, expected: 21.9, ratio: 2.33,
  ratio_interval: [1.7, 3.1], p_value: 1.2e-5, q_value: 6.5e-4, volume: 109, peer_rate: 0.2, peers: 3, group: 'g',
  method: 'funnel-spiegelhalter-bh-v4',
  explanation: words(`Район ${district}: внеплановых проверок больше`, `${district} ауданы: жоспардан тыс тексеру көп`, `District ${district}: more unplanned inspections`),
  dismissed: false, review: null,
});
const report: AnomalyReport = {
  as_of: '2026-12-01', window: { from: '2023-11-02', to: '2026-10-31' }, method: 'funnel-spiegelhalter-bh-v4',
  params: { window_days: 1095, fdr: 0.05, min_ratio: 1.5, min_inspections: 20, min_appeals: 10 },
  units_judged: [], anomalies: [], note: words('Аномалии — гипотезы', 'Ауытқулар — болжамдар', 'Anomalies are hypotheses'), seconds: 0.1,
};
let withheld = false;

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: unknown = {}) => {
    calls.push(method);
    if (method === 'office_report') { reports.push(params); return { file_name: 'office-anomalies.pdf', media_type: 'application/pdf', base64: 'JVBERg==' }; }
    if (method === 'anomalies') return report;
    if (method === 'office_anomalies') return {
      anomalies: { ...report, anomalies: [anomaly('a3866193732e', 'unplanned_growth', '1940', withheld ? [] : ['231242000047']),
        anomaly('b1', 'illegal_share', '1920', [])],
      appeals_held: 812, registry: [], not_computed: [{ code: 'anomalies_no_registry', reason: 'x' }], districts: ['19'],
      outside: 3, objects_withheld: withheld, computed_at: '2026-11-27T06:00:00Z' },
      fetched_at: '2026-11-27T06:00:01Z', offline: null };
    throw new Error(`unexpected ${method}`);
  },
}));
vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerKazakhstan: async () => {},
  registerDistricts: async () => ({ '1940': { ru: 'Енбекшиказахский район', kk: 'Еңбекшіқазақ ауданы', en: 'Enbekshikazakh' } }),
}));
class NoResize { observe() {} unobserve() {} disconnect() {} }
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoResize;

const { default: Analytics } = await import('../src/screens/Analytics.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');
const { office } = await import('../src/lib/sync.svelte');

describe('the office\'s anomalies on the Analytics screen', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; withheld = false; office.status = { link: { role: 'supervisor' } } as never; });

  it('lists the office\'s anomalies with when and over what they were computed, and opens one in its own words', async () => {
    render(Analytics);
    await screen.findByText('Ничто не выделяется среди сопоставимых сверх случайного');
    await fireEvent.click(screen.getByTestId('anomalies-scope-office'));
    const note = await screen.findByTestId('office-anomalies-note');
    expect(note.textContent).toContain('812');
    expect(note.textContent).toContain('Ещё 3 практик');
    expect(note.textContent).toContain('ekn-office connector add');
    // The list as a file a head hands on: a PDF (or a workbook) of the office's anomalies, in Russian.
    URL.createObjectURL ??= () => 'blob:x';
    URL.revokeObjectURL ??= () => {};
    await fireEvent.click(screen.getByTestId('office-anomalies-xlsx').querySelector('[data-format="pdf"]')!);
    await waitFor(() => expect(reports).toEqual([{ report: 'anomalies', format: 'pdf', lang: 'ru' }]));
    const list = screen.getByTestId('anomalies');
    expect(list.textContent).toContain('Енбекшиказахский район');
    expect(list.querySelectorAll('li')).toHaveLength(2);
    // The kind filter narrows the office's list here, without asking the office again.
    const asked = calls.filter((c) => c === 'office_anomalies').length;
    await fireEvent.change(screen.getByTestId('anomaly-kind'), { target: { value: 'illegal_share' } });
    await waitFor(() => expect(list.querySelectorAll('li')).toHaveLength(1));
    expect(calls.filter((c) => c === 'office_anomalies').length).toBe(asked);
    await fireEvent.change(screen.getByTestId('anomaly-kind'), { target: { value: '' } });
    await waitFor(() => expect(list.querySelectorAll('li')).toHaveLength(2));
    await fireEvent.click(list.querySelector('[data-anomaly="a3866193732e"]')!);
    const opened = await screen.findByTestId('office-anomaly');
    expect(opened.textContent).toContain('Район 1940: внеплановых проверок больше');
    expect(opened.querySelector('a[href="#/card/231242000047"]')).not.toBeNull();
    expect(calls).not.toContain('anomaly');
    i18n.lang = 'kk';
    await waitFor(() => expect(opened.textContent).toContain('1940 ауданы: жоспардан тыс тексеру көп'));
    expect(screen.getByTestId('office-anomalies-note').textContent).toContain('Кеңсе тапқан тағы 3 тәжірибе');
    office.status = null;
  });

  it('says the objects are withheld where the role reads aggregates only', async () => {
    withheld = true;
    render(Analytics);
    await fireEvent.click(await screen.findByTestId('anomalies-scope-office'));
    const note = await screen.findByTestId('office-anomalies-note');
    expect(note.textContent).toContain('объекты за каждой практикой офис не передаёт');
    office.status = null;
  });
});
