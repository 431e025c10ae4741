// Opening range: the high and low of the bars that open within the first
// `windowMs` (default 30 minutes) of a session, counted from its first bar.
// NaN until a bar at or after the window's end shows the range is complete, so
// daily bars (one-bar sessions) never have one.
import type { Bar } from '../../shared/domain.js';
import { sessionOf } from './session.js';

export type RangeBar = Pick<Bar, 'ts' | 'high' | 'low'>;

export class OpeningRange {
  private session = NaN;
  private end = 0;
  private hi = NaN;
  private lo = NaN;
  high = NaN;
  low = NaN;

  constructor(readonly windowMs = 30 * 60_000) {
    if (!(windowMs > 0)) throw new RangeError(`opening range window must be positive, got ${windowMs}`);
  }

  update(bar: RangeBar): void {
    const s = sessionOf(bar.ts);
    if (s !== this.session) {
      this.session = s;
      this.end = bar.ts + this.windowMs;
      this.hi = bar.high;
      this.lo = bar.low;
      this.high = NaN;
      this.low = NaN;
    } else if (bar.ts < this.end) {
      if (bar.high > this.hi) this.hi = bar.high;
      if (bar.low < this.lo) this.lo = bar.low;
    } else if (this.high !== this.high) {
      this.high = this.hi;
      this.low = this.lo;
    }
  }

  get ready(): boolean {
    return this.high === this.high;
  }
}
