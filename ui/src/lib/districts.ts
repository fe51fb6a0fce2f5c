// A district's name in the reader's language, from the names `registerDistricts` gives by the four
// KATO digits every figure of ЭКН is grouped by: the screens that draw or list districts name them
// alike, and fall back to the digits where the map has no such unit.
import type { DistrictNames } from './charts';

export function districtLabel(
  names: DistrictNames | null,
  code: string | null | undefined,
  lang: keyof DistrictNames[string],
  withCode = true,
): string {
  if (!code) return '—';
  const name = names?.[code]?.[lang];
  if (!name) return code;
  return withCode ? `${name} (${code})` : name;
}
