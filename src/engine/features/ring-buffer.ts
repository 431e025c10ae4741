// Fixed-capacity ring buffer of numbers on a Float64Array: push records the value
// it overwrote in `evicted`, `ago(k)` reads k values back; no allocation after
// construction (push returns nothing: a returned double may be boxed on the heap).
export class RingBuffer {
  private readonly buf: Float64Array;
  private head = 0; // index the next push writes
  private n = 0;
  /** The value the last push overwrote; NaN while the buffer was not yet full. */
  evicted = NaN;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.buf = new Float64Array(capacity);
  }

  /** Appends x (the value it overwrites goes to `evicted`). */
  push(x: number): void {
    if (this.n === this.capacity) this.evicted = this.buf[this.head]!;
    else this.n++;
    this.buf[this.head] = x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
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
