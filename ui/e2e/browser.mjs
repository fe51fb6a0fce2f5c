// The fresh demo's every screen in three languages with nothing empty (demo-screens.mjs), then the
// journey in Debian's Chromium against `ekn serve`, driven by playwright-core, then Import →
// Sources with a file published on loopback (sources.mjs), then every screen's accessibility in
// three languages (accessibility.mjs). Screenshots go
// to ui/e2e-artifacts/browser/. Run: npm run e2e:browser (after building ui/ and `ekn`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { accessibility, keyboardJourney, placesAfterJourney } from './accessibility.mjs';
import { CHROMIUM_ARGS } from './browser-args.mjs';
import { journey } from './journey.mjs';
import { lockScreen } from './lock.mjs';
import { sources } from './sources.mjs';
import { api, artifactsDir, findCandidate, freshDemoDb, serve } from './support.mjs';
import { demoPlaces, emptyBlocks } from './demo-screens.mjs';


const out = artifactsDir('browser');
const server = await serve(freshDemoDb());
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
let failed = null;
try {
  const candidate = await findCandidate(server);
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  // The fresh demo first, before the journey changes it: no screen a newcomer opens is empty.
  const empty = await emptyBlocks(page, await demoPlaces(server), (s) => console.log(`browser: demo ${s}`));
  if (empty.length) throw new Error(`demo screens with nothing to show: ${empty.join('; ')}`);
  const driver = {
    goto: (hash) => page.evaluate((h) => { location.hash = h; }, hash),
    waitFor: (css, text, timeout = 15000) => (text ? page.locator(css, { hasText: text }).first() : page.locator(css).first()).waitFor({ timeout }),
    click: (css) => page.locator(css).first().click(),
    select: (css, value) => page.locator(css).first().selectOption(value),
    waitGone: (css) => page.locator(css).first().waitFor({ state: 'detached', timeout: 15000 }),
    type: (css, text) => page.locator(css).first().fill(text),
    text: (css) => page.locator(css).first().innerText(),
    eval: (js) => page.evaluate(js),
    screenshot: (name) => page.screenshot({ path: join(out, `${name}.png`) }),
    // Files the user picks and files the page offers for download (the evidence steps).
    fixture: (name, text) => { const path = join(out, name); writeFileSync(path, text); return path; },
    upload: (css, path) => page.locator(css).first().setInputFiles(path),
    download: async (action) => {
      const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), action()]);
      const path = join(out, file.suggestedFilename());
      await file.saveAs(path);
      return path;
    },
  };
  const result = await journey(driver, candidate, (s) => console.log(`browser: ${s}`));
  const rpc = async (method, params) => {
    const { status, body } = await api(server, method, params);
    if (status !== 200) throw new Error(`${method}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  Object.assign(result, await sources(driver, rpc, (s) => console.log(`browser: ${s}`)));
  // Each place photographed in each language for the user guide (scripts/guide-pdf puts them in the manual).
  Object.assign(result, await accessibility(page, placesAfterJourney(candidate), (s) => console.log(`browser: ${s}`), join(out, 'shots')));
  Object.assign(result, await keyboardJourney(page, candidate, (s) => console.log(`browser: ${s}`), out));
  await page.screenshot({ path: join(out, '09-keyboard-journey.png') });
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  writeFileSync(join(out, 'result.json'), JSON.stringify({ candidate, ...result }, null, 2));
  console.log(`browser journey passed: ${JSON.stringify(result)}`);
  await lockScreen(browser, out, (s) => console.log(`browser: ${s}`));
} catch (e) {
  failed = e;
} finally {
  await browser.close();
  server.child.kill();
}
if (failed) {
  console.error(failed);
  process.exit(1);
}
