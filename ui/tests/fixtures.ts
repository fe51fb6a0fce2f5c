// Small objects shaped like the core's answers, typed by the generated wire types so a change in
// Rust breaks these tests at compile time rather than silently.
import type { TaskView } from '../src/lib/types/TaskView';
import type { Deadline } from '../src/lib/types/Deadline';

export function taskView(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: 7, kind: 'consider_appeal', title: 'Рассмотрение обращения: ЖТ-2026-00000007', subject_bin: '000740000728',
    appeal_no: 'ЖТ-2026-00000007', assignee: 'Жұмабаева Г.', unit: 'Отдел', region_code: '75', district: '7511', category: 'жилье',
    norm_id: 'appk-76-consideration', event_date: '2026-10-01', original_due: '2026-10-22', current_due: '2026-10-22',
    status: 'open', done_on: null, note: null, risk: 80, blocked_by: [], slips_with_it: [],
    urgency: { score: 91, working_days_left: -4, from_deadline: 70, from_blocking: 5, from_risk: 16 },
    ...overrides,
  };
}

export const deadline: Deadline = {
  event: '2026-12-12', period: { amount: 3, unit: 'working_days' }, start: '2026-12-13', raw_end: null, due: '2026-12-18',
  skipped: [
    { date: '2026-12-13', kind: 'weekend' },
    { date: '2026-12-16', kind: 'holiday', name_ru: 'День Независимости', name_kk: 'Тәуелсіздік күні', name_en: 'Independence Day', source: 'Закон', confirmed: true },
  ] as Deadline['skipped'],
  suspensions: [], extension_cap: null, warnings: [], registered: null,
  counting: { first_day: 'next_day', direction: 'after', registration: false, end_moves: true },
};

/** The same deadline under АППК art. 76, with its cap and the warnings of unconfirmed parts. */
export const cappedDeadline: Deadline = {
  ...deadline,
  extension_cap: {
    date: '2027-02-15', anchor: 'event', anchor_date: '2026-12-12', period: { amount: 2, unit: 'months' }, raw_date: '2027-02-12',
    on_non_working_day: 'next_working_day', text_ru: 'не более чем до двух месяцев', text_kk: 'екі айдан аспайтын мерзімге дейін',
    text_en: 'to no more than two months', non_working_basis: 'general rule', end_confirmed: true, verified: true,
  },
  warnings: [
    { kind: 'pending', element: 'transfers', from: '2027-01-01', to: '2027-12-31', name_ru: 'Переносы на 2027 год не опубликованы',
      name_kk: '2027 жылға ауыстырулар жарияланған жоқ', name_en: 'Transfers for 2027 not published' },
    { kind: 'no_calendar', year: 2028, by_rule: true },
  ],
};
