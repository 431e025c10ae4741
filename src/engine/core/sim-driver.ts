// Drives a SimulatedClock from real time: simulated time runs `speed` times
// faster than the wall clock (1 = real time, Infinity = as fast as possible).
// Work is done in bounded slices so the host's event loop (IPC, WebSocket)
// stays responsive even at maximum speed.
import type { SimulatedClock } from './clock.js';

const SLICE_MS = 20;
const MAX_TIMERS_PER_SLICE = 5_000;
/** Wall time one slice may take: the host's I/O (HTTP, WebSocket, IPC) is served between slices. */
const SLICE_BUDGET_MS = 40;
/** Timers fired between two looks at the wall clock. */
const CHUNK = 25;

export class SimDriver {
  private running = false;
  private handle: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private realAnchor = 0;
  private simAnchor = 0;

  constructor(
    private readonly clock: SimulatedClock,
    private speed: number,
    /** Optional upper bound on simulated time (stops there). */
    private readonly until?: number,
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  }

  get isRunning(): boolean {
    return this.running;
  }

  get currentSpeed(): number {
    return this.speed;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.anchor();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.handle) {
      clearTimeout(this.handle as NodeJS.Timeout);
      clearImmediate(this.handle as NodeJS.Immediate);
    }
    this.handle = undefined;
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
    this.speed = speed;
    this.anchor();
  }

  /** Runs synchronously until simulated time `t` (backtests, benchmarks). */
  runUntil(t: number): number {
    return this.clock.advanceTo(t);
  }

  private anchor(): void {
    this.realAnchor = Date.now();
    this.simAnchor = this.clock.now();
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.speed === Infinity) this.handle = setImmediate(() => this.slice());
    else this.handle = setTimeout(() => this.slice(), SLICE_MS);
  }

  private slice(): void {
    if (!this.running) return;
    let target: number;
    const t0 = Date.now();
    if (this.speed === Infinity) {
      // as fast as possible, but a slice ends after its wall-time budget
      let budget = MAX_TIMERS_PER_SLICE;
      let next = this.clock.nextTimerAt();
      while (next !== undefined && budget > 0 && (this.until === undefined || next <= this.until) && Date.now() - t0 < SLICE_BUDGET_MS) {
        budget -= this.clock.advanceTo(next, Math.min(CHUNK, budget));
        next = this.clock.nextTimerAt();
      }
      if (next === undefined) this.clock.advanceTo(this.until !== undefined ? Math.min(this.until, this.clock.now() + 60_000) : this.clock.now() + 60_000);
    } else {
      target = this.simAnchor + (Date.now() - this.realAnchor) * this.speed;
      if (this.until !== undefined) target = Math.min(target, this.until);
      let fired = 0;
      let done = false;
      while (!done && fired < MAX_TIMERS_PER_SLICE && Date.now() - t0 < SLICE_BUDGET_MS) {
        const n = this.clock.advanceTo(target, CHUNK);
        fired += n;
        done = n < CHUNK;
      }
      // falling behind (the work of a slice took longer than its share of real time): re-anchor instead of building an ever-growing backlog
      if (!done) this.anchor();
    }
    if (this.until !== undefined && this.clock.now() >= this.until) {
      this.running = false;
      return;
    }
    this.schedule();
  }
}
