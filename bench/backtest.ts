// backtest.bars_per_s: bars per wall-clock second through the full backtest
// pipeline — runBacktest with buy_and_hold plus ma_cross, the risk engine, OMS,
// portfolio, risk monitor and cost model on, journal off — over 1,000,000
// one-minute bars of 10 symbols (a seeded random walk, generated before timing).
// Also reported: the same run with the SQLite journal on
// (backtest.bars_per_s_journal, on the first 50,000 bars: every record journaled
// and hash-chained; orders and fills group-committed, one fsync per 256 of them,
// as runBacktest and `serve --bars` journal a run). Peer: grademark (npm) running the same two
// strategies on the same bars — an SMA crossover long-only entry/exit and a
// buy-and-hold entry — one symbol at a time, its indicators precomputed in
// prepIndicators. ratio = ours / grademark (above 1 = faster than the peer).
// Detail: where the time goes. The same run with both strategies sizing every
// order to nothing (bars_per_s_no_orders: every bar still goes through the
// strategies' signals, quotes, risk monitor, data quality and market stats; no
// order is sent) and the wall time each order adds with the positions it leaves
// (us_per_order: the difference of the two runs over the orders of the first:
// risk check, OMS, fill, costs, trade book, the monitor's checks of held
// positions, and the garbage they leave). And the rate of the ensemble of signal
// strategies on the first 100,000 bars (ensemble_bars_per_s: features, regimes,
// every default strategy's signal, the vote and learning on every bar).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataFrame } from 'data-forge';
import { backtest as grademarkBacktest, type IBar, type IStrategy } from 'grademark';
import { runBacktest } from '../src/engine/backtest/run-backtest.js';
import type { BacktestConfig } from '../src/engine/backtest/backtest-config.js';
import { Sma } from '../src/engine/features/sma.js';
import type { Bar } from '../src/shared/domain.js';
import { randomBars } from '../test/support/bars.js';
import type { BenchOptions, BenchResult } from './index.js';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH', 'III', 'JJJ'];
const FAST = 5;
const SLOW = 20;

/** Loose account-level limits so the strategies keep trading through a long random walk (the checks still run on every order). */
export const BENCH_CONFIG: BacktestConfig = {
  strategies: [{ name: 'buy_and_hold', params: { weight: 0.05 } }, { name: 'ma_cross', params: { fast: FAST, slow: SLOW, target: 0.03 } }],
  risk: { maxConcentrationPct: 1, maxOrdersPerSecond: 100, maxOrdersPerMinute: 1000 },
  monitor: { dailyLossLimitPct: 1, drawdownAlertPct: 0.9, drawdownReducePct: 0.95, maxConsecutiveLosses: 1000 },
};

interface GmBar extends IBar {
  cross: number;
}

/** grademark on one symbol: SMA crossover (enter on a cross above, exit on a cross below) and buy-and-hold. */
function grademarkSymbol(bars: Bar[]): number {
  const df = new DataFrame<number, IBar>(bars.map((b) => ({ time: new Date(b.ts), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })));
  const ma: IStrategy<IBar, GmBar> = {
    prepIndicators: ({ inputSeries }) => {
      const fast = new Sma(FAST);
      const slow = new Sma(SLOW);
      let prev = 0;
      return inputSeries.select((b) => {
        fast.push(b.close);
        slow.push(b.close);
        const sign = slow.ready ? Math.sign(fast.value - slow.value) : 0;
        const cross = prev !== 0 && sign !== 0 && sign !== prev ? sign : 0;
        if (sign) prev = sign;
        return { ...b, cross };
      });
    },
    entryRule: (enter, { bar }) => {
      if (bar.cross > 0) enter();
    },
    exitRule: (exit, { bar }) => {
      if (bar.cross < 0) exit();
    },
  };
  const hold: IStrategy = { entryRule: (enter) => enter() };
  return grademarkBacktest(ma, df).length + grademarkBacktest(hold, df).length;
}

function grademarkRate(bars: Bar[]): number {
  const bySymbol = new Map<string, Bar[]>();
  for (const b of bars) (bySymbol.get(b.symbol) ?? bySymbol.set(b.symbol, []).get(b.symbol)!).push(b);
  const t0 = performance.now();
  let trades = 0;
  for (const list of bySymbol.values()) trades += grademarkSymbol(list);
  const secs = (performance.now() - t0) / 1000;
  if (trades <= 0) throw new Error('backtest.bars_per_s: grademark made no trades');
  return bars.length / secs;
}

