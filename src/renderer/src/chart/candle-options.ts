// Builds the candlestick + volume chart options from a bar series and the
// decision markers: a full option for a new symbol, and a small data-only
// patch for live updates.
import type { DecisionSummary } from '../../../shared/api/contract.js';
import type { Bar } from '../../../shared/domain.js';
import { fmtAxisTime, fmtCompact, fmtDateTime, fmtPrice, fmtQty } from '../lib/format.js';
import { markerData, markerSeries, type DecisionMarker } from './decision-markers.js';

export const UP = '#22ab94';
export const DOWN = '#f23645';
const AXIS = '#6b7785';
const GRID_LINE = '#1a2330';
const INITIAL_VISIBLE_BARS = 160;

interface SeriesData {
  categories: string[];
  candles: [number, number, number, number][];
  volumes: { value: number; itemStyle: { color: string } }[];
  last: Bar | undefined;
}

function toSeries(bars: readonly Bar[]): SeriesData {
  const categories: string[] = [];
  const candles: [number, number, number, number][] = [];
  const volumes: { value: number; itemStyle: { color: string } }[] = [];
  for (const b of bars) {
    categories.push(String(b.ts));
    // ECharts candlestick order: open, close, low, high.
    candles.push([b.open, b.close, b.low, b.high]);
    volumes.push({ value: b.volume, itemStyle: { color: b.close >= b.open ? `${UP}80` : `${DOWN}80` } });
  }
  return { categories, candles, volumes, last: bars[bars.length - 1] };
}

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

export function fullOption(bars: readonly Bar[], decimals: number | undefined, markers: readonly DecisionMarker[] = []) {
  const s = toSeries(bars);
  const start = bars.length > INITIAL_VISIBLE_BARS ? 100 - (INITIAL_VISIBLE_BARS / bars.length) * 100 : 0;
  const axisLabel = { color: AXIS, fontSize: 10, formatter: (v: string) => fmtAxisTime(Number(v)) };
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: 'Inter, "Segoe UI", system-ui, sans-serif' },
    grid: [
      { left: 8, right: 68, top: 12, bottom: '28%' },
      { left: 8, right: 68, top: '76%', bottom: 22 },
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
        data: s.categories,
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
        data: s.categories,
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
    dataZoom: [{ type: 'inside' as const, xAxisIndex: [0, 1], start, end: 100, minValueSpan: 20 }],
    series: [
      {
        name: 'Price',
        type: 'candlestick' as const,
        data: s.candles,
        barMaxWidth: 14,
        itemStyle: { color: UP, color0: DOWN, borderColor: UP, borderColor0: DOWN },
        markLine: lastPriceLine(s.last, decimals),
      },
      {
        name: 'Volume',
        type: 'bar' as const,
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: s.volumes,
        barMaxWidth: 14,
      },
      markerSeries(markers),
    ],
  };
}

/** Data-only update, merged into the current option (keeps zoom and tooltip state). */
export function dataPatch(bars: readonly Bar[], decimals: number | undefined, markers: readonly DecisionMarker[] = []) {
  const s = toSeries(bars);
  return {
    xAxis: [{ data: s.categories }, { data: s.categories }],
    series: [{ data: s.candles, markLine: lastPriceLine(s.last, decimals) }, { data: s.volumes }, { data: markerData(markers) }],
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
  const row = (k: string, val: string) => `<div style="display:flex;justify-content:space-between;gap:16px"><span style="color:#7d8b99">${k}</span><span>${val}</span></div>`;
  return [
    `<div style="font-weight:600;margin-bottom:4px">${fmtDateTime(Number(candle.axisValue))}</div>`,
    row('Open', fmtPrice(open, decimals)),
    row('High', fmtPrice(high, decimals)),
    row('Low', fmtPrice(low, decimals)),
    row('Close', `<span style="color:${color}">${fmtPrice(close, decimals)}</span>`),
    v !== undefined ? row('Volume', fmtCompact(v)) : '',
    ...decisions.map((d) => decisionLine(d, decimals)),
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
