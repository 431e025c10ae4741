// Plain-JS entry for the credentials worker thread: registers tsx's ESM loader
// in this thread (workers do not inherit the parent's loader hooks), then loads
// the TypeScript worker, so it runs from source without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./credentials-worker.ts');
