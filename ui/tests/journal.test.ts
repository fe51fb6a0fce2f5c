// The journal in the UI: a banner on every screen when verification fails, worded in the reader's
// language from the tagged problems (never the core's English); and errors shown by their code.
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { JournalStatus } from '../src/lib/types/JournalStatus';

let status: JournalStatus;

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error {
    code: string;
    constructor(code: string, message: string) { super(message); this.code = code; }
  },
  call: async (method: string) => {
    if (method === 'journal_status') return status;
    throw new Error(`unexpected ${method}`);
  },
}));

const { default: JournalBanner } = await import('../src/components/JournalBanner.svelte');
const { i18n } = await import('../src/lib/i18n.svelte');
const { errorText } = await import('../src/lib/errors');
const { CallError } = await import('../src/lib/transport');

function failed(): JournalStatus {
  return {
    checking: false,
    error: null,
    verification: {
      ok: false, entries: 420, head_hash: 'ab', merkle_root: 'cd', checkpoint: null, records_checked: 10, tables_checked: 6, redactions: [],
      seconds: 0.1,
      problems: [
        { kind: 'tail_cut', checkpoint_size: 425, entries: 420 },
        { kind: 'record_changed', record: 'task:5', seq: 22 },
      ],
    },
  };
}

describe('JournalBanner', () => {
  it('says in Kazakh that the journal fails, with the first problem in words', async () => {
    i18n.lang = 'kk';
    status = failed();
    render(JournalBanner);
    const banner = await screen.findByTestId('journal-banner');
    expect(banner.textContent).toContain('Журнал тұтастық тексеруінен өтпейді: табылған мәселелер саны — 2');
    expect(banner.textContent).toContain('журналда 420 жазба бар, ал қол қойылған бақылау нүктесі 425 жазбаны қамтиды');
    // Not only tampering: a lost last write is named too, with what to do.
    expect(banner.textContent).toContain('дерекқор соңғы жазбаларын жоғалтқан');
    expect(banner.textContent).toContain('сақтық көшірмемен салыстырыңыз');
    expect(banner.textContent).not.toContain('entries were removed');
    i18n.lang = 'ru';
  });

  it('stays silent when the journal holds', async () => {
    status = { checking: false, error: null, verification: { ...failed().verification!, ok: true, problems: [] } };
    render(JournalBanner);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('journal-banner')).toBeNull();
  });
});

describe('errorText', () => {
  it('words an error by its code, never with the English message', () => {
    i18n.lang = 'ru';
    const e = new CallError('beyond_cap', '2024-07-01 is beyond the longest extension allowed');
    expect(errorText(e)).toBe('Дата за пределом продления, установленным нормой');
    i18n.lang = 'en';
    expect(errorText(new CallError('too_large', 'HTTP 413'))).toBe('The file is too large');
    i18n.lang = 'ru';
  });
});
