// The office in the real desktop app: a throwaway PostgreSQL cluster (Debian's binaries, run as the
// `postgres` user when we are root), the real `ekn-office` server on loopback, two prosecutors'
// workstations as real `ekn` databases that join it and push a task each, and a supervisor's
// workstation opened in ekn-desktop. The app syncs in the background at start and says when; the
// desk then holds both prosecutors' tasks with who holds each; the supervisor hands Асель's task to
// Bekzat with a reason, and Bekzat's next sync brings it onto his desk. Асель's office PC and laptop
// each extend one appeal's deadline offline: the supervisor's desk shows the earlier date in force
// with the conflict, the dashboard's conflicts panel resolves it with a reason, and the laptop's next
// sync brings the kept date. The office's administrator logs in from the same app with her own
// password and revokes Bekzat's old laptop with a reason: its next sync is refused; the office's
// analyst, who keeps no workstation, logs in too and sees the office's figures without a person. The office then
// publishes as region 19 beside a second office (region 55) to a national cluster by logical
// replication, and a national analyst logs in to the national face from the same app: the Country
// screen shows both regions and drills into 19 — never a person or an object.
// Screenshots: ui/e2e-artifacts/office/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, TODAY, artifactsDir, ekn } from './support.mjs';
import { officeBin, startNational, startPostgres, startOffice } from '../scripts/office-cluster.mjs';
import { accessibilityInApp } from './axe-webdriver.mjs';
import { withDesktopApp } from './webdriver.mjs';

const PASSWORD = 'e2e: correct horse battery staple';

function check(condition, message) {
  if (!condition) throw new Error(`office journey: ${message}`);
}

/** Rows of the demo's inspections export in districts beginning with `prefix`, as an export of their own. */
function inspectionsIn(prefix, count) {
  const [header, ...rows] = readFileSync(join(ROOT, 'fixtures/demo/inspections.csv'), 'utf8').split('\n');
  const picked = rows.filter((r) => r.split(';')[3]?.startsWith(prefix)).slice(0, count);
  check(picked.length === count, `the demo has ${count} inspections in ${prefix}`);
  return { csv: [header, ...picked, ''].join('\n'), bins: picked.map((r) => r.split(';')[1]) };
}

/** The demo's first open appeal in districts beginning with `prefix`, as an export of its own. */
function openAppealIn(prefix) {
  const [header, ...rows] = readFileSync(join(ROOT, 'fixtures/demo/appeals.csv'), 'utf8').split('\n');
  // The first seven fields are never quoted; the outcome, last, is empty while the appeal is open.
  const row = rows.find((r) => r.split(',')[6]?.startsWith(prefix) && r.endsWith(',,'));
  check(row, `the demo has an open appeal in ${prefix}`);
  return { csv: [header, row, ''].join('\n'), no: row.split(',')[0] };
}

/** Extends task `id` to the first date from `from` on that the rules accept (a working day). */
function extendFrom(ws, id, from, reason) {
  const day = new Date(`${from}T00:00:00Z`);
  for (let i = 0; i < 7; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    const to = day.toISOString().slice(0, 10);
    try {
      ws.run('task', 'extend', String(id), '--to', to, '--reason', reason);
      return to;
    } catch { /* a day off: the next */ }
  }
  throw new Error(`no date from ${from} accepted for task ${id}`);
}

/** The national read-side beside the journey's office (`pg`, region 19): a second office (region 55)
 *  with a prosecutor's synced task, both published, a national cluster subscribed to both, an analyst
 *  role with its password, and the national face (`ekn-office national serve`) over it. */
