// State shared by the screens: the user's preferences and the names of the regions, loaded once
// per start and refreshed when Settings saves.

import { api } from './api';
import { i18n, type Lang } from './i18n.svelte';
import type { Preferences } from './types/Preferences';
import type { RegionOverview } from './types/RegionOverview';

export const shared = $state({
  preferences: { language: 'ru', assignee: null, unit: null, region: null } as Preferences,
  regions: [] as RegionOverview[],
  ready: false,
});

/** Preferences only, so the first screen renders at once. The regions (names and risk figures, a
 *  second on a large registry) are loaded by the shell after the screen has asked for its own data,
 *  and names show as codes until they arrive. */
export async function loadShared(): Promise<void> {
  const preferences = await api.preferences();
  shared.preferences = preferences;
  i18n.lang = preferences.language as Lang;
  shared.ready = true;
}

export async function loadRegions(): Promise<void> {
  shared.regions = await api.regions();
}

export function regionName(code: string | null | undefined): string {
  if (!code) return '—';
  const region = shared.regions.find((r) => r.code === code);
  if (!region) return code;
  return i18n.lang === 'kk' ? region.name_kk : i18n.lang === 'en' ? region.name_en : region.name_ru;
}
