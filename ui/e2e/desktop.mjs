// The journey in the real desktop app: ekn-desktop under Xvfb, driven over W3C WebDriver through
// tauri-driver and WebKitWebDriver (Debian's webkit2gtk-driver). The app opens the demo database
// given in EKN_DB, as a user's would; after the journey, Import → Sources (sources.mjs) adds, runs and
// removes a file published on loopback; then the command line opens and closes the same database while
// the app runs (concurrency.mjs). Screenshots go to ui/e2e-artifacts/desktop/. Then the office
// journey (office.mjs): a supervisor's app over two prosecutors' work, reassigning one task.
// Run: npm run e2e:desktop (after building ui/, `ekn`, `ekn-office` and `ekn-desktop`; scripts/e2e wraps it in Xvfb).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { placesAfterJourney } from './accessibility.mjs';
import { accessibilityInApp } from './axe-webdriver.mjs';
import { afterTheAppClosed, besideTheCommandLine } from './concurrency.mjs';
import { journey } from './journey.mjs';
import { officeJourney } from './office.mjs';
import { sources } from './sources.mjs';
import { TODAY, artifactsDir, findCandidate, freshDemoDb, serve } from './support.mjs';
import { withDesktopApp } from './webdriver.mjs';

const out = artifactsDir('desktop');

// The candidate object is chosen through `ekn serve` on the same database, which then stops.
const db = freshDemoDb();
const server = await serve(db);
const candidate = await findCandidate(server);
server.child.kill();
await new Promise((r) => server.child.on('exit', r));

try {
  let keptTask = 0;
  await withDesktopApp({ EKN_DB: db, EKN_TODAY: TODAY }, out, async (d, meta) => {
    // Start to first rendered desk: from asking tauri-driver for the app to the desk's first section.
    await d.waitFor('[data-section="overdue"] h2', null, 60000);
    const startToDeskMs = Math.round(performance.now() - meta.launched);
    console.log(`desktop: start to first rendered desk ${startToDeskMs} ms (includes WebDriver start-up)`);
    const title = await meta.title();
    if (!title.includes('ЭКН')) throw new Error(`the window is not the app's own: "${title}"`);
    const result = await journey(d, candidate, (s) => console.log(`desktop: ${s}`));
    // Import → Sources in the app's own window: what it shows is checked (no RPC from outside).
    Object.assign(result, await sources(d, null, (s) => console.log(`desktop: ${s}`)));
    // Every screen the Chromium run checks, now in the app's own engine (WebKitGTK), in three languages,
    // with the panels a click or a key opens there (an appeal, an anomaly, search results, a passport,
    // the act form, help); the document viewer stays Chromium's (the desktop journey attaches no file:
    // WebDriver cannot answer the system's file dialog).
    const screens = placesAfterJourney(candidate).filter((p) => !p.open || p.inApp);
    Object.assign(result, await accessibilityInApp(d, screens, (s) => console.log(`desktop: ${s}`)));
    keptTask = await besideTheCommandLine(d, db, candidate, (s) => console.log(`desktop: ${s}`));
    writeFileSync(join(out, 'result.json'), JSON.stringify({ candidate, title, startToDeskMs, ...result }, null, 2));
    console.log(`desktop journey passed: ${JSON.stringify(result)}`);
  });
  afterTheAppClosed(db, keptTask, (s) => console.log(`desktop: ${s}`));
  await officeJourney((s) => console.log(`desktop office: ${s}`));
} catch (e) {
  console.error(e);
  process.exit(1);
}
