// ECharts assembled from echarts/core with only what the charts use
// (candlestick, bar, scatter for decision markers, line for the equity curve,
// grid, tooltip, axis pointer, data zoom, mark line, canvas).
import * as echarts from 'echarts/core';
import { BarChart, CandlestickChart, LineChart, ScatterChart } from 'echarts/charts';
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
  LineChart,
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

/** An ECharts instance on `host` that follows the host's size (then calls `onResize`); dispose() stops both. */
export function initResizing(host: HTMLElement, onResize: () => void = () => undefined): { chart: EChartsType; dispose: () => void } {
  const chart = echarts.init(host, undefined, { renderer: 'canvas' });
  const ro = new ResizeObserver(() => {
    chart.resize();
    onResize();
  });
  ro.observe(host);
  return {
    chart,
    dispose: () => {
      ro.disconnect();
      chart.dispose();
    },
  };
}
