// The Themes screen and the theme card with the transport replaced by a recorder: the ranking with
// every score taken apart into its parts and worded in the reader's language, the scan's alarms
// for themes and cells, the guardrail against lists of persons, a new theme sent as a definition,
// and the card's dynamics, norms (unconfirmed said) and versions — in ru, kk and en.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ThemeScoreReport } from '../src/lib/types/ThemeScoreReport';
import type { ThemeScanReport } from '../src/lib/types/ThemeScanReport';
import type { ThemeCard } from '../src/lib/types/ThemeCard';
import type { ThemeScore } from '../src/lib/types/ThemeScore';
import type { ThemeProposalReport } from '../src/lib/types/ThemeProposalReport';

const calls: { method: string; params: Record<string, unknown> }[] = [];
const note = { ru: 'Тема — не список лиц.', kk: 'Тақырып — тұлғалар тізімі емес.', en: 'A theme is never a list of persons.' };
const score: ThemeScore = {
  score: 0.41, low: 0.33, high: 0.52, weights_version: 'theme-scoring-2026.11',
  parts: [
    { part: 'growth', value: 0.8, low: 0.8, high: 0.8, weight: 0.35, why: 'x', figures: { q: 0.0006 } },
    { part: 'severity', value: 0.2, low: 0.11, high: 0.33, weight: 0.2, why: 'x', figures: { count: 10, of: 50 } },
    { part: 'anomaly', value: 0, low: 0, high: 0, weight: 0.2, why: 'x', figures: { q: 1 } },
    { part: 'member_risk', value: 0.55, low: 0.5, high: 0.6, weight: 0.15, why: 'x', figures: { ratio: 1.22, objects: 31 } },
    { part: 'repeats', value: 0.1, low: 0.04, high: 0.21, weight: 0.1, why: 'x', figures: { count: 5, of: 50 } },
  ],
};
const definition = { categories: ['social.labour'], kato: ['19'], oked: [], bodies: [], unplanned_only: false, small_business: false, from: null, to: null, seed: null, norms: ['prosecutor-protest'] };
const scores: ThemeScoreReport = {
  as_of: '2025-10-15',
  weights: { version: 'theme-scoring-2026.11', passport: { purpose: 'p', author: 'a', date: '2026-11-25', validation: 'v', limits: 'l' },
    weights: { growth: 0.35, severity: 0.2, anomaly: 0.2, member_risk: 0.15, repeats: 0.1 }, severity_rules: [], growth_full_at: 4 },
  themes: [{ name: 'Зарплаты', version: 2, series: 'appeals', members: 50, score }],
  note,
};
const judged = (month: string, observed: number, alarm: boolean) => ({ month, observed, expected: 4.5, upper: 10, p: alarm ? 1e-7 : 0.4, q: alarm ? 0.0006 : 0.9, dispersion: 1.2, trend: false, alarm });
const scan: ThemeScanReport = {
  as_of: '2025-10-15', method: 'farrington-noufaily-monthly-v1',
  params: { farrington: { years_back: 5, half_window: 1, alpha: 0.01, reweight_threshold: 2.58, trend_p: 0.05, min_observed: 3, min_reference: 6 }, months: 3, fdr: 0.05 },
  months: ['2025-07', '2025-08', '2025-09'],
  themes: [{ name: 'Зарплаты', version: 2, series: 'appeals', alarm: true, months: [judged('2025-07', 4, false), null, judged('2025-09', 20, true)] }],
  cells: { months: ['2025-07', '2025-08', '2025-09'], cells: 2, judged: 6, not_judged: 0,
    alarms: [{ category: 'social.labour', district: '1920', ...judged('2025-09', 20, true) }],
    neighbours: [{ category: 'social.labour', district: '5532', observed: 18, district_total: 40, expected: 6.1, ratio: 2.95, p: 1e-6, q: 0.002,
      neighbours: ['5522', '5516'], neighbours_observed: 30, neighbours_total: 197, enclosed: false }],
    neighbours_judged: 310, neighbours_method: 'neighbours-twosample-fisher-bh-v1' },
  note, seconds: 0.1,
};
const card: ThemeCard = {
  theme: { name: 'Зарплаты', version: 2, definition, series: 'appeals', retired: false, saved_by: 'Асанова', saved_at: '2026-11-25T10:00:00Z', reason: 'план' },
  versions: [{ name: 'Зарплаты', version: 1, definition: '{}', retired: false, reason: 'первая', author: 'Асанова', at: '2026-11-20T10:00:00Z' },
    { name: 'Зарплаты', version: 2, definition: '{}', retired: false, reason: 'план', author: 'Асанова', at: '2026-11-25T10:00:00Z' }],
  as_of: '2025-10-15',
  norms: [{ id: 'prosecutor-protest', name: { ru: 'Рассмотрение протеста', kk: 'Наразылықты қарау', en: 'Consideration of a protest' }, basis: null, verified: false }],
  dynamics: [{ month: '2025-08', observed: 5, expected: 4.5, upper: 10, exceeds: false }, { month: '2025-09', observed: 20, expected: 4.6, upper: 10, exceeds: true }],
  districts: [{ key: '1920', count: 55 }], bodies: [{ key: 'Инспекция труда', count: 7 }], anomalies: [],
  acts: [{ kind: 'submission', issued: 3, answered: 2, satisfied: 1 }],
  tasks: { open: 4, overdue: 1, done: 9, next_due: '2025-10-20', by_kind: [{ key: 'consider_appeal', count: 4 }] },
  appeals: 55, inspections: 0, objects: 31, score, method: 'farrington-noufaily-monthly-v1', note,
  documents: { attached: 4, read: 3, facts: 7, confirmed: 5, rejected: 1, objects: 2 },
  timeline: [
    { at: '2026-11-25T10:00:00Z', kind: 'decision', detail: 'rejected appeal Т-00020', who: 'Асанова' },
    { at: '2025-09-30', kind: 'alarm', detail: '2025-09: 20 > 10.0', who: null },
    { at: '2025-08-12', kind: 'outcome', detail: 'submission answer satisfied', who: null },
  ],
  notes: [
    { seq: 41, note: 'Открыта по письму областной прокуратуры', destroyed_by: null, author: 'Асанова', at: '2026-11-25T11:00:00Z' },
    { seq: 12, note: null, destroyed_by: 'УА-7', author: 'Асанова', at: '2026-11-20T09:00:00Z' },
  ],
};

