// Event-loop lag of the process the engine runs in (perf_hooks'
// monitorEventLoopDelay): in the desktop app that is Electron's main process,
// which also drives the window, so a long synchronous task shows up here
// before the UI stutters. Reported per completed window (default 10 s) plus
// the worst seen since start, in milliseconds.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopLagReport {
  /** Length of the window the percentiles describe (ms); 0 before the first window completes. */
  windowMs: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Worst lag since the monitor started (ms). */
  worstMs: number;
}

const NS_PER_MS = 1e6;

export class LoopLagMonitor {
  private histogram: IntervalHistogram | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private last: LoopLagReport | null = null;
  private worstNs = 0;
  private windowStart = 0;

  constructor(
    private readonly windowMs = 10_000,
    private readonly resolutionMs = 20,
  ) {}

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.windowStart = Date.now();
    this.timer = setInterval(() => this.roll(), this.windowMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = null;
  }

  get running(): boolean {
    return this.histogram !== null;
  }

  /** The last completed window, or the current one before any completed; null when stopped. */
  report(): LoopLagReport | null {
    if (!this.histogram) return null;
    return this.last ?? this.read(Date.now() - this.windowStart);
  }

  private read(windowMs: number): LoopLagReport {
    const h = this.histogram!;
    // an empty histogram reports min/max as sentinels and mean as NaN; each
    // sample is the time between two timer ticks, so the lag is what exceeds the resolution
    const n = h.count ?? 0;
    const ms = (ns: number) => (n > 0 && Number.isFinite(ns) ? Math.max(0, Math.round((ns / NS_PER_MS - this.resolutionMs) * 100) / 100) : 0);
    this.worstNs = Math.max(this.worstNs, n > 0 ? h.max : 0);
    return { windowMs, meanMs: ms(h.mean), p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), worstMs: ms(this.worstNs) };
  }

  private roll(): void {
    if (!this.histogram) return;
    this.last = this.read(Date.now() - this.windowStart);
    this.histogram.reset();
    this.windowStart = Date.now();
  }
}
