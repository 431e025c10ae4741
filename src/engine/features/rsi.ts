// Relative strength index: Wilder averages of the gains and losses of close-to-
// close changes, RSI = 100 * avgGain / (avgGain + avgLoss) (50 when both are 0).
// The first value comes on close n+1 (n changes).
import type { Indicator } from './indicator.js';
import { WilderAverage } from './wilder.js';

export class Rsi implements Indicator {
  private readonly gain: WilderAverage;
  private readonly loss: WilderAverage;
  private prev = NaN;
  value = NaN;

  constructor(readonly period = 14) {
    this.gain = new WilderAverage(period);
    this.loss = new WilderAverage(period);
  }

  update(close: number): void {
    const prev = this.prev;
    this.prev = close;
    if (prev !== prev) return;
    const d = close - prev;
    this.gain.update(d > 0 ? d : 0);
    this.loss.update(d < 0 ? -d : 0);
    if (!this.gain.ready) return;
    const g = this.gain.value;
    const l = this.loss.value;
    this.value = g + l === 0 ? 50 : (100 * g) / (g + l);
  }

  get ready(): boolean {
    return this.gain.ready;
  }
}
