// The guide inside the app, with the transport replaced by a recorder: the panel lists the topics
// of the screen in view in the UI's language, opens one as the core renders it, searches the guide
// in that language, and closes with Escape; an error from the core links to the topics on its code.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import HelpPanel from '../src/components/HelpPanel.svelte';
import ErrorNote from '../src/components/ErrorNote.svelte';
import { errorText } from '../src/lib/errors';
import { help } from '../src/lib/help.svelte';
import { CallError } from '../src/lib/transport';

const calls: { method: string; params: Record<string, unknown> }[] = [];
const topic = { lang: 'kk', id: 'extend-deadline', title: 'Мерзімді қалай ұзартуға болады', path: 'docs/guide/kk/extend-deadline.md', screens: ['card'], errors: ['beyond_cap'] };

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error {
    code: string;
    constructor(code: string, message: string) { super(message); this.code = code; }
  },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'guide_topics') return [topic];
    if (method === 'guide_page' && params.id === 'deadlines') return { ...topic, id: 'deadlines', markdown: '# Мерзімдер', html: '<h1 id="counting">Мерзімдер қалай есептеледі</h1>' };
    if (method === 'guide_page') return { ...topic, markdown: '# Мерзім', html: '<h1>Мерзімді ұзарту</h1><p>ӘРПК, 76-бап <a href="deadlines.md#counting">Мерзімдер</a> <a href="https://example.org">сыртқы</a></p>' };
    if (method === 'guide_search') return [{ ...topic, excerpt: 'мерзімді ұзарту…', rank: -3 }];
    throw new Error(`unexpected ${method}`);
  },
}));

describe('the help panel', () => {
  it('lists the screen\'s topics in the UI\'s language, opens one, searches, and closes on Escape', async () => {
    i18n.lang = 'kk';
    let closed = 0;
    render(HelpPanel, { screen: 'card', onclose: () => closed++ });
    await screen.findByText('Мерзімді қалай ұзартуға болады');
    expect(calls[0]).toEqual({ method: 'guide_topics', params: { lang: 'kk', screen: 'card' } });
    await fireEvent.click(screen.getByText('Мерзімді қалай ұзартуға болады'));
    await screen.findByText(/ӘРПК, 76-бап/);
    expect(calls.at(-1)).toEqual({ method: 'guide_page', params: { lang: 'kk', id: 'extend-deadline' } });
    // A link to another topic opens it in place; one to anywhere else goes nowhere.
    const count = calls.length;
    await fireEvent.click(screen.getByText('сыртқы'));
    expect(calls.length).toBe(count);
    await fireEvent.click(screen.getByText('Мерзімдер'));
    await screen.findByText('Мерзімдер қалай есептеледі');
    expect(calls.at(-1)).toEqual({ method: 'guide_page', params: { lang: 'kk', id: 'deadlines' } });
    await fireEvent.input(screen.getByTestId('help-search'), { target: { value: 'мерзімді ұзарту' } });
    await fireEvent.submit(screen.getByTestId('help-search').closest('form')!);
    await waitFor(() => expect(calls.at(-1)).toEqual({ method: 'guide_search', params: { query: 'мерзімді ұзарту', lang: 'kk', limit: 10 } }));
    await screen.findByText('мерзімді ұзарту…');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(closed).toBe(1);
  });

  it('links an error from the core to the topics on its code, and lists only those', async () => {
    i18n.lang = 'ru';
    const text = errorText(new CallError('beyond_cap' as never, 'beyond the cap'));
    render(ErrorNote, { text, 'data-testid': 'note' });
    expect(screen.getByTestId('note').textContent).toContain('Дата за пределом продления');
    await fireEvent.click(screen.getByText('Что делать?'));
    expect(help).toEqual({ open: true, code: 'beyond_cap' });
    calls.length = 0;
    render(HelpPanel, { screen: 'desk', code: 'beyond_cap', onclose: () => {} });
    await screen.findByText('Темы об ошибке beyond_cap');
    await screen.findByText('Мерзімді қалай ұзартуға болады');
    expect(calls[0]).toEqual({ method: 'guide_topics', params: { lang: 'ru', screen: null } });
    // A sentence that did not come from the core has no link.
    render(ErrorNote, { text: 'что-то иное', 'data-testid': 'plain' });
    expect(screen.getByTestId('plain').querySelector('button')).toBeNull();
  });
});
