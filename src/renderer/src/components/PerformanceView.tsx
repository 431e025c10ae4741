// The dock's Performance tab: the account's equity curve (ECharts line, one
// sample per simulated minute) and its performance metrics once the engine
// has enough days, else the engine's note. accountMetrics is asked on open,
// then every few seconds while the tab is shown (never per tick).
import { useEffect, useRef } from 'react';
import type { AccountMetrics } from '../../../shared/api/contract.js';
import { echarts, type EChartsType } from '../chart/echarts.js';
import { fmtAxisTime, fmtDateTime, fmtMoney, fmtNum, fmtPct, pnlClass } from '../lib/format.js';
import { useDesk } from '../store/desk-store.js';
import { usePolled } from '../lib/use-polled.js';
import type { RendererClient } from '../transport/renderer-client.js';

export const PERFORMANCE_REFRESH_MS = 5000;

export interface PerformanceQuery {
  data: AccountMetrics | null;
  error: string | null;
}

const fetchMetrics = (client: RendererClient) => client.call('accountMetrics', {});

/** accountMetrics now and every PERFORMANCE_REFRESH_MS while mounted and connected; one call in flight at most. */
export function usePerformance(): PerformanceQuery {
  const q = usePolled(fetchMetrics, PERFORMANCE_REFRESH_MS);
  return { data: q.data, error: q.error };
}

export function PerformanceSummary({ q }: { q: PerformanceQuery }) {
  const curve = q.data?.curve ?? [];
  const first = curve[0]?.[1];
  const last = curve.at(-1)?.[1];
  const change = first !== undefined && last !== undefined ? last - first : undefined;
  return (
    <span className="muted">
      {curve.length} samples
      {change !== undefined && (
        <>
          {' · '}
          <b className={pnlClass(change)}>{fmtMoney(change, true)}</b> over the curve
        </>
      )}
    </span>
  );
}

const METRIC_LABELS: Record<string, { label: string; fmt: 'pct' | 'ratio' | 'int' }> = {
  total_return: { label: 'Total return', fmt: 'pct' },
  cagr: { label: 'CAGR', fmt: 'pct' },
  volatility: { label: 'Volatility (ann.)', fmt: 'pct' },
  sharpe: { label: 'Sharpe', fmt: 'ratio' },
  sortino: { label: 'Sortino', fmt: 'ratio' },
  max_drawdown: { label: 'Max drawdown', fmt: 'pct' },
  var_95: { label: 'VaR 95 (daily)', fmt: 'pct' },
  var_99: { label: 'VaR 99 (daily)', fmt: 'pct' },
  es_95: { label: 'ES 95 (daily)', fmt: 'pct' },
  es_99: { label: 'ES 99 (daily)', fmt: 'pct' },
  days: { label: 'Days', fmt: 'int' },
};

function fmtMetric(key: string, v: number | null): string {
  if (v === null) return '—';
  const f = METRIC_LABELS[key]?.fmt;
  if (f === 'pct') return fmtPct(v, false);
  if (f === 'ratio') return v.toFixed(2);
  if (f === 'int') return String(Math.round(v));
  return fmtNum(v);
}

