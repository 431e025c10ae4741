// Worker-thread entry for a backtest: rebuilds the bars from their columns,
// runs runBacktest, posts progress messages and then exactly one result or error.
import { parentPort, workerData } from 'node:worker_threads';
import type { BacktestConfig } from './backtest-config.js';
import type { BacktestResult } from './backtest-result.js';
import { fromColumns, type BarColumns } from './bar-columns.js';
import { runBacktest, type BacktestProgress } from './run-backtest.js';

export interface BacktestJob {
  columns: BarColumns;
  config: BacktestConfig;
  seed: number;
  every?: number;
}

export type BacktestWorkerMessage =
  | ({ type: 'progress' } & BacktestProgress)
  | { type: 'result'; result: BacktestResult }
  | { type: 'error'; name: string; code?: string; message: string; stack?: string };

if (parentPort === null) throw new Error('backtest-worker.ts must be started as a worker thread (see run-in-worker.ts)');
const port = parentPort;
const job = workerData as BacktestJob;
const post = (m: BacktestWorkerMessage): void => port.postMessage(m);

try {
  const result = await runBacktest(fromColumns(job.columns), job.config, job.seed, { every: job.every, onProgress: (p) => post({ type: 'progress', ...p }) });
  post({ type: 'result', result });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', name: err.name, code: (err as { code?: string }).code, message: err.message, stack: err.stack });
}
