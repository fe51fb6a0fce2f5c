// Accessibility in Chromium (issue 42): every screen, and the dialogs and panels a journey opens, in
// Russian, Kazakh and English, checked by axe-core against the WCAG 2.1 A and AA rules — a serious
// or critical violation fails the run, naming the screen, the language, the rule and the elements;
// `<html lang>` follows the language the UI speaks; the keyboard focus ring on the dark navigation
// has at least 3:1 contrast against it (WCAG 1.4.11), and the navigation works by keyboard alone;
// and a journey by keyboard alone: desk → card → a task created and extended → an act drafted.
// Runs after the journey (browser.mjs), so the demo holds an issued act, a theme and a dismissed
// anomaly. axe-core is injected through the DevTools protocol: the page's CSP forbids inline scripts.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

/** Relative luminance and contrast of two CSS colours as `rgb(...)`/`rgba(...)` strings (WCAG 2.1). */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The screens, and the panels the journey opens, on the demo after the journey (`candidate`: its object). */
export function placesAfterJourney(candidate) {
  const click = (css, then) => async (page) => {
    await page.locator(css).first().click();
    await page.locator(then).first().waitFor({ timeout: 20000 });
  };
  // The same panels opened in the desktop app over WebDriver (`d`, webdriver.mjs): a click, and what
  // says it opened; clicked again once if nothing opened within seconds (a click that lands while a
  // screen is still filling its rows can be lost in WebKit, seen with the passport).
  const clickInApp = (css, then) => async (d) => {
    await d.click(css);
    try {
      await d.waitFor(then, null, 5000);
    } catch {
      await d.click(css);
      await d.waitFor(then);
    }
  };
  return [
    { name: 'desk', shot: 'desk', hash: '#/desk', ready: '[data-section="overdue"] h2' },
    { name: 'appeals', shot: 'appeals', hash: '#/appeals', ready: '[data-section="queue"] tr[data-appeal]' },
    { name: 'appeal', shot: 'appeal', hash: '#/appeals', ready: '[data-section="queue"] tr[data-appeal] a',
      open: click('[data-section="queue"] tr[data-appeal] a', '[data-block="category"] [data-testid="model"]'),
      inApp: clickInApp('[data-section="queue"] tr[data-appeal] a', '[data-block="category"] [data-testid="model"]') },
    { name: 'analytics + anomaly', shot: 'analytics', hash: '#/analytics', ready: '[data-testid="anomalies"] [data-anomaly]',
      open: click('[data-testid="anomalies"] [data-anomaly]', '[data-testid="anomaly-detail"]'),
      inApp: clickInApp('[data-testid="anomalies"] [data-anomaly]', '[data-testid="anomaly-detail"]') },
    { name: 'themes', shot: 'themes', hash: '#/themes', ready: '[data-testid="themes-ranking"] [data-theme]' },
    { name: 'theme card', shot: 'theme', hash: `#/theme/${encodeURIComponent('ЖКХ')}`, ready: '[data-testid="theme-members"] [data-member]' },
    { name: 'effectiveness', shot: 'effect', hash: '#/effect', ready: '[data-testid="effect-kpis"]' },
    { name: 'search', shot: 'search', hash: '#/search', ready: '[data-testid="search"]',
      open: async (page) => {
        await page.locator('[data-testid="search"]').first().fill(candidate);
        await page.locator(`[data-bin="${candidate}"]`).first().waitFor({ timeout: 20000 });
      },
      inApp: async (d) => {
        await d.type('[data-testid="search"]', candidate);
        await d.waitFor(`[data-bin="${candidate}"]`);
      } },
    { name: 'dashboard', shot: 'dashboard', hash: '#/dashboard', ready: '[data-figure="open"] .value' },
    { name: 'import', shot: 'import', hash: '#/import', ready: 'main h1' },
    { name: 'settings + passport', shot: 'settings', hash: '#/settings', ready: '[data-testid="passport-appeals-v1"]',
      open: click('[data-testid="passport-appeals-v1"]', '[data-testid="passport"]'),
      inApp: clickInApp('[data-testid="passport-appeals-v1"]', '[data-testid="passport"]') },
    { name: 'card', shot: 'card', hash: `#/card/${candidate}`, ready: '[data-block="tasks"]' },
    { name: 'card + act form', shot: 'card-act', hash: `#/card/${candidate}`, ready: '[data-act] [data-testid="act-open"]',
      open: click('[data-act] [data-testid="act-open"]', '[data-testid="act-addressee"]'),
      inApp: clickInApp('[data-act] [data-testid="act-open"]', '[data-testid="act-addressee"]') },
    // The Word document the journey attached and read, open in the viewer with its facts.
    { name: 'card + document viewer', shot: 'card-document', hash: `#/card/${candidate}`, ready: '[data-testid="attachments"] [data-testid="document-open"]',
      open: click('[data-testid="attachments"] li:has-text("000-ru-submission.docx") [data-testid="document-open"]',
        '[data-testid="document-viewer"] [data-testid="document-facts"] li') },
    { name: 'help on the card', shot: 'help', hash: `#/card/${candidate}`, ready: '[data-block="tasks"]',
      open: async (page) => {
        await page.keyboard.press('F1');
        await page.locator('[data-testid="help-topics"] [data-topic-link]').first().waitFor({ timeout: 20000 });
      },
      // F1 as the window receives it (WebKitWebDriver's key actions are not used elsewhere here).
      inApp: async (d) => {
        await d.eval(`document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'F1', bubbles: true })) || true`);
        await d.waitFor('[data-testid="help-topics"] [data-topic-link]');
      },
      // The help panel stays over every screen until closed: Escape closes it, as a person would.
      closeInApp: async (d) => {
        await d.eval(`document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })) || true`);
        await d.waitGone('[data-testid="help"]');
      } },
  ];
}

