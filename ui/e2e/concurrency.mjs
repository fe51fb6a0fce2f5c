// Programs beside the real desktop app on one database (issue 58). While ekn-desktop holds the demo
// database, the command line opens and closes it (status, vault status, journal verify): the app
// keeps its POSIX lock on the file (/proc/locks) and its write-ahead log stays beside it. A task the
// app creates afterwards, through its own New task form, is there once the app has closed, and the
// journal verifies. Before the fix, the app's own header read had dropped its lock, the command
// line's close deleted the log under it, and that task was lost when the app stopped.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ekn } from './support.mjs';

function check(condition, message) {
  if (!condition) throw new Error(`beside the command line: ${message}`);
}

function cli(db, args) {
  const env = { ...process.env };
  delete env.EKN_PASSPHRASE;
  return execFileSync(ekn(), ['--db', db, ...args], { encoding: 'utf8', env });
}

/** The desktop app's process: the one started from the ekn-desktop binary. */
function desktopPid() {
  const out = execFileSync('pgrep', ['-f', 'ekn-desktop'], { encoding: 'utf8' }).trim().split('\n');
  const pids = out.map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].endsWith('ekn-desktop');
    } catch {
      return false;
    }
  });
  check(pids.length === 1, `one ekn-desktop process (${pids.join(', ')})`);
  return pids[0];
}

/** Whether `pid` holds a POSIX lock on the file with inode `ino` (/proc/locks). */
function holdsLock(pid, ino) {
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map((f) => (f[1] === '->' ? f.slice(1) : f))
    .some((f) => f[1] === 'POSIX' && f[4] === String(pid) && f[5]?.split(':').pop() === String(ino));
}

/** In the running app: the command line comes and goes, then the app creates a task. */
export async function besideTheCommandLine(d, db, candidate, log) {
  const ino = statSync(db).ino;
  const pid = desktopPid();
  check(holdsLock(pid, ino), 'the app holds its lock on the database file');
  const status = JSON.parse(cli(db, ['status', '--json']));
  check(status.counts.subjects > 0, 'the command line read the same database');
  cli(db, ['vault', 'status']);
  cli(db, ['journal', 'verify']);
  check(existsSync(`${db}-wal`), 'the write-ahead log is still beside the database');
  check(holdsLock(pid, ino), 'the app still holds its lock after the command line closed the database');
  log('the command line opened and closed the database; the app kept its lock and its log');

  await d.goto('#/desk');
  await d.waitFor('[data-testid="task-new"]');
  await d.click('[data-testid="task-new"]');
  await d.waitFor('[data-testid="task-new-form"] [data-field="norm"] option');
  await d.type('[data-testid="task-new-form"] [data-field="title"]', 'Задача после командной строки');
  await d.type('[data-testid="task-new-form"] [data-field="bin"]', candidate);
  await d.type('[data-testid="task-new-form"] [data-field="assignee"]', 'Ахметова А.');
  await d.type('[data-testid="task-new-form"] [data-field="unit"]', 'Отдел по надзору');
  // A date input takes its value as a person's pick would give it (WebKit's typing of dates is
  // locale-bound); the period runs from it.
  await d.eval(`(() => { const e = document.querySelector('[data-testid="task-new-form"] [data-field="event"]'); e.value = '2026-11-16'; e.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`);
  await d.click('[data-testid="task-new-create"]');
  await d.waitFor('[data-testid="task-created"]');
  const created = await d.text('[data-testid="task-created"]');
  const id = Number(/(\d+)/.exec(created)?.[1]);
  check(id > 0, `the app created a task (${created})`);
  cli(db, ['status']);
  check(holdsLock(pid, ino), 'the app holds its lock after the task');
  log(`the app created task ${id} after the command line had come and gone`);
  return id;
}

/** After the app has closed: its task is there, and the journal verifies. */
export function afterTheAppClosed(db, id, log) {
  const shown = JSON.parse(cli(db, ['task', 'show', String(id), '--json']));
  check(shown.title === 'Задача после командной строки', `task ${id} is there after the app closed (${shown.title})`);
  cli(db, ['journal', 'verify']);
  log(`task ${id} kept after the app closed; the journal verifies`);
}
