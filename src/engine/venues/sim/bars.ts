// 1-minute OHLCV bars per instrument, built from step prices and trade prints
// (in integer ticks/lots), plus the capped store of completed bars behind getBars.
import type { Bar } from '../../../shared/domain.js';

export const MINUTE_MS = 60_000;

/** A bar in progress, in integer ticks (prices) and lots (volume). */
export interface BarInProgress {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export class BarBuilder {
  /** Open time of the bar in progress per instrument; NaN when none. */
  private readonly start: Float64Array;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly l: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  private readonly store: Bar[][];
  private open = 0;
  /** Called with every bar as it completes (the stored object: do not mutate). */
  onComplete: ((bar: Bar) => void) | null = null;

  constructor(
    private readonly symbols: readonly string[],
    private readonly tickDen: Float64Array,
    private readonly lotDen: Float64Array,
    /** Completed bars kept per instrument. */
    private readonly cap: number,
  ) {
    const n = symbols.length;
    this.start = new Float64Array(n).fill(NaN);
    this.o = new Float64Array(n);
    this.h = new Float64Array(n);
    this.l = new Float64Array(n);
    this.c = new Float64Array(n);
    this.v = new Float64Array(n);
    this.store = symbols.map(() => []);
  }

  /** Records a price (in ticks) seen during the minute opening at `minuteStart`. */
  price(i: number, minuteStart: number, ticks: number): void {
    if (this.start[i] !== minuteStart) {
      if (this.start[i] === this.start[i]) this.complete(i, null); // stale bar (not NaN): close it first
      this.start[i] = minuteStart;
      this.o[i] = ticks;
      this.h[i] = ticks;
      this.l[i] = ticks;
      this.c[i] = ticks;
      this.v[i] = 0;
      this.open++;
      return;
    }
    if (ticks > this.h[i]!) this.h[i] = ticks;
    if (ticks < this.l[i]!) this.l[i] = ticks;
    this.c[i] = ticks;
  }

  /** Adds traded lots to the bar in progress. */
  volume(i: number, lots: number): void {
    this.v[i] = this.v[i]! + lots;
  }

  /** Completes every bar that opened before `minuteStart`, passing each to `emit`. */
  flushBefore(minuteStart: number, emit: ((bar: Bar) => void) | null): void {
    if (this.open === 0) return;
    for (let i = 0; i < this.symbols.length; i++) {
      const s = this.start[i]!;
      if (s === s && s < minuteStart) this.complete(i, emit);
    }
  }

  /** Most recent completed bars of instrument `i`, oldest first (copies). */
  recent(i: number, limit: number): Bar[] {
    const all = this.store[i];
    if (!all || !(limit > 0)) return [];
    const from = Math.max(0, all.length - Math.min(Math.floor(limit), this.cap));
    return all.slice(from).map((b) => ({ ...b }));
  }

  /** Replaces the completed bars of instrument `i` (oldest first; e.g. read back from a state file). */
  load(i: number, bars: readonly Bar[]): void {
    const list = bars.slice(Math.max(0, bars.length - this.cap)).map((b) => ({ ...b }));
    this.store[i] = list;
  }

  /** Time of the oldest completed bar kept for instrument `i`, if any. */
  oldestTs(i: number): number | undefined {
    return this.store[i]?.[0]?.ts;
  }

  /** The bar in progress of instrument `i`, or null. */
  inProgress(i: number): BarInProgress | null {
    const ts = this.start[i]!;
    if (ts !== ts) return null;
    return { ts, open: this.o[i]!, high: this.h[i]!, low: this.l[i]!, close: this.c[i]!, volume: this.v[i]! };
  }

  /** Restores the bar in progress of instrument `i` (from inProgress). */
  restoreInProgress(i: number, bar: BarInProgress): void {
    if (this.start[i] !== this.start[i]) this.open++;
    this.start[i] = bar.ts;
    this.o[i] = bar.open;
    this.h[i] = bar.high;
    this.l[i] = bar.low;
    this.c[i] = bar.close;
    this.v[i] = bar.volume;
  }

  private complete(i: number, emit: ((bar: Bar) => void) | null): void {
    const den = this.tickDen[i]!;
    const bar: Bar = {
      symbol: this.symbols[i]!,
      ts: this.start[i]!,
      open: this.o[i]! / den,
      high: this.h[i]! / den,
      low: this.l[i]! / den,
      close: this.c[i]! / den,
      volume: this.v[i]! / this.lotDen[i]!,
    };
    this.start[i] = NaN;
    this.open--;
    const list = this.store[i]!;
    list.push(bar);
    if (list.length > this.cap + 512) list.splice(0, list.length - this.cap);
    if (this.onComplete) this.onComplete(bar);
    if (emit) emit({ ...bar });
  }
}
