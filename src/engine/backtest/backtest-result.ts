// What a backtest returns: the summary figures (equity, return, drawdown,
// trades, win rate, turnover, costs, order counts), the performance metrics of
// `tradedesk metrics` on the equity curve (performance.ts, the same code), the
// round-trip trades, fills, decisions, the post-trade cost analysis and every
// trading-state change.
import type { Bar, OrderSide, OrderType, TradingStateChange } from '../../shared/domain.js';
import type { CostSummary, FillCostRecord } from '../execution/costs/cost-feedback.js';
import type { CostParts } from '../execution/costs/trade-costs.js';
import type { MarketCalendar } from '../data/bar-calendar.js';
import { maxDrawdown } from '../risk/analytics/equity-curve.js';
import { DAY_MS } from '../features/session.js';
import { AnalyticsInputError } from '../risk/analytics/errors.js';
import { computePerformanceReport, type PerformanceReport } from '../risk/analytics/performance.js';
import { winRate, type RoundTrip, type TradeFill } from './trades.js';

export interface BacktestDecision {
  ts: number;
  id: string;
  source: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  limitPrice: number | null;
  approved: boolean;
  reason: string;
}

export interface BacktestSummary {
  startingCash: number;
  finalEquity: number;
  totalReturn: number;
  /** On the equity sampled after every group of bars. */
  maxDrawdown: number;
  /** Closed round trips. */
  trades: number;
  openTrades: number;
  winRate: number | null;
  /** Traded notional / average equity. */
  turnover: number;
  /** Fees plus the spread, slippage and impact paid on taker fills. */
  totalCosts: number;
  fees: number;
  slippage: number;
  ordersSubmitted: number;
  ordersDenied: number;
  ordersSkipped: number;
  fills: number;
  finalTradingState: string;
  /** The benchmark (buyAndHoldCurve): its final value / starting cash - 1. */
  benchmarkReturn: number;
  /** The benchmark's largest fall from a peak, on the same samples as maxDrawdown. */
  benchmarkMaxDrawdown: number;
}

export interface BacktestResult {
  symbols: string[];
  bars: number;
  from: number;
  to: number;
  barMs: number;
  /** Each symbol's market calendar, as the run used it (BacktestConfig.calendar). */
  calendars: Record<string, MarketCalendar>;
  seed: number;
  strategies: string[];
  summary: BacktestSummary;
  /** `tradedesk metrics` of the equity curve; null (with the reason) when it cannot be computed (e.g. under 3 days). */
  metrics: PerformanceReport | null;
  metricsNote: string | null;
  trades: RoundTrip[];
  fills: TradeFill[];
  decisions: BacktestDecision[];
  costAnalysis: CostSummary & { records: FillCostRecord[] };
  /** Costs by kind: the pre-trade estimates of the filled orders, and what the fill model charged. */
  costBreakdown: { estimated: CostParts; charged: CostParts };
  tradingStates: TradingStateChange[];
  /** [time of the bars, equity] after every group of bars (the time the bars are stamped with, not their delivery at their close). */
  equity: Array<[number, number]>;
  /** The benchmark at the equity curve's times: equal-weight buy and hold of the run's symbols, no costs (buyAndHoldCurve). */
  benchmark: Array<[number, number]>;
}

/**
 * What the starting cash would be worth held in the run's symbols: split equally among them, each share bought at
 * its symbol's first close (the first price a strategy could act on) and held, cash until then; no costs. Valued at
 * each of `times` (ascending) on the last close at or before it. `bars` sorted by time; a bar without a positive
 * close is skipped.
 */
export function buyAndHoldCurve(bars: readonly Bar[], symbols: readonly string[], times: readonly number[], startingCash: number): Array<[number, number]> {
  // per symbol its first and last close, in one box (one lookup a bar: this reads every bar of the run once)
  const closes = new Map<string, { first: number; last: number }>();
  // the sum over symbols of last / first close, with every symbol not yet started counted at 1 (its share in cash)
  let held = symbols.length;
  const per = symbols.length > 0 ? startingCash / symbols.length : 0;
  const out: Array<[number, number]> = [];
  let i = 0;
  for (const t of times) {
    for (; i < bars.length && bars[i]!.ts <= t; i++) {
      const b = bars[i]!;
      if (!(b.close > 0)) continue;
      const c = closes.get(b.symbol);
      if (c === undefined) closes.set(b.symbol, { first: b.close, last: b.close });
      else {
        held += (b.close - c.last) / c.first;
        c.last = b.close;
      }
    }
    out.push([t, symbols.length > 0 ? per * held : startingCash]);
  }
  return out;
}

/**
 * The curve a run's daily metrics are measured on: its equity samples after the starting cash as the close of the
 * day before the first sample (the run's inception). Without that point the first day's P&L was in no daily return:
 * total return, CAGR, Sharpe and drawdown were measured from the first day's close. `--equity-out` writes this curve,
 * so `tradedesk metrics` on the file gives the same figures.
 */
export function metricsCurve(equity: ReadonlyArray<[number, number]>, startingCash: number): Array<[number, number]> {
  if (equity.length === 0) return [];
  return [[Math.floor(equity[0]![0] / DAY_MS) * DAY_MS - 1, startingCash], ...equity];
}

/** The `tradedesk metrics` figures of a run (on metricsCurve), or why there are none. */
export function performanceOf(equity: ReadonlyArray<[number, number]>, startingCash: number, perYear?: number): { metrics: BacktestResult['metrics']; note: string | null } {
  try {
    return { metrics: computePerformanceReport(metricsCurve(equity, startingCash).map(([timestamp, e]) => ({ timestamp, equity: e })), perYear), note: null };
  } catch (e) {
    if (e instanceof AnalyticsInputError) return { metrics: null, note: e.message };
    throw e;
  }
}

export function summarize(input: {
  startingCash: number;
  equity: ReadonlyArray<[number, number]>;
  trades: readonly RoundTrip[];
  fills: readonly TradeFill[];
  fees: number;
  slippage: number;
  ordersSubmitted: number;
  ordersDenied: number;
  ordersSkipped: number;
  finalTradingState: string;
  benchmark: ReadonlyArray<[number, number]>;
}): BacktestSummary {
  const eq = input.equity.map((p) => p[1]);
  const finalEquity = eq.length ? eq[eq.length - 1]! : input.startingCash;
  const avgEquity = eq.length ? eq.reduce((a, b) => a + b, 0) / eq.length : input.startingCash;
  const traded = input.fills.reduce((a, f) => a + f.qty * f.price, 0);
  return {
    startingCash: input.startingCash,
    finalEquity,
    totalReturn: finalEquity / input.startingCash - 1,
    maxDrawdown: maxDrawdown([input.startingCash, ...eq]),
    trades: input.trades.filter((t) => !t.open).length,
    openTrades: input.trades.filter((t) => t.open).length,
    winRate: winRate(input.trades),
    turnover: avgEquity > 0 ? traded / avgEquity : 0,
    totalCosts: input.fees + input.slippage,
    fees: input.fees,
    slippage: input.slippage,
    ordersSubmitted: input.ordersSubmitted,
    ordersDenied: input.ordersDenied,
    ordersSkipped: input.ordersSkipped,
    fills: input.fills.length,
    finalTradingState: input.finalTradingState,
    benchmarkReturn: (input.benchmark.at(-1)?.[1] ?? input.startingCash) / input.startingCash - 1,
    benchmarkMaxDrawdown: maxDrawdown([input.startingCash, ...input.benchmark.map((p) => p[1])]),
  };
}
