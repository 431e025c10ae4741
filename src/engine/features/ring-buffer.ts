// Fixed-capacity ring buffer of numbers on a Float64Array: push returns the value
// it overwrote, `ago(k)` reads k values back; no allocation after construction.
export class RingBuffer {
  private readonly buf: Float64Array;
  private head = 0; // index the next push writes
  private n = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.buf = new Float64Array(capacity);
  }

  /** Appends x; returns the value it evicted, or NaN while the buffer was not yet full. */
  push(x: number): number {
    const old = this.n === this.capacity ? this.buf[this.head]! : NaN;
    if (this.n < this.capacity) this.n++;
    this.buf[this.head] = x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return old;
  }

  /** The value pushed k pushes ago (0 = the latest); NaN when not held. */
  ago(k: number): number {
    if (k < 0 || k >= this.n) return NaN;
    const i = this.head - 1 - k;
    return this.buf[i < 0 ? i + this.capacity : i]!;
  }

  get size(): number {
    return this.n;
  }

  get full(): boolean {
    return this.n === this.capacity;
  }
}
