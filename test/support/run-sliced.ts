// Runs an engine's simulated clock forward in slices (one hour unless told), yielding to the
// event loop between them, so a long simulated run never blocks a test worker
// long enough for the test runner's own messages to time out.
import type { Engine } from '../../src/engine/engine.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const HOUR = 3_600_000;

export async function runSliced(e: Engine, until: number, slice = HOUR): Promise<void> {
  while (e.now() < until) {
    e.runUntil(Math.min(until, e.now() + slice));
    await nextTurn();
  }
}
