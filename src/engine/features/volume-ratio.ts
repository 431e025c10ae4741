// Volume ratio: this bar's volume over the mean volume of the previous n bars
// (default 20; NaN until n earlier bars, or when they had no volume).
import type { Indicator } from './indicator.js';
import { RingBuffer } from './ring-buffer.js';

export class VolumeRatio implements Indicator {
  private readonly ring: RingBuffer;
  private sum = 0;
  value = NaN;

  constructor(readonly period = 20) {
    this.ring = new RingBuffer(period);
  }

  update(volume: number): void {
    if (this.ring.full) this.value = this.sum > 0 ? (volume * this.period) / this.sum : NaN;
    const wasFull = this.ring.full;
    this.ring.push(volume);
    this.sum += volume;
    if (wasFull) this.sum -= this.ring.evicted;
  }

  get ready(): boolean {
    return this.value === this.value;
  }
}
