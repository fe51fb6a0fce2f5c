// The lock screen in the real browser against `ekn serve` on an encrypted demo database made by
// the real binary (`ekn init --demo --encrypt`): a wrong passphrase is refused in Kazakh and the
// page stays locked; the right one opens the desk, where Settings → Vault backs up now.
// Screenshots: lock-kk.png, lock-wrong-kk.png, vault-settings.png.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ekn, serve, TODAY } from './support.mjs';

const PASSPHRASE = 'Жетісу-2026 көктем';

export async function lockScreen(browser, out, log) {
  const dir = mkdtempSync(join(tmpdir(), 'ekn-e2e-vault-'));
  const db = join(dir, 'ekn.db');
  execFileSync(ekn(), ['--db', db, 'init', '--demo', '--today', TODAY, '--encrypt', '--recovery-out', join(dir, 'recovery.txt')], {
    stdio: 'inherit',
    env: { ...process.env, EKN_PASSPHRASE: PASSPHRASE },
  });
  const server = await serve(db);
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.locator('[data-passphrase]').waitFor({ timeout: 15000 });
    await page.locator('[data-lang="kk"]').click();
    await page.locator('h1', { hasText: 'Дерекқор шифрланған' }).waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(out, 'lock-kk.png') });
    log('lock screen shown, in Kazakh');
    await page.locator('[data-passphrase]').fill('қате құпиясөз');
    await page.locator('[data-unlock]').click();
    await page.locator('[data-lock-error]', { hasText: 'құпиясөзі қате' }).waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(out, 'lock-wrong-kk.png') });
    if (await page.locator('nav[aria-label="main"]').count()) throw new Error('a wrong passphrase opened the app');
    log('a wrong passphrase refused in Kazakh');
    await page.locator('[data-passphrase]').fill(PASSPHRASE);
    await page.locator('[data-unlock]').click();
    await page.locator('nav[aria-label="main"]').waitFor({ timeout: 30000 });
    log('the right passphrase opened the desk');
    await page.evaluate(() => { location.hash = '#/settings'; });
    await page.locator('[data-backup-now]').click();
    await page.locator('[data-backup-made]').waitFor({ timeout: 60000 });
    await page.locator('[data-last-backup]', { hasText: '.ekn-backup' }).waitFor({ timeout: 15000 });
    await page.locator('[data-testid="vault"]').screenshot({ path: join(out, 'vault-settings.png') });
    log('Settings → Vault made a backup and shows it as the last one');
    if (errors.length) throw new Error(`the locked page threw: ${errors.join('; ')}`);
    await page.close();
  } finally {
    server.child.kill();
  }
}
