// Mean and variance of the last n values, updated per value in O(1) by a sliding
// Welford update (no running sum of squares, so no cancellation on prices far
// from zero). The base of Bollinger bands, realized volatility and z-scores.
import { checkPeriod } from './indicator.js';
import { RingBuffer } from './ring-buffer.js';

export class RollingStats {
  private readonly ring: RingBuffer;
  mean = 0;
  /** Sum of squared deviations from the mean over the window (sd = sqrt(m2 / n) or sqrt(m2 / (n - 1))). */
  m2 = 0;

  constructor(readonly period: number) {
    checkPeriod('rolling window', period, 2);
    this.ring = new RingBuffer(period);
  }

  update(x: number): void {
    const wasFull = this.ring.full;
    this.ring.push(x);
    if (!wasFull) {
      const d = x - this.mean;
      this.mean += d / this.ring.size;
      this.m2 += d * (x - this.mean);
    } else {
      const old = this.ring.evicted;
      const mean = this.mean + (x - old) / this.period;
      this.m2 += (x - old) * (x - mean + old - this.mean);
      this.mean = mean;
      if (this.m2 < 0) this.m2 = 0;
    }
  }

  get ready(): boolean {
    return this.ring.full;
  }

  /** Population standard deviation of the window (NaN until full). */
  get popSd(): number {
    return this.ring.full ? Math.sqrt(this.m2 / this.period) : NaN;
  }

  /** Sample standard deviation of the window (n - 1 denominator; NaN until full). */
  get sampleSd(): number {
    return this.ring.full ? Math.sqrt(this.m2 / (this.period - 1)) : NaN;
  }
}
