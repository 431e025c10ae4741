// The price chart itself (ECharts): candles, volume, overlays and markers for a
// bar series given as props. Created once, resized with its container,
// disposed on unmount; a new series (symbol, timeframe, overlays) rebuilds the
// option, a moved tail patches only the series data (chart-model.ts). The host
// element publishes its state as data attributes for tests and benchmarks.
import { useEffect, useRef } from 'react';
import type { Bar } from '../../../shared/domain.js';
import { dataPatch, fullOption, INITIAL_VISIBLE_BARS, NO_MARKERS, type ChartMarkers } from '../chart/candle-options.js';
import { ChartModel } from '../chart/chart-model.js';
import { MARKER_SERIES, type DecisionMarker } from '../chart/decision-markers.js';
import { initResizing, type EChartsType } from '../chart/echarts.js';
import type { OverlayId } from '../chart/indicators.js';
import { openDecision } from '../store/decision-store.js';

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
  /** Called after each full rebuild's render has finished (benchmarks). */
  onFinished?: (chart: EChartsType) => void;
}

/** Pixel centre of the newest marker inside the plot, for tests and tooling ("x,y"), or ''. */
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

export function PriceChart({ symbol, bars, seriesKey, overlays, decimals, markers = NO_MARKERS, visible = INITIAL_VISIBLE_BARS, onFinished }: PriceChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);
  const modelRef = useRef(new ChartModel());
  const markersRef = useRef(markers);
  markersRef.current = markers;
  const shownMarkers = useRef<ChartMarkers | null>(null);
  const builds = useRef({ full: 0, patches: 0, pendingFinish: false });
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  // Create once; resize with the container; dispose on unmount.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const { chart, dispose } = initResizing(host);
    chartRef.current = chart;
    chart.on('click', (p) => {
      const id = (p.data as { id?: unknown } | undefined)?.id;
      if (p.seriesName === MARKER_SERIES && typeof id === 'string') openDecision(id);
    });
    chart.on('rendered', () => {
      const xy = newestMarkerXy(chart, markersRef.current.decisions);
      if (host.dataset.markerXy !== xy) host.dataset.markerXy = xy;
    });
    chart.on('finished', () => {
      if (!builds.current.pendingFinish) return;
      builds.current.pendingFinish = false;
      finishedRef.current?.(chart);
    });
    const model = modelRef.current;
    return () => {
      dispose();
      chartRef.current = null;
      model.update([], '', []);
    };
  }, []);

  // Full rebuild for a new series, a data patch when only the tail or the markers moved.
  useEffect(() => {
    const chart = chartRef.current;
    const host = hostRef.current;
    if (!chart || !host) return;
    const model = modelRef.current;
    if (bars.length === 0) {
      chart.clear();
      model.update([], '', []);
      return;
    }
    const change = model.update(bars, seriesKey, overlays);
    if (change === 'full') {
      builds.current.full++;
      builds.current.pendingFinish = true;
      chart.setOption(fullOption(model, decimals, markers, visible), { notMerge: true });
    } else if (change === 'tail' || shownMarkers.current !== markers) {
      builds.current.patches++;
      chart.setOption(dataPatch(model, decimals, markers), { lazyUpdate: true });
    }
    shownMarkers.current = markers;
    host.dataset.fullBuilds = String(builds.current.full);
    host.dataset.patches = String(builds.current.patches);
    host.dataset.lastChangeFrom = String(model.lastChange.from);
  }, [bars, seriesKey, overlays, decimals, markers, visible]);

  const last = bars.at(-1);
  return (
    <div
      ref={hostRef}
      className="chart-host"
      data-testid="chart"
      data-symbol={symbol ?? ''}
      data-series={seriesKey}
      data-bars={bars.length}
      data-last-ts={last?.ts ?? ''}
      data-last-close={last?.close ?? ''}
      data-markers={markers.decisions.length}
      data-order-markers={markers.orders.length}
      data-fill-markers={markers.fills.length}
      data-overlays={overlays.join(',')}
    />
  );
}