const proposals: ThemeProposalReport = {
  as_of: '2025-09-30', from: '2025-07-03', method: 'proposals-tfidf-svd-hdbscan-v1',
  params: { dimensions: 50, power_iterations: 5, min_cluster_size: 10, max_texts: 5000, max_features: 400000, terms: 6, seed: 2026 },
  with_text: 120, covered: 60, clustered: 60, noise: 12, note,
  proposals: [{
    id: 'P1', size: 30, first: '2025-08-01', last: '2025-09-27',
    terms: [{ term: 'шлагбаум', share: 0.73 }, { term: 'во двор', share: 0.4 }],
    categories: [{ value: 'social.labour', count: 28 }, { value: 'прочее', count: 2 }],
    districts: [{ value: '7511', count: 30 }],
    examples: [{ appeal_no: 'Ш-001', received: '2025-08-02', category: 'social.labour', snippet: 'Во дворе установили шлагбаум' }],
    suggested_name: 'шлагбаум · во двор',
    suggested: { categories: ['social.labour'], kato: ['7511'], oked: [], bodies: [], unplanned_only: false, small_business: false, from: null, to: null, seed: 'шлагбаум, во двор', norms: [] },
  }, {
    id: 'P2', size: 11, first: '2025-08-01', last: '2025-09-27', terms: [{ term: 'отопление', share: 0.9 }],
    categories: [], districts: [], examples: [], suggested_name: 'отопление', suggested: null,
  }],
  seconds: 1.2,
};

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'theme_scores') return scores;
    if (method === 'theme_scan') return scan;
    if (method === 'office_theme_scan') return {
      scan: { ...scan, themes: [], owners: [{ theme: 'ЖКХ — Bekzat Omarov', name: 'ЖКХ', version: 1, person: 'Bekzat Omarov', workstation: 'ws-b' }],
        appeals_held: 812, registry: [], not_computed: [{ code: 'themes_no_registry', reason: 'x' }], computed_at: '2026-11-27T06:00:00Z' },
      fetched_at: '2026-11-27T06:00:01Z', offline: null };
    if (method === 'office_theme_scores') return {
      scores: { ...scores, themes: [{ ...scores.themes[0], name: 'ЖКХ — Bekzat Omarov' }], owners: [], appeals_held: 812, registry: [], not_computed: [],
        computed_at: '2026-11-27T06:00:00Z' },
      fetched_at: '2026-11-27T06:00:01Z', offline: null };
    if (method === 'theme_card') return card;
    if (method === 'theme_proposals') return proposals;
    if (method === 'theme_note') return [{ seq: 42, note: params.note, destroyed_by: null, author: 'Асанова', at: '2026-11-26T09:00:00Z' }, ...card.notes];
    if (method === 'theme_save') return { ...card.theme, name: params.name, version: 1 };
    if (method === 'theme_members' || method === 'theme_decide') return {
      theme: 'Зарплаты', version: 2, series: 'appeals', total: 2, new_undecided: 1, score_rule: 'theme-candidate-v2: …',
      items: [
        { kind: 'appeal', key: 'Т-00020', object: '123456789012', date: '2025-09-28', category: 'social.labour', district: '1920', control_body: null, score: 0.75, matched: true, new: true,
          decision: method === 'theme_decide' ? { item_kind: 'appeal', item_key: 'Т-00020', decision: 'rejected', reason: 'не по теме', author: 'Асанова', at: '2026-11-25T10:00:00Z' } : null },
        { kind: 'appeal', key: 'Т-00002', object: null, date: '2021-01-04', category: 'social.housing', district: '7511', control_body: null, score: 0, matched: false, new: false,
          decision: { item_kind: 'appeal', item_key: 'Т-00002', decision: 'accepted', reason: null, author: 'Асанова', at: '2026-11-24T10:00:00Z' } },
        { kind: 'object', key: '123456789012', object: '123456789012', date: '2025-09-28', category: null, district: '1920', control_body: null, score: 1, matched: true, new: true,
          decision: null, items: 3 },
      ] };
    if (method === 'appeals_reference') return { taxonomy: { version: 't', categories: [
      { code: 'social.labour', parent: 'social', name_ru: 'Трудовые права', name_kk: 'Еңбек құқықтары', name_en: 'Labour rights', aliases: [] }] },
      priority: {}, routing: {} };
    throw new Error(`unexpected ${method}`);
  },
}));
vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerKazakhstan: async () => {},
  registerDistricts: async () => ({
    '5532': { ru: 'Актогайский район', kk: 'Ақтоғай ауданы', en: 'Aktogay' },
    '5522': { ru: 'Экибастуз Г.А.', kk: 'Екібастұз Қ.Ә.', en: 'Ekibastuz' },
  }),
}));

