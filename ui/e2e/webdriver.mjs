// The desktop app under WebDriver: tauri-driver (which drives WebKitWebDriver, Debian's
// webkit2gtk-driver) starts ekn-desktop with the given environment, and a small driver — goto,
// waitFor, waitGone, click, type, select, text, eval, screenshot — is handed to the journey. On failure the window's
// screenshot and text are kept as evidence. Shared by desktop.mjs and office.mjs.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support.mjs';

const app = process.env.EKN_DESKTOP_BIN ?? join(ROOT, 'target/debug/ekn-desktop');
const driverBin = process.env.TAURI_DRIVER ?? 'tauri-driver';
const PORT = 4444;

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

/**
 * Runs `body(d, meta)` against the desktop app started with `env` (EKN_DB, EKN_TODAY, …); `out` is
 * the directory for screenshots. `meta.launched` is when the session was asked for, `meta.title()`
 * the window's title. Resolves with body's value; rejects with its error after keeping evidence.
 */
export async function withDesktopApp(env, out, body) {
  const driver = spawn(driverBin, ['--port', String(PORT)], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
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
    // What a person clicks or types into must be on the screen first: after a hash change or a
    // click that navigates, the next screen renders a moment later (a click or a type right after one
    // found nothing, twice in full runs). A missing element still fails, after ten seconds.
    const present = (css) => waitFor(css, null, 10000);
    const d = {
      goto: (hash) => exec('location.hash = arguments[0]; return true;', [hash]),
      waitFor,
      // Brought to the middle of the window first: WebKitWebDriver's click on an element at the
      // window's lower edge reached nothing (seen with the act outcome form's button).
      click: async (css) => {
        await present(css);
        const element = await find(css);
        await exec('document.querySelector(arguments[0]).scrollIntoView({ block: "center" }); return true;', [css]);
        return wd('POST', `${base}/element/${element}/click`, {});
      },
      type: async (css, text) => {
        await present(css);
        const element = await find(css);
        await wd('POST', `${base}/element/${element}/clear`, {});
        await wd('POST', `${base}/element/${element}/value`, { text });
      },
      // A select's option chosen as a person would: the value set and the change announced.
      select: (css, value) => exec(
        'const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event("change", { bubbles: true })); return true;',
        [css, value],
      ),
      waitGone: async (css, timeout = 20000) => {
        const until = Date.now() + timeout;
        while (await exec('return !!document.querySelector(arguments[0]);', [css])) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${css} to go`);
          await new Promise((r) => setTimeout(r, 150));
        }
      },
      // What a person reads must be there first, as for a click: the desk's sections render after its
      // heading (a full run under load read the overdue section's heading before it existed).
      text: async (css) => {
        await present(css);
        return exec('return document.querySelector(arguments[0]).innerText;', [css]);
      },
      eval: (js) => exec(`return (${js});`),
      // A script body with its arguments, as WebDriver runs it (axe-webdriver.mjs hands axe-core over this way).
      exec,
      screenshot: async (name) => writeFileSync(join(out, `${name}.png`), Buffer.from(await wd('GET', `${base}/screenshot`), 'base64')),
    };
    return await body(d, { launched, title: () => wd('GET', `${base}/title`) });
  } catch (e) {
    // Leave evidence for CI: what the window showed when the journey stopped.
    if (session) {
      const base = `/session/${session}`;
      await wd('GET', `${base}/screenshot`).then((png) => writeFileSync(join(out, 'failure.png'), Buffer.from(png, 'base64'))).catch(() => {});
      await wd('POST', `${base}/execute/sync`, { script: 'return document.body.innerText;', args: [] })
        .then((text) => console.error(`desktop: the window showed:\n${text}`)).catch(() => {});
    }
    throw e;
  } finally {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
    await new Promise((r) => (driver.exitCode !== null ? r() : driver.on('exit', r)));
  }
}
