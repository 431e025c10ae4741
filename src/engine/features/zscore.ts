// Rolling z-score: (x - mean) / population sd of the last n values, the latest
// included (0 when the window is flat).
import type { Indicator } from './indicator.js';
import { RollingStats } from './rolling-stats.js';

export class ZScore implements Indicator {
  private readonly stats: RollingStats;
  value = NaN;

  constructor(readonly period: number) {
    this.stats = new RollingStats(period);
  }

  update(x: number): void {
    this.stats.update(x);
    if (!this.stats.ready) return;
    const sd = Math.sqrt(this.stats.m2 / this.period);
    this.value = sd > 0 ? (x - this.stats.mean) / sd : 0;
  }

  get ready(): boolean {
    return this.stats.ready;
  }
}
