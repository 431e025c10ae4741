// Simple returns close_t / close_{t-k} - 1 over several bar lags from one ring
// of closes, and intraday returns over clock windows (close now over the close
// of the latest bar of the same session opening at least w earlier).
import { sessionOf } from './session.js';

export class LagReturns {
  private readonly closes: Float64Array;
  private head = 0; // where the next close goes
  private count = 0;
  /** values[i] is the return over lags[i] bars (NaN until enough closes). */
  readonly values: Float64Array;

  constructor(readonly lags: readonly number[]) {
    for (const k of lags) if (!Number.isInteger(k) || k < 1) throw new RangeError(`return lag must be a positive integer, got ${k}`);
    this.closes = new Float64Array(Math.max(...lags) + 1);
    this.values = new Float64Array(lags.length).fill(NaN);
  }

  update(close: number): void {
    const buf = this.closes;
    const cap = buf.length;
    buf[this.head] = close;
    const now = this.head;
    this.head = now + 1 === cap ? 0 : now + 1;
    if (this.count < cap) this.count++;
    for (let i = 0; i < this.lags.length; i++) {
      const k = this.lags[i]!;
      if (k >= this.count) continue;
      const j = now - k;
      this.values[i] = close / buf[j < 0 ? j + cap : j]! - 1;
    }
  }
}

/**
 * Returns over clock windows within a session. Keeps the session's bars of the
 * last max(window) in a deque on Float64Arrays that grows only when a denser
 * bar series needs more room (amortized O(1), no allocation per update).
 */
export class IntradayReturns {
  private ts = new Float64Array(64);
  private cl = new Float64Array(64);
  private head = 0;
  private tail = 0;
  private session = NaN;
  /** Per window: index of the latest kept bar opening at least the window before the current one. */
  private readonly ptr: Int32Array;
  private readonly maxWindow: number;
  readonly values: Float64Array;

  constructor(readonly windowsMs: readonly number[]) {
    for (const w of windowsMs) if (!(w > 0)) throw new RangeError(`intraday return window must be positive, got ${w}`);
    this.maxWindow = Math.max(...windowsMs);
    this.ptr = new Int32Array(windowsMs.length).fill(-1);
    this.values = new Float64Array(windowsMs.length).fill(NaN);
  }

  update(ts: number, close: number): void {
    const s = sessionOf(ts);
    if (s !== this.session) {
      this.session = s;
      this.head = this.tail = 0;
      this.ptr.fill(-1);
    }
    this.append(ts, close);
    let keepFrom = this.tail - 1;
    for (let i = 0; i < this.windowsMs.length; i++) {
      const cutoff = ts - this.windowsMs[i]!;
      let p = this.ptr[i]! < this.head ? this.head - 1 : this.ptr[i]!;
      while (p + 1 < this.tail && this.ts[p + 1]! <= cutoff) p++;
      this.ptr[i] = p;
      this.values[i] = p >= this.head ? close / this.cl[p]! - 1 : NaN;
      if (p >= this.head && p < keepFrom) keepFrom = p;
    }
    // bars before every window's reference bar are not needed again
    if (keepFrom > this.head && ts - this.ts[keepFrom]! >= this.maxWindow) this.head = keepFrom;
  }

  private append(ts: number, close: number): void {
    if (this.tail === this.ts.length) {
      const live = this.tail - this.head;
      if (live * 2 > this.ts.length) {
        const ts2 = new Float64Array(this.ts.length * 2);
        const cl2 = new Float64Array(this.ts.length * 2);
        ts2.set(this.ts.subarray(this.head, this.tail));
        cl2.set(this.cl.subarray(this.head, this.tail));
        this.ts = ts2;
        this.cl = cl2;
      } else {
        this.ts.copyWithin(0, this.head, this.tail);
        this.cl.copyWithin(0, this.head, this.tail);
      }
      for (let i = 0; i < this.ptr.length; i++) this.ptr[i] = this.ptr[i]! - this.head;
      this.tail = live;
      this.head = 0;
    }
    this.ts[this.tail] = ts;
    this.cl[this.tail] = close;
    this.tail++;
  }
}