/** BENCH_CONFIG with both strategies sizing every order to less than a share: they read every bar and send nothing. */
const NO_ORDER_CONFIG: BacktestConfig = {
  ...BENCH_CONFIG,
  strategies: [{ name: 'buy_and_hold', params: { weight: 1e-9 } }, { name: 'ma_cross', params: { fast: FAST, slow: SLOW, target: 1e-9 } }],
};

/** The ensemble of the signal strategies (their defaults), the same limits. */
const ENSEMBLE_CONFIG: BacktestConfig = { ...BENCH_CONFIG, strategies: [{ name: 'ensemble' }] };

async function ourRate(bars: Bar[], journalDir?: string, config = BENCH_CONFIG): Promise<{ rate: number; cpuRate: number; secs: number; fills: number; orders: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runBacktest(bars, { ...config, journalDir }, 1);
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const orders = r.summary.ordersSubmitted;
  if (config === BENCH_CONFIG && r.fills.length === 0) throw new Error('backtest.bars_per_s: the backtest made no fills');
  if (config === NO_ORDER_CONFIG && orders !== 0) throw new Error(`backtest.bars_per_s: the no-order run sent ${orders} orders`);
  // CPU time of the process (this thread's work plus GC and SQLite helpers): on a shared, loaded machine the steadier figure
  return { rate: bars.length / secs, cpuRate: bars.length / ((c.user + c.system) / 1e6), secs, fills: r.fills.length, orders };
}

export async function backtestBenchmark(opts: BenchOptions): Promise<BenchResult[]> {
  const perSymbol = opts.quick ? 2_000 : 100_000;
  const bars = randomBars({ symbols: SYMBOLS, n: perSymbol, seed: 7, start: Date.parse('2024-01-02T00:00:00Z') });
  opts.log(`backtest.bars_per_s: ${bars.length} one-minute bars of ${SYMBOLS.length} symbols; buy_and_hold + ma_cross ${FAST}/${SLOW}`);
  await ourRate(bars.slice(0, 20_000)); // warm the JIT as a long run would
  const off = await ourRate(bars);
  opts.log(`backtest.bars_per_s: journal off ${Math.round(off.rate)} bars/s (${Math.round(off.cpuRate)} per CPU-second), ${off.orders} orders, ${off.fills} fills`);
  const bare = await ourRate(bars, undefined, NO_ORDER_CONFIG);
  const usPerOrder = ((off.secs - bare.secs) / off.orders) * 1e6;
  opts.log(`backtest.bars_per_s: the same bars with no order sent ${Math.round(bare.rate)} bars/s; each order adds ${usPerOrder.toFixed(1)} µs`);
  const dir = mkdtempSync(join(tmpdir(), 'tradedesk-bench-backtest-'));
  let on;
  try {
    on = await ourRate(bars.slice(0, opts.quick ? 2_000 : 50_000), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  opts.log(`backtest.bars_per_s: journal on ${Math.round(on.rate)} bars/s (${Math.round(on.cpuRate)} per CPU-second; first ${opts.quick ? '2,000' : '50,000'} bars)`);
  // the strategies a trader runs: every default signal strategy, their features and regimes, the ensemble's vote and learning
  const ens = await ourRate(bars.slice(0, opts.quick ? 2_000 : 100_000), undefined, ENSEMBLE_CONFIG);
  opts.log(`backtest.bars_per_s: the ensemble of signal strategies ${Math.round(ens.rate)} bars/s (first ${opts.quick ? '2,000' : '100,000'} bars; ${ens.orders} orders)`);
  const peer = grademarkRate(bars);
  opts.log(`backtest.bars_per_s: grademark ${Math.round(peer)} bars/s`);
  const name = 'grademark 0.3 (npm): same bars, SMA crossover + buy-and-hold, one symbol at a time';
  return [
    { name: 'backtest.bars_per_s', value: off.rate, unit: 'bars/s', peer: name, peer_value: peer, ratio: off.rate / peer, detail: { bars_per_cpu_s: off.cpuRate, orders: off.orders, bars_per_s_no_orders: bare.rate, us_per_order: usPerOrder, ensemble_bars_per_s: ens.rate } },
    { name: 'backtest.bars_per_s_journal', value: on.rate, unit: 'bars/s', peer: name, peer_value: peer, ratio: on.rate / peer, detail: { bars_per_cpu_s: on.cpuRate } },
  ];
}
