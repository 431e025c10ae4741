// The backtest commands' shapes (see contract.ts): what the UI asks to run —
// the simulator's recent bars for some symbols, or CSV text it uploaded — and
// what it reads back: a run's progress and state, and its report (equity,
// drawdown, monthly returns, trades, costs by kind; engine/backtest/report.ts).
import { z } from 'zod';

/** Largest CSV text the UI may upload (characters): under the WebSocket bridge's 1 MiB message limit. */
export const BACKTEST_CSV_MAX = 900_000;
/** Runs kept in memory (the oldest finished ones go first). */
export const BACKTEST_RUNS_KEPT = 10;

export const BacktestSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sim'),
      symbols: z.array(z.string().min(1).max(32)).min(1, 'choose at least one symbol').max(20),
      /** Most recent 1-minute bars per symbol. */
      limit: z.number().int().min(10).max(5000).default(1000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('csv'),
      text: z.string().min(1, 'the CSV is empty').max(BACKTEST_CSV_MAX, `the CSV is larger than ${BACKTEST_CSV_MAX} characters`),
      /** The uploaded file's name, for messages and the default symbol. */
      name: z.string().max(200).default('upload.csv'),
    })
    .strict(),
]);
export type BacktestSource = z.infer<typeof BacktestSource>;

export const BacktestRunArgs = z
  .object({
    source: BacktestSource,
    /** `name[:k=v,...]` as on the command line, e.g. `ma_cross:fast=5,slow=20`, `ensemble` or `cs_momentum` (see backtestStrategies). */
    strategies: z.array(z.string().min(1).max(200)).min(1, 'choose at least one strategy').max(4),
    cash: z.number().positive().finite().max(1e12).default(100_000),
    costs: z.enum(['model', 'none']).default('model'),
    fees: z.enum(['sim', 'alpaca', 'ccxt', 'none']).default('sim'),
    /** The stocks' market calendar: 'auto' infers it from the bars (BacktestConfig.calendar). */
    calendar: z.enum(['auto', 'nyse', '24x7']).default('auto'),
    seed: z.number().int().min(0).max(2 ** 31).default(1),
    label: z.string().trim().max(80).optional(),
  })
  .strict();

export const BacktestRunState = z.enum(['running', 'done', 'failed', 'canceled']);

export const BacktestRunInfo = z.object({
  id: z.string(),
  label: z.string(),
  /** "simulator: SPY, QQQ (1000 bars each)" or the CSV's name. */
  source: z.string(),
  strategies: z.array(z.string()),
  state: BacktestRunState,
  done: z.number(),
  total: z.number(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** Once done: the figures the compare view sets side by side. */
  summary: z
    .object({
      finalEquity: z.number(),
      totalReturn: z.number(),
      maxDrawdown: z.number(),
      trades: z.number(),
      winRate: z.number().nullable(),
      totalCosts: z.number(),
      sharpe: z.number().nullable(),
    })
    .nullable(),
});
export type BacktestRunInfo = z.infer<typeof BacktestRunInfo>;

const Point = z.tuple([z.number(), z.number()]);
const CostKind = z.enum(['spread', 'slippage', 'impact', 'fees', 'total']);

export const BacktestReportSchema = z.object({
  run: z.object({ symbols: z.array(z.string()), calendars: z.record(z.string(), z.enum(['nyse', '24x7'])), strategies: z.array(z.string()), bars: z.number(), from: z.number(), to: z.number(), barMs: z.number(), seed: z.number() }),
  summary: z.object({
    startingCash: z.number(),
    finalEquity: z.number(),
    totalReturn: z.number(),
    maxDrawdown: z.number(),
    trades: z.number(),
    openTrades: z.number(),
    winRate: z.number().nullable(),
    turnover: z.number(),
    totalCosts: z.number(),
    fees: z.number(),
    slippage: z.number(),
    ordersSubmitted: z.number(),
    ordersDenied: z.number(),
    ordersSkipped: z.number(),
    fills: z.number(),
    finalTradingState: z.string(),
    benchmarkReturn: z.number(),
    benchmarkMaxDrawdown: z.number(),
  }),
  metrics: z.record(z.string(), z.number().nullable()).nullable(),
  metricsNote: z.string().nullable(),
  daysPerYear: z.number().nullable(),
  equity: z.array(Point),
  drawdown: z.array(Point),
  /** Equal-weight buy and hold of the symbols, no costs, on the equity's times. */
  benchmark: z.array(Point),
  maxDrawdown: z.object({ depth: z.number(), peakTs: z.number().nullable(), troughTs: z.number().nullable() }),
  monthly: z.array(z.object({ year: z.number(), month: z.number(), ret: z.number(), endEquity: z.number() })),
  years: z.array(z.object({ year: z.number(), months: z.array(z.number().nullable()), total: z.number() })),
  trades: z.array(
    z.object({
      strategy: z.string(),
      symbol: z.string(),
      side: z.enum(['long', 'short']),
      qty: z.number(),
      entryTs: z.number(),
      entryPrice: z.number(),
      exitTs: z.number().nullable(),
      exitPrice: z.number().nullable(),
      pnl: z.number(),
      fees: z.number(),
      open: z.boolean(),
    }),
  ),
  tradesTotal: z.number(),
  costs: z.object({
    rows: z.array(z.object({ kind: CostKind, estimated: z.number(), charged: z.number() })),
    fills: z.number(),
    estimatedVsArrival: z.number(),
    realizedVsArrival: z.number(),
    meanErrorBps: z.number(),
    meanAbsErrorBps: z.number(),
  }),
});
export type BacktestReportData = z.infer<typeof BacktestReportSchema>;

const RunId = z.object({ id: z.string().min(1).max(64) }).strict();

/** A name `strategies` accepts: an order-submitting strategy, the ensemble (the default set of signal strategies) or one signal strategy. */
export const BacktestStrategyInfo = z.object({
  name: z.string(),
  kind: z.enum(['order', 'ensemble', 'signal']),
  /** Parameters `name:key=value` may set (for the ensemble: the strategies it runs). */
  params: z.array(z.string()),
});
export type BacktestStrategyInfo = z.infer<typeof BacktestStrategyInfo>;

export const backtestCommands = {
  /** Starts a run on a worker thread and answers at once with its id. */
  backtestRun: { args: BacktestRunArgs, result: BacktestRunInfo },
  backtestStatus: { args: RunId, result: BacktestRunInfo },
  /** The report of a finished run. */
  backtestResult: { args: RunId, result: z.object({ info: BacktestRunInfo, report: BacktestReportSchema }) },
  backtestCancel: { args: RunId, result: BacktestRunInfo },
  /** Every strategy name a run accepts (order-submitting, ensemble, each signal strategy). */
  backtestStrategies: { args: z.object({}).strict(), result: z.array(BacktestStrategyInfo) },
  /** The kept runs, newest first. */
  backtestList: { args: z.object({}).strict(), result: z.array(BacktestRunInfo) },
  /** The report as one self-contained HTML file. */
  backtestHtml: { args: RunId, result: z.object({ filename: z.string(), mime: z.string(), content: z.string() }) },
} as const;