/**
 * @param page a Playwright page on the app, after the journey
 * @param places the screens to check: `{ name, shot, hash, ready, open? }` — `ready` a selector that
 *        says the screen has its data, `open` an optional step that opens a dialog or panel first
 * @param shots where each place is photographed in each language, as `<lang>/<shot>.png`: the user
 *        guide's topics show these (src/guide: SHOTS), so its pictures are always today's screens
 */
export async function accessibility(page, places, log = console.log, shots = null) {
  const problems = [];
  const results = [];
  for (const lang of ['ru', 'kk', 'en']) {
    await page.evaluate(() => { location.hash = '#/settings'; });
    await page.locator(`[data-lang="${lang}"]`).first().click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang, { timeout: 5000 }).catch(async () => {
      problems.push(`${lang}: <html lang> is "${await page.evaluate('document.documentElement.lang')}" when the UI speaks ${lang}`);
    });
    for (const place of places) {
      await page.evaluate((h) => { location.hash = h; }, place.hash);
      await page.locator(place.ready).first().waitFor({ timeout: 20000 });
      if (place.open) await place.open(page);
      if (shots) {
        mkdirSync(join(shots, lang), { recursive: true });
        await page.screenshot({ path: join(shots, lang, `${place.shot}.png`) });
      }
      if ((await page.evaluate('typeof window.axe')) !== 'object') await page.evaluate(AXE);
      const violations = await page.evaluate(async (tags) => {
        const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
      }, WCAG_TAGS);
      const blocking = violations.filter((v) => BLOCKING.has(v.impact));
      results.push({ lang, place: place.name, violations: violations.length, blocking: blocking.length });
      for (const v of blocking) {
        problems.push(`${lang} ${place.name}: [${v.impact}] ${v.id} (${v.help}) on ${v.nodes.length} element(s): ${v.nodes.slice(0, 3).join(' | ')}`);
      }
      log(`a11y ${lang} ${place.name}: ${violations.length} violation(s), ${blocking.length} serious or critical`);
      // A panel over the page (the help) is closed the way a person closes it.
      if (await page.locator('[data-testid="help"]').count()) {
        await page.keyboard.press('Escape');
        await page.locator('[data-testid="help"]').first().waitFor({ state: 'detached' });
      }
    }
  }
  // The keyboard: from the top of the page, Tab reaches the navigation; its ring is visible against
  // the menu; Enter follows the link.
  // A fresh load, so the Tab order starts at the top of the page, not at the last element clicked.
  await page.evaluate(() => { location.hash = '#/desk'; });
  await page.reload();
  await page.locator('[data-section="overdue"] h2').first().waitFor();
  let ring = null;
  for (let i = 0; i < 5 && !ring; i++) {
    await page.keyboard.press('Tab');
    ring = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a?.matches('nav a')) return null;
      const style = getComputedStyle(a);
      const nav = getComputedStyle(a.closest('nav'));
      return { nav: a.dataset.nav, outline: style.outlineColor, width: parseFloat(style.outlineWidth), style: style.outlineStyle, menu: nav.backgroundColor };
    });
  }
  if (!ring) {
    problems.push('keyboard: Tab from the top of the page does not reach the navigation');
  } else {
    const ratio = contrast(ring.outline, ring.menu);
    log(`a11y focus ring on the navigation: ${ring.outline} on ${ring.menu}, ${ratio.toFixed(1)}:1, ${ring.width}px ${ring.style}`);
    if (ring.style === 'none' || ring.width < 2 || ratio < 3) {
      problems.push(`keyboard: the focus ring on the navigation is ${ring.width}px ${ring.style}, ${ratio.toFixed(1)}:1 against the menu (needs ≥ 2px and ≥ 3:1)`);
    }
    // Tab on to another screen's link and follow it with Enter.
    await page.keyboard.press('Tab');
    const target = await page.evaluate(() => document.activeElement?.dataset?.nav ?? null);
    await page.keyboard.press('Enter');
    const landed = await page.evaluate(() => location.hash);
    if (!target || landed !== `#/${target}`) problems.push(`keyboard: Enter on the "${target}" link leads to ${landed}`);
  }
  if (problems.length) throw new Error(`accessibility:\n  ${problems.join('\n  ')}`);
  return { a11y_checked: results.length, a11y_violations: results.reduce((n, r) => n + r.violations, 0) };
}

