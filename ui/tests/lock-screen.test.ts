// The lock screen of an encrypted database in jsdom, with the core's `unlock` answered here: a
// wrong passphrase is said in the chosen language and the screen stays; the right one opens the
// app; the passphrase field is a password field and is emptied once used.
import { render, screen, fireEvent } from '@testing-library/svelte';
import { describe, expect, it, vi, beforeEach } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import { CallError } from '../src/lib/transport';

const unlock = vi.fn();
vi.mock('../src/lib/api', () => ({ api: { unlock: (p: string) => unlock(p) } }));

import LockScreen from '../src/components/LockScreen.svelte';

describe('LockScreen', () => {
  beforeEach(() => {
    unlock.mockReset();
  });

  it('says a wrong passphrase in Kazakh and stays locked', async () => {
    i18n.lang = 'kk';
    unlock.mockImplementation(async () => {
      throw new CallError('wrong_passphrase', 'wrong passphrase for ekn.db');
    });
    const onunlocked = vi.fn();
    render(LockScreen, { onunlocked });
    expect(screen.getByText('Дерекқор шифрланған')).toBeTruthy();
    const field = screen.getByLabelText('Құпиясөз') as HTMLInputElement;
    expect(field.type).toBe('password');
    await fireEvent.input(field, { target: { value: 'қате құпиясөз' } });
    await fireEvent.submit(field.form!);
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('құпиясөзі қате'));
    expect(unlock).toHaveBeenCalledWith('қате құпиясөз');
    expect(onunlocked).not.toHaveBeenCalled();
    i18n.lang = 'ru';
  });

  it('opens the app with the right passphrase and forgets it', async () => {
    i18n.lang = 'en';
    unlock.mockResolvedValue({ encrypted: true, locked: false, status: {} });
    const onunlocked = vi.fn();
    render(LockScreen, { onunlocked });
    const field = screen.getByLabelText('Passphrase') as HTMLInputElement;
    await fireEvent.input(field, { target: { value: 'Жетісу-2026 көктем' } });
    await fireEvent.submit(field.form!);
    await vi.waitFor(() => expect(onunlocked).toHaveBeenCalledOnce());
    expect(field.value).toBe('');
    expect(screen.getByText(/recovery key/)).toBeTruthy();
    i18n.lang = 'ru';
  });
});
