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
    const vals = this.vals;
    const at = this.at;
    const v = this.sign * x;
    const t = this.t;
    let head = this.head;
    let len = this.len;
    // drop kept values that can no longer be the extreme, then the one leaving the window
    let back = head + len - 1;
    if (back >= n) back -= n;
    while (len > 0 && vals[back]! <= v) {
      len--;
      back = back === 0 ? n - 1 : back - 1;
    }
    if (len > 0 && at[head]! <= t - n) {
      head = head + 1 === n ? 0 : head + 1;
      len--;
    }
    let tail = head + len;
    if (tail >= n) tail -= n;
    vals[tail] = v;
    at[tail] = t;
    this.head = head;
    this.len = len + 1;
    this.t = t + 1;
    if (t + 1 >= n) this.value = this.sign * vals[head]!;
  }

  get ready(): boolean {
    return this.t >= this.period;
  }
}
