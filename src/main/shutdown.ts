// Graceful shutdown of the desktop host, the same for every trigger (quit,
// SIGTERM/SIGINT, the system shutting down, a Windows session ending): the
// steps run once, in order (release the hotkeys, close the IPC bridge, save the
// window state, stop the engine: feeds stopped, venue disconnected, the journal
// committed and closed), each failure logged without skipping the rest, all
// bounded by a deadline so a hung venue cannot keep the app from exiting.
import type { Log } from './security.js';

export interface ShutdownStep {
  name: string;
  run: () => unknown;
}

export interface Shutdown {
  /** Runs the steps once; later calls return the same promise. */
  (trigger: string): Promise<void>;
  readonly started: boolean;
  readonly finished: boolean;
}

export const SHUTDOWN_DEADLINE_MS = 15_000;

export function createShutdown(steps: () => ShutdownStep[], log: Log, deadlineMs = SHUTDOWN_DEADLINE_MS): Shutdown {
  let running: Promise<void> | null = null;
  let finished = false;
  const run = async (trigger: string): Promise<void> => {
    log(`shutting down (${trigger})`);
    const t0 = Date.now();
    for (const step of steps()) {
      try {
        await step.run();
      } catch (e) {
        log(`shutdown: ${step.name} failed: ${(e as Error).message}`);
      }
    }
    log(`shut down in ${Date.now() - t0} ms`);
  };
  const shutdown = ((trigger: string) => {
    if (!running) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log(`shutdown: still running after ${deadlineMs} ms; exiting anyway`);
          resolve();
        }, deadlineMs);
      });
      running = Promise.race([run(trigger), deadline]).finally(() => {
        clearTimeout(timer);
        finished = true;
      });
    }
    return running;
  }) as Shutdown;
  Object.defineProperty(shutdown, 'started', { get: () => running !== null });
  Object.defineProperty(shutdown, 'finished', { get: () => finished });
  return shutdown;
}
