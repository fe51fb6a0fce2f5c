// The one way the UI talks to the core: `invoke('call')` inside the desktop app, `fetch` to
// `ekn serve` in a browser. Both reach the same declared method table (src/api/wire/rpc.rs), whose
// TypeScript map (types/Methods.ts) types `call` by method: a misspelt method or parameter is a
// type error. The browser's session token comes from the URL `ekn serve` printed; it is kept for
// the tab's life only and removed from the address bar. Every failure — the core's, or an answer
// that is not JSON (413, 502) — becomes a `CallError` with a code the UI words in its language.

import type { ErrorCode } from './types/ErrorCode';
import type { ErrorDetail } from './types/ErrorDetail';
import type { Methods } from './types/Methods';

const TOKEN_KEY = 'ekn.token';

/** The core's error codes, and the transport's own: an answer too large, or none the UI can read. */
export type UiErrorCode = ErrorCode | 'unavailable' | 'network';

export class CallError extends Error {
  code: UiErrorCode;
  /** Where in a file the problem is (file, line or row, column, the value when safe to show). */
  detail?: ErrorDetail;
  constructor(code: UiErrorCode, message: string, detail?: ErrorDetail) {
    super(message);
    this.code = code;
    this.detail = detail;
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

function asCallError(value: unknown, fallback: UiErrorCode): CallError {
  const v = value as { code?: unknown; message?: unknown; detail?: unknown } | null;
  if (v && typeof v.code === 'string' && typeof v.message === 'string') {
    const detail = v.detail && typeof v.detail === 'object' ? (v.detail as ErrorDetail) : undefined;
    return new CallError(v.code as UiErrorCode, v.message, detail);
  }
  return new CallError(fallback, String(value));
}

/** Calls one method of the declared table with its parameters; resolves with its result. */
export async function call<M extends keyof Methods>(method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
  if (inTauri()) {
    const { invoke } = await import('@tauri-apps/api/core');
    try {
      return await invoke<Methods[M]['result']>('call', { method, params });
    } catch (e) {
      throw asCallError(e, 'internal');
    }
  }
  let response: Response;
  try {
    response = await fetch(`./api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ekn-token': sessionStorage.getItem(TOKEN_KEY) ?? '' },
      body: JSON.stringify(params),
    });
  } catch (e) {
    throw new CallError('network', String(e));
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a proxy's or the server's own page (413 when the body is too large, 502…).
    throw new CallError(response.status === 413 ? 'too_large' : 'unavailable', `HTTP ${response.status}`);
  }
  if (!response.ok) throw asCallError(body, response.status === 413 ? 'too_large' : 'unavailable');
  return body as Methods[M]['result'];
}
