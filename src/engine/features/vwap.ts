// Session VWAP: cumulative sum of typical price (high + low + close) / 3 times
// volume over cumulative volume since the session's first bar (NaN until the
// session has volume), and the close's deviation from it, close / vwap - 1.
import type { Bar } from '../../shared/domain.js';
import { sessionOf } from './session.js';

export type VwapBar = Pick<Bar, 'ts' | 'high' | 'low' | 'close' | 'volume'>;

export class SessionVwap {
  private session = NaN;
  private pv = 0;
  private vol = 0;
  value = NaN;
  deviation = NaN;

  update(bar: VwapBar): void {
    const s = sessionOf(bar.ts);
    if (s !== this.session) {
      this.session = s;
      this.pv = 0;
      this.vol = 0;
    }
    this.pv += ((bar.high + bar.low + bar.close) / 3) * bar.volume;
    this.vol += bar.volume;
    this.value = this.vol > 0 ? this.pv / this.vol : NaN;
    this.deviation = bar.close / this.value - 1;
  }

  get ready(): boolean {
    return this.value === this.value;
  }
}
