// The report of a backtest: what the UI's Backtest view and the HTML export
// show. From a BacktestResult: the equity curve and its drawdown (thinned for
// drawing, computed on every sample), the worst drawdown with its peak and
// trough, monthly returns (UTC months, each on the previous month's last
// equity, the first on the starting cash), the round-trip trades and the costs
// by kind, estimated before the trade and charged by the fill model.
import type { MarketCalendar } from '../data/bar-calendar.js';
import { COST_KINDS } from '../execution/costs/trade-costs.js';
import type { BacktestResult, BacktestSummary } from './backtest-result.js';
import type { RoundTrip } from './trades.js';

export interface MonthlyReturn {
  year: number;
  /** 1..12 */
  month: number;
  /** Equity / the previous month's last equity - 1. */
  ret: number;
  endEquity: number;
}

export interface YearRow {
  year: number;
  /** Index 0 = January; null for a month without samples. */
  months: Array<number | null>;
  /** The year's compounded return over its months with samples. */
  total: number;
}

export type CostKind = (typeof COST_KINDS)[number];

export interface CostRow {
  kind: CostKind | 'total';
  estimated: number;
  charged: number;
}

export interface BacktestReport {
  run: { symbols: string[]; calendars: Record<string, MarketCalendar>; strategies: string[]; bars: number; from: number; to: number; barMs: number; seed: number };
  summary: BacktestSummary;
  /** `tradedesk metrics` figures, or null with metricsNote. */
  metrics: Record<string, number | null> | null;
  metricsNote: string | null;
  /** The daily returns a year the metrics are annualized on (365 when the curve has points on weekends), or null without metrics. */
  daysPerYear: number | null;
  /** [ts, equity], starting with [from, starting cash]; at most MAX_CURVE_POINTS (the extremes of each span are kept). */
  equity: Array<[number, number]>;
  /** [ts, equity / running peak - 1] (0 or below), on the same times. */
  drawdown: Array<[number, number]>;
  /** [ts, value] of the benchmark (equal-weight buy and hold of the symbols, no costs), on the same times. */
  benchmark: Array<[number, number]>;
  maxDrawdown: { depth: number; peakTs: number | null; troughTs: number | null };
  monthly: MonthlyReturn[];
  years: YearRow[];
  /** At most MAX_TRADES (the first ones); tradesTotal says how many there are. */
  trades: RoundTrip[];
  tradesTotal: number;
  costs: { rows: CostRow[]; fills: number; estimatedVsArrival: number; realizedVsArrival: number; meanErrorBps: number; meanAbsErrorBps: number };
}

export const MAX_CURVE_POINTS = 2000;
export const MAX_TRADES = 5000;

/** The curve with the starting cash first (at the first bar's time unless a sample is there): the equity's or the benchmark's. */
function fullCurve(r: BacktestResult, curve: ReadonlyArray<[number, number]> = r.equity): Array<[number, number]> {
  return r.equity.length && r.equity[0]![0] <= r.from ? curve.slice() : [[r.from, r.summary.startingCash], ...curve];
}

/** Drawdown below the running peak, which starts at the starting cash. */
export function drawdownSeries(curve: ReadonlyArray<[number, number]>, startingCash: number): Array<[number, number]> {
  let peak = startingCash;
  return curve.map(([t, e]) => {
    peak = Math.max(peak, e);
    return [t, peak > 0 ? e / peak - 1 : 0];
  });
}

function worstDrawdown(curve: ReadonlyArray<[number, number]>, startingCash: number): BacktestReport['maxDrawdown'] {
  let peak = startingCash;
  let peakTs: number | null = curve[0]?.[0] ?? null;
  const worst: BacktestReport['maxDrawdown'] = { depth: 0, peakTs: null, troughTs: null };
  for (const [t, e] of curve) {
    if (e > peak) {
      peak = e;
      peakTs = t;
    }
    const dd = peak > 0 ? 1 - e / peak : 0;
    if (dd > worst.depth) Object.assign(worst, { depth: dd, peakTs, troughTs: t });
  }
  return worst;
}

