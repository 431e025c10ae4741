// Builds the price chart's ECharts options from one data window
// (chart-window.ts): a full option (candles, volume, overlay lines, decision /
// order / fill markers, crosshair, the inside zoom over the window's axes) when
// the chart is (re)built, and a patch merged by id (series data, window axes,
// zoom position) when the tail moved or the window changed, so tooltip and axes
// are kept. The slider over the whole history is a chart of its own
// (navigator-options.ts). Colours come from the theme's palette (chart-palette.ts).
import type { DecisionSummary } from '../../../shared/api/contract.js';
import type { Bar } from '../../../shared/domain.js';
import { fmtAxisTime, fmtCompact, fmtDateTime, fmtPrice, fmtQty } from '../lib/format.js';
import type { ChartPalette } from './chart-palette.js';
import { MIN_VIEW_BARS, type WindowData } from './chart-window.js';
import { markerData, markerSeries, type DecisionMarker } from './decision-markers.js';
import { FILL_SERIES, ORDER_SERIES, tradeSeries, type TradeMarker } from './trade-markers.js';

export const INITIAL_VISIBLE_BARS = 160;
/** Above this many points a series is drawn in ECharts' large mode (one path, no per-item styles). */
export const LARGE_THRESHOLD = 5_000;
/** Grid insets (px): the plot is the chart's width less these. */
export const GRID_LEFT = 8;
export const GRID_RIGHT = 68;
/** ms between zoom events while dragging or wheeling (about one frame). */
export const ZOOM_THROTTLE_MS = 16;
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

/** What one drawing of the chart shows: a window's data, its markers (window indices) and the zoom positions. */
export interface ChartFrame {
  data: WindowData;
  markers: ChartMarkers;
  /** The series' last bar (the last-price line). */
  last: Bar | undefined;
  /** The visible range in window bucket positions (the inside zoom). */
  zoom: { startValue: number; endValue: number };
  /** Time labels and grid lines on every `labels.every`-th bucket of the series (the window's first is bucket `labels.first`). */
  labels: { first: number; every: number };
}

/**
 * The category axes' label / grid-line interval as a function (ECharts then
 * skips measuring every label to choose one, which costs more than the rest of
 * a pan frame): every n-th bucket of the whole series, so they stay put on pan.
 */
export function labelInterval(labels: ChartFrame['labels']) {
  const { first, every } = labels;
  return (index: number) => (first + index) % every === 0;
}

function lastPriceLine(last: Bar | undefined, decimals: number | undefined, pal: ChartPalette) {
  if (!last) return { data: [] };
  const color = last.close >= last.open ? pal.up : pal.down;
  return {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    lineStyle: { color, type: 'dashed' as const, width: 1, opacity: 0.8 },
    label: {
      position: 'end' as const,
      formatter: () => fmtPrice(last.close, decimals),
      color: pal.labelText,
      backgroundColor: color,
      padding: [2, 4],
      borderRadius: 2,
      fontSize: 11,
    },
    data: [{ yAxis: last.close }],
  };
}

