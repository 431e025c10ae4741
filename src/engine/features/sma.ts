// Streaming simple moving average over a fixed window, O(1) per update.
export class Sma {
  private readonly buf: number[];
  private i = 0;
  private n = 0;
  private sum = 0;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period must be a positive integer, got ${period}`);
    this.buf = new Array<number>(period).fill(0);
  }

  push(x: number): void {
    if (this.n === this.period) this.sum -= this.buf[this.i]!;
    else this.n++;
    this.buf[this.i] = x;
    this.sum += x;
    this.i = (this.i + 1) % this.period;
  }

  get ready(): boolean {
    return this.n === this.period;
  }

  get value(): number {
    return this.n ? this.sum / this.n : NaN;
  }
}