/** Each UTC month's return on the previous month's last equity (the first month's on the starting cash). */
export function monthlyReturns(curve: ReadonlyArray<[number, number]>, startingCash: number): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  let base = startingCash;
  let key = -1;
  for (const [t, e] of curve) {
    const d = new Date(t);
    const k = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (k !== key) {
      const prev = out.at(-1);
      if (prev) base = prev.endEquity;
      out.push({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, ret: 0, endEquity: e });
      key = k;
    }
    const m = out.at(-1)!;
    m.endEquity = e;
    m.ret = base > 0 ? e / base - 1 : 0;
  }
  return out;
}

export function yearRows(monthly: readonly MonthlyReturn[]): YearRow[] {
  const byYear = new Map<number, YearRow>();
  for (const m of monthly) {
    let y = byYear.get(m.year);
    if (!y) byYear.set(m.year, (y = { year: m.year, months: Array<number | null>(12).fill(null), total: 0 }));
    y.months[m.month - 1] = m.ret;
  }
  for (const y of byYear.values()) y.total = y.months.reduce<number>((acc, r) => (r === null ? acc : (1 + acc) * (1 + r) - 1), 0);
  return [...byYear.values()];
}

/** At most `max` points: the first, the last, and the lowest and highest of each span between. */
export function thinCurve(curve: ReadonlyArray<[number, number]>, max = MAX_CURVE_POINTS): Array<[number, number]> {
  return thinIndices(curve, max).map((i) => curve[i]!);
}

/** The indices thinCurve keeps (ascending), so a curve on the same times can be thinned alike. */
function thinIndices(curve: ReadonlyArray<[number, number]>, max: number): number[] {
  if (curve.length <= max) return curve.map((_, i) => i);
  const spans = Math.max(1, Math.floor((max - 2) / 2));
  const size = (curve.length - 2) / spans;
  const out: number[] = [0];
  for (let s = 0; s < spans; s++) {
    const a = 1 + Math.floor(s * size);
    const b = Math.min(curve.length - 1, 1 + Math.floor((s + 1) * size));
    let lo = a;
    let hi = a;
    for (let i = a; i < b; i++) {
      if (curve[i]![1] < curve[lo]![1]) lo = i;
      if (curve[i]![1] > curve[hi]![1]) hi = i;
    }
    if (a < b) for (const i of lo <= hi ? [lo, hi] : [hi, lo]) if (out.at(-1) !== i) out.push(i);
  }
  out.push(curve.length - 1);
  return out;
}

export function buildReport(r: BacktestResult): BacktestReport {
  const start = r.summary.startingCash;
  const curve = fullCurve(r);
  const kept = thinIndices(curve, MAX_CURVE_POINTS);
  const shown = kept.map((i) => curve[i]!);
  const benchmark = fullCurve(r, r.benchmark);
  const monthly = monthlyReturns(curve, start);
  const { estimated, charged } = r.costBreakdown;
  const rows: CostRow[] = COST_KINDS.map((kind) => ({ kind, estimated: estimated[kind], charged: charged[kind] }));
  rows.push({ kind: 'total', estimated: rows.reduce((a, x) => a + x.estimated, 0), charged: rows.reduce((a, x) => a + x.charged, 0) });
  return {
    run: { symbols: r.symbols, calendars: r.calendars, strategies: r.strategies, bars: r.bars, from: r.from, to: r.to, barMs: r.barMs, seed: r.seed },
    summary: r.summary,
    metrics: r.metrics ? { ...r.metrics.metrics } : null,
    metricsNote: r.metricsNote,
    daysPerYear: r.metrics?.daysPerYear ?? null,
    equity: shown,
    drawdown: drawdownSeries(shown, start),
    benchmark: benchmark.length === curve.length ? kept.map((i) => benchmark[i]!) : [], // a hand-made result may carry none
    maxDrawdown: worstDrawdown(curve, start),
    monthly,
    years: yearRows(monthly),
    trades: r.trades.slice(0, MAX_TRADES),
    tradesTotal: r.trades.length,
    costs: {
      rows,
      fills: r.costAnalysis.fills,
      estimatedVsArrival: r.costAnalysis.estimated,
      realizedVsArrival: r.costAnalysis.realized,
      meanErrorBps: r.costAnalysis.meanErrorBps,
      meanAbsErrorBps: r.costAnalysis.meanAbsErrorBps,
    },
  };
}
