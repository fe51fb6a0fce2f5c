// Every screen of the demo shows something true (issue 64): over a fresh `ekn init --demo` served
// by `ekn serve`, in Chromium, each screen in Russian, Kazakh and English is opened and must hold no
// "nothing yet" block — every such block in the UI carries `data-empty="<its words' key>"`, so a
// block left empty is named by its key, the screen and the language. A finding that nothing stands
// out (no cell above its neighbours, no anomaly linked to a theme) or that an appeal held nothing
// to mask is a result, not an empty block, and carries no mark. Run alone:
// `node e2e/demo-screens.mjs` (after building ui/ and `ekn`); browser.mjs runs it first, before its
// journey changes the database.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser-args.mjs';
import { api, findCandidate, freshDemoDb, serve } from './support.mjs';

/** The screens a newcomer opens, each with what says it has loaded. */
export async function demoPlaces(server) {
  const first = async (method, params, pick) => {
    const { status, body } = await api(server, method, params);
    if (status !== 200) throw new Error(`${method}: ${status} ${JSON.stringify(body)}`);
    return pick(body);
  };
  const theme = await first('theme_scores', {}, (r) => r.themes[0]?.name);
  const appeal = await first('appeal_queue', {}, (q) => q.items[0]?.appeal_no);
  const bin = await findCandidate(server);
  return [
    { name: 'desk', hash: '#/desk', ready: '[data-section="overdue"] h2' },
    { name: 'appeals', hash: '#/appeals', ready: '[data-section="queue"]' },
    appeal && { name: 'appeal', hash: `#/appeal/${encodeURIComponent(appeal)}`, ready: '[data-block="category"]' },
    { name: 'analytics', hash: '#/analytics', ready: '[data-testid="anomalies"]' },
    { name: 'themes', hash: '#/themes', ready: '[data-testid="themes-ranking"], [data-empty="themes.none"]' },
    theme && { name: 'theme card', hash: `#/theme/${encodeURIComponent(theme)}`, ready: '[data-testid="theme-members"]' },
    { name: 'effectiveness', hash: '#/effect', ready: '[data-testid="effect-kpis"]' },
    { name: 'dashboard', hash: '#/dashboard', ready: '[data-figure="open"] .value' },
    { name: 'settings', hash: '#/settings', ready: '[data-testid="office"]' },
    { name: 'card', hash: `#/card/${bin}`, ready: 'main h1' },
  ].filter(Boolean);
}

/** Opens each place in each language; returns the empty blocks found, as "lang place: key". */
export async function emptyBlocks(page, places, log = console.log) {
  const found = [];
  await page.locator('main').first().waitFor({ timeout: 30000 });
  const before = (await page.evaluate(() => document.documentElement.lang)) || 'ru';
  for (const lang of ['ru', 'kk', 'en']) {
    await page.evaluate(() => { location.hash = '#/settings'; });
    await page.locator(`[data-lang="${lang}"]`).first().click();
    for (const place of places) {
      await page.evaluate((h) => { location.hash = h; }, place.hash);
      await page.locator(place.ready).first().waitFor({ timeout: 30000 });
      // What the screen asks for after its first block (a map's shapes, a second list) settles.
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.waitForTimeout(300);
      const empty = await page.evaluate(() => [...document.querySelectorAll('main [data-empty]')].map((e) => e.getAttribute('data-empty')));
      for (const key of empty) found.push(`${lang} ${place.name}: ${key}`);
      log(`${lang} ${place.name}: ${empty.length ? `empty ${empty.join(', ')}` : 'filled'}`);
    }
  }
  // Back to the language the UI spoke, on the desk, as a person would find it.
  await page.evaluate(() => { location.hash = '#/settings'; });
  await page.locator(`[data-lang="${before}"]`).first().click();
  await page.evaluate(() => { location.hash = '#/desk'; });
  return found;
}

if (process.argv[1] === import.meta.filename) {
  const server = await serve(freshDemoDb());
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(server.url);
    const found = await emptyBlocks(page, await demoPlaces(server), (s) => console.log(`demo: ${s}`));
    if (found.length) {
      console.error(`demo screens with nothing to show:\n  ${found.join('\n  ')}`);
      process.exitCode = 1;
    } else {
      console.log('demo: every screen shows something in ru, kk and en');
    }
  } finally {
    await browser.close();
    server.child.kill();
  }
}
