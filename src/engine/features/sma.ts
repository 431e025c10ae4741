// Streaming simple moving average over a fixed window, O(1) per update.
import { checkPeriod, type Indicator } from './indicator.js';
import { RingBuffer } from './ring-buffer.js';

export class Sma implements Indicator {
  private readonly ring: RingBuffer;
  private sum = 0;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod('SMA', period);
    this.ring = new RingBuffer(period);
  }

  update(x: number): void {
    const wasFull = this.ring.full;
    this.ring.push(x);
    this.sum += x;
    if (wasFull) this.sum -= this.ring.evicted;
    if (this.ring.full) this.value = this.sum / this.period;
  }

  /** Same as update (the name the strategies use). */
  push(x: number): void {
    this.update(x);
  }

  get ready(): boolean {
    return this.ring.full;
  }
}
