// Builds the price chart's ECharts options from the incremental ChartModel:
// a full option (candles, volume, overlay lines, decision / order / fill
// markers, crosshair, inside + slider zoom) when the model was rebuilt, and a
// patch of only the series data (merged by series id, the same arrays) when its
// tail moved, so zoom, tooltip and axes are kept. Large series switch ECharts
// to its large mode and the lines to LTTB sampling.
import type { DecisionSummary } from '../../../shared/api/contract.js';
import type { Bar } from '../../../shared/domain.js';
import { fmtAxisTime, fmtCompact, fmtDateTime, fmtPrice, fmtQty } from '../lib/format.js';
import { DOWN, UP, type ChartModel } from './chart-model.js';
import { markerData, markerSeries, type DecisionMarker } from './decision-markers.js';
import { FILL_SERIES, ORDER_SERIES, tradeSeries, type TradeMarker } from './trade-markers.js';

export { DOWN, UP };
const AXIS = '#6b7785';
const GRID_LINE = '#1a2330';
export const INITIAL_VISIBLE_BARS = 160;
/** Above this many points a series is drawn in ECharts' large mode (one path, no per-item styles). */
export const LARGE_THRESHOLD = 5_000;
const LINE_COLORS: Record<string, string> = {
  sma20: '#f5c542',
  sma50: '#4da3ff',
  sma200: '#c77dff',
  ema20: '#ff9f43',
  'bb20.mid': '#8a96a3',
  'bb20.upper': '#5d6b7a',
  'bb20.lower': '#5d6b7a',
  vwap: '#00d1d1',
};

export interface ChartMarkers {
  decisions: readonly DecisionMarker[];
  orders: readonly TradeMarker[];
  fills: readonly TradeMarker[];
}

export const NO_MARKERS: ChartMarkers = { decisions: [], orders: [], fills: [] };

function lastPriceLine(last: Bar | undefined, decimals: number | undefined) {
  if (!last) return { data: [] };
  const color = last.close >= last.open ? UP : DOWN;
  return {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    lineStyle: { color, type: 'dashed' as const, width: 1, opacity: 0.8 },
    label: {
      position: 'end' as const,
      formatter: () => fmtPrice(last.close, decimals),
      color: '#fff',
      backgroundColor: color,
      padding: [2, 4],
      borderRadius: 2,
      fontSize: 11,
    },
    data: [{ yAxis: last.close }],
  };
}

function lineSeries(m: ChartModel) {
  const large = m.categories.length > LARGE_THRESHOLD;
  return m.lines.map((l) => ({
    id: l.id,
    name: l.name,
    type: 'line' as const,
    data: l.data,
    showSymbol: false,
    symbol: 'none',
    silent: true,
    animation: false,
    connectNulls: false,
    sampling: large ? ('lttb' as const) : undefined,
    lineStyle: { width: 1, color: LINE_COLORS[l.id] ?? '#ccc', type: l.id.startsWith('bb20.') && l.id !== 'bb20.mid' ? ('dashed' as const) : ('solid' as const) },
    z: 3,
  }));
}

/** The zoom window: the last `visible` bars, or everything when `visible` is 0. */
function startPct(n: number, visible: number): number {
  return visible > 0 && n > visible ? 100 - (visible / n) * 100 : 0;
}

export function fullOption(m: ChartModel, decimals: number | undefined, markers: ChartMarkers = NO_MARKERS, visible = INITIAL_VISIBLE_BARS) {
  const n = m.categories.length;
  const large = n > LARGE_THRESHOLD;
  const start = startPct(n, visible);
  const axisLabel = { color: AXIS, fontSize: 10, formatter: (v: string) => fmtAxisTime(Number(v)) };
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: 'Inter, "Segoe UI", system-ui, sans-serif' },
    grid: [
      { left: 8, right: 68, top: 12, bottom: '34%' },
      { left: 8, right: 68, top: '70%', bottom: 44 },
    ],
    tooltip: {
      trigger: 'axis' as const,
      axisPointer: { type: 'cross' as const, lineStyle: { color: '#3b4a5c' }, crossStyle: { color: '#3b4a5c' } },
      backgroundColor: 'rgba(17, 24, 33, 0.95)',
      borderColor: '#2a3646',
      textStyle: { color: '#d5dde6', fontSize: 11 },
      formatter: (params: unknown) => tooltipHtml(params, decimals),
    },
    axisPointer: { link: [{ xAxisIndex: 'all' as const }], label: { backgroundColor: '#2a3646' } },
    xAxis: [
      {
        type: 'category' as const,
        data: m.categories,
        boundaryGap: true,
        axisLine: { lineStyle: { color: GRID_LINE } },
        axisTick: { show: false },
        axisLabel: { show: false },
        axisPointer: { label: { show: false } },
        splitLine: { show: true, lineStyle: { color: GRID_LINE } },
      },
      {
        type: 'category' as const,
        gridIndex: 1,
        data: m.categories,
        boundaryGap: true,
        axisLine: { lineStyle: { color: GRID_LINE } },
        axisTick: { show: false },
        axisLabel,
        axisPointer: { label: { formatter: (p: { value: unknown }) => fmtAxisTime(Number(p.value)) } },
        splitLine: { show: false },
      },
    ],
    yAxis: [
      {
        scale: true,
        position: 'right' as const,
        splitNumber: 6,
        axisLine: { show: false },
        axisLabel: { color: AXIS, fontSize: 10, formatter: (v: number) => fmtPrice(v, decimals) },
        axisPointer: { label: { formatter: (p: { value: unknown }) => fmtPrice(Number(p.value), decimals) } },
        splitLine: { lineStyle: { color: GRID_LINE } },
      },
      {
        scale: true,
        gridIndex: 1,
        position: 'right' as const,
        splitNumber: 2,
        axisLine: { show: false },
        axisLabel: { color: AXIS, fontSize: 10, formatter: (v: number) => fmtCompact(v) },
        axisPointer: { label: { formatter: (p: { value: unknown }) => fmtCompact(Number(p.value)) } },
        splitLine: { show: false },
      },
    ],
    dataZoom: [
      { type: 'inside' as const, xAxisIndex: [0, 1], start, end: 100, minValueSpan: 20 },
      {
        type: 'slider' as const,
        xAxisIndex: [0, 1],
        start,
        end: 100,
        bottom: 4,
        height: 18,
        showDataShadow: !large,
        borderColor: GRID_LINE,
        textStyle: { color: AXIS, fontSize: 10 },
        labelFormatter: (_v: number, s: string) => fmtAxisTime(Number(s)),
      },
    ],
    series: [
      {
        id: 'price',
        name: 'Price',
        type: 'candlestick' as const,
        data: m.candles,
        barMaxWidth: 14,
        large,
        largeThreshold: LARGE_THRESHOLD,
        itemStyle: { color: UP, color0: DOWN, borderColor: UP, borderColor0: DOWN },
        markLine: lastPriceLine(m.bars.at(-1), decimals),
      },
      {
        id: 'volume',
        name: 'Volume',
        type: 'bar' as const,
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: m.volumes,
        barMaxWidth: 14,
        large,
        largeThreshold: LARGE_THRESHOLD,
        itemStyle: { color: `${UP}80` },
      },
      ...lineSeries(m),
      { id: 'decisions', ...markerSeries(markers.decisions) },
      tradeSeries(ORDER_SERIES, markers.orders),
      tradeSeries(FILL_SERIES, markers.fills),
    ],
  };
}

