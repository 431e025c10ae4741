// Drives a SimulatedClock from real time: simulated time runs `speed` times
// faster than the wall clock (1 = real time, Infinity = as fast as possible).
// Work is done in bounded slices so the host's event loop (IPC, WebSocket)
// stays responsive even at maximum speed.
import type { SimulatedClock } from './clock.js';

const SLICE_MS = 20;
const MAX_TIMERS_PER_SLICE = 5_000;

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
    if (this.speed === Infinity) {
      target = this.clock.nextTimerAt() ?? this.clock.now() + 60_000;
      // fire everything up to a bounded horizon in one slice
      const fired = this.clock.advanceTo(target, MAX_TIMERS_PER_SLICE);
      if (fired < MAX_TIMERS_PER_SLICE) {
        let next = this.clock.nextTimerAt();
        let budget = MAX_TIMERS_PER_SLICE - fired;
        while (next !== undefined && budget > 0 && (this.until === undefined || next <= this.until)) {
          budget -= this.clock.advanceTo(next, budget);
          next = this.clock.nextTimerAt();
        }
      }
    } else {
      target = this.simAnchor + (Date.now() - this.realAnchor) * this.speed;
      if (this.until !== undefined) target = Math.min(target, this.until);
      const fired = this.clock.advanceTo(target, MAX_TIMERS_PER_SLICE);
      // falling behind: re-anchor instead of building an ever-growing backlog
      if (fired >= MAX_TIMERS_PER_SLICE) this.anchor();
    }
    if (this.until !== undefined && this.clock.now() >= this.until) {
      this.running = false;
      return;
    }
    this.schedule();
  }
}
