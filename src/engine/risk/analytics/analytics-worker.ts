// Worker-thread entry for the portfolio analytics: reads the input from
// workerData, runs computeAnalytics and posts {ok, result} or {ok:false, error}.
import { parentPort, workerData } from 'node:worker_threads';
import { AnalyticsInputError } from './errors.js';
import { computeAnalytics, type AnalyticsInput } from './portfolio-analytics.js';

/** Message the worker posts back exactly once. */
export type WorkerReply =
  | { ok: true; result: ReturnType<typeof computeAnalytics> }
  | { ok: false; error: { name: string; message: string; field?: string; row?: number; stack?: string } };

if (parentPort === null) throw new Error('analytics-worker.ts must be started as a worker thread (see run-in-worker.ts)');

let reply: WorkerReply;
try {
  reply = { ok: true, result: computeAnalytics(workerData as AnalyticsInput) };
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  reply = {
    ok: false,
    error: {
      name: err.name,
      message: err.message,
      stack: err.stack,
      ...(err instanceof AnalyticsInputError ? { field: err.field, row: err.row } : {}),
    },
  };
}
parentPort.postMessage(reply);
