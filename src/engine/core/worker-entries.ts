// Where each worker thread's entry file is. By default a runner uses the tsx
// shim next to it (the sources run directly under Node: CLI, tests). A bundled
// host points each name at its built entry instead: the Electron main build
// emits out/main/<name>-worker.js and src/main sets it here at start, so
// CPU-heavy work (analytics, Monte Carlo; backtests where their runner asks
// for the 'backtest' entry) and the keychain's blocking calls (credentials)
// leave the thread that also drives the window.
export type WorkerName = 'analytics' | 'backtest' | 'credentials';

const entries = new Map<WorkerName, URL>();

export function setWorkerEntry(name: WorkerName, url: URL): void {
  entries.set(name, url);
}

/** The entry a host set for `name`, else the runner's own default. */
export function workerEntry(name: WorkerName, fallback: URL): URL {
  return entries.get(name) ?? fallback;
}
