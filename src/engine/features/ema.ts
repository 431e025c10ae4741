// Exponential moving average, k = 2/(n+1), seeded with the simple mean of its
// first n values (NaN before); then ema += k * (x - ema). O(1) per update.
import { checkPeriod, type Indicator } from './indicator.js';

export class Ema implements Indicator {
  private readonly k: number;
  private count = 0;
  private seedSum = 0;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod('EMA', period);
    this.k = 2 / (period + 1);
  }

  update(x: number): void {
    if (this.count >= this.period) {
      this.value += (x - this.value) * this.k;
      return;
    }
    this.seedSum += x;
    if (++this.count === this.period) this.value = this.seedSum / this.period;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }
}