const { default: Themes } = await import('../src/screens/Themes.svelte');
const { default: Card } = await import('../src/screens/ThemeCard.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');

describe('the Themes screen', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; });

  it('ranks themes with every score in its parts, worded in each language', async () => {
    render(Themes);
    const ranking = await screen.findByTestId('themes-ranking');
    const row = ranking.querySelector('[data-theme="Зарплаты"]')!;
    expect(row.textContent).toContain('0.41');
    expect(row.textContent).toContain('0.20 (0.11–0.33)');
    expect(row.querySelectorAll('td[title]')[1].getAttribute('title')).toBe('10 из 50 обращений темы с признаками вреда или угрозы');
    expect(screen.getByTestId('themes-note').textContent).toContain('не список лиц');
    i18n.lang = 'kk';
    await waitFor(() => expect(screen.getByTestId('themes-note').textContent).toContain('тұлғалар тізімі емес'));
    expect(ranking.textContent).toContain('ауырлық');
    i18n.lang = 'en';
    await waitFor(() => expect(ranking.textContent).toContain('severity'));
  });

  it('shows the scan: a theme month and a cell above their past, and the month too short to judge', async () => {
    render(Themes);
    const panel = await screen.findByTestId('themes-scan');
    const row = panel.querySelector('[data-scan-theme="Зарплаты"]')!;
    expect(row.querySelector('td.alarm')!.textContent).toContain('20');
    expect(row.textContent).toContain('мало истории');
    const cells = await screen.findByTestId('themes-cell-alarms');
    await waitFor(() => expect(cells.textContent).toContain('Трудовые права'));
    expect(cells.textContent).toContain('1920');
    // The same months against the neighbours: the district and its neighbours named, the shares.
    const around = await screen.findByTestId('themes-neighbour-alarms');
    await waitFor(() => expect(around.textContent).toContain('Актогайский район (5532)'));
    expect(around.textContent).toContain('18 / 40 (45%)');
    expect(around.textContent).toContain('15%');
    expect(around.textContent).toContain('Экибастуз Г.А. (5522)');
    expect(around.textContent).toContain('×3.0');
    expect(panel.textContent).toContain('neighbours-twosample-fisher-bh-v1');
  });

  it('narrows the cells to a district picked on the map, and shows the office\'s scan with its authors on a joined workstation', async () => {
    const { office } = await import('../src/lib/sync.svelte');
    office.status = { link: { role: 'supervisor' } } as never;
    render(Themes);
    await screen.findByTestId('themes-cell-alarms');
    // The map's table offers each district with something found; a pick narrows both tables.
    const pick = await waitFor(() => document.querySelector('[data-testid="themes-scan"] [data-pick="5532"]') as HTMLButtonElement);
    await fireEvent.click(pick);
    await waitFor(() => expect(screen.getByTestId('cells-district').textContent).toContain('Актогайский район'));
    expect(screen.queryByTestId('themes-cell-alarms')).toBeNull();
    expect(screen.getByTestId('themes-neighbour-alarms').textContent).toContain('Актогайский район (5532)');
    await fireEvent.click(screen.getByText('Все районы'));
    await screen.findByTestId('themes-cell-alarms');

    await fireEvent.click(screen.getByTestId('themes-scope-office'));
    const note = await screen.findByTestId('office-scan-note');
    await waitFor(() => expect(note.textContent).toContain('812'));
    expect(note.textContent).toContain('ЖКХ — Bekzat Omarov');
    expect(note.textContent).toContain('ekn-office connector add');
    expect(calls.some((c) => c.method === 'office_theme_scan')).toBe(true);
    // The ranking is the office's too: an office's theme is named with its author, its card is on
    // that workstation (no link here).
    const ranked = screen.getByTestId('themes-ranking').querySelector('[data-theme="ЖКХ — Bekzat Omarov"]')!;
    expect(ranked.textContent).toContain('0.41');
    expect(ranked.querySelector('a')).toBeNull();
    office.status = null;
  });

  it('sends a new theme as a definition with its reason', async () => {
    render(Themes);
    await screen.findByTestId('themes-new');
    await fireEvent.input(screen.getByTestId('theme-name'), { target: { value: 'Стройка' } });
    await fireEvent.input(screen.getByTestId('theme-kato'), { target: { value: '19, 1920' } });
    await fireEvent.input(screen.getByTestId('theme-reason'), { target: { value: 'план квартала' } });
    await fireEvent.click(screen.getByTestId('theme-save'));
    await screen.findByTestId('theme-saved');
    const sent = calls.find((c) => c.method === 'theme_save')!.params as { name: string; reason: string; definition: { kato: string[] } };
    expect(sent.name).toBe('Стройка');
    expect(sent.reason).toBe('план квартала');
    expect(sent.definition.kato).toEqual(['19', '1920']);
  });
});

