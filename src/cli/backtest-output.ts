// How `tradedesk backtest` prints a result: the JSON object of --json (the
// metrics of `tradedesk metrics` plus trades, win rate, turnover and total
// costs, then the trades) or a short human-readable report.
import type { BacktestResult } from '../engine/backtest/backtest-result.js';
import { calendarsText } from '../shared/market-calendars.js';
import type { WalkForwardResult } from '../engine/backtest/walk-forward.js';
import type { PerformanceMetrics } from '../engine/risk/analytics/performance.js';
import { formatMetricsTable, metricsJson } from './metrics-command.js';

const METRIC_KEYS: ReadonlyArray<keyof PerformanceMetrics> = ['total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'var_95', 'var_99', 'es_95', 'es_99', 'days'];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The object `--json` prints. */
export function backtestJson(r: BacktestResult): Record<string, unknown> {
  const s = r.summary;
  const perf = r.metrics ? metricsJson(r.metrics) : { ...Object.fromEntries(METRIC_KEYS.map((k) => [k, null])), start: null, end: null, points: null, resampled: null };
  const { records: _records, ...costs } = r.costAnalysis;
  return {
    metrics: { ...perf, trades: s.trades, win_rate: s.winRate, turnover: s.turnover, total_costs: s.totalCosts },
    metrics_note: r.metricsNote,
    summary: {
      starting_cash: s.startingCash,
      final_equity: s.finalEquity,
      return_on_cash: s.totalReturn,
      benchmark_return: s.benchmarkReturn,
      benchmark_max_drawdown: s.benchmarkMaxDrawdown,
      excess_return: s.totalReturn - s.benchmarkReturn,
      max_drawdown_intraday: s.maxDrawdown,
      open_trades: s.openTrades,
      fees: s.fees,
      slippage: s.slippage,
      orders_submitted: s.ordersSubmitted,
      orders_denied: s.ordersDenied,
      orders_skipped: s.ordersSkipped,
      fills: s.fills,
      final_trading_state: s.finalTradingState,
    },
    cost_analysis: costs,
    run: { bars: r.bars, symbols: r.symbols, calendars: r.calendars, strategies: r.strategies, seed: r.seed, bar_ms: r.barMs, from: iso(r.from), to: iso(r.to) },
    trades: r.trades.map((t) => ({ ...t, entryTs: iso(t.entryTs), exitTs: iso(t.exitTs) })),
  };
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
const signedPct = (x: number): string => `${x > 0 ? '+' : ''}${pct(x)}`;
const money = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The human-readable report. */
export function backtestText(r: BacktestResult, file: string): string {
  const s = r.summary;
  const rows: Array<[string, string]> = [
    ['Bars', `${r.bars} (${r.symbols.length} symbol${r.symbols.length === 1 ? '' : 's'}: ${r.symbols.slice(0, 8).join(', ')}${r.symbols.length > 8 ? ', ...' : ''})`],
    ['Period', `${iso(r.from)} to ${iso(r.to)}`],
    ['Calendar', calendarsText(r.calendars)],
    ['Strategies', r.strategies.join(', ')],
    ['Final equity', `${money(s.finalEquity)} (${pct(s.totalReturn)} on ${money(s.startingCash)})`],
    ['Max drawdown', pct(s.maxDrawdown)],
    ['Benchmark', `${pct(s.benchmarkReturn)}, max drawdown ${pct(s.benchmarkMaxDrawdown)} (equal-weight buy and hold of the symbols, no costs); the run ${signedPct(s.totalReturn - s.benchmarkReturn)} against it`],
    ['Trades', `${s.trades} closed, ${s.openTrades} open; win rate ${pct(s.winRate)}`],
    ['Turnover', `${s.turnover.toFixed(2)}x average equity`],
    ['Costs', `${money(s.totalCosts)} (fees ${money(s.fees)}, spread/slippage/impact ${money(s.slippage)})`],
    ['Cost estimate error', `${r.costAnalysis.meanErrorBps.toFixed(2)} bps mean, ${r.costAnalysis.meanAbsErrorBps.toFixed(2)} bps mean absolute over ${r.costAnalysis.fills} fills`],
    ['Orders', `${s.ordersSubmitted} sent, ${s.ordersDenied} denied by risk, ${s.ordersSkipped} skipped by the benefit/cost filter, ${s.fills} fills`],
    ['Trading state', `${s.finalTradingState}${r.tradingStates.length ? ` (${r.tradingStates.length} changes)` : ''}`],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  const head = `${file}: backtest, seed ${r.seed}\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`;
  return head + (r.metrics ? formatMetricsTable(r.metrics, 'equity curve') : `  Metrics: n/a: ${r.metricsNote}\n`);
}

/** One line per walk-forward window: the refitted periods and the out-of-sample figures. */
export function walkForwardText(r: WalkForwardResult): string {
  // the windows' Sharpe ratios are of per-bar returns, not annualized (a window may be shorter than a day): said so
  const head = `walk-forward: train ${r.train} bars, test ${r.test} bars, ${r.windows.length} windows; out-of-sample return ${pct(r.oosReturn)} (buy and hold over the same windows ${pct(r.oosBenchmarkReturn)}); Sharpe per bar, not annualized`;
  const rows = r.windows.map(
    (w) =>
      `  ${String(w.index + 1).padStart(3)}  test ${iso(w.testFrom)} .. ${iso(w.testTo)}  SMA ${w.params.fast}/${w.params.slow}  train Sharpe/bar ${w.trainSharpe.toFixed(3)}  ` +
      `OOS return ${pct(w.test.totalReturn)} (B&H ${pct(w.test.benchmarkReturn)})  Sharpe/bar ${w.testSharpe.toFixed(3)}  trades ${w.test.trades}  win ${pct(w.test.winRate)}  max DD ${pct(w.test.maxDrawdown)}`,
  );
  return `${head}\n${rows.join('\n')}\n`;
}
