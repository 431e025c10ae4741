// Candlestick + volume chart of the selected instrument (ECharts). History comes
// from getBars, live bars from events; the chart is created once, patched on
// new data, rebuilt on a symbol change, resized with its container and
// disposed on unmount. The symbol's decisions are drawn as markers (queried on
// a symbol change and on the decision tick); clicking one opens its detail.
import { useEffect, useMemo, useRef } from 'react';
import type { Bar } from '../../../shared/domain.js';
import { dataPatch, fullOption } from '../chart/candle-options.js';
import { MARKER_SERIES, placeMarkers, type DecisionMarker } from '../chart/decision-markers.js';
import { echarts, type EChartsType } from '../chart/echarts.js';
import { decimalsForTick, fmtCompact, fmtPct, fmtPrice, pnlClass } from '../lib/format.js';
import { useInstrumentMap } from '../lib/instruments.js';
import { useDecisionList } from '../lib/use-decisions.js';
import { openDecision } from '../store/decision-store.js';
import { useDesk } from '../store/desk-store.js';
import { MarkerStrip } from './MarkerStrip.js';
import { Panel } from './Panel.js';

/** Decisions fetched per symbol for the markers (the chart holds a few hundred bars). */
export const MARKER_LIMIT = 300;

/** Pixel centre of the newest marker inside the plot, for tests and tooling ("x,y"), or ''. */
function newestMarkerXy(chart: EChartsType, markers: readonly DecisionMarker[]): string {
  for (let i = markers.length - 1; i >= 0; i--) {
    const m = markers[i]!;
    const p = chart.convertToPixel({ seriesIndex: 2 }, [m.index, m.price]) as number[] | undefined;
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    if (!chart.containPixel({ gridIndex: 0 }, [p[0]!, p[1]!])) continue;
    return `${Math.round(p[0]!)},${Math.round(p[1]! + m.offsetY)}`;
  }
  return '';
}

const EMPTY: Bar[] = [];

function intervalLabel(bars: readonly Bar[]): string {
  const a = bars.at(-2);
  const b = bars.at(-1);
  if (!a || !b) return '';
  const s = Math.round((b.ts - a.ts) / 1000);
  if (s % 86400 === 0) return `${s / 86400}D`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

function emptyText(symbol: string | null, loaded: boolean, connected: boolean): string {
  if (!connected && !loaded) return 'Waiting for the engine…';
  if (!symbol) return 'Select an instrument';
  return loaded ? 'No bars for this instrument' : 'Loading history…';
}

export function CandleChart() {
  const symbol = useDesk((s) => s.selected);
  const bars = useDesk((s) => (s.selected ? (s.bars[s.selected] ?? EMPTY) : EMPTY));
  const loaded = useDesk((s) => (s.selected ? Boolean(s.historyLoaded[s.selected]) : false));
  const connected = useDesk((s) => s.connection === 'open');
  const instruments = useInstrumentMap();
  const instrument = symbol ? instruments.get(symbol) : undefined;
  const decimals = decimalsForTick(instrument?.tickSize);
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);
  const shownSymbol = useRef<string | null>(null);
  const markersRef = useRef<readonly DecisionMarker[]>([]);
  const markerQuery = useMemo(() => (symbol ? { symbol, limit: MARKER_LIMIT } : null), [symbol]);
  const { data: decisions } = useDecisionList(markerQuery);
  const markers = useMemo(
    () => placeMarkers(bars, decisions.filter((d) => d.symbol === symbol)),
    [bars, decisions, symbol],
  );
  markersRef.current = markers;

  // Create once; resize with the container; dispose on unmount.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const chart = echarts.init(host, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(host);
    chart.on('click', (p) => {
      const id = (p.data as { id?: unknown } | undefined)?.id;
      if (p.seriesName === MARKER_SERIES && typeof id === 'string') openDecision(id);
    });
    // After each render, publish where the newest visible marker is drawn.
    chart.on('rendered', () => {
      const xy = newestMarkerXy(chart, markersRef.current);
      if (host.dataset.markerXy !== xy) host.dataset.markerXy = xy;
    });
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
      shownSymbol.current = null;
    };
  }, []);

  // Full rebuild on a symbol change (or first data), data patch otherwise.
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    if (bars.length === 0) {
      chart.clear();
      shownSymbol.current = null;
      return;
    }
    if (shownSymbol.current !== symbol) {
      chart.setOption(fullOption(bars, decimals, markers), { notMerge: true });
      shownSymbol.current = symbol;
    } else {
      chart.setOption(dataPatch(bars, decimals, markers), { lazyUpdate: true });
    }
  }, [symbol, bars, decimals, markers]);

  const last = bars.at(-1);
  const first = bars[0];
  const change = last && first ? last.close / first.open - 1 : undefined;
  const title = (
    <span className="chart-title">
      <span className="sym">{symbol ?? '—'}</span>
      {instrument && <span className="muted">{instrument.name}</span>}
      {bars.length > 1 && <span className="chip">{intervalLabel(bars)}</span>}
    </span>
  );
  const extra = last ? (
    <span className="ohlc">
      <span>
        O <b>{fmtPrice(last.open, decimals)}</b>
      </span>
      <span>
        H <b>{fmtPrice(last.high, decimals)}</b>
      </span>
      <span>
        L <b>{fmtPrice(last.low, decimals)}</b>
      </span>
      <span>
        C <b className={last.close >= last.open ? 'up' : 'down'}>{fmtPrice(last.close, decimals)}</b>
      </span>
      <span>
        V <b>{fmtCompact(last.volume)}</b>
      </span>
      <span className={pnlClass(change)}>{fmtPct(change)}</span>
    </span>
  ) : undefined;

  return (
    <Panel title={title} extra={extra} className="area-chart">
      <div className="chart-wrap">
        <div
          ref={hostRef}
          className="chart-host"
          data-testid="chart"
          data-symbol={symbol ?? ''}
          data-bars={bars.length}
          data-last-ts={last?.ts ?? ''}
          data-last-close={last?.close ?? ''}
          data-markers={markers.length}
        />
        {bars.length === 0 && <div className="chart-empty">{emptyText(symbol, loaded, connected)}</div>}
      </div>
      <MarkerStrip symbol={symbol} markers={markers} />
    </Panel>
  );
}
