// The Backtest tab's charts (ECharts): one run's equity over its drawdown (two
// grids on one time axis), and several runs' equity curves overlaid for the
// compare view (each curve as a return on its starting cash, so runs with
// different cash compare).
import { useEffect, useMemo, useRef } from 'react';
import type { BacktestReportData } from '../../../shared/api/backtest-contract.js';
import { echarts, type EChartsType } from '../chart/echarts.js';
import { fmtAxisTime, fmtDateTime, fmtMoney, fmtPct } from '../lib/format.js';

export const COMPARE_COLORS = ['#2962ff', '#f7a600', '#22ab94', '#e040fb', '#f23645', '#00bcd4'];

const AXIS = { axisLine: { lineStyle: { color: '#2a3646' } }, axisLabel: { color: '#6b7785', fontSize: 10 }, splitLine: { lineStyle: { color: '#1a2330' } } };
const TOOLTIP = { trigger: 'axis', backgroundColor: 'rgba(17, 24, 33, 0.95)', borderColor: '#2a3646', textStyle: { color: '#d5dde6', fontSize: 11 } };

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
  const option = useMemo(() => ({
    backgroundColor: 'transparent',
    animation: false,
    grid: [
      { left: 8, right: 80, top: 10, height: '58%' },
      { left: 8, right: 80, top: '74%', bottom: 22 },
    ],
    tooltip: {
      ...TOOLTIP,
      formatter: (params: unknown) => {
        const ps = (Array.isArray(params) ? params : [params]) as Array<{ seriesName: string; value: [number, number] }>;
        if (!ps[0]) return '';
        return [fmtDateTime(ps[0].value[0]), ...ps.map((p) => `${p.seriesName}: <b>${p.seriesName === 'Drawdown' ? fmtPct(p.value[1], false) : fmtMoney(p.value[1])}</b>`)].join('<br/>');
      },
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    xAxis: [
      { type: 'time', gridIndex: 0, ...AXIS, axisLabel: { show: false }, splitLine: { show: false } },
      { type: 'time', gridIndex: 1, ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => fmtAxisTime(v) }, splitLine: { show: false } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, position: 'right', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => fmtMoney(v).replace(/\.00$/, '') } },
      { type: 'value', gridIndex: 1, position: 'right', max: 0, ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => fmtPct(v, false) } },
    ],
    series: [
      { name: 'Equity', type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, data: report.equity, lineStyle: { color: '#2962ff', width: 1.5 } },
      { name: 'Drawdown', type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, data: report.drawdown, lineStyle: { color: '#f23645', width: 1 }, areaStyle: { color: '#f2364540' } },
    ],
  }), [report]);
  const ref = useChart(option);
  return <div ref={ref} className="bt-chart" role="img" aria-label="Equity and drawdown chart" data-testid="bt-equity-chart" data-points={report.equity.length} />;
}

export function CompareChart({ runs }: { runs: Array<{ id: string; label: string; report: BacktestReportData }> }) {
  const option = useMemo(() => ({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 8, right: 70, top: 10, bottom: 22 },
    tooltip: { ...TOOLTIP, valueFormatter: (v: number) => fmtPct(v) },
    xAxis: { type: 'time', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => fmtAxisTime(v) }, splitLine: { show: false } },
    yAxis: { type: 'value', scale: true, position: 'right', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => fmtPct(v, false) } },
    series: runs.map((r, i) => ({
      name: r.label,
      type: 'line',
      showSymbol: false,
      data: r.report.equity.map(([t, e]) => [t, e / r.report.summary.startingCash - 1]),
      lineStyle: { color: COMPARE_COLORS[i % COMPARE_COLORS.length], width: 1.5 },
    })),
  }), [runs]);
  const ref = useChart(option);
  return <div ref={ref} className="bt-chart" role="img" aria-label="Equity curves of the compared runs" data-testid="bt-compare-chart" data-series={runs.length} />;
}