describe('the proposals', () => {
  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; });

  it('are found on demand, named by their words, and fill the form a person then saves', async () => {
    render(Themes);
    await screen.findByTestId('themes-proposals');
    expect(calls.some((c) => c.method === 'theme_proposals')).toBe(false);
    await fireEvent.click(screen.getByTestId('themes-propose'));
    const found = await screen.findAllByTestId('proposal');
    expect(found).toHaveLength(2);
    expect(found[0].textContent).toContain('шлагбаум');
    expect(found[0].textContent).toContain('73%');
    await waitFor(() => expect(found[0].textContent).toContain('Трудовые права 28'));
    expect(found[1].textContent).toContain('сначала классифицируйте');
    expect(screen.getByTestId('proposals-summary').textContent).toContain('покрыты темами 60');
    await fireEvent.click(screen.getByTestId('proposal-make'));
    expect((screen.getByTestId('theme-name') as HTMLInputElement).value).toBe('шлагбаум · во двор');
    expect((screen.getByTestId('theme-kato') as HTMLInputElement).value).toBe('7511');
    expect((screen.getByTestId('theme-seed') as HTMLInputElement).value).toBe('шлагбаум, во двор');
    expect(calls.some((c) => c.method === 'theme_save')).toBe(false);
    await fireEvent.input(screen.getByTestId('theme-reason'), { target: { value: 'из предложения' } });
    await fireEvent.click(screen.getByTestId('theme-save'));
    await screen.findByTestId('theme-saved');
    const sent = calls.find((c) => c.method === 'theme_save')!.params as { definition: { categories: string[]; seed: string } };
    expect(sent.definition.categories).toEqual(['social.labour']);
    expect(sent.definition.seed).toBe('шлагбаум, во двор');
    i18n.lang = 'kk';
    await waitFor(() => expect(screen.getByTestId('themes-proposals').textContent).toContain('Жаңа тақырып ұсыныстары'));
    i18n.lang = 'en';
    await waitFor(() => expect(screen.getByTestId('themes-proposals').textContent).toContain('Proposals for new themes'));
  });
});