/** Presses Tab until the focused element matches `css` (at most `limit` presses), as a keyboard user would. */
async function tabTo(page, css, limit = 400) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((c) => document.activeElement?.matches(c) ?? false, css)) return;
  }
  throw new Error(`keyboard journey: Tab never reaches ${css}`);
}

/**
 * A journey by keyboard alone (no clicks, no filled fields): from the desk, "/" opens Search; type the
 * object's BIN, Tab to it, Enter opens the card; create a task on one of its appeals from the card,
 * extend that task's deadline with a reason, then open the act form and draft an act. Dates are typed
 * into date fields as a person types them (Chromium's en-US order: month, day, year).
 */
export async function keyboardJourney(page, candidate, log = console.log, shots = null) {
  await page.evaluate(() => { location.hash = '#/desk'; });
  await page.reload();
  await page.locator('[data-section="overdue"] h2').first().waitFor();
  log('keyboard: help on the desk (F1), a search of the guide, Escape');
  await page.keyboard.press('F1');
  await page.locator('[data-testid="help-topics"] [data-topic-link]').first().waitFor({ timeout: 20000 });
  await page.keyboard.type('extend a deadline');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="help-hits"] [data-topic-link]').first().waitFor({ timeout: 20000 });
  const best = await page.evaluate(() => document.querySelector('[data-testid="help-hits"] [data-topic-link]')?.dataset.topicLink);
  if (best !== 'extend-deadline') throw new Error(`keyboard journey: the guide's best topic for "extend a deadline" is ${best}`);
  await tabTo(page, '[data-testid="help-hits"] [data-topic-link="extend-deadline"]');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="help"] article[data-topic="extend-deadline"]').first().waitFor({ timeout: 20000 });
  if (shots) await page.screenshot({ path: `${shots}/09a-help.png` });
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="help"]').first().waitFor({ state: 'detached' });

  log('keyboard: desk → search');
  await page.keyboard.press('/');
  await page.locator('[data-testid="search"]').first().waitFor();
  await page.keyboard.type(candidate);
  await page.locator(`[data-bin="${candidate}"]`).first().waitFor({ timeout: 20000 });
  await tabTo(page, `[data-bin="${candidate}"]`);
  await page.keyboard.press('Enter');
  await page.locator('[data-block="tasks"] [data-testid="task-new"]').first().waitFor({ timeout: 20000 });
  const appeal = await page.evaluate(() => document.querySelector('[data-appeal-link]')?.dataset.appealLink ?? null);
  if (!appeal) throw new Error('keyboard journey: the object has no appeal to open a task on');

  log(`keyboard: a task on appeal ${appeal}`);
  await tabTo(page, '[data-block="tasks"] [data-testid="task-new"]');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="task-new-form"] [data-field="norm"] option').first().waitFor({ state: 'attached' });
  await tabTo(page, '[data-testid="task-new-form"] [data-field="kind"]');
  await page.keyboard.press('ArrowUp'); // the first kind: consideration of an appeal
  const fields = [['appeal', appeal], ['assignee', 'Иванов В.'], ['unit', 'Отдел надзора']];
  for (const [field, text] of fields) {
    await tabTo(page, `[data-testid="task-new-form"] [data-field="${field}"]`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  }
  await tabTo(page, '[data-testid="task-new-form"] [data-field="event"]');
  await page.keyboard.type('11202026');
  await tabTo(page, '[data-testid="task-new-create"]');
  await page.keyboard.press('Enter');
  const created = await page.locator('[data-testid="task-created"]').first().innerText({ timeout: 20000 });
  const id = Number(/(\d+)/.exec(created)?.[1]);
  if (!(id > 0)) throw new Error(`keyboard journey: no task created (${created})`);

  log(`keyboard: extend task ${id}`);
  await page.locator(`[data-task-actions="${id}"]`).first().waitFor({ timeout: 20000 });
  const due = await page.evaluate((i) => document.querySelector(`[data-task="${i}"]`)?.textContent ?? '', id);
  await tabTo(page, `[data-task-actions="${id}"] [data-action="extend"]`);
  await page.keyboard.press('Enter');
  await tabTo(page, '[data-action-form="extend"] [data-field="date"]');
  await page.keyboard.type('12252026');
  await tabTo(page, '[data-action-form="extend"] [data-field="reason"]');
  await page.keyboard.type('запрошены документы у органа');
  await tabTo(page, '[data-action-form="extend"] [data-action-save]');
  await page.keyboard.press('Enter');
  await page.locator('[data-block="journal"]').filter({ hasText: 'запрошены документы у органа' }).first().waitFor({ timeout: 20000 });
  const after = await page.evaluate((i) => document.querySelector(`[data-task="${i}"]`)?.textContent ?? '', id);
  if (due === after) throw new Error('keyboard journey: the extended task still shows its old deadline');

  log('keyboard: draft an act');
  await tabTo(page, '[data-act] [data-testid="act-open"]');
  await page.keyboard.press('Enter');
  await tabTo(page, '[data-testid="act-addressee"]');
  await page.keyboard.type('Әкімдік басшысы');
  await tabTo(page, '[data-testid="act-requirements"]');
  await page.keyboard.type('Устранить нарушения');
  await tabTo(page, '[data-testid="act-draft"]');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="act-drafted"]').first().waitFor({ timeout: 60000 });
  return { keyboard_task: id };
}
