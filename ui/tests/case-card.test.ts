// The case card screen with the transport replaced by a recorder: every block is filled from the
// answer, accepting the suggested step sends the right call and shows the new task, and declining
// needs a reason. (The real transport is exercised end to end in e2e/.)
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaseScreen } from '../src/lib/types/CaseScreen';
import { deadline, taskView } from './fixtures';

const calls: { method: string; params: object }[] = [];
const note = { ru: 'Оценка локальной модели — гипотеза', kk: 'болжам', en: 'a hypothesis' };
/** The local model's answer for the card's risk block; after an override, with the person's assessment. */
function riskAnswer(overridden: boolean) {
  return {
    subject_bin: '000740000728', name: 'ТОО «Тест»', local_missing: null, external: [], note,
    overridden: overridden ? { id: 1, target: 'risk', key: '000740000728', action: 'override', value: 'low', basis: 'risk-v1', reason: 'проверено', author: 'Иванов В.', at: '2026-11-22T10:00:00Z' } : null,
    local: {
      model: 'risk-v1', target: 'declared_illegal', probability: 0.123, relative_risk: 3.1, level: 'high', base_rate: 0.04,
      assumed: { ru: 'Следующая внеплановая проверка', kk: 'келесі', en: 'next' },
      contributions: [{ feature: 'prior_visits_same_body', value: '11', effect: 0.61, odds_ratio: 1.84, text: { ru: 'Прежних визитов этого органа к объекту: 11 — повышает риск', kk: 'к', en: 'e' } }],
      similar: [], norms: [{ id: 'unplanned-grounds', text: { ru: 'Основание внеплановой проверки', kk: 'к', en: 'e' }, basis: null, verified: false }],
    },
  };
}
let caseAnswer: CaseScreen;
/** Today's version of a norm, as the catalogue in force lists it (only what the acts block reads). */
function normToday(id: string, version: object) {
  return { id, versions: [{ in_force_today: true, law: { version } }] };
}
const normsAnswer = { norms: [
  normToday('prosecutor-submission', { period: { amount: 30, unit: 'calendar_days' }, set_by_act: null }),
  normToday('prosecutor-resolution', { period: null, set_by_act: {
    min: null, default_stands: false, quote_ru: null,
    text: { ru: 'в сроки, установленные постановлением', kk: 'қаулыда белгіленген мерзімде', en: 'within the period the resolution sets' } } }),
] };

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: object = {}) => {
    calls.push({ method, params });
    if (method === 'case') return caseAnswer;
    if (method === 'accept_step') return { created: [{ ...taskView({ id: 99 }) }] };
    if (method === 'decline_step') return { ok: true };
    if (method === 'documents') return [];
    if (method === 'act_outcome') return { subject_bin: '000740000728', act: {}, outcomes: [], proposals: [] };
    if (method === 'risk_explain' || method === 'override_risk') return riskAnswer(method === 'override_risk');
    if (method === 'checklist_mark') return { id: 'ig-documents-requested', ru: '', kk: '', en: '', signal: null, mark: null, satisfied: true };
    if (method === 'act_draft') return {
      draft: { subject_bin: '000740000728', kind: 'submission', lang: 'kk', file_name: 'submission.docx', template: 'builtin', template_sha256: 'x', sha256: 'f'.repeat(64), journal_seq: 77, data: {}, missing: [], unfilled: ['norms_breached', 'prosecutor'] },
      docx: { file_name: 'submission.docx', media_type: 'application/octet-stream', base64: 'UEs=' }, pdf: null, pdf_error: 'no font',
    };
    if (method === 'act_precedents') return {
      kind: 'submission', category: (params as { category: string | null }).category, oked: '47.11', matching: 2, rule: 'precedents-2026.11.1',
      tally: { satisfied: 1, partly: 0, rejected: 1, withdrawn: 0, no_answer: 0, upheld: 0, overturned: 0, formal_defects: 1 },
      similar: [
        { act_id: 41, number: 'П-41', issued_on: '2025-01-10', subject_bin: null, same_object: false, category: 'social.labour', oked: '47.11',
          matched_on: ['category', 'oked'], answer: 'rejected', answered_on: '2025-02-01', days_to_answer: 22, court: null, formal_defect: true },
        { act_id: 42, number: null, issued_on: '2024-06-01', subject_bin: '000740000728', same_object: true, category: null, oked: '47.11',
          matched_on: ['oked'], answer: 'satisfied', answered_on: '2024-06-20', days_to_answer: 19, court: null, formal_defect: false },
      ],
    };
    if (method === 'appeals_reference') return { taxonomy: { version: 't', categories: [
      { code: 'social', parent: null, name_ru: 'Социальная сфера', name_kk: 'Әлеуметтік сала', name_en: 'Social sphere', aliases: [] },
      { code: 'social.labour', parent: 'social', name_ru: 'Трудовые права', name_kk: 'Еңбек құқықтары', name_en: 'Labour rights', aliases: [] },
    ] }, units: [], rules: [] };
    if (method === 'act_issue') return { act: {}, control_task: { ...taskView({ id: 12 }) }, norm_id: 'prosecutor-submission', norm_verified: false, missing: [] };
    if (method === 'norms') return normsAnswer;
    if (method === 'upload') return { upload: 'u1', name: 'p.zip', bytes: 3 };
    if (method === 'evidence_verify') return {
      path: 'p.zip', ok: false, payload_files: 3, payload_octets: 10, external_identifier: null, bagging_date: null, signer: null,
      problems: [{ problem: 'altered', file: 'data/card.json' }, { problem: 'signature_missing', file: 'tagmanifest-sha256.txt.sig' }],
      messages: [], signed_by_this_office: false, seconds: 0.01,
    };
    throw new Error(`unexpected ${method}`);
  },
}));
vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
  registerKazakhstan: async () => {},
}));

