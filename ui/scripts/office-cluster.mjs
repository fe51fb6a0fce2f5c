// A throwaway office for the e2e journey and the office demo (`scripts/run-demo --office`): a
// PostgreSQL cluster in a directory of its own (Debian's server binaries, run as the `postgres` user
// when we are root), set up as docs/OFFICE.md sets an office up — the owner, the server's own
// non-superuser role, the database — and the real `ekn-office serve` on a free loopback port; and the
// national read-side's face (`ekn-office national serve`) over a national cluster subscribed to such
// offices.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
export const officeBin = () => process.env.EKN_OFFICE_BIN ?? join(ROOT, 'target/debug/ekn-office');

function freePort() {
  return new Promise((ok) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Debian keeps PostgreSQL's server binaries off PATH: the newest /usr/lib/postgresql/N/bin. */
function pgBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)).sort((a, b) => Number(a) - Number(b))
    : [];
  if (!versions.length) throw new Error("PostgreSQL's server binaries are missing (scripts/setup installs them)");
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

/** A throwaway cluster on a Unix socket in its own directory; resolves with its URL and a stop().
 *  `logical`: it can publish by logical replication (a region of the national read-side). */
export async function startPostgres({ logical = false } = {}) {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), 'ekn-e2e-pg-'));
  const root = process.getuid?.() === 0;
  const asPostgres = (program, args) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, program), args, { stdio: 'pipe' });
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asPostgres('initdb', ['-D', data, '-U', 'pgsuper', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N']);
  const port = await freePort();
  const replication = logical ? ' -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10 -c max_slot_wal_keep_size=64MB' : '';
  asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off${replication}`, 'start']);
  // As docs/OFFICE.md sets an office up: the owner, the server's own role, the database.
  const admin = (program, ...args) => execFileSync(join(bin, program), ['-h', dir, '-p', String(port), '-U', 'pgsuper', ...args], { stdio: 'pipe' });
  admin('createuser', 'ekn');
  admin('createuser', 'ekn_office_app');
  admin('createdb', '-O', 'ekn', 'ekn');
  const urlAs = (user, db) => `host=${dir} port=${port} user=${user} dbname=${db}`;
  return {
    urlAs,
    /** SQL as the cluster's superuser (what a DBA does by hand: roles, a database). */
    sql: (db, statement) => execFileSync(join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', 'pgsuper', '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', statement], { stdio: 'pipe' }).toString().trim(),
    /** These roles log in with their passwords (SCRAM), as a deployment's pg_hba.conf says for people. */
    requirePasswords(roles) {
      const file = join(data, 'pg_hba.conf');
      writeFileSync(file, `local all ${roles.join(',')} scram-sha-256\n${readFileSync(file, 'utf8')}`);
      this.sql('postgres', 'SELECT pg_reload_conf()');
    },
    url: `host=${dir} port=${port} user=ekn dbname=ekn`,
    appUrl: `host=${dir} port=${port} user=ekn_office_app dbname=ekn`,
    keyFile: join(dir, 'office.key'),
    stop() {
      try { asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `ekn-office serve` on a free loopback port; resolves once it answers /v1/health. */
export async function startOffice(pg) {
  const port = await freePort();
  const child = spawn(officeBin(), ['serve', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, EKN_OFFICE_PG: pg.appUrl, EKN_OFFICE_KEY_FILE: pg.keyFile },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`ekn-office serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { url, child };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the office server did not answer');
}


/** `ekn-office national serve` over the national database `national` of `pg`, connected as
 *  `ekn_national_web` exactly as deployed, on a free loopback port; resolves once it answers. */
export async function startNational(pg) {
  const port = await freePort();
  const child = spawn(officeBin(), ['national', 'serve', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, EKN_OFFICE_PG: pg.urlAs('ekn_national_web', 'national') },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`ekn-office national serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { url, child };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the national face did not answer');
}
