// ECharts assembled from echarts/core with only what the price chart uses
// (candlestick, bar, scatter for decision markers, grid, tooltip, axis pointer, data zoom, mark line, canvas).
import * as echarts from 'echarts/core';
import { BarChart, CandlestickChart, ScatterChart } from 'echarts/charts';
import {
  AxisPointerComponent,
  DataZoomComponent,
  GridComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  CandlestickChart,
  BarChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  AxisPointerComponent,
  DataZoomComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

export { echarts };
export type EChartsType = ReturnType<typeof echarts.init>;
