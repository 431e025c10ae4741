// UI benchmark page: OUR price chart — the product's PriceChart component
// (React), with its ChartModel, data window and echarts/core assembly and the
// default overlays — drawing a bench candle series; the pan drags its navigator
// slider (the small chart under it, zoom 'nav' over the whole history), which
// re-windows the price chart.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { INITIAL_VISIBLE_BARS } from '../../src/renderer/src/chart/candle-options.js';
import { PriceChart } from '../../src/renderer/src/components/PriceChart.js';
import { DEFAULT_CHART_VIEW } from '../../src/renderer/src/store/chart-store.js';
import { chartHost, exposeChartPage, type ChartLike } from './bench-page.js';

const root = createRoot(chartHost());

exposeChartPage(
  (bars) =>
    new Promise<ChartLike>((resolve) => {
      root.render(createElement(PriceChart, { symbol: 'BENCH', bars, seriesKey: 'BENCH|1m', overlays: DEFAULT_CHART_VIEW.overlays, decimals: 2, onFinished: (_chart, nav) => resolve(nav) }));
    }),
  INITIAL_VISIBLE_BARS,
  (chart, start, end) => chart.dispatchAction({ type: 'dataZoom', dataZoomId: 'nav', startValue: start, endValue: end }),
);
