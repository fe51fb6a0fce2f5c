// Apache ECharts, imported per feature (heat map, map, timeline scatter, funnel lines) so the chunk
// carries only what the screens draw; loaded by `charts.ts` on a chart's or a map's first use.
// The custom series draws the Effectiveness screen's intervals, the mark line its "no change" at 1 and
// the mark point a theme's risen cell: unregistered, ECharts threw on the first report with an
// estimate (the demo had none until it held acts).

import * as echarts from 'echarts/core';
import { HeatmapChart, MapChart, ScatterChart, BarChart, LineChart, CustomChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent, LegendComponent, DataZoomComponent, MarkLineComponent, MarkPointComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([HeatmapChart, MapChart, ScatterChart, BarChart, LineChart, CustomChart, GridComponent, TooltipComponent, VisualMapComponent,
  LegendComponent, DataZoomComponent, MarkLineComponent, MarkPointComponent, CanvasRenderer]);

export { echarts };
