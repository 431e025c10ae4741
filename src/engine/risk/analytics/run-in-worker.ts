// Runs computeAnalytics off the main thread on a node:worker_threads worker
// (one short-lived worker per call). The worker loads the TypeScript sources
// through tsx (core/tsx-worker.js), so no build step is needed.
import { runWorkerJob } from '../../core/worker-job.js';
import { workerStart } from '../../core/worker-entries.js';
import type { WorkerReply } from './analytics-worker.js';
import { AnalyticsInputError } from './errors.js';
import type { AnalyticsInput, AnalyticsResult } from './portfolio-analytics.js';

/** The worker's TypeScript source (run through the tsx entry when no build is set). */
export const ANALYTICS_WORKER_URL = new URL('./analytics-worker.ts', import.meta.url);

export interface RunInWorkerOptions {
  /** Aborting terminates the worker and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * computeAnalytics(input) on a worker thread. Resolves with the same result
 * the synchronous call returns; rejects with AnalyticsInputError for bad input
 * (same message, field and row) and Error for anything else (worker crash,
 * non-zero exit, abort). The input is copied to the worker (structured clone).
 */
export function runAnalyticsInWorker(input: AnalyticsInput, options: RunInWorkerOptions = {}): Promise<AnalyticsResult> {
  const { signal } = options;
  return runWorkerJob<AnalyticsResult, WorkerReply>(workerStart('analytics', ANALYTICS_WORKER_URL), {
    name: 'analytics worker',
    workerData: input,
    signal,
    abortError: () => signal?.reason ?? new Error('aborted'),
    onMessage: (reply, done) => {
      if (reply.ok) return done.resolve(reply.result);
      const { name, message, field, row, stack } = reply.error;
      const err = name === 'AnalyticsInputError' ? new AnalyticsInputError(message, field, row) : new Error(`analytics worker: ${name}: ${message}`);
      if (stack !== undefined && name !== 'AnalyticsInputError') err.stack = stack;
      done.reject(err);
    },
  });
}
