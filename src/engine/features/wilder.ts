// Wilder's smoothing (an EMA with k = 1/n), seeded with the simple mean of its
// first n values; then avg = (avg * (n - 1) + x) / n. The base of RSI, ATR, ADX.
import { checkPeriod, type Indicator } from './indicator.js';

export class WilderAverage implements Indicator {
  private count = 0;
  private seedSum = 0;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod("Wilder's average", period);
  }

  update(x: number): void {
    if (this.count >= this.period) {
      this.value = (this.value * (this.period - 1) + x) / this.period;
      return;
    }
    this.seedSum += x;
    if (++this.count === this.period) this.value = this.seedSum / this.period;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }
}
