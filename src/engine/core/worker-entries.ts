// Where each worker thread starts. From source (CLI, tests) every worker runs
// through the one tsx entry, tsx-worker.js, given its TypeScript file. A
// bundled host points each name at its built entry instead: the Electron main
// build emits out/main/<name>-worker.js and src/main sets it here at start
// (out/cli likewise, src/cli/bundled.ts), so CPU-heavy work (analytics, Monte
// Carlo; backtests where their runner asks for the 'backtest' entry) and the
// keychain's blocking calls (credentials) leave the thread that also drives
// the window.
export type WorkerName = 'analytics' | 'backtest' | 'credentials';

/** A worker's entry file and the arguments it takes (the TypeScript worker's URL for the tsx entry). */
export interface WorkerStart {
  url: URL;
  argv: string[];
}

const TSX_WORKER = new URL('./tsx-worker.js', import.meta.url);
const entries = new Map<WorkerName, URL>();

export function setWorkerEntry(name: WorkerName, url: URL): void {
  entries.set(name, url);
}

/** Forgets the built entries (every worker starts from source again): a host that set them, ended (tests). */
export function clearWorkerEntries(): void {
  entries.clear();
}

/** The built entry a host set for `name`; else the tsx entry running `source`, the worker's TypeScript file. */
export function workerStart(name: WorkerName, source: URL): WorkerStart {
  const built = entries.get(name);
  return built ? { url: built, argv: [] } : { url: TSX_WORKER, argv: [source.href] };
}
