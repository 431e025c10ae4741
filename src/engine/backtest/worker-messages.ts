// What a backtest worker is given and what it sends back (progress, one result
// or error): shared by the worker entry and its runner without either importing
// the other, or the engine.
import type { BacktestConfig } from './backtest-config.js';
import type { BacktestResult } from './backtest-result.js';
import type { BarBatchColumns } from '../data/bar-columns.js';
import type { WalkForwardResult, WalkForwardSpec } from './walk-forward-types.js';

export interface BacktestProgress {
  done: number;
  total: number;
}

export interface BacktestJob {
  columns: BarBatchColumns;
  config: BacktestConfig;
  seed: number;
  every?: number;
  /** Run a walk-forward analysis instead of one backtest (progress then counts backtest runs). */
  walkForward?: WalkForwardSpec;
}

export type BacktestWorkerMessage =
  | ({ type: 'progress' } & BacktestProgress)
  | { type: 'result'; result: BacktestResult }
  | { type: 'walkForward'; result: WalkForwardResult }
  | { type: 'error'; name: string; code?: string; message: string; stack?: string };
