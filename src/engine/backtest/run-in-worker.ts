// Runs a backtest on a node:worker_threads worker (one per run), so a long run
// never blocks the host: progress arrives as messages, and aborting the signal
// terminates the worker at once. Bars travel as transferred typed arrays.
import { workerEntry } from '../core/worker-entries.js';
import type { Bar } from '../../shared/domain.js';
import { runWorkerJob } from '../core/worker-job.js';
import type { BacktestConfig } from './backtest-config.js';
import type { BacktestResult } from './backtest-result.js';
import type { BacktestJob, BacktestProgress, BacktestWorkerMessage } from './worker-messages.js';
import { toColumns, transferList } from './bar-columns.js';
import { BacktestError, type BacktestErrorCode } from './errors.js';

export const BACKTEST_WORKER_URL = new URL('./worker-shim.js', import.meta.url);

export interface WorkerHooks {
  onProgress?: (p: BacktestProgress) => void;
  /** Aborting terminates the worker; the promise rejects with BacktestError CANCELED. */
  signal?: AbortSignal;
  /** Groups of bars between progress messages. */
  every?: number;
}

const CODES: ReadonlySet<string> = new Set<BacktestErrorCode>(['BAD_INPUT', 'NO_BARS', 'STRATEGY_FAILED', 'CANCELED']);

export function runBacktestInWorker(bars: readonly Bar[], config: BacktestConfig, seed: number, hooks: WorkerHooks = {}): Promise<BacktestResult> {
  let done = 0;
  const columns = hooks.signal?.aborted ? toColumns([]) : toColumns(bars);
  const job: BacktestJob = { columns, config, seed, every: hooks.every };
  return runWorkerJob<BacktestResult, BacktestWorkerMessage>(workerEntry('backtest', BACKTEST_WORKER_URL), {
    name: 'backtest worker',
    workerData: job,
    transferList: transferList(columns),
    signal: hooks.signal,
    abortError: () => new BacktestError('CANCELED', done ? `backtest canceled after ${done} of ${bars.length} bars` : 'backtest canceled before it started'),
    onMessage: (m, settle) => {
      if (m.type === 'progress') {
        done = m.done;
        hooks.onProgress?.({ done: m.done, total: m.total });
      } else if (m.type === 'result') settle.resolve(m.result);
      else if (m.code && CODES.has(m.code)) settle.reject(new BacktestError(m.code as BacktestErrorCode, m.message));
      else {
        const err = new Error(`backtest worker: ${m.name}: ${m.message}`);
        if (m.stack) err.stack = m.stack;
        settle.reject(err);
      }
    },
  });
}
