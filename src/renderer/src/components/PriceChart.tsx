// The price chart itself (ECharts): candles, volume, overlays and markers for a
// bar series given as props. Created once, resized with its container,
// disposed on unmount. The full series stays in the ChartModel; ECharts only
// ever holds a window around the visible range (chart/windowed-chart.ts), so a
// new series, a moved tail, a pan or a zoom costs the window, not the history.
// Under it, a slim navigator chart holds the slider over the whole history.
// Colours follow the theme. Arrow keys pan, + and - zoom, Home and End jump
// when the chart has focus. The host element publishes its state as data
// attributes for tests and benchmarks.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { Bar } from '../../../shared/domain.js';
import { INITIAL_VISIBLE_BARS, NO_MARKERS, type ChartMarkers } from '../chart/candle-options.js';
import { ChartModel } from '../chart/chart-model.js';
import { CHART_PALETTES } from '../chart/chart-palette.js';
import { MARKER_SERIES, type DecisionMarker } from '../chart/decision-markers.js';
import { initResizing, type EChartsType } from '../chart/echarts.js';
import type { OverlayId } from '../chart/indicators.js';
import { NAV_HEIGHT } from '../chart/navigator-options.js';
import { WindowedChart } from '../chart/windowed-chart.js';
import { usePrefs } from '../shell/prefs-store.js';
import { openDecision } from '../store/decision-store.js';
import './price-chart.css';

export interface PriceChartProps {
  symbol: string | null;
  bars: readonly Bar[];
  /** What the series is (symbol and timeframe): a new key rebuilds the chart. */
  seriesKey: string;
  overlays: readonly OverlayId[];
  decimals: number | undefined;
  markers?: ChartMarkers;
  /** Bars in the first zoom window (0: all). */
  visible?: number;
  /** Called after each full rebuild's render has finished, with the price chart and its navigator (benchmarks). */
  onFinished?: (chart: EChartsType, nav: EChartsType) => void;
}

/** Pixel centre of the newest marker inside the plot, for tests and tooling ("x,y"), or ''. Indices are the window's. */
function newestMarkerXy(chart: EChartsType, markers: readonly DecisionMarker[]): string {
  for (let i = markers.length - 1; i >= 0; i--) {
    const m = markers[i]!;
    const p = chart.convertToPixel({ seriesId: 'decisions' }, [m.index, m.price]) as number[] | undefined;
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    if (!chart.containPixel({ gridIndex: 0 }, [p[0]!, p[1]!])) continue;
    return `${Math.round(p[0]!)},${Math.round(p[1]! + m.offsetY)}`;
  }
  return '';
}

const KEYS: Record<string, Parameters<WindowedChart['keyAction']>[0]> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  '+': 'in',
  '=': 'in',
  '-': 'out',
  Home: 'home',
  End: 'end',
};

/** The view and window as data attributes (tests, tooling). */
function publish(host: HTMLElement, wc: WindowedChart): void {
  const v = wc.currentView;
  const w = wc.currentWindow;
  host.dataset.view = v ? `${v.start}-${v.end}` : '';
  host.dataset.window = w ? `${w.from}-${w.to}/${w.bucket}` : '';
  host.dataset.fullBuilds = String(wc.counts.full);
  host.dataset.patches = String(wc.counts.patches);
}

export function PriceChart({ symbol, bars, seriesKey, overlays, decimals, markers = NO_MARKERS, visible = INITIAL_VISIBLE_BARS, onFinished }: PriceChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const mainRef = useRef<HTMLDivElement>(null);
  const navRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<{ chart: EChartsType; nav: EChartsType; wc: WindowedChart } | null>(null);
  const modelRef = useRef(new ChartModel());
  const pendingFinish = useRef(false);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;
  const theme = usePrefs((p) => p.theme);
  const palette = CHART_PALETTES[theme];
  const paletteRef = useRef(palette);
  paletteRef.current = palette;

  // Create once; resize with the container; dispose on unmount.
  useEffect(() => {
    const host = hostRef.current;
    if (!host || !mainRef.current || !navRef.current) return;
    let wc: WindowedChart | null = null;
    const { chart, dispose } = initResizing(mainRef.current, () => wc?.resized());
    const navigator = initResizing(navRef.current);
    const nav = navigator.chart;
    wc = new WindowedChart(chart, nav, modelRef.current, paletteRef.current, undefined, () => publish(host, wc!));
    chartRef.current = { chart, nav, wc };
    chart.on('click', (p) => {
      const id = (p.data as { id?: unknown } | undefined)?.id;
      if (p.seriesName === MARKER_SERIES && typeof id === 'string') openDecision(id);
    });
    chart.on('rendered', () => {
      const xy = newestMarkerXy(chart, wc.shown.decisions);
      if (host.dataset.markerXy !== xy) host.dataset.markerXy = xy;
    });
    chart.on('finished', () => {
      if (!pendingFinish.current) return;
      pendingFinish.current = false;
      finishedRef.current?.(chart, nav);
    });
    return () => {
      dispose();
      navigator.dispose();
      chartRef.current = null;
      wc.clear();
    };
  }, []);

  // A new series builds, a moved tail or new markers patch the window.
  useEffect(() => {
    const c = chartRef.current;
    const host = hostRef.current;
    if (!c || !host) return;
    if (bars.length === 0) {
      c.chart.clear();
      c.nav.clear();
      c.wc.clear();
      return;
    }
    const full = c.wc.counts.full;
    const change = c.wc.setData(bars, seriesKey, overlays, markers, decimals, visible);
    if (c.wc.counts.full !== full) pendingFinish.current = true;
    publish(host, c.wc);
    host.dataset.lastChangeFrom = String(modelRef.current.lastChange.from);
    host.dataset.lastChange = change;
  }, [bars, seriesKey, overlays, decimals, markers, visible]);

  // The theme's colours, re-applied when it changes.
  useEffect(() => {
    const c = chartRef.current;
    if (!c || !hostRef.current) return;
    c.wc.setPalette(palette);
    publish(hostRef.current, c.wc);
  }, [palette]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const action = KEYS[e.key];
    if (!action || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    chartRef.current?.wc.keyAction(action);
  };

  const last = bars.at(-1);
  return (
    <div
      ref={hostRef}
      className="chart-host"
      data-testid="chart"
      role="group"
      tabIndex={0}
      aria-label={`Price chart${symbol ? ` of ${symbol}` : ''}: arrow keys pan, + and - zoom, Home and End go to the first and last bars`}
      onKeyDown={onKeyDown}
      data-symbol={symbol ?? ''}
      data-series={seriesKey}
      data-bars={bars.length}
      data-last-ts={last?.ts ?? ''}
      data-last-close={last?.close ?? ''}
      data-markers={markers.decisions.length}
      data-order-markers={markers.orders.length}
      data-fill-markers={markers.fills.length}
      data-overlays={overlays.join(',')}
      data-theme-bg={palette.background}
      data-axis-color={palette.axis}
    >
      <div ref={mainRef} className="price-chart-main" style={{ bottom: NAV_HEIGHT }} />
      <div ref={navRef} className="price-chart-nav" style={{ height: NAV_HEIGHT }} data-testid="chart-navigator" />
    </div>
  );
}
