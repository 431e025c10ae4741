// Rolling Pearson correlation of two series over the last n pairs, O(1) per
// pair by sliding updates of the means and co-moments (NaN when either side is flat).
import { checkPeriod } from './indicator.js';
import { RingBuffer } from './ring-buffer.js';

export class RollingCorrelation {
  private readonly xs: RingBuffer;
  private readonly ys: RingBuffer;
  private mx = 0;
  private my = 0;
  private cxx = 0;
  private cyy = 0;
  private cxy = 0;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod('correlation', period, 2);
    this.xs = new RingBuffer(period);
    this.ys = new RingBuffer(period);
  }

  update(x: number, y: number): void {
    const wasFull = this.xs.full;
    this.xs.push(x);
    this.ys.push(y);
    if (!wasFull) {
      const n = this.xs.size;
      const dx = x - this.mx;
      const dy = y - this.my;
      this.mx += dx / n;
      this.my += dy / n;
      this.cxx += dx * (x - this.mx);
      this.cyy += dy * (y - this.my);
      this.cxy += dx * (y - this.my);
    } else {
      const xo = this.xs.evicted;
      const yo = this.ys.evicted;
      // C' - C = ((x - xo)(y + yo - my - my') + (y - yo)(x + xo - mx - mx')) / 2, and likewise for the variances
      const mx = this.mx + (x - xo) / this.period;
      const my = this.my + (y - yo) / this.period;
      const sx = x + xo - this.mx - mx;
      const sy = y + yo - this.my - my;
      this.cxx += (x - xo) * sx;
      this.cyy += (y - yo) * sy;
      this.cxy += 0.5 * ((x - xo) * sy + (y - yo) * sx);
      this.mx = mx;
      this.my = my;
    }
    if (this.xs.full) {
      const den = Math.sqrt(this.cxx * this.cyy);
      this.value = den > 0 ? Math.max(-1, Math.min(1, this.cxy / den)) : NaN;
    }
  }

  get ready(): boolean {
    return this.xs.full;
  }
}
