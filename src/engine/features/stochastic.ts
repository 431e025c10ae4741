// Stochastic oscillator: %K = 100 * (close - lowest low) / (highest high -
// lowest low) over n bars (50 when the range is flat), %D = SMA of %K over m
// (defaults 14 and 3).
import type { BarIndicator, Ohlc } from './indicator.js';
import { RollingExtreme } from './rolling-extreme.js';
import { Sma } from './sma.js';

export class Stochastic implements BarIndicator {
  private readonly hh: RollingExtreme;
  private readonly ll: RollingExtreme;
  private readonly dSma: Sma;
  k = NaN;
  d = NaN;

  constructor(
    readonly period = 14,
    readonly dPeriod = 3,
  ) {
    this.hh = new RollingExtreme(period, 'max');
    this.ll = new RollingExtreme(period, 'min');
    this.dSma = new Sma(dPeriod);
  }

  update(bar: Ohlc): void {
    this.hh.update(bar.high);
    this.ll.update(bar.low);
    if (!this.hh.ready) return;
    const hi = this.hh.value;
    const lo = this.ll.value;
    this.k = hi > lo ? (100 * (bar.close - lo)) / (hi - lo) : 50;
    this.dSma.update(this.k);
    this.d = this.dSma.value;
  }

  get value(): number {
    return this.k;
  }

  get ready(): boolean {
    return this.hh.ready;
  }
}
