// UI benchmark page: OUR price chart (the product's ChartModel, fullOption and
// echarts/core assembly, default overlays) drawing a bench candle series.
import { fullOption, INITIAL_VISIBLE_BARS, NO_MARKERS } from '../../src/renderer/src/chart/candle-options.js';
import { ChartModel } from '../../src/renderer/src/chart/chart-model.js';
import { echarts } from '../../src/renderer/src/chart/echarts.js';
import { DEFAULT_CHART_VIEW } from '../../src/renderer/src/store/chart-store.js';
import { chartHost, exposeChartPage } from './bench-page.js';

exposeChartPage((bars) => {
  const model = new ChartModel();
  model.update(bars, 'BENCH|1m', DEFAULT_CHART_VIEW.overlays);
  const chart = echarts.init(chartHost(), undefined, { renderer: 'canvas' });
  return { chart, option: fullOption(model, 2, NO_MARKERS, INITIAL_VISIBLE_BARS) };
}, INITIAL_VISIBLE_BARS);
