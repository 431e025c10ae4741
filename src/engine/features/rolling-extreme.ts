// Maximum (or minimum) of the last n values by a monotonic deque on fixed
// Float64Arrays: amortized O(1) per update, no allocation after construction.
import { checkPeriod, type Indicator } from './indicator.js';

export class RollingExtreme implements Indicator {
  private readonly vals: Float64Array;
  private readonly at: Float64Array; // update counter of each kept value
  private readonly sign: number;
  private head = 0;
  private len = 0;
  private t = 0;
  value = NaN;

  /** kind 'max' keeps the window's maximum, 'min' its minimum. */
  constructor(
    readonly period: number,
    kind: 'max' | 'min',
  ) {
    checkPeriod('rolling extreme', period);
    this.vals = new Float64Array(period);
    this.at = new Float64Array(period);
    this.sign = kind === 'max' ? 1 : -1;
  }

  update(x: number): void {
    const n = this.period;
    const v = this.sign * x;
    while (this.len > 0) {
      let back = this.head + this.len - 1;
      if (back >= n) back -= n;
      if (this.vals[back]! > v) break;
      this.len--;
    }
    if (this.len > 0 && this.at[this.head]! <= this.t - n) {
      this.head = this.head + 1 === n ? 0 : this.head + 1;
      this.len--;
    }
    let tail = this.head + this.len;
    if (tail >= n) tail -= n;
    this.vals[tail] = v;
    this.at[tail] = this.t;
    this.len++;
    this.t++;
    if (this.t >= n) this.value = this.sign * this.vals[this.head]!;
  }

  get ready(): boolean {
    return this.t >= this.period;
  }
}
