// True range and average true range. TR = max(high - low, |high - prevClose|,
// |low - prevClose|), undefined (NaN) on the first bar; ATR = Wilder average of
// TR over n (default 14), first value on bar n+1.
import type { BarIndicator, Ohlc } from './indicator.js';
import { WilderAverage } from './wilder.js';

export class TrueRange implements BarIndicator {
  private prevClose = NaN;
  value = NaN;

  update(bar: Ohlc): void {
    const pc = this.prevClose;
    this.prevClose = bar.close;
    if (pc !== pc) return;
    const hl = bar.high - bar.low;
    const hc = Math.abs(bar.high - pc);
    const lc = Math.abs(bar.low - pc);
    this.value = hl > hc ? (hl > lc ? hl : lc) : hc > lc ? hc : lc;
  }

  get ready(): boolean {
    return this.value === this.value;
  }
}

export class Atr implements BarIndicator {
  private readonly tr = new TrueRange();
  private readonly avg: WilderAverage;
  value = NaN;

  constructor(readonly period = 14) {
    this.avg = new WilderAverage(period);
  }

  update(bar: Ohlc): void {
    this.tr.update(bar);
    if (!this.tr.ready) return;
    this.avg.update(this.tr.value);
    this.value = this.avg.value;
  }

  get ready(): boolean {
    return this.avg.ready;
  }
}