const { default: CaseCard } = await import('../src/screens/CaseCard.svelte');
const { shared } = await import('../src/lib/state.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');

function answer(): CaseScreen {
  const named = { code: '75', name_ru: 'г. Алматы', name_kk: 'Алматы қ.', name_en: 'Almaty' };
  return {
    today: '2026-11-20',
    card: {
      schema: 'ekn.card/1',
      subject: { bin: '000740000728', id_kind: 'bin', name: 'ТОО «Тест»', kato: '751110000', region: named, oked: '47110', oked_section: null },
      indicators: {
        inspections_total: 1, first_inspection: '2025-03-01', last_inspection: '2025-03-01', inspections_per_year: [{ year: 2025, count: 1 }],
        mean_inspections_per_year: 1, by_kind: { planned: 0, unplanned: 1, preventive_visit: 0 }, share_unplanned: 1, share_with_violations: 1,
        violations_total: 2, inspections_with_sanctions: 1, fines_total_kzt: 150000, inspections_appealed: 0, inspections_declared_illegal: 0,
        appeals_total: 1, appeals_by_outcome: { satisfied: 0, refused: 0, explained: 1, pending: 0 }, appeals_repeated: 0,
      },
      inspections: [{ registry_no: 'R-1', control_body: 'ДГД', kind: 'unplanned', grounds: null, start_date: '2025-03-01', end_date: null, kato: null,
        violations: 2, sanctions: 'штраф', fine_kzt: 150000, appealed: null, declared_illegal: null, source: { import_id: 1, line: 2 } }],
      appeals: [{ appeal_no: 'ЖТ-1', received: '2026-10-01', channel: null, applicant_category: null, applicant: null, category: 'жилье',
        status: null, decided: '2026-10-10', outcome: 'explained', text: 'текст', repeats: null, destroyed_by: null, source: { import_id: 2, line: 2 } }],
      risk: [{ model: 'ekn-demo', score: 81.5, degree: 'high', computed: '2026-09-01', factors: [{ name: 'unplanned_share', value: 0.6 }], source: { import_id: 3, line: 2 } }],
    },
    stage: 'information_gathering',
    grounds: [{ norm_id: 'appk-76-consideration', name_ru: 'Рассмотрение обращения', name_kk: 'Өтінішті қарау', name_en: 'Consideration of an appeal',
      basis: { ru: 'АППК, ст. 76', kk: 'ӘРПК, 76-бап', en: 'APPC, art. 76' }, period: { amount: 15, unit: 'working_days' }, verified: true, note: null, governs: { ru: 'чей', kk: 'кімнің', en: 'whose' }, version: 1,
      because: { kind: 'appeal', appeal_no: 'ЖТ-1', received: '2026-10-01' }, deadline }],
    acts: [{ id: 'submission', norm: 'prosecutor-submission', stages: ['response'], when: 'violations', name_ru: 'Представление', name_kk: 'Ұсыну',
      name_en: 'Submission', use_ru: 'об устранении нарушений', use_kk: 'бұзушылықтарды жою', use_en: 'to remedy violations',
      checklist: [{ id: 'submission-causes', signal: null, ru: 'Причины установлены', kk: 'Себептері анықталды', en: 'Causes established' }] }],
    checklist: [{ id: 'ig-appeal-texts', ru: 'Тексты обращений изучены', kk: 'Өтініш мәтіндері зерделенді', en: 'Appeal texts studied', signal: true, mark: null, satisfied: true },
      { id: 'ig-documents-requested', ru: 'Запрошены документы', kk: 'Құжаттар сұратылды', en: 'Documents requested', signal: null, mark: null, satisfied: false }],
    act_checklists: [{ kind: 'submission', missing: 1, items: [
      { id: 'submission-causes', ru: 'Причины установлены', kk: 'Себептері анықталды', en: 'Causes established', signal: null, mark: null, satisfied: false }] }],
    attachments: [{ id: 1, sha256: 'ab'.repeat(32), file_name: 'акт.pdf', octets: 2048, note: null, author: 'Иванов В.', at: '2026-11-20T10:00:00Z' }],
    issued_acts: [{ id: 3, kind: 'submission', number: '2-15-25/4410', issued_on: '2025-03-17', addressee: 'Директору товарищества', requirements: [],
      norm_id: 'prosecutor-submission', response_due: '2025-04-16', control_task_id: 5, document: null, category: null,
      trigger_registry_no: null, import_id: null, checklist_missing: ['ig-documents-requested'], draft_seq: 70, draft_unfilled: ['norms_breached'],
      author: 'Иванов В.', at: '2025-03-17T10:00:00Z' }],
    act_outcomes: [{ id: 1, act_id: 3, stage: 'consideration', result: 'satisfied', on: '2025-04-01',
      measures: { disciplined: 2, admin_cases: null, restored_tiyn: 15000000, eliminated: true }, document: null, source: 'person', formal_defect: false, author: 'Иванов В.', at: '2025-04-01T10:00:00Z' }],
    outcome_proposals: [{ act_id: 3, stage: 'answer', result: 'partly', on: '2025-04-04', document: 'cd'.repeat(32), file_name: 'жауап.pdf', fact_id: 77,
      why: 'the answer replies to the act\'s number' }],
    act_verifications: [{ act_id: 3, from: '2025-04-16', until: '2026-04-16', horizon_days: 365, rule: 'verify-2026.11.2',
      next_inspection: { status: 'contradicted', reason: { code: 'inspection_found', date: '2025-09-02', violations: 2 }, why: 'the next inspection found 2 violation(s)', rows: ['R-9'] },
      appeals: { status: 'no_data', reason: { code: 'nothing_to_stop', horizon_days: 365 }, why: 'no appeal before', rows: [] },
      category_appeals: { status: 'no_data', reason: { code: 'category_unknown', label: 'wages' }, why: 'unknown', rows: [] },
      returning_applicant: { status: 'contradicted', reason: { code: 'applicant_returned', applicants: 1, satisfied_on: '2025-04-01', window_days: 90 }, why: 'back', rows: ['A-7'] } }],
    tasks: [taskView({ id: 5, status: 'done', done_on: '2026-10-10', urgency: null })],
    suggestion: { after_task: 5, kind: 'inspection_check', stage: 'inspection', reason: 'information gathered' },
    journal: [
      { seq: 41, at: '2026-10-10T09:15:00Z', person: 'Жұмабаева Г.', face: 'desktop', kind: 'task_extended', subject_bin: '000740000728',
        appeal_no: null, task_id: 5, record: 'task:5', detail: 'запрос в госорган', redacted_by: null, hash: 'ab',
        entry: { kind: 'task_extended', task_id: 5, from: '2026-10-22', to: '2026-11-05', reason: 'запрос в госорган' } },
    ],
  };
}

