// The journey in the real desktop app: ekn-desktop under Xvfb, driven over W3C WebDriver through
// tauri-driver and WebKitWebDriver (Debian's webkit2gtk-driver). The app opens the demo database
// given in EKN_DB, as a user's would. Screenshots go to ui/e2e-artifacts/desktop/.
// Run: npm run e2e:desktop (after building ui/, `ekn` and `ekn-desktop`; scripts/e2e wraps it in Xvfb).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journey } from './journey.mjs';
import { ROOT, TODAY, artifactsDir, findCandidate, freshDemoDb, serve } from './support.mjs';

const out = artifactsDir('desktop');
const app = process.env.EKN_DESKTOP_BIN ?? join(ROOT, 'target/debug/ekn-desktop');
const driverBin = process.env.TAURI_DRIVER ?? 'tauri-driver';
const PORT = 4444;

// The candidate object is chosen through `ekn serve` on the same database, which then stops.
const db = freshDemoDb();
const server = await serve(db);
const candidate = await findCandidate(server);
server.child.kill();
await new Promise((r) => server.child.on('exit', r));

const driver = spawn(driverBin, ['--port', String(PORT)], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, EKN_DB: db, EKN_TODAY: TODAY },
});

async function wd(method, path, body) {
  const response = await fetch(`http://127.0.0.1:${PORT}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok || json.value?.error) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

async function waitForDriver() {
  for (let i = 0; i < 100; i++) {
    try { await fetch(`http://127.0.0.1:${PORT}/status`); return; } catch { await new Promise((r) => setTimeout(r, 200)); }
  }
  throw new Error('tauri-driver did not start');
}

let failed = null;
let session = null;
try {
  await waitForDriver();
  const launched = performance.now();
  session = (await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: app }, browserName: 'wry' } },
  })).sessionId;
  const base = `/session/${session}`;
  // W3C names the element reference 'element-6066-…'; older drivers call it 'ELEMENT'. Either is the one value.
  const find = async (css) => Object.values(await wd('POST', `${base}/element`, { using: 'css selector', value: css }))[0];
  const exec = (script, args = []) => wd('POST', `${base}/execute/sync`, { script, args });
  const waitFor = async (css, text, timeout = 20000) => {
    const until = Date.now() + timeout;
    for (;;) {
      const found = await exec(
        'const els = [...document.querySelectorAll(arguments[0])]; return els.some(e => !arguments[1] || e.innerText.includes(arguments[1]));',
        [css, text ?? null],
      );
      if (found) return;
      if (Date.now() > until) throw new Error(`timed out waiting for ${css}${text ? ` with "${text}"` : ''}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const d = {
    goto: (hash) => exec('location.hash = arguments[0]; return true;', [hash]),
    waitFor,
    click: async (css) => wd('POST', `${base}/element/${await find(css)}/click`, {}),
    type: async (css, text) => {
      const element = await find(css);
      await wd('POST', `${base}/element/${element}/clear`, {});
      await wd('POST', `${base}/element/${element}/value`, { text });
    },
    text: (css) => exec('return document.querySelector(arguments[0]).innerText;', [css]),
    eval: (js) => exec(`return (${js});`),
    screenshot: async (name) => writeFileSync(join(out, `${name}.png`), Buffer.from(await wd('GET', `${base}/screenshot`), 'base64')),
  };
  // Start to first rendered desk: from asking tauri-driver for the app to the desk's first section.
  await waitFor('[data-section="overdue"] h2', null, 60000);
  const startToDeskMs = Math.round(performance.now() - launched);
  console.log(`desktop: start to first rendered desk ${startToDeskMs} ms (includes WebDriver start-up)`);
  const title = await wd('GET', `${base}/title`);
  if (!title.includes('ЭКН')) throw new Error(`the window is not the app's own: "${title}"`);
  const result = await journey(d, candidate, (s) => console.log(`desktop: ${s}`));
  writeFileSync(join(out, 'result.json'), JSON.stringify({ candidate, title, startToDeskMs, ...result }, null, 2));
  console.log(`desktop journey passed: ${JSON.stringify(result)}`);
} catch (e) {
  failed = e;
  // Leave evidence for CI: what the window showed when the journey stopped.
  if (session) {
    const base = `/session/${session}`;
    await wd('GET', `${base}/screenshot`).then((png) => writeFileSync(join(out, 'failure.png'), Buffer.from(png, 'base64'))).catch(() => {});
    await wd('POST', `${base}/execute/sync`, { script: 'return document.body.innerText;', args: [] })
      .then((text) => console.error(`desktop: the window showed:\n${text}`)).catch(() => {});
  }
} finally {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
  driver.kill();
}
if (failed) {
  console.error(failed);
  process.exit(1);
}
