// The Chart panel: the selected instrument's candles and volume in the chosen
// timeframe (1-minute bars from the engine aggregated on UTC boundaries), the
// chosen indicator overlays, and decision, order and fill markers. History
// comes from getBars (a deeper load, up to 5,000 minutes, for the longer
// timeframes), live bars from events. Clicking a decision marker opens it.
import { useEffect, useMemo, useRef } from 'react';
import type { Bar } from '../../../shared/domain.js';
import type { ChartMarkers } from '../chart/candle-options.js';
import { placeMarkers } from '../chart/decision-markers.js';
import { OVERLAYS, OVERLAY_LABELS } from '../chart/indicators.js';
import { aggregateBars, TIMEFRAMES } from '../chart/timeframes.js';
import { tradeMarkers } from '../chart/trade-markers.js';
import { decimalsForTick, fmtCompact, fmtPct, fmtPrice, pnlClass } from '../lib/format.js';
import { useInstrumentMap } from '../lib/instruments.js';
import { useDecisionList } from '../lib/use-decisions.js';
import { setTimeframe, toggleOverlay, useChartView } from '../store/chart-store.js';
import { setHistory, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';
import { MarkerStrip } from './MarkerStrip.js';
import { Panel } from './Panel.js';
import { PriceChart } from './PriceChart.js';
import './chart.css';

/** Decisions fetched per symbol for the markers. */
export const MARKER_LIMIT = 300;
/** 1-minute bars asked for when a longer timeframe is shown (the contract's maximum). */
export const DEEP_HISTORY_LIMIT = 5000;

const EMPTY: Bar[] = [];

function emptyText(symbol: string | null, loaded: boolean, connected: boolean): string {
  if (!connected && !loaded) return 'Waiting for the engine…';
  if (!symbol) return 'Select an instrument';
  return loaded ? 'No bars for this instrument' : 'Loading history…';
}

/** Loads the deeper 1-minute history once per symbol and connection when a longer timeframe is shown. */
function useDeepHistory(symbol: string | null, wanted: boolean): void {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open');
  const loaded = useRef(new Set<string>());
  useEffect(() => {
    if (!connected) loaded.current.clear();
  }, [connected]);
  useEffect(() => {
    if (!client || !symbol || !wanted || !connected || loaded.current.has(symbol)) return;
    loaded.current.add(symbol);
    client.call('getBars', { symbol, limit: DEEP_HISTORY_LIMIT }).then(
      (bars) => setHistory(symbol, bars),
      (e: unknown) => {
        loaded.current.delete(symbol);
        console.warn(`[tradedesk] deep history for ${symbol} failed:`, errorMessage(e));
      },
    );
  }, [client, symbol, wanted, connected]);
}

export function CandleChart() {
  const symbol = useDesk((s) => s.selected);
  const minuteBars = useDesk((s) => (s.selected ? (s.bars[s.selected] ?? EMPTY) : EMPTY));
  const orders = useDesk((s) => s.orders);
  const loaded = useDesk((s) => (s.selected ? Boolean(s.historyLoaded[s.selected]) : false));
  const connected = useDesk((s) => s.connection === 'open');
  const { timeframe, overlays } = useChartView();
  useDeepHistory(symbol, timeframe !== '1m');
  const instruments = useInstrumentMap();
  const instrument = symbol ? instruments.get(symbol) : undefined;
  const decimals = decimalsForTick(instrument?.tickSize);
  const bars = useMemo(() => aggregateBars(minuteBars, timeframe), [minuteBars, timeframe]);
  const markerQuery = useMemo(() => (symbol ? { symbol, limit: MARKER_LIMIT } : null), [symbol]);
  const { data: decisions } = useDecisionList(markerQuery);
  const decisionMarkers = useMemo(() => placeMarkers(bars, decisions.filter((d) => d.symbol === symbol)), [bars, decisions, symbol]);
  const markers = useMemo<ChartMarkers>(
    () => ({
      decisions: decisionMarkers,
      orders: symbol ? tradeMarkers(bars, orders, symbol, 'order') : [],
      fills: symbol ? tradeMarkers(bars, orders, symbol, 'fill') : [],
    }),
    [decisionMarkers, bars, orders, symbol],
  );

  const last = bars.at(-1);
  const first = bars[0];
  const change = last && first ? last.close / first.open - 1 : undefined;
  const title = (
    <span className="chart-title">
      <span className="sym">{symbol ?? '—'}</span>
      {instrument && <span className="muted">{instrument.name}</span>}
    </span>
  );
  const extra = (
    <span className="chart-head-extra">
      <ChartControls />
      {last && (
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
      )}
    </span>
  );

  return (
    <Panel title={title} extra={extra} className="area-chart">
      <div className="chart-wrap">
        <PriceChart symbol={symbol} bars={bars} seriesKey={`${symbol ?? ''}|${timeframe}`} overlays={overlays} decimals={decimals} markers={markers} />
        {bars.length === 0 && <div className="chart-empty">{emptyText(symbol, loaded, connected)}</div>}
      </div>
      <MarkerStrip symbol={symbol} markers={decisionMarkers} />
    </Panel>
  );
}

/** Timeframe buttons (one pressed) and overlay toggles. */
function ChartControls() {
  const { timeframe, overlays } = useChartView();
  return (
    <span className="chart-controls">
      <span role="group" aria-label="Timeframe" className="chart-seg" data-testid="chart-timeframes">
        {TIMEFRAMES.map((tf) => (
          <button key={tf} type="button" className="chart-btn" aria-pressed={tf === timeframe} aria-label={`Timeframe ${tf}`} onClick={() => setTimeframe(tf)}>
            {tf}
          </button>
        ))}
      </span>
      <span role="group" aria-label="Indicator overlays" className="chart-seg" data-testid="chart-overlays">
        {OVERLAYS.map((o) => (
          <button key={o} type="button" className="chart-btn" aria-pressed={overlays.includes(o)} aria-label={`Overlay ${OVERLAY_LABELS[o]}`} title={OVERLAY_LABELS[o]} onClick={() => toggleOverlay(o)}>
            {OVERLAY_LABELS[o].replace('Bollinger', 'BB')}
          </button>
        ))}
      </span>
    </span>
  );
}
