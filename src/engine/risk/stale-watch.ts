// The stale-data watch of a broker venue. The risk monitor checks the held
// instruments' quotes for staleness when a quote arrives, so a feed that goes
// silent altogether (a stalled stream that never reports a disconnect) would
// never be checked. On a broker venue the engine's clock follows the wall
// clock, and this watch runs the checks once a second of it: the risk
// monitor's (the instrument goes REDUCING) and the data-quality monitor's (a
// 'stale' alert and the report's flag). Not on the simulator or a backtest,
// whose data never stalls and whose simulated seconds would only cost time.
import type { Clock, TimerHandle } from '../core/clock.js';

export class StaleDataWatch {
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly check: (now: number) => void,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(this.clock.now() + this.intervalMs, () => {
      if (!this.running) return;
      this.check(this.clock.now());
      this.schedule();
    });
  }
}
