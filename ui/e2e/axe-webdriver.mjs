// Accessibility in the desktop app's own engine (WebKitGTK, issue 42): the screens an office brings —
// the supervisor's desk with colleagues' tasks, the dashboard with a deadline conflict, Settings with
// the office's link — checked by axe-core against the WCAG 2.1 A and AA rules in Russian, Kazakh and
// English, over W3C WebDriver. The same rules and the same bar as the Chromium run (accessibility.mjs):
// a serious or critical violation fails the run, naming the screen, the language, the rule and the
// elements; `<html lang>` follows the language the UI speaks. axe-core is handed to the page as a
// WebDriver script (not a <script> element, which the page's CSP forbids); its run is asynchronous,
// so its answer is left on the page and read back.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe-core on the page as it stands and resolves with its violations (id, impact, help, nodes). */
async function violationsHere(d) {
  if ((await d.eval('typeof window.axe')) !== 'object') {
    // The library's source as the body of a WebDriver script: it defines window.axe.
    await d.exec(`${AXE}\n;return typeof window.axe;`);
  }
  await d.exec(
    `window.__eknAxe = null;
     window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
       .then((r) => { window.__eknAxe = { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
         nodes: v.nodes.map((n) => n.target.join(' ')) })) }; })
       .catch((e) => { window.__eknAxe = { error: String(e) }; });
     return true;`,
    [WCAG_TAGS],
  );
  const until = Date.now() + 60000;
  for (;;) {
    const answer = await d.eval('window.__eknAxe');
    if (answer?.error) throw new Error(`axe-core failed in the app: ${answer.error}`);
    if (answer?.violations) return answer.violations;
    if (Date.now() > until) throw new Error('axe-core did not finish in a minute');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * axe-core must be seen to find something here before "nothing found" means anything: an input
 * without a label is planted, must be named by the `label` rule, and is taken away.
 */
async function provesItLooks(d) {
  await d.exec(`const i = document.createElement('input'); i.id = 'ekn-axe-probe'; document.body.appendChild(i); return true;`);
  try {
    const found = await violationsHere(d);
    if (!found.some((v) => v.id === 'label' && v.nodes.some((n) => n.includes('ekn-axe-probe')))) {
      throw new Error(`axe-core in the app did not see an unlabelled input: ${JSON.stringify(found.map((v) => v.id))}`);
    }
  } finally {
    await d.exec(`document.getElementById('ekn-axe-probe')?.remove(); return true;`);
  }
}

/**
 * @param d the desktop app's WebDriver handle (webdriver.mjs), on the app after a journey
 * @param places `{ name, hash, ready, inApp? }`: the screens to check, `ready` a selector that says the
 *        screen has its data, `inApp` a step that opens a panel or dialog first (a click, F1), and
 *        `closeInApp` one that closes it after (a panel that stays over every screen)
 * @returns the number of checks made and of violations of any impact found
 */
export async function accessibilityInApp(d, places, log = console.log) {
  const problems = [];
  let checked = 0;
  let found = 0;
  await d.goto(places[0].hash);
  await d.waitFor(places[0].ready);
  await provesItLooks(d);
  for (const lang of ['ru', 'kk', 'en']) {
    await d.goto('#/settings');
    await d.waitFor(`[data-lang="${lang}"]`);
    await d.click(`[data-lang="${lang}"]`);
    const until = Date.now() + 5000;
    while ((await d.eval('document.documentElement.lang')) !== lang && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const htmlLang = await d.eval('document.documentElement.lang');
    if (htmlLang !== lang) problems.push(`${lang}: <html lang> is "${htmlLang}" when the UI speaks ${lang}`);
    for (const place of places) {
      await d.goto(place.hash);
      await d.waitFor(place.ready);
      if (place.inApp) await place.inApp(d);
      const violations = await violationsHere(d);
      const blocking = violations.filter((v) => BLOCKING.has(v.impact));
      checked += 1;
      found += violations.length;
      for (const v of blocking) {
        problems.push(`${lang} ${place.name}: [${v.impact}] ${v.id} (${v.help}) on ${v.nodes.length} element(s): ${v.nodes.slice(0, 3).join(' | ')}`);
      }
      log(`a11y in WebKit ${lang} ${place.name}: ${violations.length} violation(s), ${blocking.length} serious or critical`);
      if (place.closeInApp) await place.closeInApp(d);
    }
  }
  if (problems.length) throw new Error(`accessibility in the desktop app:\n  ${problems.join('\n  ')}`);
  return { webkit_a11y_checked: checked, webkit_a11y_violations: found };
}
