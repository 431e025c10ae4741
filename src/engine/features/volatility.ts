// Realized volatility: sample standard deviation of the last n log returns
// ln(c_t / c_{t-1}), annualized by sqrt(252). First value on close n+1.
import type { Indicator } from './indicator.js';
import { RollingStats } from './rolling-stats.js';

export const PERIODS_PER_YEAR = 252;
const ANNUALIZE = Math.sqrt(PERIODS_PER_YEAR);

export class RealizedVol implements Indicator {
  private readonly stats: RollingStats;
  private prev = NaN;
  value = NaN;

  constructor(readonly period: number) {
    this.stats = new RollingStats(period);
  }

  update(close: number): void {
    const prev = this.prev;
    this.prev = close;
    if (prev === prev) this.addLogReturn(Math.log(close / prev));
  }

  /** Feeds a log return directly (lets several windows share one Math.log per bar). */
  addLogReturn(r: number): void {
    this.stats.update(r);
    if (this.stats.ready) this.value = Math.sqrt(this.stats.m2 / (this.period - 1)) * ANNUALIZE;
  }

  get ready(): boolean {
    return this.stats.ready;
  }
}
