// The one way the UI talks to the core: `invoke('call')` inside the desktop app, `fetch` to
// `ekn serve` in a browser. Both reach the same method table (src/api/rpc.rs), so every screen
// works the same in both places. The browser's session token comes from the URL `ekn serve`
// printed; it is kept for the tab's life only and removed from the address bar.

import type { ApiError } from './types/ApiError';

const TOKEN_KEY = 'ekn.token';

export class CallError extends Error {
  code: string;
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
  }
}

function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Takes the token out of `?token=` into session storage, so it is not left in the address bar or history. */
export function adoptToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export async function call<T>(method: string, params: object = {}): Promise<T> {
  if (inTauri()) {
    const { invoke } = await import('@tauri-apps/api/core');
    try {
      return await invoke<T>('call', { method, params });
    } catch (e) {
      throw new CallError(e as ApiError);
    }
  }
  const response = await fetch(`./api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ekn-token': sessionStorage.getItem(TOKEN_KEY) ?? '' },
    body: JSON.stringify(params),
  });
  const body = await response.json();
  if (!response.ok) throw new CallError(body as ApiError);
  return body as T;
}
