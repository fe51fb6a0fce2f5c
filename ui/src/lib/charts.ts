// Apache ECharts, imported per feature (heat map, map, timeline scatter, funnel lines) so the bundle carries
// only what the screens draw. The map of Kazakhstan's 20 units is registered on first use from
// assets/geo (see its README for source and licence).

import * as echarts from 'echarts/core';
import { HeatmapChart, MapChart, ScatterChart, BarChart, LineChart, CustomChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent, LegendComponent, DataZoomComponent, MarkLineComponent, MarkPointComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// The custom series draws the Effectiveness screen's intervals, the mark line its "no change" at 1 and
// the mark point a theme's risen cell:
// unregistered, ECharts threw on the first report with an estimate (the demo had none until it held acts).
echarts.use([HeatmapChart, MapChart, ScatterChart, BarChart, LineChart, CustomChart, GridComponent, TooltipComponent, VisualMapComponent,
  LegendComponent, DataZoomComponent, MarkLineComponent, MarkPointComponent, CanvasRenderer]);

let mapReady: Promise<void> | null = null;

export function registerKazakhstan(): Promise<void> {
  mapReady ??= import('../../../assets/geo/kz-regions.json').then((geo) => {
    // The features carry `kato`; ECharts matches regions by `name`, so name them by code.
    const shapes = structuredClone(geo.default) as { features: { properties: { kato: string; name: string } }[] };
    for (const feature of shapes.features) feature.properties.name = feature.properties.kato;
    echarts.registerMap('kz', shapes as never);
  });
  return mapReady;
}

export { echarts };
