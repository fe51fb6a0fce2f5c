// The option of a districts' map (issue 63), one for every screen that colours the 224 districts
// by a count: the Appeals screen's open appeals, the Analytics screen's listed practices, the Themes
// screen's risen cells and a theme card's members. One scale, one border and one zoom, so the maps
// read alike; each screen gives its points, its tooltip and its palette.

/** A district's point: `name` is its four KATO digits (the map's feature name); anything else the
 *  screen keeps with it (the ids a click opens, a second figure for the tooltip). */
export interface DistrictPoint {
  name: string;
  value: number;
  [extra: string]: unknown;
}

/** Colour ramps, light to dark: counts of work (blue), of findings (orange), of alarms (red). */
const PALETTES = {
  blue: ['#f7fbff', '#6baed6', '#08306b'],
  orange: ['#fff5eb', '#fd8d3c', '#a63603'],
  red: ['#fff5f0', '#fb6a4a', '#99000d'],
} as const;

export function districtMapOption(
  points: DistrictPoint[],
  options: {
    /** The district's name for the reader (the chart's table names each point by it). */
    nameOf: (code: string) => string;
    tooltip: (point: DistrictPoint) => string;
    more: string;
    palette: keyof typeof PALETTES;
    map?: string;
  },
): object {
  const data = points.map((p) => ({ ...p, label: options.nameOf(p.name) }));
  const byName = new Map(data.map((p) => [p.name, p]));
  return {
    tooltip: {
      trigger: 'item',
      // A district with no point has no figure: the tooltip says its count is 0 by the same words.
      formatter: (p: { name: string }) => options.tooltip(byName.get(p.name) ?? { name: p.name, value: 0 }),
    },
    visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d.value)), left: 10, bottom: 10, calculable: true,
      // The handles print the range's ends; the text names only which end is more.
      text: [options.more, ''], inRange: { color: [...PALETTES[options.palette]] } },
    series: [{ type: 'map', map: options.map ?? 'kz-districts', roam: true, scaleLimit: { min: 1, max: 12 }, data,
      itemStyle: { borderColor: '#999', borderWidth: 0.3 }, emphasis: { label: { show: false } }, selectedMode: false }],
  };
}
