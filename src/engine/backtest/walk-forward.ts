// Walk-forward analysis: the bars' timestamps are cut into rolling windows of
// `train` then `test` bar times (stepping by `test`). On each training window
// the moving-average periods are refitted by a grid search that keeps the best
// Sharpe ratio of per-bar equity returns; the chosen periods then run out of
// sample on the test window that follows (warmed up on the training bars), and
// its results are reported per window. Every run is a full runBacktest;
// progress counts those runs. run-in-worker.ts runs it on a worker thread.
import type { Bar } from '../../shared/domain.js';
import { calendarsOf, type BacktestConfig } from './backtest-config.js';
import type { MaParams, WalkForwardResult, WalkForwardSpec, WalkForwardWindow } from './walk-forward-types.js';
import { BacktestError } from './errors.js';
import { barInterval, prepareBars, runBacktest, type BacktestHooks } from './run-backtest.js';

export type { MaParams, WalkForwardResult, WalkForwardSpec, WalkForwardWindow } from './walk-forward-types.js';

export const DEFAULT_GRID: readonly MaParams[] = [3, 5, 10, 20].flatMap((fast) => [10, 20, 50, 100].filter((slow) => slow > fast).map((slow) => ({ fast, slow })));

/** Parses `train=N,test=M`. */
export function parseWalkForward(text: string): WalkForwardSpec {
  const m = /^train=(\d+),test=(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 2 || Number(m[2]) < 1) throw new BacktestError('BAD_INPUT', `--walk-forward must be train=N,test=M with N >= 2 and M >= 1 bars, got '${text}'`);
  return { train: Number(m[1]), test: Number(m[2]) };
}

/** mean / sd of the per-sample returns of an equity series (not annualized); 0 when undefined. */
export function barSharpe(equity: ReadonlyArray<[number, number]>): number {
  const r: number[] = [];
  for (let i = 1; i < equity.length; i++) r.push(equity[i]![1] / equity[i - 1]![1] - 1);
  if (r.length < 2) return 0;
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1));
  return sd > 0 ? m / sd : 0;
}

function withMa(config: BacktestConfig, p: MaParams): BacktestConfig {
  const others = config.strategies.filter((s) => s.name !== 'ma_cross');
  const ma = config.strategies.find((s) => s.name === 'ma_cross');
  return { ...config, strategies: [...others, { name: 'ma_cross', params: { ...ma?.params, fast: p.fast, slow: p.slow } }] };
}

export async function runWalkForward(
  input: readonly Bar[],
  config: BacktestConfig,
  seed: number,
  spec: WalkForwardSpec,
  hooks: BacktestHooks & { grid?: readonly MaParams[] } = {},
): Promise<WalkForwardResult> {
  const bars = prepareBars(input, config.from, config.to);
  const times = [...new Set(bars.map((b) => b.ts))];
  const total = times.length >= spec.train + spec.test ? Math.floor((times.length - spec.train) / spec.test) : 0;
  if (total === 0) throw new BacktestError('BAD_INPUT', `walk-forward needs at least train + test = ${spec.train + spec.test} bar times, the data has ${times.length}`);
  const grid = hooks.grid ?? DEFAULT_GRID;
  // each symbol's calendar from all the bars, the same in every window (a window's own bars could infer another)
  const calendars = calendarsOf(bars, barInterval(bars), config.calendar);
  const instruments = Object.fromEntries([...calendars].map(([symbol, calendar]) => [symbol, { calendar, ...config.instruments?.[symbol] }]));
  const base: BacktestConfig = { ...config, from: undefined, to: undefined, instruments };
  const windows: WalkForwardWindow[] = [];
  let oos = 1;
  let oosBenchmark = 1;
  // progress in backtest runs: the grid on each training window, then its test window
  const runs = total * (grid.length + 1);
  let done = 0;
  const ran = (): void => hooks.onProgress?.({ done: ++done, total: runs });
  for (let w = 0; w < total; w++) {
    const t0 = times[w * spec.test]!;
    const t1 = times[w * spec.test + spec.train]!;
    const t2 = times[w * spec.test + spec.train + spec.test - 1]!;
    const trainTo = times[w * spec.test + spec.train - 1]!;
    const train = bars.filter((b) => b.ts >= t0 && b.ts < t1);
    const test = bars.filter((b) => b.ts >= t1 && b.ts <= t2);
    let best: { p: MaParams; sharpe: number } | undefined;
    for (const p of grid) {
      const r = await runBacktest(train, withMa(base, p), seed, { signal: hooks.signal });
      ran();
      const sharpe = barSharpe(r.equity);
      if (!best || sharpe > best.sharpe) best = { p, sharpe };
    }
    const r = await runBacktest(test, { ...withMa(base, best!.p), warmup: train }, seed, { signal: hooks.signal });
    ran();
    oos *= 1 + r.summary.totalReturn;
    oosBenchmark *= 1 + r.summary.benchmarkReturn;
    windows.push({ index: w, trainFrom: t0, trainTo, testFrom: t1, testTo: t2, params: best!.p, trainSharpe: best!.sharpe, testSharpe: barSharpe(r.equity), test: r.summary });
  }
  return { train: spec.train, test: spec.test, windows, oosReturn: oos - 1, oosBenchmarkReturn: oosBenchmark - 1 };
}
