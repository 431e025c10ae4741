// Worker-thread entry for a backtest: rebuilds the bars from their columns,
// runs runBacktest (or a walk-forward analysis), posts progress messages and
// then exactly one result or error.
import { parentPort, workerData } from 'node:worker_threads';
import { BarBatch } from '../data/bar-columns.js';
import { runBacktest } from './run-backtest.js';
import type { BacktestJob, BacktestWorkerMessage } from './worker-messages.js';

export type { BacktestJob, BacktestWorkerMessage } from './worker-messages.js';

if (parentPort === null) throw new Error('backtest-worker.ts must be started as a worker thread (see run-in-worker.ts)');
const port = parentPort;
const job = workerData as BacktestJob;
const post = (m: BacktestWorkerMessage): void => port.postMessage(m);

try {
  const bars = BarBatch.fromColumns(job.columns).toBars();
  const onProgress = (p: { done: number; total: number }): void => post({ type: 'progress', ...p });
  if (job.walkForward) {
    const { runWalkForward } = await import('./walk-forward.js');
    post({ type: 'walkForward', result: await runWalkForward(bars, job.config, job.seed, job.walkForward, { onProgress }) });
  } else {
    post({ type: 'result', result: await runBacktest(bars, job.config, job.seed, { every: job.every, onProgress }) });
  }
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', name: err.name, code: (err as { code?: string }).code, message: err.message, stack: err.stack });
}