describe('the theme card', () => {
  it('lists the members with new ones marked and sends a decision only with its reason', async () => {
    i18n.lang = 'ru';
    render(Card, { name: 'Зарплаты' });
    const members = await screen.findByTestId('theme-members');
    await waitFor(() => expect(members.querySelector('[data-member="Т-00020"]')).not.toBeNull());
    const row = members.querySelector('[data-member="Т-00020"]')!;
    expect(row.textContent).toContain('новое');
    expect(members.querySelector('[data-member="Т-00002"]')!.textContent).toContain('вне фильтров');
    expect(members.querySelector('[data-member="Т-00002"]')!.textContent).toContain('принято');
    // An object that concentrates the theme is a candidate of its own, with its matching items.
    expect(members.querySelector('[data-member="123456789012"]')!.textContent).toContain('совпало элементов: 3');
    // The candidates' rule in the reader's language, by its version.
    expect(members.textContent).toContain('theme-candidate-v2: 1 — элемент, который совпал');
    await fireEvent.click(row.querySelector('[data-testid="member-decide"]')!);
    const reject = [...row.querySelectorAll('button')].find((b) => b.textContent === 'Отклонить')!;
    expect(reject.disabled).toBe(true);
    await fireEvent.input(row.querySelector('[data-testid="member-reason"]')!, { target: { value: 'не по теме' } });
    await fireEvent.click(reject);
    await waitFor(() => expect(calls.some((c) => c.method === 'theme_decide')).toBe(true));
    expect(calls.find((c) => c.method === 'theme_decide')!.params).toEqual({ theme: 'Зарплаты', kind: 'appeal', key: 'Т-00020', choice: 'reject', reason: 'не по теме' });
    await waitFor(() => expect(members.querySelector('[data-member="Т-00020"]')!.textContent).toContain('отклонено'));
  });

  it('decides about an item\'s object by its BIN, and offers no object where the registry names none', async () => {
    render(Card, { name: 'Зарплаты' });
    const members = await screen.findByTestId('theme-members');
    await waitFor(() => expect(members.querySelector('[data-member="Т-00020"]')).not.toBeNull());
    const other = members.querySelector('[data-member="Т-00002"]')!;
    await fireEvent.click(other.querySelector('[data-testid="member-decide"]')!);
    expect(other.querySelector('[data-testid="member-reject-object"]')).toBeNull();
    const row = members.querySelector('[data-member="Т-00020"]')!;
    await fireEvent.click(row.querySelector('[data-testid="member-decide"]')!);
    const whole = row.querySelector('[data-testid="member-reject-object"]') as HTMLButtonElement;
    expect(whole.textContent).toBe('Отклонить объект 123456789012');
    await fireEvent.input(row.querySelector('[data-testid="member-reason"]')!, { target: { value: 'не та отрасль' } });
    await fireEvent.click(whole);
    await waitFor(() => expect(calls.find((c) => c.method === 'theme_decide')!.params).toEqual(
      { theme: 'Зарплаты', kind: 'object', key: '123456789012', choice: 'reject', reason: 'не та отрасль' }));
  });

  beforeEach(() => { calls.length = 0; i18n.lang = 'ru'; });

  it('shows the documents as counts and the timeline worded in each language', async () => {
    render(Card, { name: 'Зарплаты' });
    const docs = await screen.findByTestId('theme-documents');
    expect(docs.textContent).toContain('Приложено 4 к 2 объектам, прочитано 3');
    const timeline = screen.getByTestId('theme-timeline');
    expect(timeline.querySelector('[data-event="decision"]')!.textContent).toContain('исключено: Т-00020');
    expect(timeline.querySelector('[data-event="alarm"]')!.textContent).toContain('2025-09: 20 > 10.0');
    expect(timeline.querySelector('[data-event="outcome"]')!.textContent).toContain('ответ адресата: удовлетворено');
    i18n.lang = 'kk';
    await waitFor(() => expect(timeline.textContent).toContain('Хронология'));
    expect(timeline.textContent).toContain('алынып тасталды');
    i18n.lang = 'en';
    await waitFor(() => expect(timeline.textContent).toContain('Outcome of an act'));
    expect(docs.textContent).toContain('4 attached to 2 objects');
  });

  it('lists the notes, a destroyed one by its act, and writes a new one only with its text', async () => {
    render(Card, { name: 'Зарплаты' });
    const notes = await screen.findByTestId('theme-notes');
    expect(notes.textContent).toContain('Открыта по письму областной прокуратуры');
    expect(notes.textContent).toContain('уничтожена по акту УА-7');
    const add = screen.getByTestId('theme-note-add') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('theme-note-text'), { target: { value: 'Спросили инспекцию труда' } });
    expect(add.disabled).toBe(false);
    await fireEvent.click(add);
    await waitFor(() => expect(calls.find((c) => c.method === 'theme_note')).toEqual(
      { method: 'theme_note', params: { name: 'Зарплаты', note: 'Спросили инспекцию труда' } }));
    i18n.lang = 'kk';
    await waitFor(() => expect(notes.textContent).toContain('УА-7 актісі бойынша жойылды'));
    i18n.lang = 'en';
    await waitFor(() => expect(notes.textContent).toContain('destroyed under act УА-7'));
  });

  it('shows the definition, the unconfirmed norm, the month above its band, the acts and the versions', async () => {
    render(Card, { name: 'Зарплаты' });
    const definition = await screen.findByTestId('theme-definition');
    await waitFor(() => expect(definition.textContent).toContain('Трудовые права'));
    expect(definition.textContent).toContain('не подтверждена');
    expect(screen.getByTestId('theme-dynamics').querySelector('tr.alarm')!.textContent).toContain('2025-09');
    expect(screen.getByTestId('theme-acts').textContent).toContain('представление');
    expect(screen.getByTestId('theme-tasks').textContent).toContain('Открыто: 4 (просрочено: 1); исполнено: 9.');
    expect(screen.getByTestId('theme-tasks').textContent).toContain('20.10.2025');
    expect(screen.getByTestId('theme-score').querySelector('[data-part="member_risk"]')!.textContent).toContain('×1.22');
    expect(screen.getByTestId('theme-versions').textContent).toContain('первая');
    expect(calls.find((c) => c.method === 'theme_card')).toEqual({ method: 'theme_card', params: { name: 'Зарплаты', as_of: null } });
  });
});
