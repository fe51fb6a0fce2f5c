// `scripts/run-demo --office`: the heads' view without setting up a server (issue 64). A throwaway
// PostgreSQL cluster with a real `ekn-office`, three prosecutors' workstations (encrypted `ekn`
// databases, each holding its own district's part of the demo registry and appeals, a theme of its
// own and a few tasks of its own) that join the office and sync, and a supervisor's workstation over
// the three districts, joined and synced. Then the supervisor's app opens on it (the desktop app on
// a display, else `ekn serve` for a browser) and everything is removed when it closes (or on Ctrl+C).
//
// `--check` builds the same office, asks the supervisor's workstation for the office's dashboard and
// theme scan through the command line, checks they hold all three workstations' work, and cleans up:
// the test run (scripts/test-all) runs it, so the demo cannot rot unseen.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { officeBin, startOffice, startPostgres } from './office-cluster.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const ekn = () => process.env.EKN_BIN ?? join(ROOT, 'target/debug/ekn');
const desktop = () => process.env.EKN_DESKTOP_BIN ?? join(ROOT, 'target/debug/ekn-desktop');
const check = process.argv.includes('--check');

/** The office's password for every demo person, and the supervisor's vault passphrase (printed). */
const PASSWORD = 'demo: office password';
const VAULT = 'demo-ЭКН-2026';

const PROSECUTORS = [
  { name: 'Асель Нурланова', district: '1940', theme: 'ЖКХ', categories: 'social.housing' },
  { name: 'Бекзат Омаров', district: '5532', theme: 'Трудовые права', categories: 'social.labour' },
  { name: 'Дана Сейтова', district: '5522', theme: 'Экология', categories: 'environment.ecology' },
];
const SUPERVISOR = 'Сауле Руководитель';

function fail(message) {
  throw new Error(`demo office: ${message}`);
}

/**
 * The demo's records whose KATO (field `katoField`) begins with `district`, as an export of their
 * own. The demo's files come from our generator: `;`-separated inspections without quotes, and
 * `,`-separated appeals whose only quoted field, the text, may hold line breaks — so a record ends
 * at a line break outside quotes, and the fields before the text are never quoted.
 */
function partOf(file, separator, katoField, district) {
  const text = readFileSync(join(ROOT, 'fixtures/demo', file), 'utf8');
  const records = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === '\n' && !quoted) {
      records.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  const [header, ...rows] = records;
  const picked = rows.filter((r) => r.split(separator)[katoField]?.startsWith(district));
  if (!picked.length) fail(`the demo has no ${file} in ${district}`);
  return [header, ...picked, ''].join('\n');
}

/** A workstation: a fresh encrypted database that joins the office as `person`. */
function workstation(url, person, dirs) {
  const dir = mkdtempSync(join(tmpdir(), 'ekn-demo-ws-'));
  dirs.push(dir);
  const db = join(dir, 'ekn.db');
  const env = { ...process.env, EKN_OFFICE_PASSWORD: PASSWORD, EKN_PASSPHRASE: VAULT, EKN_USER: person };
  const run = (...args) => execFileSync(ekn(), ['--db', db, ...args], { stdio: 'pipe', env }).toString();
  run('init', '--encrypt', '--recovery-out', join(dir, 'recovery.txt'));
  return { dir, db, run, join: (name) => run('office', 'join', url, '--user', person, '--name', name) };
}