function lineSeries(data: WindowData) {
  const large = data.categories.length > LARGE_THRESHOLD;
  return data.lines.map((l) => ({
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

/** Volume bars coloured by their candle's direction. */
function volumePoints(data: WindowData, pal: ChartPalette) {
  return data.volumes.map((value, i) => {
    const c = data.candles[i]!;
    return { value, itemStyle: { color: c[1] >= c[0] ? pal.upVolume : pal.downVolume } };
  });
}

export function fullOption(f: ChartFrame, decimals: number | undefined, pal: ChartPalette) {
  const large = f.data.categories.length > LARGE_THRESHOLD;
  const interval = labelInterval(f.labels);
  const axisLabel = { color: pal.axis, fontSize: 10, interval, formatter: (v: string) => fmtAxisTime(Number(v)) };
  return {
    backgroundColor: pal.background,
    animation: false,
    textStyle: { fontFamily: 'Inter, "Segoe UI", system-ui, sans-serif' },
    grid: [
      { left: GRID_LEFT, right: GRID_RIGHT, top: 12, bottom: '34%' },
      { left: GRID_LEFT, right: GRID_RIGHT, top: '70%', bottom: 20 },
    ],
    tooltip: {
      trigger: 'axis' as const,
      axisPointer: { type: 'cross' as const, lineStyle: { color: pal.pointer }, crossStyle: { color: pal.pointer } },
      backgroundColor: pal.tooltipBg,
      borderColor: pal.tooltipBorder,
      textStyle: { color: pal.tooltipText, fontSize: 11 },
      formatter: (params: unknown) => tooltipHtml(params, decimals, pal),
    },
    axisPointer: { link: [{ xAxisIndex: [0, 1] }], label: { backgroundColor: pal.tooltipBorder, color: pal.tooltipText } },
    xAxis: [
      {
        id: 'price-x',
        type: 'category' as const,
        data: f.data.categories,
        boundaryGap: true,
        axisLine: { lineStyle: { color: pal.gridLine } },
        axisTick: { show: false, interval },
        axisLabel: { show: false, interval },
        axisPointer: { label: { show: false } },
        splitLine: { show: true, interval, lineStyle: { color: pal.gridLine } },
      },
      {
        id: 'volume-x',
        type: 'category' as const,
        gridIndex: 1,
        data: f.data.categories,
        boundaryGap: true,
        axisLine: { lineStyle: { color: pal.gridLine } },
        axisTick: { show: false, interval },
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
        axisLabel: { color: pal.axis, fontSize: 10, formatter: (v: number) => fmtPrice(v, decimals) },
        axisPointer: { label: { formatter: (p: { value: unknown }) => fmtPrice(Number(p.value), decimals) } },
        splitLine: { lineStyle: { color: pal.gridLine } },
      },
      {
        scale: true,
        gridIndex: 1,
        position: 'right' as const,
        splitNumber: 2,
        axisLine: { show: false },
        axisLabel: { color: pal.axis, fontSize: 10, formatter: (v: number) => fmtCompact(v) },
        axisPointer: { label: { formatter: (p: { value: unknown }) => fmtCompact(Number(p.value)) } },
        splitLine: { show: false },
      },
    ],
    dataZoom: [
      { id: 'zoom', type: 'inside' as const, xAxisIndex: [0, 1], ...f.zoom, minValueSpan: MIN_VIEW_BARS - 1, throttle: ZOOM_THROTTLE_MS },
    ],
    series: [
      {
        id: 'price',
        name: 'Price',
        type: 'candlestick' as const,
        data: f.data.candles,
        barMaxWidth: 14,
        large,
        largeThreshold: LARGE_THRESHOLD,
        itemStyle: { color: pal.up, color0: pal.down, borderColor: pal.up, borderColor0: pal.down },
        markLine: lastPriceLine(f.last, decimals, pal),
      },
      {
        id: 'volume',
        name: 'Volume',
        type: 'bar' as const,
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: volumePoints(f.data, pal),
        barMaxWidth: 14,
        large,
        largeThreshold: LARGE_THRESHOLD,
      },
      ...lineSeries(f.data),
      { id: 'decisions', ...markerSeries(f.markers.decisions) },
      tradeSeries(ORDER_SERIES, f.markers.orders),
      tradeSeries(FILL_SERIES, f.markers.fills),
    ],
  };
}

/** The category axes' interval (a new label step or window). */
export function labelPatch(labels: ChartFrame['labels']) {
  const interval = labelInterval(labels);
  const axis = { axisLabel: { interval }, axisTick: { interval }, splitLine: { interval } };
  return [
    { id: 'price-x', ...axis },
    { id: 'volume-x', ...axis },
  ];
}

/** A new window or a moved tail: window axes, series data and zoom positions, merged by id. */
export function windowPatch(f: ChartFrame, decimals: number | undefined, pal: ChartPalette) {
  return {
    xAxis: labelPatch(f.labels).map((a) => ({ ...a, data: f.data.categories })),
    dataZoom: [{ id: 'zoom', ...f.zoom }],
    series: [
      { id: 'price', data: f.data.candles, markLine: lastPriceLine(f.last, decimals, pal) },
      { id: 'volume', data: volumePoints(f.data, pal) },
      ...f.data.lines.map((l) => ({ id: l.id, data: l.data })),
      { id: 'decisions', data: markerData(f.markers.decisions) },
      { id: ORDER_SERIES, data: tradeSeries(ORDER_SERIES, f.markers.orders).data },
      { id: FILL_SERIES, data: tradeSeries(FILL_SERIES, f.markers.fills).data },
    ],
  };
}

function tooltipHtml(params: unknown, decimals: number | undefined, pal: ChartPalette): string {
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
  const color = close >= open ? pal.up : pal.down;
  const decisions = list
    .filter((p) => (p as { seriesType?: string }).seriesType === 'scatter')
    .map((p) => (p as { data?: { decision?: DecisionSummary } }).data?.decision)
    .filter((d): d is DecisionSummary => d !== undefined);
  const trades = list
    .map((p) => (p as { data?: { label?: unknown } }).data?.label)
    .filter((l): l is string => typeof l === 'string');
  const row = (k: string, val: string) => `<div style="display:flex;justify-content:space-between;gap:16px"><span style="color:${pal.tooltipMuted}">${k}</span><span>${val}</span></div>`;
  return [
    `<div style="font-weight:600;margin-bottom:4px">${fmtDateTime(Number(candle.axisValue))}</div>`,
    row('Open', fmtPrice(open, decimals)),
    row('High', fmtPrice(high, decimals)),
    row('Low', fmtPrice(low, decimals)),
    row('Close', `<span style="color:${color}">${fmtPrice(close, decimals)}</span>`),
    v !== undefined ? row('Volume', fmtCompact(v)) : '',
    ...decisions.map((d) => decisionLine(d, decimals, pal)),
    ...trades.map((t) => `<div style="margin-top:4px">${escapeHtml(t)}</div>`),
  ].join('');
}

function decisionLine(d: DecisionSummary, decimals: number | undefined, pal: ChartPalette): string {
  const denied = d.outcome === 'denied';
  const color = denied ? pal.tooltipMuted : d.action === 'buy' ? pal.up : pal.down;
  const mark = d.action === 'buy' ? '▲' : '▼';
  const price = d.limitPrice !== null ? fmtPrice(d.limitPrice, decimals) : 'MKT';
  return `<div style="margin-top:4px;color:${color}">${mark} ${d.action.toUpperCase()} ${fmtQty(d.qty)} @ ${price} · ${denied ? 'denied' : escapeHtml(d.status.replace('_', ' '))}</div>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
