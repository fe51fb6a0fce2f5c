// The office link as the UI knows it, and the background sync: when this workstation has joined
// an office, it syncs every few minutes while the app is open (and once at start), silently; a
// failure (the office unreachable, say) is kept to show in Settings → Office and tried again on
// the next round. Nothing is lost in between: the journal waits on disk. The same round runs the
// registry sources whose schedule is due (Import → Sources).

import { api } from './api';
import { errorText } from './errors';
import { t } from './i18n.svelte';
import type { OfficeStatus } from './types/OfficeStatus';

/** How often the app syncs in the background. */
export const SYNC_EVERY_MS = 5 * 60 * 1000;

export const office = $state<{ status: OfficeStatus | null; syncing: boolean; failure: string }>({
  status: null,
  syncing: false,
  failure: '',
});

export async function refreshOffice(): Promise<void> {
  try {
    office.status = await api.officeStatus();
  } catch {
    // A locked vault or a closed database: the panel shows nothing until it opens.
  }
}

/** Syncs now; returns whether colleagues' work came in. */
export async function syncNow(): Promise<boolean> {
  if (office.syncing) return false;
  office.syncing = true;
  office.failure = '';
  let pulled = false;
  try {
    const report = await api.sync();
    pulled = report.pulled > 0;
    // The sync went through, but the connectors' network the office hands out was not usable.
    if (report.network_refused) office.failure = t('office.network_refused');
    // The office's norms catalogue did not pass the checks: periods stay on the catalogue held.
    if (report.norms_refused) office.failure = t('office.norms_refused', { why: report.norms_refused });
  } catch (e) {
    office.failure = errorText(e);
  } finally {
    office.syncing = false;
    await refreshOffice();
  }
  return pulled;
}

let timer: ReturnType<typeof setInterval> | null = null;

/** Starts the background sync (once). Screens show what came in when they next load. */
export function startBackgroundSync(): void {
  if (timer) return;
  const round = async () => {
    await refreshOffice();
    if (office.status?.link) await syncNow();
    // Scheduled registry sources that are due (or cut off) run too; a failure waits for the next
    // round and shows in Import → Sources.
    try {
      await api.connectorsRunDue();
    } catch {
      /* a locked vault: nothing runs until it opens */
    }
  };
  void round();
  timer = setInterval(round, SYNC_EVERY_MS);
}
