// Plain-JS entry of every worker thread while the sources run directly (CLI
// from source, tests): registers tsx's ESM loader in this thread (workers do
// not inherit the parent's loader hooks), then loads the TypeScript worker
// whose URL worker-entries.ts passes as the thread's first argument. A build
// (Electron main, out/cli) starts its built worker entries instead.
import { register } from 'tsx/esm/api';

register();
const entry = process.argv[2];
if (!entry?.endsWith('.ts')) throw new Error(`tsx-worker.js: start it through workerStart() with the worker's TypeScript file as its argument, got ${entry ?? 'none'}`);
await import(entry);