describe('CaseCard', () => {
  beforeEach(() => {
    calls.length = 0;
    caseAnswer = answer();
    shared.preferences = { language: 'ru', assignee: 'Иванов В.', unit: 'Отдел', region: null };
  });

  it('fills all six blocks and the suggestion from the answer', async () => {
    const { container } = render(CaseCard, { bin: '000740000728' });
    await screen.findByText('ТОО «Тест»');
    for (const block of ['grounds', 'history', 'risk', 'acts', 'checklist', 'tasks', 'suggestion']) {
      const element = container.querySelector(`[data-block="${block}"]`);
      expect(element, block).not.toBeNull();
      expect(element!.textContent!.trim().length, block).toBeGreaterThan(10);
    }
    expect(container.querySelector('[data-block="grounds"]')!.textContent).toContain('обращение ЖТ-1');
    expect(container.querySelector('[data-block="acts"]')!.textContent).toContain('Представление');
    expect(container.querySelector('[data-block="risk"]')!.textContent).toContain('81.5');
    expect(container.querySelector('[data-block="suggestion"]')!.textContent).toContain('Проверка');
  });

  it('shows the local risk apart from the external scores, with its reasons, and overrides only with a reason', async () => {
    const { container } = render(CaseCard, { bin: '000740000728' });
    const probability = await screen.findByTestId('local-probability');
    expect(probability.textContent).toContain('12.3%');
    const block = container.querySelector('[data-testid="local-risk"]')!;
    expect(block.textContent).toContain('гипотеза');
    await fireEvent.click(screen.getByText('Почему'));
    expect(block.textContent).toContain('Прежних визитов этого органа к объекту: 11');
    expect(block.textContent).toContain('не подтверждено');
    const override = screen.getByText('Пересмотреть') as HTMLButtonElement;
    expect(override.disabled).toBe(true);
    await fireEvent.input(block.querySelector('input')!, { target: { value: 'проверено' } });
    await fireEvent.click(override);
    await screen.findByTestId('risk-override');
    expect(calls.find((c) => c.method === 'override_risk')!.params).toEqual({ bin: '000740000728', assessment: 'low', reason: 'проверено' });
  });

  it('shows the object\'s history from the journal: who, through which face, what and why, in Kazakh', async () => {
    i18n.lang = 'kk';
    const { container } = render(CaseCard, { bin: '000740000728' });
    await screen.findByText('ТОО «Тест»');
    const history = container.querySelector('[data-block="journal"] [data-seq="41"]')!.textContent!;
    expect(history).toContain('Жұмабаева Г.');
    expect(history).toContain('қосымша');
    expect(history).toContain('мерзім ұзартылды');
    expect(history).toContain('22.10.2026 → 05.11.2026: запрос в госорган');
    i18n.lang = 'ru';
  });

  it('shows where the registry and a confirmed document disagree, both values with their sources, in Kazakh', async () => {
    i18n.lang = 'kk';
    caseAnswer.card.disagreements = [{
      field: 'end_date', registry_no: 'R-1', registry_value: '2025-03-14', registry_source: { import_id: 1, line: 2 },
      document_value: '2025-03-15', file_name: 'акт.pdf', sha256: 'ab'.repeat(32), page: 2, confirmed_by: 'Иванов В.',
      matched_by: 'near_date', rule: 'reconcile-2026.11.1',
    }];
    const { container } = render(CaseCard, { bin: '000740000728' });
    const table = await screen.findByTestId('disagreements');
    const row = table.querySelector('[data-field="end_date"]')!;
    expect(row.textContent).toContain('Тексерудің аяқталған күні');
    expect(row.textContent).toContain('14.03.2025');
    expect(row.textContent).toContain('15.03.2025');
    expect(row.textContent).toContain('R-1 тексеру, №1 импорт, 2-жол');
    expect(row.textContent).toContain('акт.pdf, 2-бет, растаған: Иванов В.');
    expect(row.textContent).toContain('reconcile-2026.11.1');
    expect(container.querySelector('[data-block="history"]')!.textContent).toContain('ЭКН дереккөздердің бірін таңдамайды');
    i18n.lang = 'ru';
  });

  it('shows what became of an issued act, in Kazakh, and records the outcome a read answer proposes as this person\'s', async () => {
    i18n.lang = 'kk';
    const { container } = render(CaseCard, { bin: '000740000728' });
    const block = await screen.findByTestId('act-outcomes');
    expect(block.textContent).toContain('қарау');
    expect(block.textContent).toContain('қанағаттандырылды');
    expect(block.textContent).toContain('тәртіптік жауапкершілікке: 2');
    expect(block.textContent).toContain('150');
    expect(block.textContent).toContain('«жауап.pdf» құжаты ұсынады');
    const verification = block.querySelector('[data-testid="act-verification"]')!;
    expect(verification.querySelector('[data-check="inspection"]')!.textContent).toContain('теріске шығарылды');
    expect(verification.querySelector('[data-check="inspection"]')!.textContent).toContain('(R-9)');
    expect(verification.querySelector('[data-check="inspection"]')!.textContent).toContain('келесі тексеру (02.09.2025) анықтаған бұзушылықтар: 2');
    expect(verification.querySelector('[data-check="appeals"]')!.textContent).toContain('дерек жоқ');
    expect(verification.querySelector('[data-check="category_appeals"]')!.textContent).toContain('актінің «wages» санаты өтініштер жіктеуішінде жоқ');
    expect(verification.querySelector('[data-check="returning"]')!.textContent).toContain('теріске шығарылды');
    expect(verification.querySelector('[data-check="returning"]')!.textContent).toContain('(A-7)');
    expect(verification.textContent).not.toContain('the next inspection');
    await fireEvent.click(container.querySelector('[data-testid="outcome-accept"]')!);
    await waitFor(() => expect(calls.some((c) => c.method === 'act_outcome')).toBe(true));
    expect(calls.find((c) => c.method === 'act_outcome')!.params).toEqual({
      act: 3, stage: 'answer', result: 'partly', on: '2025-04-04', document: 'cd'.repeat(32), from_fact: 77, formal_defect: false,
      measures: { disciplined: null, admin_cases: null, restored_tiyn: null, eliminated: null },
    });
    i18n.lang = 'ru';
  });

  it('accepts the suggested step with the chosen assignee', async () => {
    render(CaseCard, { bin: '000740000728' });
    await fireEvent.click(await screen.findByTestId('accept'));
    await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain('99'));
    const accepted = calls.find((c) => c.method === 'accept_step');
    expect(accepted?.params).toMatchObject({ bin: '000740000728', assignee: 'Иванов В.', unit: 'Отдел' });
  });

  it('declines only with a reason, and sends it', async () => {
    render(CaseCard, { bin: '000740000728' });
    await fireEvent.click(await screen.findByTestId('decline'));
    const confirm = screen.getByText('Отклонить с этой причиной') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(screen.getByLabelText('Причина отказа (будет записана в журнал)'), { target: { value: 'нет оснований' } });
    await fireEvent.click(confirm);
    await waitFor(() => expect(calls.some((c) => c.method === 'decline_step')).toBe(true));
    expect(calls.find((c) => c.method === 'decline_step')?.params).toEqual({ bin: '000740000728', reason: 'нет оснований' });
  });

  it('ticks a checklist item with the chosen document, and shows what an act still misses', async () => {
    const { container } = render(CaseCard, { bin: '000740000728' });
    await screen.findByText('ТОО «Тест»');
    expect(container.querySelector('[data-act="submission"] [data-testid="act-missing"]')!.textContent).toContain('не хватает: 1');
    expect(container.querySelector('[data-act="submission"]')!.textContent).toContain('Причины установлены');
    const item = container.querySelector('[data-item="ig-documents-requested"]')!;
    await fireEvent.change(item.querySelector('select')!, { target: { value: 'ab'.repeat(32) } });
    await fireEvent.change(item.querySelector('input[type="checkbox"]')!);
    await waitFor(() => expect(calls.some((c) => c.method === 'checklist_mark')).toBe(true));
    expect(calls.find((c) => c.method === 'checklist_mark')!.params).toEqual({
      bin: '000740000728', item: 'ig-documents-requested', ticked: true, document: 'ab'.repeat(32), note: null,
    });
  });

  it('drafts an act in Kazakh with the requirements given, and records it as issued with its control task', async () => {
    const { container } = render(CaseCard, { bin: '000740000728' });
    await screen.findByText('ТОО «Тест»');
    const act = container.querySelector('[data-act="submission"]')!;
    await fireEvent.click(act.querySelector('[data-testid="act-open"]')!);
    await fireEvent.change(act.querySelector('[data-testid="act-lang"]')!, { target: { value: 'kk' } });
    await fireEvent.input(act.querySelector('[data-testid="act-addressee"]')!, { target: { value: 'ДСЭК' } });
    await fireEvent.input(act.querySelector('[data-testid="act-requirements"]')!, { target: { value: 'Устранить\n\nПривлечь' } });
    await fireEvent.click(act.querySelector('[data-testid="act-draft"]')!);
    await screen.findByTestId('act-drafted');
    expect(calls.find((c) => c.method === 'act_draft')!.params).toMatchObject({
      bin: '000740000728', kind: 'submission', lang: 'kk', addressee: 'ДСЭК', requirements: ['Устранить', 'Привлечь'],
    });
    expect(screen.getByTestId('act-drafted').textContent).toContain('77');
    expect(screen.getByTestId('act-unfilled').textContent).toContain('нарушенные нормы, прокурор');
    expect(container.textContent).toContain('no font');
    // Precedents for the kind, and again for the category chosen, each with what became of it.
    const precedents = await screen.findByTestId('act-precedents');
    expect(precedents.textContent).toContain('Похожие ранее вынесенные акты: 2');
    await waitFor(() => expect(act.querySelector('[data-testid="act-category"] option[value="social.labour"]')).not.toBeNull());
    await fireEvent.change(act.querySelector('[data-testid="act-category"]')!, { target: { value: 'social.labour' } });
    await waitFor(() => expect(calls.filter((c) => c.method === 'act_precedents').at(-1)!.params).toEqual({
      bin: '000740000728', kind: 'submission', category: 'social.labour', limit: 5 }));
    const first = precedents.querySelector('[data-precedent="41"]')!;
    expect(first.textContent).toContain('та же категория, тот же ОКЭД');
    expect(first.textContent).toContain('по формальным основаниям');
    expect(precedents.querySelector('[data-precedent="42"]')!.textContent).toContain('этот объект');
    await fireEvent.click(act.querySelector('[data-testid="act-issue"]')!);
    await waitFor(() => expect(screen.getByTestId('act-notice').textContent).toContain('№ 12'));
    // Issued from the draft just made, with the category chosen.
    expect(calls.find((c) => c.method === 'act_issue')!.params).toMatchObject({ category: 'social.labour', draft_seq: 77 });
  });

  it('asks a resolution for the period it sets, and will not record it without one', async () => {
    caseAnswer.acts.push({ id: 'resolution', norm: 'prosecutor-resolution', stages: ['response'], when: 'violations', name_ru: 'Постановление',
      name_kk: 'Қаулы', name_en: 'Resolution', use_ru: 'ст. 37', use_kk: '37-бап', use_en: 'art. 37', checklist: [] });
    const { container } = render(CaseCard, { bin: '000740000728' });
    await screen.findByText('ТОО «Тест»');
    // A submission has the law's own period: no field for one.
    const submission = container.querySelector('[data-act="submission"]')!;
    await fireEvent.click(submission.querySelector('[data-testid="act-open"]')!);
    await waitFor(() => expect(calls.some((c) => c.method === 'norms')).toBe(true));
    expect(submission.querySelector('[data-testid="act-period"]')).toBeNull();
    await fireEvent.click(submission.querySelector('[data-testid="act-open"]')!);
    const act = container.querySelector('[data-act="resolution"]')!;
    await fireEvent.click(act.querySelector('[data-testid="act-open"]')!);
    const field = await waitFor(() => {
      const f = act.querySelector('[data-testid="act-period"]');
      if (!f) throw new Error('no period field yet');
      return f;
    });
    expect(field.textContent).toContain('обязательно');
    expect(field.textContent).toContain('в сроки, установленные постановлением');
    await fireEvent.input(act.querySelector('[data-testid="act-addressee"]')!, { target: { value: 'Акимат' } });
    const issue = act.querySelector('[data-testid="act-issue"]') as HTMLButtonElement;
    expect(issue.disabled).toBe(true);
    await fireEvent.input(act.querySelector('[data-testid="act-period-amount"]')!, { target: { value: '10' } });
    await fireEvent.change(act.querySelector('[data-testid="act-period-unit"]')!, { target: { value: 'working_days' } });
    expect(issue.disabled).toBe(false);
    await fireEvent.click(issue);
    await waitFor(() => expect(calls.some((c) => c.method === 'act_issue')).toBe(true));
    expect(calls.find((c) => c.method === 'act_issue')!.params).toMatchObject({
      kind: 'resolution', addressee: 'Акимат', period: { amount: 10, unit: 'working_days' },
    });
  });

  it('names every problem of a package the user chose, in the reader\'s language', async () => {
    render(CaseCard, { bin: '000740000728' });
    const input = (await screen.findByTestId('verify-file')) as HTMLInputElement;
    // jsdom's File cannot read itself; the browser's can (e2e).
    const file = { name: 'p.zip', arrayBuffer: async () => new Uint8Array([1, 2, 3]).buffer };
    Object.defineProperty(input, 'files', { value: [file] });
    await fireEvent.change(input);
    const report = await screen.findByTestId('verification');
    expect(report.textContent).toContain('проблем — 2');
    expect(report.textContent).toContain('изменён файл data/card.json');
    expect(report.textContent).toContain('нет подписи tagmanifest-sha256.txt.sig');
  });
});
