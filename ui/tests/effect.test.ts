// The Effectiveness screen with the transport replaced by a recorder: the three tiers from the
// report, the estimate labelled as one with the naive figure beside it, the reason where there is
// no estimate, the unconfirmed norms said, the filters sent as the request — in ru, kk and en.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EffectReport } from '../src/lib/types/EffectReport';

const calls: { method: string; params: object }[] = [];
const proportion = (numerator: number, denominator: number) => ({
  numerator, denominator, share: numerator / denominator, ci95: [0.1, 0.9] as [number, number],
});
const figures = {
  design: 'before_after' as const, naive_ratio: 0.54, ratio: 0.77, ci95: [0.69, 0.86] as [number, number], n_treated: 436, n_controls: 651,
  n_without_trigger: 0, n_unmatched: 4, pre_trend_p: 0.41, mde: 0.85, prevented: 210.4, prevented_ci95: [120.2, 300.9] as [number, number],
  note: null, estimate: true,
  cohorts: [], profile: [], acts_in_scope: null, left_out: null, matched: null,
};
/** The headline as ЭКН gives it since issue 62: the stacked design, its profile and the matched design beside it. */
const stacked = {
  ...figures, design: 'stacked' as const, n_treated: 480, n_controls: 5210, acts_in_scope: 555,
  left_out: { no_trigger: 3, too_early: 41, no_control: 19, no_data_after: 12 },
  cohorts: [{ quarter: '2025-Q3', lag: 1, treated: 40, controls: 310 }],
  profile: [
    { quarter: -4, side: 'before_trigger' as const, ratio: 1.02, ci95: [0.9, 1.15] as [number, number] },
    { quarter: -3, side: 'before_trigger' as const, ratio: 0.97, ci95: [0.86, 1.1] as [number, number] },
    { quarter: 0, side: 'after_act' as const, ratio: 0.83, ci95: [0.72, 0.96] as [number, number] },
    { quarter: 4, side: 'after_act' as const, ratio: 0.74, ci95: [0.63, 0.87] as [number, number] },
  ],
  matched: { ...figures, outcome: 'violations_per_inspection' as const, ratio: 0.91, ci95: [0.7, 1.18] as [number, number], n_treated: 95 },
};
const report: EffectReport = {
  as_of: '2026-11-20', horizon_days: 365, default_horizon_days: 365, kind: null, district: null, body: null,
  bodies: [{ body: 'Департамент санитарно-эпидемиологического контроля', acts: 41 }, { body: 'Инспекция труда', acts: 19 }],
  kpis: {
    acts: 60, answered_in_time: proportion(31, 60), satisfied: proportion(15, 30), satisfied_or_partly: proportion(25, 30),
    protests_upheld: proportion(4, 5), median_days_to_answer: 27, median_days_ci95: [20, 40], answered: 30,
    unconfirmed_norms: ['prosecutor-submission'], without_period: 0,
    quality: { checklist_complete: proportion(7, 9), placeholders_filled: proportion(5, 8), formal_defects: proportion(2, 30) },
    funnel: [{ kpi: 'answered_in_time', district: '1920', numerator: 10, denominator: 20, share: 0.5, inside95: true, inside998: true }],
  },
  verification: { next_inspection: { verified: 20, contradicted: 25, no_data: 15 }, appeals: { verified: 5, contradicted: 9, no_data: 46 },
    category_appeals: { verified: 2, contradicted: 3, no_data: 55 }, returning_applicant: { verified: 4, contradicted: 7, no_data: 49 }, rule: 'verify-2026.11.2' },
  effects: [
    { kind: 'all', scope: 'all', outcome: 'violations_per_inspection', ...stacked },
    { kind: 'protest', scope: 'all', outcome: 'appeals_per_quarter', ...figures, design: null, n_treated: 12, ratio: null, ci95: null, pre_trend_p: null, mde: null,
      prevented: null, prevented_ci95: null, note: 'no estimate: 12 acted-on object(s) with data after the act, fewer than 30' },
    { kind: 'order', scope: 'all', outcome: 'violations_per_inspection', ...figures, design: 'after_only' as const, pre_trend_p: null, ratio: 0.81 },
  ],
  method: 'effect-2026.11.3', data_digest: 'ab'.repeat(32), journal: { seq: 476, hash: 'cd'.repeat(32) },
};

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: object = {}) => {
    calls.push({ method, params });
    if (method === 'effect') return report;
    if (method === 'office_effect') return {
      effect: { as_of: '2026-11-20', horizon_days: 365, default_horizon_days: 365, kind: null, district: null, body: null, bodies: [],
        kpis: { ...report.kpis, acts: 140 }, effects: [], method: 'effect-2026.11.3', registry: [], appeals_held: 900, workstations: 3, shared_acts: 2,
        verification: { next_inspection: null, appeals: { verified: 1, contradicted: 2, no_data: 3 }, category_appeals: null, returning_applicant: null, not_in_registry: 0, rule: 'verify-2026.11.2' },
        not_computed: [{ code: 'no_registry', reason: 'x' }], computed_at: '2026-11-20T06:00:00Z' },
      fetched_at: '2026-11-20T06:00:01Z', offline: 'connection refused' };
    throw new Error(`unexpected ${method}`);
  },
}));
vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerKazakhstan: async () => {},
}));

const { default: Effect } = await import('../src/screens/Effect.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');

