// The shapes of a walk-forward analysis (its spec and per-window results), in
// their own file so the worker's messages can name them without importing the
// engine (walk-forward.ts re-exports them).
import type { BacktestSummary } from './backtest-result.js';

export interface WalkForwardSpec {
  /** Bar times in each training window. */
  train: number;
  /** Bar times in each test window (and the step between windows). */
  test: number;
}

export interface MaParams {
  fast: number;
  slow: number;
}

export interface WalkForwardWindow {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
  params: MaParams;
  /** Per-bar Sharpe of the chosen periods on the training window. */
  trainSharpe: number;
  /** Out of sample: per-bar Sharpe and the backtest summary of the test window. */
  testSharpe: number;
  test: BacktestSummary;
}

export interface WalkForwardResult {
  train: number;
  test: number;
  windows: WalkForwardWindow[];
  /** Compounded out-of-sample return over all test windows. */
  oosReturn: number;
  /** The benchmark's returns over the same test windows, compounded (each window's buy and hold, bought at its first close). */
  oosBenchmarkReturn: number;
}
