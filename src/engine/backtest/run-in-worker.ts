// Runs a backtest on a node:worker_threads worker (one per run), so a long run
// (or walk-forward analysis) never blocks the host: progress arrives as messages, and aborting the signal
// terminates the worker at once. Bars travel as transferred typed arrays.
import { workerStart } from '../core/worker-entries.js';
import type { Bar } from '../../shared/domain.js';
import { runWorkerJob } from '../core/worker-job.js';
import type { BacktestConfig } from './backtest-config.js';
import type { BacktestResult } from './backtest-result.js';
import type { BacktestJob, BacktestProgress, BacktestWorkerMessage } from './worker-messages.js';
import type { WalkForwardResult, WalkForwardSpec } from './walk-forward-types.js';
import { BarBatch, transferList } from '../data/bar-columns.js';
import { BacktestError, type BacktestErrorCode } from './errors.js';

/** The worker's TypeScript source (run through the tsx entry when no build is set). */
export const BACKTEST_WORKER_URL = new URL('./backtest-worker.ts', import.meta.url);

export interface WorkerHooks {
  onProgress?: (p: BacktestProgress) => void;
  /** Aborting terminates the worker; the promise rejects with BacktestError CANCELED. */
  signal?: AbortSignal;
  /** Groups of bars between progress messages. */
  every?: number;
}

const CODES: ReadonlySet<string> = new Set<BacktestErrorCode>(['BAD_INPUT', 'NO_BARS', 'STRATEGY_FAILED', 'CANCELED']);

export function runBacktestInWorker(bars: readonly Bar[], config: BacktestConfig, seed: number, hooks: WorkerHooks = {}): Promise<BacktestResult> {
  return runJob<BacktestResult>(bars, { config, seed, every: hooks.every }, hooks, 'result', (done) => `backtest canceled after ${done} of ${bars.length} bars`);
}

/** A walk-forward analysis on a worker thread; progress counts backtest runs (the grid on each training window, then its test). */
export function runWalkForwardInWorker(bars: readonly Bar[], config: BacktestConfig, seed: number, spec: WalkForwardSpec, hooks: Omit<WorkerHooks, 'every'> = {}): Promise<WalkForwardResult> {
  return runJob<WalkForwardResult>(bars, { config, seed, walkForward: spec }, hooks, 'walkForward', (done, total) => `walk-forward canceled after ${done} of ${total} backtest runs`);
}

function runJob<R>(bars: readonly Bar[], job: Omit<BacktestJob, 'columns'>, hooks: WorkerHooks, resultType: 'result' | 'walkForward', canceled: (done: number, total: number) => string): Promise<R> {
  let done = 0;
  let total = 0;
  const columns = BarBatch.fromBars(hooks.signal?.aborted ? [] : bars).columns();
  return runWorkerJob<R, BacktestWorkerMessage>(workerStart('backtest', BACKTEST_WORKER_URL), {
    name: 'backtest worker',
    workerData: { ...job, columns } satisfies BacktestJob,
    transferList: transferList(columns),
    signal: hooks.signal,
    abortError: () => new BacktestError('CANCELED', done ? canceled(done, total) : 'backtest canceled before it started'),
    onMessage: (m, settle) => {
      if (m.type === 'progress') {
        done = m.done;
        total = m.total;
        hooks.onProgress?.({ done: m.done, total: m.total });
      } else if (m.type === resultType && 'result' in m) settle.resolve(m.result as R);
      else if (m.type === 'error' && m.code && CODES.has(m.code)) settle.reject(new BacktestError(m.code as BacktestErrorCode, m.message));
      else if (m.type === 'error') {
        const err = new Error(`backtest worker: ${m.name}: ${m.message}`);
        if (m.stack) err.stack = m.stack;
        settle.reject(err);
      } else settle.reject(new Error(`backtest worker: unexpected '${m.type}' message`));
    },
  });
}