describe('the Effectiveness screen', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; });

  it('shows the three tiers apart, the estimate as an estimate beside the naive figure, and why one is missing', async () => {
    render(Effect);
    await screen.findByTestId('effect-kpis');
    expect(screen.getByTestId('effect-kpis').textContent).toContain('31 / 60');
    expect(screen.getByTestId('effect-unconfirmed').textContent).toContain('prosecutor-submission');
    expect(screen.getByTestId('effect-kpis').querySelector('[data-kpi="placeholders_filled"]')!.textContent).toContain('5 / 8');
    expect(screen.getByTestId('effect-kpis').textContent).toContain('Возвращены или отменены по формальным основаниям');
    expect(screen.getByTestId('effect-verification').textContent).toContain('25');
    const returning = screen.getByTestId('effect-verification').querySelector('[data-check="verify.returning"]')!;
    expect(returning.textContent).toContain('7');
    const estimates = screen.getByTestId('effect-estimates');
    expect(estimates.textContent).toContain('оценка, не подсчёт');
    const row = estimates.querySelector('[data-effect="all/violations_per_inspection"]')!;
    expect(row.textContent).toContain('0.77');
    expect(row.textContent).toContain('0.54');
    expect(row.textContent).toContain('на 23% меньше');
    expect(estimates.textContent).toContain('Оценки нет: объектов с актом и данными после него 12');
    // An estimate from clean before windows says it compares after rates alone.
    expect(estimates.querySelector('[data-effect="order/violations_per_inspection"]')!.textContent).toContain('0.81');
    expect(estimates.textContent).toContain('Сравнение только после акта');
    expect(screen.getByTestId('effect-provenance').textContent).toContain('476');
    // What the headline rests on, and the matched design beside it, never in it.
    const basis = estimates.querySelector('[data-effect-basis="all/violations_per_inspection"]')!;
    expect(basis.textContent).toContain('Опирается на 480 объектов с актом из 555 актов');
    expect(basis.textContent).toContain('без данных за два года до повода 41');
    expect(basis.textContent).toContain('Подобранный дизайн рядом');
    expect(basis.textContent).toContain('0.91 (0.70–1.18)');
    // The quarter-by-quarter profile is drawn, its figures in the table beneath.
    expect(screen.getByTestId('effect-profile').textContent).toContain('после акта +4');
  });

  it('says not to rely on a stacked estimate whose pre-trend test warns, and to read a matched one with care', async () => {
    const extra = [
      { kind: 'warning', scope: 'all', outcome: 'violations_per_inspection' as const, ...stacked, pre_trend_p: 0.01 },
      { kind: 'submission', scope: 'all', outcome: 'violations_per_inspection' as const, ...figures, pre_trend_p: 0.02 },
    ];
    report.effects.push(...extra);
    try {
      render(Effect);
      const estimates = await screen.findByTestId('effect-estimates');
      expect(estimates.textContent).toContain('не полагайтесь на эту оценку');
      expect(estimates.textContent).toContain('читайте оценку осторожно');
    } finally {
      report.effects.splice(-extra.length);
    }
  });

  it('sends the filters as the request', async () => {
    render(Effect);
    await screen.findByTestId('effect-kpis');
    await fireEvent.change(screen.getByTestId('effect-kind'), { target: { value: 'protest' } });
    await fireEvent.click(screen.getByTestId('effect-compute'));
    await waitFor(() => expect(calls.at(-1)?.params).toEqual({ kind: 'protest', district: null, body: null, horizon_days: 365 }));
    // The bodies the report lists, with their acts, are the body filter's choices.
    const bodies = screen.getByTestId('effect-body') as HTMLSelectElement;
    expect([...bodies.options].map((o) => o.textContent)).toEqual(
      ['все органы', 'Департамент санитарно-эпидемиологического контроля (актов: 41)', 'Инспекция труда (актов: 19)']);
    await fireEvent.change(bodies, { target: { value: 'Инспекция труда' } });
    await fireEvent.click(screen.getByTestId('effect-compute'));
    await waitFor(() => expect(calls.at(-1)?.params).toEqual({ kind: 'protest', district: null, body: 'Инспекция труда', horizon_days: 365 }));
  });

  it('shows the office\'s figures on a joined workstation: a check the office lacks data for is said, never a zero, and offline is said', async () => {
    const { office } = await import('../src/lib/sync.svelte');
    office.status = { link: { role: 'supervisor' } } as never;
    render(Effect);
    await screen.findByTestId('effect-kpis');
    await fireEvent.click(screen.getByTestId('effect-scope-office'));
    await waitFor(() => expect(screen.getByTestId('effect-provenance').textContent).toMatch(/Офис вычислил .* 3 рабочих мест .*900/));
    expect(screen.getByTestId('effect-kpis').textContent).toContain('140');
    const inspection = document.querySelector('[data-check="verify.inspection"]')!;
    expect(inspection.textContent).toContain('офис это не вычислял');
    expect(document.querySelector('[data-check="verify.appeals"]')!.textContent).toMatch(/1\s*2\s*3/);
    expect(screen.getByTestId('effect-office-offline').textContent).toContain('Офис недоступен');
    expect(document.querySelector('[data-not-computed="no_registry"]')).toBeTruthy();
    office.status = null;
  });

  it('speaks Kazakh and English', async () => {
    for (const [lang, badge, afterOnly] of [['kk', 'баға, санау емес', 'Тек актіден кейінгі салыстыру'], ['en', 'an estimate, not a count', 'Compared after the act only']] as const) {
      i18n.lang = lang;
      const { unmount } = render(Effect);
      await screen.findByTestId('effect-estimates');
      expect(screen.getByTestId('effect-estimates').textContent).toContain(badge);
      expect(screen.getByTestId('effect-estimates').textContent).toContain(afterOnly);
      unmount();
    }
  });
});
