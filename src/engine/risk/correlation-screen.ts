// The risk monitor's per-minute correlation screen in O(holdings²): the
// average pairwise correlation of the holdings' last w returns from running
// sums (each window's sum and sum of squares, each pair's sum of products),
// stepped in place while every holding gained exactly one return since the
// last minute, and rebuilt from the windows otherwise and every w minutes, so
// rounding cannot build up. It is an estimate: it vouches (a finite number)
// only when every window is well-conditioned (its variance not lost to
// cancellation), which keeps its error below 1e-8 of a correlation; the
// monitor trusts it only far from the alert level and runs the exact check
// otherwise (see RiskMonitor.checkCorrelation).

/** A holding's returns as the monitor keeps them (its ReturnWindow). */
export interface ReturnSource {
  /** Returns ever pushed for the symbol. */
  pushes(symbol: string): number;
  /** The buffer holding the symbol's returns. */
  buffer(symbol: string): Float64Array;
  /** Where the symbol's last k returns start in buffer(symbol) (k at most the window's capacity). */
  start(symbol: string, k: number): number;
}

/** A window's variance must keep at least this share of its sum of squares (else the sums cancel: the exact check decides). */
const WELL_CONDITIONED = 1e-4;
/**
 * And at least this share of the largest sum of squares the window's running
 * sums have held since they were rebuilt: a large return that has left the
 * window leaves rounding residue of about 1e-16 of its square in the sums, which
 * would swamp a window of far smaller returns (found by the property test in
 * correlation-check.test.ts). With it the residue is below ~1e-9 of a correlation.
 */
const NO_RESIDUE = 1e-6;

export class CorrelationScreen {
  private symbols: string[] = [];
  private w = 0;
  private pushesAt: number[] = [];
  private s1 = new Float64Array(0);
  private s2 = new Float64Array(0);
  /** Pair sums of products, [i * k + j] for i < j. */
  private c = new Float64Array(0);
  private inv = new Float64Array(0);
  /** Each window's largest sum of squares since the last rebuild. */
  private peak = new Float64Array(0);
  /** Each window's newest return and the one leaving it, in a step. */
  private newest = new Float64Array(0);
  private leaving = new Float64Array(0);
  private steps = 0;

  /**
   * The average pairwise correlation of the last `w` returns of `held` (every
   * one with at least w returns held by `src`, w >= 2), or NaN when the
   * screen cannot vouch for it.
   */
  average(held: readonly string[], w: number, src: ReturnSource): number {
    const k = held.length;
    if (this.canStep(held, w, src)) this.step(k, w, src);
    else this.rebuild(held, w, src);
    const { s1, s2, c, inv, peak } = this;
    for (let i = 0; i < k; i++) {
      const ss = s2[i]! - (s1[i]! * s1[i]!) / w;
      if (!(Number.isFinite(ss) && ss > WELL_CONDITIONED * s2[i]! && ss > NO_RESIDUE * peak[i]!)) return NaN;
      inv[i] = 1 / Math.sqrt(ss);
    }
    let sum = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) sum += (c[i * k + j]! - (s1[i]! * s1[j]!) / w) * inv[i]! * inv[j]!;
    }
    const avg = sum / ((k * (k - 1)) / 2);
    return Number.isFinite(avg) ? avg : NaN;
  }

  /** The same holdings and window as last time, each with exactly one more return, and not yet due for a rebuild. */
  private canStep(held: readonly string[], w: number, src: ReturnSource): boolean {
    if (w !== this.w || held.length !== this.symbols.length || this.steps >= w) return false;
    for (let i = 0; i < held.length; i++) {
      if (held[i] !== this.symbols[i] || src.pushes(held[i]!) !== this.pushesAt[i]! + 1) return false;
    }
    return true;
  }

  /** Every window moved by one: the newest return enters, the one w + 1 back leaves. */
  private step(k: number, w: number, src: ReturnSource): void {
    const { s1, s2, c, newest: nw, leaving: old } = this;
    for (let i = 0; i < k; i++) {
      const sym = this.symbols[i]!;
      const buf = src.buffer(sym);
      const x = buf[src.start(sym, 1)]!;
      const o = buf[src.start(sym, w + 1)]!;
      nw[i] = x;
      old[i] = o;
      s1[i] = s1[i]! + x - o;
      s2[i] = s2[i]! + x * x - o * o;
      if (s2[i]! > this.peak[i]!) this.peak[i] = s2[i]!;
      this.pushesAt[i] = this.pushesAt[i]! + 1;
    }
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) c[i * k + j] = c[i * k + j]! + nw[i]! * nw[j]! - old[i]! * old[j]!;
    }
    this.steps++;
  }

  /** The sums from the windows themselves. */
  private rebuild(held: readonly string[], w: number, src: ReturnSource): void {
    const k = held.length;
    this.symbols = held.slice();
    this.w = w;
    this.steps = 0;
    this.pushesAt = held.map((s) => src.pushes(s));
    if (this.s1.length < k) {
      this.s1 = new Float64Array(k);
      this.s2 = new Float64Array(k);
      this.inv = new Float64Array(k);
      this.peak = new Float64Array(k);
      this.newest = new Float64Array(k);
      this.leaving = new Float64Array(k);
    }
    if (this.c.length < k * k) this.c = new Float64Array(k * k);
    const { s1, s2, c } = this;
    for (let i = 0; i < k; i++) {
      const a = src.buffer(held[i]!);
      const ai = src.start(held[i]!, w);
      let x1 = 0;
      let x2 = 0;
      for (let t = 0; t < w; t++) {
        const x = a[ai + t]!;
        x1 += x;
        x2 += x * x;
      }
      s1[i] = x1;
      s2[i] = x2;
      this.peak[i] = x2;
      for (let j = i + 1; j < k; j++) {
        const b = src.buffer(held[j]!);
        const bj = src.start(held[j]!, w);
        let xy = 0;
        for (let t = 0; t < w; t++) xy += a[ai + t]! * b[bj + t]!;
        c[i * k + j] = xy;
      }
    }
  }
}
