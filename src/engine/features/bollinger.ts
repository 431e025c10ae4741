// Bollinger bands: middle = SMA(n), upper/lower = middle ± k population standard
// deviations of the same n closes (defaults 20 and 2), plus the close's z-score
// in the band, (close - middle) / sd.
import { RollingStats } from './rolling-stats.js';

export class Bollinger {
  private readonly stats: RollingStats;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  zscore = NaN;

  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    this.stats = new RollingStats(period);
  }

  update(close: number): void {
    this.stats.update(close);
    if (!this.stats.ready) return;
    const sd = Math.sqrt(this.stats.m2 / this.period);
    this.middle = this.stats.mean;
    this.upper = this.middle + this.k * sd;
    this.lower = this.middle - this.k * sd;
    this.zscore = sd > 0 ? (close - this.middle) / sd : 0;
  }

  get value(): number {
    return this.middle;
  }

  get ready(): boolean {
    return this.stats.ready;
  }
}
