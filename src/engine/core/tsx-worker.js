// Plain-JS entry of every worker thread while the sources run directly (CLI
// from source, tests): registers tsx's ESM loader in this thread (workers do
// not inherit the parent's loader hooks), then loads the TypeScript worker
// whose URL worker-entries.ts passes as the thread's last argument. A build
// (Electron main, out/cli) starts its built worker entries instead.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
