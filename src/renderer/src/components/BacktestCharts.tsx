// The Backtest tab's charts (ECharts): one run's equity over its drawdown (two
// grids on one axis), and several runs' equity curves overlaid for the compare
// view (each curve as a return on its starting cash, so runs with different
// cash compare). The x axis is by sample (lib/sample-axis.ts), so closed-market
// hours take no width; colours follow the theme (chart/chart-palette.ts).
import { useEffect, useMemo, useRef } from 'react';
import type { BacktestReportData } from '../../../shared/api/backtest-contract.js';
import { CHART_PALETTES, type ChartPalette } from '../chart/chart-palette.js';
import { echarts, type EChartsType } from '../chart/echarts.js';
import { fmtDateTime, fmtMoney, fmtPct } from '../lib/format.js';
import { alignSeries, sampleLabel } from '../lib/sample-axis.js';
import { usePrefs } from '../shell/prefs-store.js';

export const COMPARE_COLORS = ['#2962ff', '#f7a600', '#22ab94', '#e040fb', '#f23645', '#00bcd4'];

/** Axis and tooltip styles in the theme's chart colours. */
function styles(p: ChartPalette) {
  return {
    axis: { axisLine: { lineStyle: { color: p.pointer } }, axisLabel: { color: p.axis, fontSize: 10 }, splitLine: { lineStyle: { color: p.gridLine } } },
    tooltip: { trigger: 'axis', backgroundColor: p.tooltipBg, borderColor: p.tooltipBorder, textStyle: { color: p.tooltipText, fontSize: 11 } },
  };
}

/** A category axis over sample times, labelled by `sampleLabel`. */
function sampleAxis(times: number[], axis: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const span = times.length ? times.at(-1)! - times[0]! : 0;
  return { type: 'category', data: times, boundaryGap: false, ...axis, axisLabel: { ...(axis.axisLabel as object), formatter: (v: string | number) => sampleLabel(Number(v), span), hideOverlap: true }, splitLine: { show: false }, ...extra };
}

/** An ECharts instance on a host div, resized with it; `option` is set whenever it changes. */
function useChart(option: Record<string, unknown> | null): React.RefObject<HTMLDivElement | null> {
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const chart = echarts.init(host, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(host);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);
  useEffect(() => {
    if (chartRef.current && option) chartRef.current.setOption(option, { notMerge: true });
  }, [option]);
  return hostRef;
}

export function EquityDrawdownChart({ report }: { report: BacktestReportData }) {
  const palette = CHART_PALETTES[usePrefs((p) => p.theme)];
  const option = useMemo(() => {
    const { axis, tooltip } = styles(palette);
    const { times, values } = alignSeries([report.equity, report.drawdown, report.benchmark]);
    return {
      backgroundColor: 'transparent',
      animation: false,
      grid: [
        { left: 8, right: 80, top: 10, height: '58%' },
        { left: 8, right: 80, top: '74%', bottom: 22 },
      ],
      tooltip: {
        ...tooltip,
        formatter: (params: unknown) => {
          const ps = (Array.isArray(params) ? params : [params]) as Array<{ seriesName: string; dataIndex: number; value: number | null }>;
          if (!ps[0]) return '';
          const line = (p: (typeof ps)[number]) => `${p.seriesName}: <b>${p.value === null ? '—' : p.seriesName === 'Drawdown' ? fmtPct(p.value, false) : fmtMoney(p.value)}</b>`;
          return [fmtDateTime(times[ps[0].dataIndex]), ...ps.map(line)].join('<br/>');
        },
      },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      xAxis: [sampleAxis(times, axis, { gridIndex: 0, axisLabel: { show: false } }), sampleAxis(times, axis, { gridIndex: 1 })],
      yAxis: [
        { type: 'value', gridIndex: 0, scale: true, position: 'right', ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => fmtMoney(v).replace(/\.00$/, '') } },
        { type: 'value', gridIndex: 1, position: 'right', max: 0, ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => fmtPct(v, false) } },
      ],
      series: [
        { name: 'Equity', type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, connectNulls: true, data: values[0], lineStyle: { color: '#2962ff', width: 1.5 } },
        { name: 'Buy and hold', type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, connectNulls: true, data: values[2], lineStyle: { color: palette.axis, width: 1, type: 'dashed' } },
        { name: 'Drawdown', type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, connectNulls: true, data: values[1], lineStyle: { color: palette.down, width: 1 }, areaStyle: { color: `${palette.down}40` } },
      ],
    };
  }, [report, palette]);
  const ref = useChart(option);
  return <div ref={ref} className="bt-chart" role="img" aria-label="Equity and drawdown chart" data-testid="bt-equity-chart" data-points={report.equity.length} data-benchmark-points={report.benchmark.length} data-theme-bg={palette.background} />;
}

export function CompareChart({ runs }: { runs: Array<{ id: string; label: string; report: BacktestReportData }> }) {
  const palette = CHART_PALETTES[usePrefs((p) => p.theme)];
  const option = useMemo(() => {
    const { axis, tooltip } = styles(palette);
    const { times, values } = alignSeries(runs.map((r) => r.report.equity.map(([t, e]) => [t, e / r.report.summary.startingCash - 1] as const)));
    return {
      backgroundColor: 'transparent',
      animation: false,
      grid: { left: 8, right: 70, top: 10, bottom: 22 },
      tooltip: { ...tooltip, valueFormatter: (v: number | null) => (v === null ? '—' : fmtPct(v)) },
      xAxis: sampleAxis(times, axis),
      yAxis: { type: 'value', scale: true, position: 'right', ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => fmtPct(v, false) } },
      series: runs.map((r, i) => ({
        name: r.label,
        type: 'line',
        showSymbol: false,
        connectNulls: true,
        data: values[i],
        lineStyle: { color: COMPARE_COLORS[i % COMPARE_COLORS.length], width: 1.5 },
      })),
    };
  }, [runs, palette]);
  const ref = useChart(option);
  return <div ref={ref} className="bt-chart" role="img" aria-label="Equity curves of the compared runs" data-testid="bt-compare-chart" data-series={runs.length} />;
}
