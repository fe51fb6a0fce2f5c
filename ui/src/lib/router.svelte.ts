// Hash routes, so links work the same from tauri:// and http:// and the back key works:
// #/desk, #/appeals, #/appeal/<number>, #/analytics, #/search?q=…, #/card/<BIN>, #/dashboard, #/import, #/settings,
// #/admin and #/country (the office's administration, the national figures).

export type Route = { screen: string; arg: string; query: URLSearchParams };

function parse(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [screen = 'desk', ...rest] = path.split('/');
  return { screen: screen || 'desk', arg: decodeURIComponent(rest.join('/')), query: new URLSearchParams(query) };
}

export const route = $state<{ current: Route }>({ current: parse(typeof location === 'undefined' ? '' : location.hash) });

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => (route.current = parse(location.hash)));
}

export function go(path: string): void {
  location.hash = path.startsWith('#') ? path : `#/${path}`;
}