async function nationalSide(pg, log) {
  log('the national side: a second office (region 55), a national cluster subscribed to both, its face');
  const r55 = await startPostgres({ logical: true });
  const national = await startPostgres();
  const stops = [() => r55.stop(), () => national.stop()];
  const stop = () => stops.reverse().forEach((f) => { try { f(); } catch { /* gone */ } });
  try {
    const office = (target, ...args) => execFileSync(officeBin(), args, { stdio: 'pipe', env: { ...process.env, EKN_OFFICE_PG: target, EKN_OFFICE_PASSWORD: PASSWORD } }).toString();
    office(r55.url, 'migrate', '--key-file', r55.keyFile);
    office(r55.url, 'user', 'add', 'Ерлан Сейітов', '--role', 'prosecutor', '--districts', '5532');
    const server55 = await startOffice(r55);
    stops.push(() => server55.child.kill());
    const erlan = workstation(server55.url, 'Ерлан Сейітов', '5532');
    erlan.run('task', 'add', '--kind', 'gather_information', '--assignee', erlan.user, '--unit', 'надзор', '--working-days', '10',
      '--from', '2026-10-01', '--subject', erlan.bins[0], '--title', 'Ерлан: рұқсаттарды сұрату');
    erlan.run('sync');
    // As docs/NATIONAL.md: each region's DBA makes the national reader, its owner publishes.
    for (const [region, code] of [[pg, '19'], [r55, '55']]) {
      region.sql('ekn', 'CREATE ROLE ekn_national_reader WITH LOGIN REPLICATION');
      office(region.url, 'national', 'publish', '--region', code);
    }
    national.sql('postgres', 'CREATE DATABASE national');
    const owner = national.urlAs('pgsuper', 'national');
    office(owner, 'national', 'init', '--region', `19=${pg.urlAs('ekn_national_reader', 'ekn')}`, '--region', `55=${r55.urlAs('ekn_national_reader', 'ekn')}`);
    const until = Date.now() + 90000;
    for (;;) {
      try { office(owner, 'national', 'status'); break; } catch (e) {
        if (Date.now() > until) throw new Error(`the national side never caught up: ${e.stdout ?? ''}${e.stderr ?? ''}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    national.requirePasswords(['aigerim']);
    national.sql('national', `CREATE ROLE aigerim LOGIN PASSWORD '${PASSWORD}' IN ROLE ekn_national_analyst`);
    const face = await startNational(national);
    stops.push(() => face.child.kill());
    return { url: face.url, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

const plusDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const ddmmyyyy = (iso) => iso.split('-').reverse().join('.');

/** The vault passphrase of every workstation of the journey (an office takes encrypted databases only). */
const VAULT = 'Жетісу-2026 кеңсе';

/** A workstation: a fresh, encrypted `ekn` database with a few inspections, joined to the office as `user`. */
function workstation(url, user, prefix, name = `${user}'s PC`) {
  const dir = mkdtempSync(join(tmpdir(), 'ekn-e2e-ws-'));
  const db = join(dir, 'ekn.db');
  const env = { ...process.env, EKN_OFFICE_PASSWORD: PASSWORD, EKN_PASSPHRASE: VAULT };
  const run = (...args) => execFileSync(ekn(), ['--db', db, ...args], { stdio: 'pipe', env }).toString();
  run('init', '--today', TODAY, '--encrypt', '--recovery-out', join(dir, 'recovery.txt'));
  const { csv, bins } = inspectionsIn(prefix, 2);
  writeFileSync(join(dir, 'inspections.csv'), csv);
  run('import', 'inspections', join(dir, 'inspections.csv'));
  run('office', 'join', url, '--user', user, '--name', name);
  return { db, bins, run, user };
}

export async function officeJourney(log = console.log) {
  const out = artifactsDir('office');
  log('PostgreSQL and ekn-office');
  const pg = await startPostgres({ logical: true });
  let server = null;
  let nation = null;
  try {
    const cli = (...args) => execFileSync(officeBin(), args, { stdio: 'pipe', env: { ...process.env, EKN_OFFICE_PG: pg.url, EKN_OFFICE_PASSWORD: PASSWORD } }).toString();
    cli('migrate', '--key-file', pg.keyFile);
    cli('user', 'add', 'Асель Нурланова', '--role', 'prosecutor', '--districts', '1940');
    cli('user', 'add', 'Bekzat Omarov', '--role', 'prosecutor', '--districts', '5532');
    cli('user', 'add', 'Saule Supervisor', '--role', 'supervisor', '--districts', '1940,5532');
    cli('user', 'add', 'Dana Admin', '--role', 'admin', '--districts', '');
    cli('user', 'add', 'Aizhan Analyst', '--role', 'analyst', '--districts', '1940,5532');
    server = await startOffice(pg);

    log('two prosecutors push a task each');
    const asel = workstation(server.url, 'Асель Нурланова', '1940');
    const bekzat = workstation(server.url, 'Bekzat Omarov', '5532');
    const task = (ws, title) =>
      ws.run('task', 'add', '--kind', 'gather_information', '--assignee', ws.user, '--unit', 'надзор', '--working-days', '10', '--from', '2026-10-01', '--subject', ws.bins[0], '--title', title);
    task(asel, 'Асель: запросить разрешения');
    task(bekzat, 'Bekzat: check the permits');
    asel.run('sync');
    bekzat.run('sync');
    // A machine Bekzat no longer uses, which the administrator revokes from the app.
    const oldLaptop = workstation(server.url, 'Bekzat Omarov', '5532', 'Bekzat\'s old laptop');
    const oldLaptopId = JSON.parse(oldLaptop.run('office', 'status', '--json')).link.workstation_id;

    log('Асель extends one appeal\'s deadline on her PC and on her laptop, each offline');
    const laptop = workstation(server.url, 'Асель Нурланова', '1940', 'Асель\'s laptop');
    const appeal = openAppealIn('1940');
    const consideration = (ws) => {
      writeFileSync(`${ws.db}.appeals.csv`, appeal.csv);
      ws.run('import', 'appeals', `${ws.db}.appeals.csv`);
      ws.run('sync');
      const card = JSON.parse(ws.run('appeals', 'show', appeal.no, '--json'));
      const step = card.sla.find((s) => s.step === 'consideration');
      check(step?.task_id, `the appeal has its consideration task: ${JSON.stringify(card.sla)}`);
      return step;
    };
    const onPc = consideration(asel);
    const onLaptop = consideration(laptop);
    const far = extendFrom(asel, onPc.task_id, plusDays(onPc.due, 20), 'заявитель представил дополнительные документы');
    const near = extendFrom(laptop, onLaptop.task_id, plusDays(onLaptop.due, 10), 'ожидается заключение эксперта');
    asel.run('sync');
    const opened = JSON.parse(laptop.run('sync', '--json'));
    check(opened.conflicts.length === 1, `the laptop's push opens one conflict: ${JSON.stringify(opened)}`);

    nation = await nationalSide(pg, log);

    // The supervisor's workstation joined, but never synced: the app does that itself at start.
    const sup = workstation(server.url, 'Saule Supervisor', '1940');
    await withDesktopApp({ EKN_DB: sup.db, EKN_TODAY: TODAY }, out, async (d) => {
      log('the supervisor unlocks the encrypted database');
      await d.waitFor('[data-passphrase]', null, 60000);
      await d.type('[data-passphrase]', VAULT);
      await d.click('[data-unlock]');
      await d.waitFor('nav[aria-label="main"]', null, 60000);
      log('the app syncs in the background and says when');
      await d.waitFor('[data-nav-sync]', null, 60000);
      const until = Date.now() + 30000;
      let status = '';
      while (!/\d\d:\d\d/.test(status) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        status = await d.eval("document.querySelector('[data-nav-sync]')?.innerText ?? ''");
      }
      check(/\d\d:\d\d/.test(status), `the nav says when it last synced ("${status}")`);

      log('the desk holds both prosecutors\' tasks with who holds each');
      await d.goto('#/dashboard');
      await d.goto('#/desk');
      await d.waitFor('[data-owner="Асель Нурланова"]');
      await d.waitFor('[data-owner="Bekzat Omarov"]');
      await d.screenshot('01-supervisors-desk');

      log('reassign Асель\'s task to Bekzat with a reason');
      const id = await d.eval(
        "document.querySelector('[data-owner=\"Асель Нурланова\"]').closest('[data-task]').getAttribute('data-task')",
      );
      check(Number(id) < 0, `a colleague's task has a negative number here (${id})`);
      await d.click(`[data-task="${id}"] [data-assign]`);
      // The office offers whom to assign, with each one's open tasks (a datalist: present, not shown).
      const offered = `document.querySelector('[data-task="${id}"] [data-assign-people] option[value="Bekzat Omarov"]')?.label ?? ''`;
      const offeredUntil = Date.now() + 15000;
      let offer = '';
      while (!offer && Date.now() < offeredUntil) {
        await new Promise((r) => setTimeout(r, 200));
        offer = await d.eval(offered);
      }
      check(/Bekzat Omarov — .*\d/.test(offer), `the office offers Bekzat with his open tasks ("${offer}")`);
      await d.type(`[data-task="${id}"] [data-assign-person]`, 'Bekzat Omarov');
      await d.type(`[data-task="${id}"] [data-assign-reason]`, 'Асель в отпуске до декабря');
      await d.click(`[data-task="${id}"] [data-assign-do]`);
      await d.waitFor(`[data-task="${id}"] [data-assigned="Bekzat Omarov"]`);
      await d.screenshot('02-reassigned');

      log('the desk shows the earlier date in force with the conflict; the dashboard resolves it');
      await d.waitFor('[data-conflict-open]');
      await d.goto('#/dashboard');
      await d.waitFor('[data-conflict][data-open="true"]');
      await d.screenshot('03-conflict-open');
      const panel = await d.eval("document.querySelector('[data-conflict]').innerText");
      check(panel.includes('заявитель представил дополнительные документы') && panel.includes('ожидается заключение эксперта'),
        `each entry shows its reason: ${panel}`);
      const keep = await d.eval(`[...document.querySelectorAll('[data-conflict] label')].find((l) => l.innerText.includes('${ddmmyyyy(far)}'))?.querySelector('input')?.getAttribute('data-keep') ?? ''`);
      check(keep, `the entry that set ${far} is offered`);
      await d.click(`[data-keep="${keep}"]`);
      await d.type('[data-conflict-reason]', 'документы поступили; более длинный срок законен');
      await d.click('[data-conflict-resolve]');
      await d.waitFor('[data-resolved-by="Saule Supervisor"]');
      await d.screenshot('04-conflict-resolved');

      log('the office\'s figures on the Deadlines screen, as the office computed them for a supervisor');
      await d.click('[data-testid="dash-scope-office"]');
      await d.waitFor('[data-testid="office-figures-note"]', 'Офис вычислил');
      const owners = await d.eval("document.querySelector('[data-section=\"by-owner\"]')?.innerText ?? ''");
      check(owners.includes('Асель Нурланова') && owners.includes('Bekzat Omarov'), `each prosecutor's figures beside the office's: ${owners}`);
      await d.screenshot('05-office-figures');
      // The office's journal of decisions beside them: the reassignment with its reason, the
      // conflict's resolution, the chain checked on this workstation.
      await d.waitFor('[data-testid="ojournal-check"]', 'Цепочка цела');
      await d.waitFor('[data-testid="office-journal"]', 'Асель в отпуске до декабря');

      log('the office\'s anomalies on the Analytics screen, as the office lists them for a supervisor');
      await d.goto('#/analytics');
      await d.click('[data-testid="anomalies-scope-office"]');
      await d.waitFor('[data-testid="office-anomalies-note"]', 'Офис составил этот список');
      const anomaliesNote = await d.eval("document.querySelector('[data-testid=\"office-anomalies-note\"]')?.innerText ?? ''");
      // This office's connectors fetched no registry: it says so rather than listing nothing silently.
      check(anomaliesNote.includes('ekn-office connector add'), `the office says what its list lacks: ${anomaliesNote}`);
      await d.screenshot('09-office-anomalies');

      log('the office\'s appeals on the Appeals screen\'s district map');
      await d.goto('#/appeals');
      // The scope switch shows once the screen has its link; a click before it found nothing once.
      await d.waitFor('[data-testid="appeals-scope-office"]');
      await d.click('[data-testid="appeals-scope-office"]');
      await d.waitFor('[data-testid="appeals-office-note"]', 'Офис подсчитал');
      const appealsRows = await d.eval("document.querySelector('[data-testid=\"appeals-map-table\"]')?.textContent ?? ''");
      check(/Енбекшиказах|1940/.test(appealsRows), `the office's appeal of district 1940 is on the map's table: ${appealsRows}`);
      await d.screenshot('12-office-appeals-map');

      log('who looked at whom: the office\'s access log, its chain checked on the workstation');
      await d.click('[data-nav="access"]');
      await d.waitFor('[data-testid="access-check"]', 'Цепочка сходится');
      const looks = await d.eval("document.querySelector('[data-testid=\"access-lines\"]')?.innerText ?? ''");
      check(looks.includes('Saule Supervisor') && looks.includes('читал журнал доступа'), `the log names who looked and its own reading: ${looks.slice(0, 300)}`);
      await d.screenshot('07-who-looked');

      log('the administrator logs in from the app and revokes Bekzat\'s old laptop with a reason');
      await d.goto('#/settings');
      await d.waitFor('[data-office-admin]');
      await d.goto('#/admin');
      await d.type('[data-admin-user]', 'Dana Admin');
      await d.type('[data-admin-password]', PASSWORD);
      await d.click('[data-admin-login]');
      await d.waitFor(`[data-admin-revoke="${oldLaptopId}"]`);
      await d.click(`[data-admin-revoke="${oldLaptopId}"]`);
      await d.type('[data-admin-reason]', 'ноутбук списан 28 ноября');
      await d.click('[data-admin-do]');
      await d.waitFor('[data-testid="admin-journal"]', 'ноутбук списан 28 ноября');
      const revokedRow = await d.eval(`document.querySelector('[data-workstation="${oldLaptopId}"]')?.innerText ?? ''`);
      check(revokedRow.includes('отозвано'), `the workstation shows revoked: ${revokedRow}`);
      await d.screenshot('10-admin-revoked');
      // Who looked at whom, the whole office's, read with her own session; its chain checked here.
      await d.click('[data-admin-access-load]');
      await d.waitFor('[data-testid="admin-access"] [data-testid="access-check"]', 'Цепочка сходится');

      log('the office\'s analyst logs in from the same app: the office\'s figures, no person, no object');
      // The link is on Settings; followed by its address, since a click while Settings' panels still
      // load above it landed on nothing once (the page grew under the pointer).
      await d.goto('#/settings');
      await d.waitFor('[data-office-analyst]');
      await d.goto('#/office-figures');
      await d.type('[data-analyst-user]', 'Aizhan Analyst');
      await d.type('[data-analyst-password]', PASSWORD);
      await d.click('[data-analyst-login]');
      await d.waitFor('[data-testid="analyst-totals"]', null, 60000);
      const analystText = await d.eval("document.querySelector('main').innerText");
      check(!/Асель|Bekzat|Saule/.test(analystText), `the analyst's figures name no person: ${analystText.slice(0, 400)}`);
      check(/надзор/.test(analystText), `the analyst sees the units' figures: ${analystText.slice(0, 400)}`);
      await d.screenshot('13-office-analyst');

      log('a national analyst logs in to the national face: the Country screen, both regions, region 19 drilled into');
      await d.goto('#/country');
      await d.type('[data-country-url]', nation.url);
      await d.type('[data-country-user]', 'aigerim');
      await d.type('[data-country-password]', PASSWORD);
      await d.click('[data-country-login]');
      await d.waitFor('[data-testid="country-totals"] [data-region="55"]', null, 60000);
      await d.waitFor('[data-testid="country-totals"] [data-region="19"]');
      const countryText = await d.eval("document.querySelector('main').innerText");
      check(!/Асель|Bekzat|Ерлан|n:[0-9a-f]{24}/.test(countryText), `the Country screen names no person and no object: ${countryText.slice(0, 400)}`);
      check(!(await d.eval("!!document.querySelector('[data-testid=\"country-health\"]')")), 'an analyst sees no region\'s replication');
      await d.screenshot('14-country');
      await d.click('[data-country-region="19"]');
      await d.waitFor('[data-country-whole]');
      await d.waitFor('[data-section="country-district-map"]', null, 30000);
      // The region's districts by their open tasks: region 19's office publishes its tasks by district.
      await d.select('[data-testid="country-districts-by"]', 'open');
      const openByDistrict = await d.eval(`[...document.querySelectorAll('[data-section="country-district-map"] [data-testid="chart-table"] tbody tr')]
        .map((row) => Number(row.lastElementChild.textContent.trim())).filter((n) => n > 0).length`);
      check(openByDistrict > 0, `region 19's districts show its open tasks on the Country screen (${openByDistrict} districts with some)`);
      await d.screenshot('15-country-region-19');

      log('the office\'s screens through axe-core in WebKit, in three languages');
      const a11y = await accessibilityInApp(d, [
        { name: 'desk with colleagues\' tasks', hash: '#/desk', ready: '[data-owner="Bekzat Omarov"]' },
        { name: 'dashboard with a resolved conflict', hash: '#/dashboard', ready: '[data-resolved-by="Saule Supervisor"]' },
        { name: 'settings with the office link', hash: '#/settings', ready: '[data-testid="office"] [data-office-joined]' },
        { name: 'the office\'s figures', hash: '#/dashboard?scope=office', ready: '[data-section="by-owner"]',
          inApp: async (app) => { if ((await app.eval('document.documentElement.lang')) === 'kk') await app.screenshot('06-office-figures-kazakh'); } },
        { name: 'who looked', hash: '#/access', ready: '[data-testid="access-lines"]',
          inApp: async (app) => { if ((await app.eval('document.documentElement.lang')) === 'kk') await app.screenshot('08-who-looked-kazakh'); } },
        { name: 'administration', hash: '#/admin', ready: '[data-testid="admin-journal"]',
          inApp: async (app) => { if ((await app.eval('document.documentElement.lang')) === 'kk') await app.screenshot('11-admin-kazakh'); } },
        { name: 'the office\'s figures for its analyst', hash: '#/office-figures', ready: '[data-testid="analyst-totals"]',
          inApp: async (app) => { if ((await app.eval('document.documentElement.lang')) === 'kk') await app.screenshot('16-office-analyst-kazakh'); } },
        { name: 'the country', hash: '#/country', ready: '[data-testid="country-totals"] [data-region="55"]',
          inApp: async (app) => { if ((await app.eval('document.documentElement.lang')) === 'kk') await app.screenshot('17-country-kazakh'); } },
      ], log);
      check(a11y.webkit_a11y_checked === 24, `twenty-four checks made: ${JSON.stringify(a11y)}`);
    });

    log('the revoked laptop\'s next sync is refused');
    let refusedSync = '';
    try { oldLaptop.run('sync'); } catch (e) { refusedSync = String(e.stderr ?? e); }
    check(/revoked|отозван/.test(refusedSync), `the office refuses the revoked laptop: ${refusedSync}`);

    log('the laptop\'s next sync brings the kept date');
    laptop.run('sync');
    const shownThere = JSON.parse(laptop.run('task', 'show', String(onLaptop.task_id), '--json'));
    check(shownThere.current_due === far && shownThere.conflict?.resolved_by === 'Saule Supervisor',
      `the laptop's task is due ${far} as decided (${near} was its own): ${JSON.stringify({ due: shownThere.current_due, conflict: shownThere.conflict })}`);

    log('Bekzat\'s next sync brings it onto his desk');
    bekzat.run('sync');
    const desk = JSON.parse(bekzat.run('desk', '--assignee', 'Bekzat Omarov', '--today', TODAY, '--json'));
    const shown = [...desk.overdue, ...desk.due_today, ...desk.next_7_working_days];
    const got = shown.find((v) => v.title === 'Асель: запросить разрешения');
    check(got, `Bekzat's desk holds Асель's task: ${JSON.stringify(shown.map((v) => v.title))}`);
    check(got.owner === 'Асель Нурланова' && got.assigned_to === 'Bekzat Omarov', `held by Асель, assigned to Bekzat: ${JSON.stringify(got)}`);
    log('passed');
  } finally {
    nation?.stop();
    server?.child.kill();
    pg.stop();
  }
}

// Run alone: `xvfb-run -a node e2e/office.mjs` (desktop.mjs runs it after the prosecutor's journey).
if (process.argv[1] === import.meta.filename) {
  await officeJourney((s) => console.log(`office: ${s}`)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
