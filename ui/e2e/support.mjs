// What both e2e runs share: a fresh copy of the demo database the real `ekn` binary made, an `ekn serve`
// on it, and the choice of the object the journey works on (a demo object whose decided appeal
// makes the card suggest the next step), found through the real HTTP API.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TODAY = '2026-11-20';
export const ARTIFACTS = resolve(import.meta.dirname, '../e2e-artifacts');

export function ekn() {
  return process.env.EKN_BIN ?? join(ROOT, 'target/debug/ekn');
}

/**
 * A fresh copy of the demo database the real binary made for TODAY. Making it trains the demo's two
 * models (most of a minute in a debug build), so it is made once per binary — kept under target/,
 * stamped with the binary's size and time and the day — and each run works on a copy of its files.
 */
export function freshDemoDb() {
  const template = join(ROOT, 'target/e2e-demo');
  const binary = statSync(ekn());
  const stamp = `${binary.size} ${binary.mtimeMs} ${TODAY}`;
  const stampFile = join(template, 'made-by');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    rmSync(template, { recursive: true, force: true });
    mkdirSync(template, { recursive: true });
    execFileSync(ekn(), ['--db', join(template, 'ekn.db'), 'init', '--demo', '--today', TODAY], { stdio: 'inherit' });
    writeFileSync(stampFile, stamp);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ekn-e2e-'));
  // The database, its key and its documents' folder (the demo attaches two documents).
  for (const name of readdirSync(template).filter((n) => n.startsWith('ekn.db'))) {
    cpSync(join(template, name), join(dir, name), { recursive: true });
  }
  return join(dir, 'ekn.db');
}

/** Starts `ekn serve` on `db` and resolves with its URL, token and process. */
export function serve(db) {
  return new Promise((ok, fail) => {
    // EKN_UI_DIR serves another build of the UI (measure.mjs compares the first screen's load of two).
    const child = spawn(ekn(), ['--db', db, 'serve', '--today', TODAY, '--ui', process.env.EKN_UI_DIR ?? join(ROOT, 'ui/dist')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) {
        const url = new URL(line.trim());
        ok({ url: line.trim(), base: url.origin, token: url.searchParams.get('token'), child });
      }
    });
    child.on('exit', (code) => fail(new Error(`ekn serve exited with ${code}: ${out}`)));
  });
}

export async function api(server, method, params = {}) {
  const response = await fetch(`${server.base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ekn-token': server.token },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}

/** A demo object whose card suggests a step after a finished task. */
export async function findCandidate(server) {
  for (let id = 1; id < 500; id++) {
    const { status, body } = await api(server, 'task', { id });
    if (status !== 200 || body.status !== 'done' || !body.subject_bin) continue;
    const card = await api(server, 'case', { bin: body.subject_bin });
    if (card.body.suggestion?.after_task != null) return body.subject_bin;
  }
  throw new Error('no demo object with a suggested step');
}

export function artifactsDir(name) {
  const dir = join(ARTIFACTS, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
