// Settings → Retention in jsdom, with the core's answers given here: the plan names each rule with
// its basis and says in the reader's language that an unconfirmed period is unconfirmed; applying
// asks for a confirmation, sends the act's number, reason and language, reports the result and
// hands the act's draft over for download.
import { render, screen, fireEvent } from '@testing-library/svelte';
import { describe, expect, it, vi, beforeEach } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';

const retentionPlan = vi.fn();
const retentionApply = vi.fn();
const saveDownload = vi.fn();
vi.mock('../src/lib/api', () => ({
  api: {
    retentionPlan: (d: string | null) => retentionPlan(d),
    retentionApply: (p: unknown) => retentionApply(p),
  },
}));
vi.mock('../src/lib/files', () => ({ saveDownload: (f: unknown) => saveDownload(f) }));

import RetentionPanel from '../src/components/RetentionPanel.svelte';

const rule = {
  id: 'appeal-personal-data', record: 'appeal', name_ru: 'Персональные данные обращения', name_kk: 'Өтініштің дербес деректері',
  name_en: "An appeal's personal data", period: { amount: 5, unit: 'years' }, from: 'decided',
  from_ru: 'со дня решения', from_kk: 'шешім күнінен бастап', from_en: 'from the decision', held_while: 'open',
  legal_basis: [{ act: 'Закон № 94-V, ст. 12', source: 'https://adilet.zan.kz/rus/docs/Z1300000094', checked: '' }],
  confirmed: false,
};
const plan = (total: number) => ({
  as_of: '2027-02-01', rules_version: 'retention-2026.2', total, unconfirmed: true,
  backup_horizon: { backups: 2, first: '2026-11-01', last: '2026-11-20' },
  rules: [{ rule, events_until: '2022-01-31', held: 1,
    due: Array.from({ length: total }, (_, i) => ({ record: 'appeal', key: `ЖТ-2022-${i}`, event_date: '2022-01-06', about: 'экология' })) }],
});

describe('RetentionPanel', () => {
  beforeEach(() => {
    retentionPlan.mockReset();
    retentionApply.mockReset();
    saveDownload.mockReset();
  });

  it('shows the plan in Kazakh with the unconfirmed period said so', async () => {
    i18n.lang = 'kk';
    retentionPlan.mockResolvedValue(plan(3));
    render(RetentionPanel);
    await vi.waitFor(() => expect(screen.getByText('Өтініштің дербес деректері')).toBeTruthy());
    expect(screen.getByText(/мерзімді кеңсе растамаған/)).toBeTruthy();
    expect(screen.getByText('Закон № 94-V, ст. 12').getAttribute('href')).toContain('Z1300000094');
    expect(screen.getByText(/ашық іс ұстап тұр: 1/)).toBeTruthy();
    expect(screen.getByText('ЖТ-2022-2')).toBeTruthy();
    i18n.lang = 'ru';
  });

  it('applies an act after a confirmation and hands its draft over', async () => {
    i18n.lang = 'en';
    retentionPlan.mockResolvedValueOnce(plan(2)).mockResolvedValueOnce(plan(0));
    retentionApply.mockResolvedValue({
      report: { act_number: '7-УД', records: 2, redacted_entries: 3, act_file_name: 'destruction-act-7-УД.ru.docx' },
      act: { file_name: 'destruction-act-7-УД.ru.docx', media_type: 'application/docx', base64: 'AA==' },
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    render(RetentionPanel);
    const number = (await screen.findByLabelText('Act number')) as HTMLInputElement;
    await fireEvent.input(number, { target: { value: '7-УД' } });
    await fireEvent.input(screen.getByLabelText('Reason for destruction'), { target: { value: 'period ended' } });
    await fireEvent.submit(number.form!);
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toContain('Act No. 7-УД applied'));
    expect(confirm).toHaveBeenCalledOnce();
    expect(retentionApply).toHaveBeenCalledWith({ as_of: '2027-02-01', act_number: '7-УД', reason: 'period ended', lang: 'ru' });
    expect(saveDownload).toHaveBeenCalledOnce();
    expect(screen.getByText('Nothing is due on this day.')).toBeTruthy();
    confirm.mockRestore();
    i18n.lang = 'ru';
  });
});
