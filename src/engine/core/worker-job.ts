// One job on a short-lived node:worker_threads worker: settles exactly once —
// when a message handler says so, on a worker error or early exit, or when the
// signal aborts (which terminates the worker at once) — and always terminates it.
import { Worker } from 'node:worker_threads';
import type { WorkerStart } from './worker-entries.js';

export interface WorkerJobOptions<T, M> {
  workerData: unknown;
  transferList?: ArrayBuffer[];
  signal?: AbortSignal;
  /** The rejection reason when the signal aborts. */
  abortError: () => unknown;
  /** Every message from the worker; call `done` to settle the job. */
  onMessage: (message: M, done: { resolve(value: T): void; reject(error: unknown): void }) => void;
  /** Named in the error when the worker exits without settling. */
  name: string;
}

export function runWorkerJob<T, M>(start: WorkerStart, o: WorkerJobOptions<T, M>): Promise<T> {
  const { signal } = o;
  if (signal?.aborted) return Promise.reject(o.abortError());
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(start.url, { argv: start.argv, workerData: o.workerData, transferList: o.transferList });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(o.abortError()));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = { resolve: (v: T) => finish(() => resolve(v)), reject: (e: unknown) => finish(() => reject(e)) };
    worker.on('message', (m: M) => {
      if (!settled) o.onMessage(m, done);
    });
    worker.once('error', (e: Error) => done.reject(e));
    worker.once('exit', (code) => done.reject(new Error(`${o.name} exited with code ${code} before replying`)));
  });
}
