// UI benchmark peer page: plain ECharts (the full package) given the same bench
// candles with a default candlestick + volume option, the same zoom window as
// ours (so panning compares like with like) and animation off (so the first
// paint is not an animation's length).
import * as echarts from 'echarts';
import { INITIAL_VISIBLE_BARS } from '../../src/renderer/src/chart/candle-options.js';
import { chartHost, drawOption, exposeChartPage } from './bench-page.js';

exposeChartPage((bars) => {
  const n = bars.length;
  const categories = bars.map((b) => String(b.ts));
  const start = n > INITIAL_VISIBLE_BARS ? 100 - (INITIAL_VISIBLE_BARS / n) * 100 : 0;
  const option = {
    animation: false,
    grid: [{ bottom: '34%' }, { top: '70%' }],
    xAxis: [{ type: 'category', data: categories }, { type: 'category', gridIndex: 1, data: categories }],
    yAxis: [{ scale: true }, { scale: true, gridIndex: 1 }],
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1], start, end: 100 }, { type: 'slider', xAxisIndex: [0, 1], start, end: 100 }],
    series: [
      { type: 'candlestick', data: bars.map((b) => [b.open, b.close, b.low, b.high]) },
      { type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: bars.map((b) => b.volume) },
    ],
  };
  return drawOption(echarts.init(chartHost()), option);
}, INITIAL_VISIBLE_BARS);
