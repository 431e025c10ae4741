// MACD = EMA(fast) - EMA(slow); signal = EMA(signal period) of MACD, starting
// with the first MACD value (so seeded with the mean of the first 9 MACDs);
// histogram = MACD - signal. Defaults 12/26/9.
import { Ema } from './ema.js';

export class Macd {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly sig: Ema;
  macd = NaN;
  signal = NaN;
  histogram = NaN;

  constructor(fast = 12, slow = 26, signal = 9) {
    if (fast >= slow) throw new RangeError(`MACD fast period (${fast}) must be shorter than the slow one (${slow})`);
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.sig = new Ema(signal);
  }

  update(close: number): void {
    this.fast.update(close);
    this.slow.update(close);
    if (!this.slow.ready) return;
    this.macd = this.fast.value - this.slow.value;
    this.sig.update(this.macd);
    this.signal = this.sig.value;
    this.histogram = this.macd - this.signal; // NaN until the signal is ready
  }

  get value(): number {
    return this.macd;
  }

  get ready(): boolean {
    return this.sig.ready;
  }
}