export function PerformanceView({ q }: { q: PerformanceQuery }) {
  const metrics = q.data?.metrics ?? null;
  const keys = metrics ? [...Object.keys(METRIC_LABELS).filter((k) => k in metrics), ...Object.keys(metrics).filter((k) => !(k in METRIC_LABELS))] : [];
  return (
    <div className="perf" data-testid="performance">
      <EquityCurve curve={q.data?.curve ?? null} />
      <aside className="perf-side">
        <div className="perf-side-title">Performance metrics</div>
        {q.error && (
          <div className="inline-error" role="alert" data-testid="performance-error">
            {q.error}
          </div>
        )}
        {metrics ? (
          <table className="grid-table metrics-table" data-testid="metrics-table">
            <tbody>
              {keys.map((k) => (
                <tr key={k} data-key={k}>
                  <td className="l">{METRIC_LABELS[k]?.label ?? k}</td>
                  <td className="num">{fmtMetric(k, metrics[k] ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <div className="perf-note" data-testid="metrics-note">
            {q.data ? q.data.note : q.error ? '' : 'Loading…'}
          </div>
        )}
        {metrics && q.data && <div className="perf-foot muted">{q.data.note}</div>}
        <CurveStats curve={q.data?.curve ?? null} />
      </aside>
    </div>
  );
}

/** What the intraday curve itself says, while the daily metrics need more days. */
function CurveStats({ curve }: { curve: AccountMetrics['curve'] | null }) {
  if (!curve || curve.length < 2) return null;
  const first = curve[0]![1];
  const last = curve.at(-1)![1];
  let peak = -Infinity;
  let maxDd = 0;
  let high = -Infinity;
  let low = Infinity;
  for (const [, v] of curve) {
    peak = Math.max(peak, v);
    high = Math.max(high, v);
    low = Math.min(low, v);
    if (peak > 0) maxDd = Math.max(maxDd, 1 - v / peak);
  }
  return (
    <>
      <div className="perf-side-title">This curve</div>
      <table className="grid-table metrics-table" data-testid="curve-stats">
        <tbody>
          <tr>
            <td className="l">From → to</td>
            <td className="num">
              {fmtDateTime(curve[0]![0]).slice(11, 16)} → {fmtDateTime(curve.at(-1)![0]).slice(11, 16)}
            </td>
          </tr>
          <tr>
            <td className="l">Equity</td>
            <td className="num">{fmtMoney(last)}</td>
          </tr>
          <tr>
            <td className="l">Change</td>
            <td className={`num ${pnlClass(last - first)}`}>
              {fmtMoney(last - first, true)} ({fmtPct(first > 0 ? last / first - 1 : null)})
            </td>
          </tr>
          <tr>
            <td className="l">High</td>
            <td className="num">{fmtMoney(high)}</td>
          </tr>
          <tr>
            <td className="l">Low</td>
            <td className="num">{fmtMoney(low)}</td>
          </tr>
          <tr>
            <td className="l">Max drawdown</td>
            <td className="num">{fmtPct(maxDd, false)}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

function EquityCurve({ curve }: { curve: AccountMetrics['curve'] | null }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);
  const starting = useDesk((s) => s.account?.startingEquity ?? null);

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
    const chart = chartRef.current;
    if (!chart || !curve) return;
    const up = curve.length > 1 && curve.at(-1)![1] >= curve[0]![1];
    const color = up ? '#22ab94' : '#f23645';
    chart.setOption(
      {
        backgroundColor: 'transparent',
        animation: false,
        textStyle: { fontFamily: 'Inter, "Segoe UI", system-ui, sans-serif' },
        grid: { left: 8, right: 72, top: 14, bottom: 24 },
        tooltip: {
          trigger: 'axis',
          backgroundColor: 'rgba(17, 24, 33, 0.95)',
          borderColor: '#2a3646',
          textStyle: { color: '#d5dde6', fontSize: 11 },
          formatter: (params: unknown) => {
            const p = (Array.isArray(params) ? params[0] : params) as { value?: [number, number] } | undefined;
            return p?.value ? `${fmtDateTime(p.value[0])}<br/><b>${fmtMoney(p.value[1])}</b>` : '';
          },
        },
        xAxis: {
          type: 'time',
          axisLine: { lineStyle: { color: '#2a3646' } },
          axisLabel: { color: '#6b7785', fontSize: 10, formatter: (v: number) => fmtAxisTime(v) },
          splitLine: { show: false },
        },
        yAxis: {
          type: 'value',
          scale: true,
          position: 'right',
          axisLabel: { color: '#6b7785', fontSize: 10, formatter: (v: number) => fmtMoney(v).replace(/\.00$/, '') },
          splitLine: { lineStyle: { color: '#1a2330' } },
        },
        series: [
          {
            name: 'Equity',
            type: 'line',
            showSymbol: false,
            data: curve,
            lineStyle: { color, width: 1.5 },
            areaStyle: {
              color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [
                { offset: 0, color: `${color}40` },
                { offset: 1, color: `${color}00` },
              ]),
            },
            markLine:
              starting !== null
                ? {
                    silent: true,
                    symbol: ['none', 'none'],
                    lineStyle: { color: '#6b7785', type: 'dashed', width: 1 },
                    label: { color: '#9aa7b4', fontSize: 10, position: 'insideStartTop', formatter: `start ${fmtMoney(starting).replace(/\.00$/, '')}` },
                    data: [{ yAxis: starting }],
                  }
                : undefined,
          },
        ],
      },
      { notMerge: true },
    );
  }, [curve, starting]);

  return (
    <div className="perf-chart">
      <div ref={hostRef} className="chart-host" data-testid="equity-curve" data-points={curve?.length ?? 0} />
      {curve && curve.length === 0 && <div className="chart-empty">No equity samples yet</div>}
    </div>
  );
}
