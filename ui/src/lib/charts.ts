// Apache ECharts, loaded on first use as a chunk of its own (`echarts.ts`), so the first screen — the
// desk, which draws no chart — does not fetch it; the maps' shapes are chunks of their own too. The map
// of Kazakhstan's 20 units is registered on first use from assets/geo (see its README for source and
// licence).

/** ECharts with the features the screens draw, loaded once. */
export function loadEcharts(): Promise<typeof import('./echarts').echarts> {
  return import('./echarts').then((m) => m.echarts);
}

let mapReady: Promise<void> | null = null;

export function registerKazakhstan(): Promise<void> {
  mapReady ??= Promise.all([loadEcharts(), import('../../../assets/geo/kz-regions.json')]).then(([echarts, geo]) => {
    // The features carry `kato`; ECharts matches regions by `name`, so name them by code.
    const shapes = structuredClone(geo.default) as { features: { properties: { kato: string; name: string } }[] };
    for (const feature of shapes.features) feature.properties.name = feature.properties.kato;
    echarts.registerMap('kz', shapes as never);
  });
  return mapReady;
}

/** A district's names in the three languages, by its four KATO digits. */
export type DistrictNames = Record<string, { ru: string; kk: string; en: string }>;

let districtsReady: Promise<DistrictNames> | null = null;
/** The districts' shapes once loaded, for the maps of one region's districts. */
let districtShapes: { features: { properties: { kato: string } }[] } | null = null;

/** The 224 districts of `assets/geo/districts.json` (geokz 1.0.2 by A. Rodionov, CC BY 4.0; made by
 *  `ekn-geo build`), registered as the map `kz-districts` with each feature named by its four KATO
 *  digits — the "district" every figure of ЭКН is grouped by. Loaded on first use only, by the screens
 *  that draw it; resolves to the districts' names for tooltips. */
export function registerDistricts(): Promise<DistrictNames> {
  districtsReady ??= Promise.all([loadEcharts(), import('../../../assets/geo/districts.json')]).then(([echarts, geo]) => {
    type Feature = { properties: { kato: string; ru: string; kk: string; en: string; name?: string } };
    const shapes = structuredClone(geo.default) as unknown as { features: Feature[] };
    const names: DistrictNames = {};
    for (const feature of shapes.features) {
      const code = feature.properties.kato.slice(0, 4);
      feature.properties.name = code;
      names[code] = { ru: feature.properties.ru, kk: feature.properties.kk, en: feature.properties.en };
    }
    echarts.registerMap('kz-districts', shapes as never);
    districtShapes = shapes;
    return names;
  });
  return districtsReady;
}

/** The districts of one region (its two KATO digits) as a map of their own, `kz-districts-NN`: a
 *  region opens into its districts. Resolves to the map's name. */
export async function registerRegionDistricts(region: string): Promise<string> {
  await registerDistricts();
  const echarts = await loadEcharts();
  const name = `kz-districts-${region}`;
  if (!echarts.getMap(name) && districtShapes) {
    const features = districtShapes.features.filter((f) => f.properties.kato.startsWith(region));
    echarts.registerMap(name, { ...districtShapes, features } as never);
  }
  return name;
}