/** A prosecutor's workstation with its district's inspections and appeals, a theme and a few tasks. */
function prosecutor(url, p, dirs) {
  const ws = workstation(url, p.name, dirs);
  // Joined first, so the appeals carry the office-wide pseudonyms of their applicants.
  ws.join(`${p.name} — рабочее место`);
  const inspections = partOf('inspections.csv', ';', 3, p.district);
  writeFileSync(join(ws.dir, 'inspections.csv'), inspections);
  ws.run('import', 'inspections', join(ws.dir, 'inspections.csv'));
  writeFileSync(join(ws.dir, 'appeals.csv'), partOf('appeals.csv', ',', 6, p.district));
  ws.run('import', 'appeals', join(ws.dir, 'appeals.csv'));
  ws.run('themes', 'add', p.theme, '--categories', p.categories, '--kato', p.district, '--reason', 'план полугодия');
  // A few tasks of the prosecutor's own on objects of the district: two already late, one due soon.
  const bins = [...new Set(inspections.split('\n').slice(1).map((r) => r.split(';')[1]).filter(Boolean))];
  const today = new Date();
  const daysAgo = (n) => new Date(today.getTime() - n * 86400000).toISOString().slice(0, 10);
  [[40, 'запросить разрешительные документы'], [25, 'проверить исполнение представления'], [3, 'подготовить справку']]
    .forEach(([ago, title], i) => ws.run('task', 'add', '--kind', 'gather_information', '--assignee', p.name, '--unit', 'надзор',
      '--working-days', '10', '--from', daysAgo(ago), '--subject', bins[i % bins.length], '--title', title));
  ws.run('sync');
  return ws;
}

async function main() {
  const dirs = [];
  let pg = null;
  let server = null;
  let app = null;
  const cleanUp = () => {
    app?.kill();
    server?.child.kill();
    pg?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => { cleanUp(); process.exit(130); });
  process.on('SIGTERM', () => { cleanUp(); process.exit(143); });
  try {
    console.log('demo office: a throwaway PostgreSQL cluster and ekn-office');
    pg = await startPostgres();
    const cli = (...args) => execFileSync(officeBin(), args, { stdio: 'pipe', env: { ...process.env, EKN_OFFICE_PG: pg.url, EKN_OFFICE_PASSWORD: PASSWORD } }).toString();
    cli('migrate', '--key-file', pg.keyFile);
    for (const p of PROSECUTORS) cli('user', 'add', p.name, '--role', 'prosecutor', '--districts', p.district);
    cli('user', 'add', SUPERVISOR, '--role', 'supervisor', '--districts', PROSECUTORS.map((p) => p.district).join(','));
    server = await startOffice(pg);

    for (const p of PROSECUTORS) {
      console.log(`demo office: ${p.name}'s workstation (district ${p.district}) joins and syncs`);
      prosecutor(server.url, p, dirs);
    }
    console.log(`demo office: ${SUPERVISOR}'s workstation joins and syncs`);
    const sup = workstation(server.url, SUPERVISOR, dirs);
    sup.join('рабочее место руководителя');
    sup.run('sync');

    if (check) {
      const board = JSON.parse(sup.run('office', 'dashboard', '--json'));
      if (board.dashboard.workstations !== PROSECUTORS.length) fail(`the office's dashboard is over ${board.dashboard.workstations} workstations`);
      const owners = Object.keys(board.dashboard.by_owner);
      if (!PROSECUTORS.every((p) => owners.includes(p.name))) fail(`each prosecutor's figures: ${owners.join(', ')}`);
      if (!PROSECUTORS.every((p) => board.dashboard.by_district[p.district]?.open > 0)) fail(`open work in each district: ${JSON.stringify(board.dashboard.by_district)}`);
      const themes = JSON.parse(sup.run('office', 'themes', '--json'));
      if (themes.scan.owners.length !== PROSECUTORS.length) fail(`the office's themes: ${JSON.stringify(themes.scan.owners)}`);
      console.log(`demo office: checked — ${board.dashboard.tasks} tasks from ${board.dashboard.workstations} workstations, ${themes.scan.owners.length} themes, ${themes.scan.appeals_held} appeals at the office`);
      return;
    }

    console.log(`\ndemo office: the supervisor's app opens on ${sup.db}`);
    console.log(`demo office: its vault passphrase is «${VAULT}»; Deadlines and Themes → «Офис» show the office's figures`);
    console.log('demo office: close the app (or press Ctrl+C) and everything is removed\n');
    const graphical = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
    app = graphical
      ? spawn(desktop(), [], { stdio: 'inherit', env: { ...process.env, EKN_DB: sup.db } })
      : spawn(ekn(), ['--db', sup.db, 'serve', '--port', process.env.EKN_PORT ?? '0'], { stdio: 'inherit' });
    await new Promise((done) => app.on('exit', done));
  } finally {
    cleanUp();
  }
}

main().catch((e) => {
  console.error(e.stderr?.toString() || e);
  process.exit(1);
});
