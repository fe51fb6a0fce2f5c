// Component tests in jsdom: a task row says how late it is and why, in the chosen language; a due
// date explains itself on focus, naming skipped holidays in Kazakh; the virtual list renders only
// what is in view of 10,000 rows; a colleague's task names who holds it, and only a supervisor is
// offered to assign it.
import { render, screen, fireEvent } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import TaskRow from '../src/components/TaskRow.svelte';
import { office } from '../src/lib/sync.svelte';
import DueDate from '../src/components/DueDate.svelte';
import VirtualList from '../src/components/VirtualList.svelte';
import { cappedDeadline, deadline, taskView } from './fixtures';

describe('TaskRow', () => {
  it('links to the card and says how late the task is, with the urgency breakdown', () => {
    i18n.lang = 'ru';
    render(TaskRow, { today: '2026-11-20', view: taskView() });
    expect(screen.getByRole('link').getAttribute('href')).toBe('#/card/000740000728');
    expect(screen.getByText('просрочено на 4 раб. дн.')).toBeTruthy();
    expect(screen.getByText(/Срочность 91: срок 70, блокирует другие 5, риск объекта 16/)).toBeTruthy();
  });

  it('names who holds a colleague\'s task and offers a supervisor to assign it, not a prosecutor', async () => {
    i18n.lang = 'en';
    const link = { url: 'http://127.0.0.1:8740', workstation_id: 'w', workstation_name: 'pc', person: 'Saule',
      role: 'prosecutor', districts: ['1920'], office_key: 'k', instance: 'i', joined_at: '', pushed_through: 0,
      pull_cursor: 0, last_sync_at: null, last_error: null, tls_ca: null, tls_pin: null };
    office.status = { link, pending_entries: 0, pulled_entries: 0, colleagues_tasks: 1, queued_reads: 0 };
    const view = taskView({ id: -3, owner: 'Асель Нурланова', assigned_to: 'Bekzat Omarov' });
    const first = render(TaskRow, { today: '2026-11-20', view });
    expect(screen.getByText('held by Асель Нурланова (from the office, read-only)')).toBeTruthy();
    expect(screen.getByText('assigned to Bekzat Omarov')).toBeTruthy();
    expect(screen.queryByText('Assign…')).toBeNull();
    first.unmount();
    office.status = { ...office.status, link: { ...link, role: 'supervisor' } };
    render(TaskRow, { today: '2026-11-20', view });
    await fireEvent.click(screen.getByText('Assign…'));
    expect(screen.getByLabelText('reason')).toBeTruthy();
    office.status = null;
    i18n.lang = 'ru';
  });

  it('speaks Kazakh when the language is Kazakh', () => {
    i18n.lang = 'kk';
    render(TaskRow, { today: '2026-11-20', view: taskView({ urgency: { score: 40, working_days_left: 2, from_deadline: 40, from_blocking: 0, from_risk: 0 } }) });
    expect(screen.getByText('2 жұмыс күні қалды')).toBeTruthy();
    expect(screen.getByText('Өтінішті қарау')).toBeTruthy();
    i18n.lang = 'ru';
  });
});

describe('DueDate', () => {
  it('explains the computation on keyboard focus', async () => {
    i18n.lang = 'kk';
    render(DueDate, { date: deadline.due, deadline });
    const date = screen.getByText('18.12.2026');
    await fireEvent.focus(date);
    const tip = screen.getByRole('tooltip');
    expect(tip.textContent).toContain('Тәуелсіздік күні');
    expect(tip.textContent).toContain('демалыс күні');
    expect(tip.textContent).toContain('3 жұмыс күні');
    await fireEvent.blur(date);
    expect(screen.queryByRole('tooltip')).toBeNull();
    i18n.lang = 'ru';
  });
});

describe('DueDate with a cap and warnings', () => {
  it('names the extension cap and each unconfirmed part in the reader\'s language', async () => {
    i18n.lang = 'kk';
    render(DueDate, { date: cappedDeadline.due, deadline: cappedDeadline });
    const date = screen.getByText('18.12.2026');
    await fireEvent.focus(date);
    const tip = screen.getByRole('tooltip');
    expect(screen.getByTestId('cap').textContent).toBe('Ұзарту — 15.02.2027 күнінен кешіктірмей');
    expect(tip.textContent).toContain('оқиғадан бастап 2 ай (12.12.2026)');
    expect(tip.textContent).toContain('12.02.2027 — жұмыс күні емес');
    expect(tip.textContent).toContain('2027 жылға ауыстырулар жарияланған жоқ');
    expect(tip.textContent).toContain('2028 жылға өндірістік күнтізбе жоқ');
    i18n.lang = 'en';
    await fireEvent.blur(date);
    await fireEvent.focus(date);
    expect(screen.getByRole('tooltip').textContent).toContain('Transfers for 2027 not published (affects 2027-01-01 – 2027-12-31)');
    i18n.lang = 'ru';
  });
});

describe('VirtualList', () => {
  it('renders only the rows in view of 10,000', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const row = createRawSnippet((n: () => number) => ({ render: () => `<span class="cell">row ${n()}</span>` }));
    const { container } = render(VirtualList, { items, row: row as never, height: 300, rowHeight: 30 });
    const rendered = container.querySelectorAll('.cell');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(40);
    expect(rendered[0].textContent).toBe('row 0');
  });
});