/** Data-only update merged by series id into the current option (keeps zoom and tooltip state). */
export function dataPatch(m: ChartModel, decimals: number | undefined, markers: ChartMarkers = NO_MARKERS) {
  return {
    xAxis: [{ data: m.categories }, { data: m.categories }],
    series: [
      { id: 'price', data: m.candles, markLine: lastPriceLine(m.bars.at(-1), decimals) },
      { id: 'volume', data: m.volumes },
      ...m.lines.map((l) => ({ id: l.id, data: l.data })),
      { id: 'decisions', data: markerData(markers.decisions) },
      { id: ORDER_SERIES, data: tradeSeries(ORDER_SERIES, markers.orders).data },
      { id: FILL_SERIES, data: tradeSeries(FILL_SERIES, markers.fills).data },
    ],
  };
}

function tooltipHtml(params: unknown, decimals: number | undefined): string {
  const list = Array.isArray(params) ? params : [params];
  const candle = list.find((p) => (p as { seriesType?: string }).seriesType === 'candlestick') as
    | { axisValue: string; data: number[] }
    | undefined;
  const vol = list.find((p) => (p as { seriesType?: string }).seriesType === 'bar') as
    | { data: { value: number } | number }
    | undefined;
  if (!candle) return '';
  // data is [index, open, close, low, high] for category candlesticks.
  const d = candle.data.length === 5 ? candle.data.slice(1) : candle.data;
  const [open, close, low, high] = d as [number, number, number, number];
  const v = vol ? (typeof vol.data === 'number' ? vol.data : vol.data.value) : undefined;
  const color = close >= open ? UP : DOWN;
  const decisions = list
    .filter((p) => (p as { seriesType?: string }).seriesType === 'scatter')
    .map((p) => (p as { data?: { decision?: DecisionSummary } }).data?.decision)
    .filter((d): d is DecisionSummary => d !== undefined);
  const trades = list
    .map((p) => (p as { data?: { label?: unknown } }).data?.label)
    .filter((l): l is string => typeof l === 'string');
  const row = (k: string, val: string) => `<div style="display:flex;justify-content:space-between;gap:16px"><span style="color:#7d8b99">${k}</span><span>${val}</span></div>`;
  return [
    `<div style="font-weight:600;margin-bottom:4px">${fmtDateTime(Number(candle.axisValue))}</div>`,
    row('Open', fmtPrice(open, decimals)),
    row('High', fmtPrice(high, decimals)),
    row('Low', fmtPrice(low, decimals)),
    row('Close', `<span style="color:${color}">${fmtPrice(close, decimals)}</span>`),
    v !== undefined ? row('Volume', fmtCompact(v)) : '',
    ...decisions.map((d) => decisionLine(d, decimals)),
    ...trades.map((t) => `<div style="margin-top:4px">${escapeHtml(t)}</div>`),
  ].join('');
}

function decisionLine(d: DecisionSummary, decimals: number | undefined): string {
  const denied = d.outcome === 'denied';
  const color = denied ? '#8a96a3' : d.action === 'buy' ? UP : DOWN;
  const mark = d.action === 'buy' ? '▲' : '▼';
  const price = d.limitPrice !== null ? fmtPrice(d.limitPrice, decimals) : 'MKT';
  return `<div style="margin-top:4px;color:${color}">${mark} ${d.action.toUpperCase()} ${fmtQty(d.qty)} @ ${price} · ${denied ? 'denied' : escapeHtml(d.status.replace('_', ' '))}</div>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
