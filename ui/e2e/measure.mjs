// Measures what a person waits for in the UI, in Chromium against `ekn serve` (a benchmark that
// prints figures, never a test): start to the first rendered desk, opening a case card, and the
// dashboard with its overdue list, and the screens that draw the districts' map (its shapes a chunk of
// their own, loaded on first use: the first of five is the cold load). Usage:
//   node e2e/measure.mjs <database> [label]        (the database is opened, not changed)
//   node e2e/measure.mjs <database> [label] --first-screen
//       only the start to the first rendered desk and what that start fetched (scripts, styles, data),
//       so two builds of the UI can be compared on one binary: EKN_UI_DIR=<other dist> serves the other.
// The figures go to docs/PERFORMANCE.md by hand, with the machine they came from.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser-args.mjs';
import { api, serve } from './support.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--first-screen');
const firstScreenOnly = process.argv.includes('--first-screen');
const [db, label = db] = args;
if (!db) throw new Error('usage: node e2e/measure.mjs <database> [label]');
const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const worst = (xs) => Math.max(...xs);

const server = await serve(db);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const started = performance.now();
  const { body: overdue } = await api(server, 'overdue');
  const { body: hits } = await api(server, 'home', { assignee: '' });
  const bins = [...new Set(hits.high_risk.map((o) => o.bin))].slice(0, RUNS);
  const serverOverdueMs = performance.now() - started;

  const desk = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const t0 = performance.now();
    await page.goto(server.url);
    await page.locator('[data-section="overdue"] h2').waitFor({ timeout: 60000 });
    desk.push(performance.now() - t0);
    // Let the page's remaining requests finish, so the next start does not queue behind them.
    await page.waitForLoadState('networkidle');
    await page.close();
  }

  if (firstScreenOnly) {
    // What the first screen fetched: every response's body, by kind (script, style, data).
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const fetched = {};
    page.on('response', async (r) => {
      const kind = r.request().resourceType();
      const bytes = (await r.body().catch(() => Buffer.alloc(0))).length;
      fetched[kind] = (fetched[kind] ?? 0) + bytes;
    });
    await page.goto(server.url);
    await page.locator('[data-section="overdue"] h2').waitFor({ timeout: 60000 });
    await page.waitForLoadState('networkidle');
    const kb = Object.entries(fetched).map(([k, b]) => `${k} ${(b / 1024).toFixed(0)} KB`).join(', ');
    console.log(`database: ${label}; UI: ${process.env.EKN_UI_DIR ?? 'ui/dist'}`);
    console.log(`start to first rendered desk: median ${median(desk).toFixed(0)} ms, worst ${worst(desk).toFixed(0)} ms (${RUNS} fresh pages)`);
    console.log(`the first screen fetched: ${kb}`);
    await browser.close();
    server.child.kill();
    process.exit(0);
  }
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(server.url);
  await page.locator('[data-section="overdue"] h2').waitFor({ timeout: 60000 });
  const card = [];
  for (const bin of bins) {
    const t0 = performance.now();
    await page.evaluate((b) => { location.hash = `#/card/${b}`; }, bin);
    await page.locator('[data-block="tasks"] h2').waitFor({ timeout: 60000 });
    card.push(performance.now() - t0);
    await page.evaluate(() => { location.hash = '#/search'; });
    await page.locator('[data-testid="search"]').waitFor();
  }

  const dashboard = [];
  let rendered = 0;
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate(() => { location.hash = '#/search'; });
    await page.locator('[data-testid="search"]').waitFor();
    const t0 = performance.now();
    await page.evaluate(() => { location.hash = '#/dashboard'; });
    await page.locator('[data-section="map"] canvas').waitFor({ timeout: 60000 });
    if (overdue.length) await page.locator('[data-overdue]').first().waitFor({ timeout: 60000 });
    dashboard.push(performance.now() - t0);
    rendered = await page.locator('[data-overdue]').count();
  }
  // The districts' maps (issue 63): the Appeals screen's and the Analytics screen's, from a hash
  // change to the map drawn; the first run loads the shapes' chunk, the others reuse it.
  // The draw alone (option set to ECharts' `finished`, 224 shapes) is read from the chart's element.
  const maps = {};
  const draws = {};
  for (const [screen, section] of [['appeals', '[data-section="appeals-map"]'], ['analytics', '[data-section="district-map"]']]) {
    maps[screen] = [];
    draws[screen] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.evaluate(() => { location.hash = '#/search'; });
      await page.locator('[data-testid="search"]').waitFor();
      const t0 = performance.now();
      await page.evaluate((s) => { location.hash = `#/${s}`; }, screen);
      await page.locator(`${section} canvas`).waitFor({ timeout: 120000 });
      maps[screen].push(performance.now() - t0);
      const drawn = page.locator(`${section} [data-drawn-ms]`).first();
      await drawn.waitFor({ timeout: 120000 });
      draws[screen].push(Number(await drawn.getAttribute('data-drawn-ms')));
    }
  }
  // Scrolling the virtualised list to its end must keep the DOM small.
  if (overdue.length) await page.locator('[data-testid="virtual"]').evaluate((e) => { e.scrollTop = e.scrollHeight; });
  const afterScroll = await page.locator('[data-overdue]').count();

  const ms = (x) => `${x.toFixed(0)} ms`;
  console.log(`database: ${label}`);
  console.log(`overdue tasks: ${overdue.length}; API overdue+home from node: ${ms(serverOverdueMs)}`);
  console.log(`start to first rendered desk: median ${ms(median(desk))}, worst ${ms(worst(desk))} (${RUNS} fresh pages)`);
  console.log(`card open: median ${ms(median(card))}, worst ${ms(worst(card))} (${card.length} high-risk objects)`);
  console.log(`dashboard render: median ${ms(median(dashboard))}, worst ${ms(worst(dashboard))}; rows in the DOM ${rendered}, after scrolling to the end ${afterScroll}`);
  for (const [screen, times] of Object.entries(maps)) {
    console.log(`${screen} screen to its districts' map: first (shapes loaded) ${ms(times[0])}, then median ${ms(median(times.slice(1)))}, worst ${ms(worst(times.slice(1)))}`);
    console.log(`${screen} districts' map drawn (option to ECharts' finished): median ${ms(median(draws[screen]))}, worst ${ms(worst(draws[screen]))}`);
  }
} finally {
  await browser.close();
  server.child.kill();
}
