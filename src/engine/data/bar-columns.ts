// Bars as columns: one Float64Array per field instead of one object per bar.
// A bulk download hands the bar cache 90,000 bars at a time; as objects they
// cost about 0.5 µs each to build and keep (the garbage collector copies and
// promotes every one of them), several times what reading them from the wire
// costs. As columns they are six arrays per page, written once.
//
// - BarBatch: bars of many symbols in the order a fetcher read them (a page of
//   GET /v2/stocks/bars: by symbol, then time), appended one by one.
// - BarColumns: one symbol's bars, oldest first, one bar per timestamp: what
//   BarCache.loadBars answers per symbol. `toBars()` / `at()` give Bar objects
//   to code that wants them (a strategy's warm-up takes the last few hundred).
// - BarBatchColumns: a batch as plain data, to transfer to or from a worker
//   thread (a backtest's bars).
// Both classes are read-only by contract once handed over: the cache may hold
// views of the same memory.
import type { Bar } from '../../shared/domain.js';

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
type Field = (typeof FIELDS)[number];

/** One symbol's bars, oldest first, at most one per ts. */
export class BarColumns {
  readonly length: number;

  constructor(
    readonly symbol: string,
    readonly ts: Float64Array,
    readonly open: Float64Array,
    readonly high: Float64Array,
    readonly low: Float64Array,
    readonly close: Float64Array,
    readonly volume: Float64Array,
  ) {
    this.length = ts.length;
    for (const f of FIELDS) {
      if (this[f].length !== this.length) throw new RangeError(`BarColumns ${symbol}: column '${f}' has ${this[f].length} values, ts has ${this.length}`);
    }
  }

  static empty(symbol: string): BarColumns {
    const z = new Float64Array(0);
    return new BarColumns(symbol, z, z, z, z, z, z);
  }

  /** Columns of `bars` as given (they must already be one symbol's, oldest first, one per ts). */
  static fromBars(symbol: string, bars: readonly Bar[]): BarColumns {
    const n = bars.length;
    const c = [0, 0, 0, 0, 0, 0].map(() => new Float64Array(n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < n; i++) {
      const b = bars[i]!;
      c[0][i] = b.ts;
      c[1][i] = b.open;
      c[2][i] = b.high;
      c[3][i] = b.low;
      c[4][i] = b.close;
      c[5][i] = b.volume;
    }
    return new BarColumns(symbol, ...c);
  }

  /** Bar i as an object. */
  at(i: number): Bar {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`BarColumns ${this.symbol}: bar ${i} of ${this.length}`);
    return { symbol: this.symbol, ts: this.ts[i]!, open: this.open[i]!, high: this.high[i]!, low: this.low[i]!, close: this.close[i]!, volume: this.volume[i]! };
  }

  /** Bars [from, to) as objects (negative `from` counts from the end, as Array.slice). */
  toBars(from = 0, to = this.length): Bar[] {
    const a = Math.max(0, from < 0 ? this.length + from : Math.min(from, this.length));
    const b = Math.max(a, Math.min(to, this.length));
    const out = new Array<Bar>(b - a);
    for (let i = a; i < b; i++) out[i - a] = { symbol: this.symbol, ts: this.ts[i]!, open: this.open[i]!, high: this.high[i]!, low: this.low[i]!, close: this.close[i]!, volume: this.volume[i]! };
    return out;
  }
}

/**
 * A BarBatch's memory as plain data: what crosses to or from a worker thread
 * (its buffers transferred, not copied; see `transferList`).
 */
export interface BarBatchColumns {
  symbols: string[];
  /** Index into `symbols` per bar. */
  sym: Uint32Array;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The buffers of `c` to transfer (not copy) with postMessage / workerData. */
export function transferList(c: BarBatchColumns): ArrayBuffer[] {
  return [c.sym, c.ts, c.open, c.high, c.low, c.close, c.volume].map((a) => a.buffer as ArrayBuffer);
}

type BatchArrays = Omit<BarBatchColumns, 'symbols'>;
const ARRAYS = ['sym', 'ts', 'open', 'high', 'low', 'close', 'volume'] as const;

function allocate(n: number): BatchArrays {
  const f = (): Float64Array => new Float64Array(n);
  return { sym: new Uint32Array(n), ts: f(), open: f(), high: f(), low: f(), close: f(), volume: f() };
}

/** Bars of many symbols in the order they were read; grows as bars are pushed. */
export class BarBatch implements BatchArrays {
  /** Symbols in order of first appearance; `sym[i]` indexes it. */
  readonly symbols: string[] = [];
  length = 0;
  sym!: Uint32Array;
  ts!: Float64Array;
  open!: Float64Array;
  high!: Float64Array;
  low!: Float64Array;
  close!: Float64Array;
  volume!: Float64Array;
  private lastSymbol = -1;
  private readonly index = new Map<string, number>();

  constructor(capacity = 1024) {
    Object.assign(this, allocate(Math.max(16, capacity)));
  }

  static fromBars(bars: readonly Bar[]): BarBatch {
    const out = new BarBatch(bars.length);
    for (const b of bars) out.push(b.symbol, b.ts, b.open, b.high, b.low, b.close, b.volume);
    return out;
  }

  /** A batch over `c`'s memory (as received from a worker); every index must name one of its symbols. */
  static fromColumns(c: BarBatchColumns): BarBatch {
    const n = c.ts.length;
    for (const k of ARRAYS) {
      if (c[k].length !== n) throw new RangeError(`bar columns: column '${k}' has ${c[k].length} values, ts has ${n}`);
    }
    for (let i = 0; i < n; i++) if (!(c.sym[i]! < c.symbols.length)) throw new RangeError(`bar columns: bar ${i} names symbol #${c.sym[i]} of ${c.symbols.length}`);
    const out = new BarBatch(0);
    const { symbols, ...arrays } = c;
    Object.assign(out, arrays);
    out.length = n;
    symbols.forEach((s, i) => {
      out.symbols.push(s);
      out.index.set(s, i);
    });
    return out;
  }

  /** The bars as plain columns of exactly `length` values: copies when `copy` or when the arrays have room to spare, else this batch's own arrays. */
  columns(copy = false): BarBatchColumns {
    const n = this.length;
    const fit = <T extends Float64Array | Uint32Array>(a: T): T => (a.length === n && !copy ? a : (a.slice(0, n) as T));
    return { symbols: [...this.symbols], sym: fit(this.sym), ts: fit(this.ts), open: fit(this.open), high: fit(this.high), low: fit(this.low), close: fit(this.close), volume: fit(this.volume) };
  }

  push(symbol: string, ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    let s = this.lastSymbol;
    if (s < 0 || this.symbols[s] !== symbol) {
      s = this.index.get(symbol) ?? -1;
      if (s < 0) {
        s = this.symbols.length;
        this.symbols.push(symbol);
        this.index.set(symbol, s);
      }
      this.lastSymbol = s;
    }
    if (this.length === this.ts.length) this.grow();
    const i = this.length++;
    this.sym[i] = s;
    this.ts[i] = ts;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  /** Appends every bar of `other`. */
  append(other: BarBatch): void {
    for (let i = 0; i < other.length; i++) {
      this.push(other.symbols[other.sym[i]!]!, other.ts[i]!, other.open[i]!, other.high[i]!, other.low[i]!, other.close[i]!, other.volume[i]!);
    }
  }

  /** The bars as objects, in batch order. */
  toBars(): Bar[] {
    const out = new Array<Bar>(this.length);
    for (let i = 0; i < this.length; i++) {
      out[i] = { symbol: this.symbols[this.sym[i]!]!, ts: this.ts[i]!, open: this.open[i]!, high: this.high[i]!, low: this.low[i]!, close: this.close[i]!, volume: this.volume[i]! };
    }
    return out;
  }

  /**
   * Each of `symbols`' bars with ts in [start, end], oldest first, one per ts
   * (the last one read wins, as a table upsert would). A symbol whose bars are
   * one sorted, in-range run (every real page) gets views of this batch's
   * memory; any other is copied out in order.
   */
  bySymbol(symbols: readonly string[], start: number, end: number): Map<string, BarColumns> {
    const n = this.length;
    // per symbol index: its bars' positions, in read order (a counting sort)
    const k = this.symbols.length;
    const count = new Uint32Array(k + 1);
    for (let i = 0; i < n; i++) count[this.sym[i]! + 1]!++;
    for (let s = 0; s < k; s++) count[s + 1]! += count[s]!;
    const first = count.slice(0, k);
    const pos = new Uint32Array(n);
    const fill = count.slice(0, k);
    for (let i = 0; i < n; i++) pos[fill[this.sym[i]!]!++] = i;
    const out = new Map<string, BarColumns>();
    for (const symbol of symbols) {
      const s = this.index.get(symbol);
      if (s === undefined) {
        out.set(symbol, BarColumns.empty(symbol));
        continue;
      }
      const from = first[s]!;
      const to = count[s + 1]!;
      // one contiguous, strictly increasing, in-range run: views, no copy
      let run = to > from && pos[to - 1]! - pos[from]! === to - from - 1;
      for (let j = from; run && j < to; j++) {
        const t = this.ts[pos[j]!]!;
        if (!(t >= start && t <= end) || (j > from && !(t > this.ts[pos[j - 1]!]!))) run = false;
      }
      if (run || to === from) {
        const a = to === from ? 0 : pos[from]!;
        const b = to === from ? 0 : pos[to - 1]! + 1;
        out.set(symbol, new BarColumns(symbol, this.ts.subarray(a, b), this.open.subarray(a, b), this.high.subarray(a, b), this.low.subarray(a, b), this.close.subarray(a, b), this.volume.subarray(a, b)));
        continue;
      }
      out.set(symbol, this.sortedCopy(symbol, pos.subarray(from, to), start, end));
    }
    return out;
  }

  /** The bars at `at` (read order) in [start, end], sorted by ts (stable), one per ts (the last read wins). */
  private sortedCopy(symbol: string, at: Uint32Array, start: number, end: number): BarColumns {
    const idx = Array.from(at).filter((i) => this.ts[i]! >= start && this.ts[i]! <= end);
    idx.sort((x, y) => this.ts[x]! - this.ts[y]! || x - y);
    const keep: number[] = [];
    for (const i of idx) {
      if (keep.length && this.ts[keep[keep.length - 1]!] === this.ts[i]) keep[keep.length - 1] = i;
      else keep.push(i);
    }
    const col = (f: Field): Float64Array => Float64Array.from(keep, (i) => this[f][i]!);
    return new BarColumns(symbol, col('ts'), col('open'), col('high'), col('low'), col('close'), col('volume'));
  }

  private grow(): void {
    const next = allocate(Math.max(16, this.ts.length * 2));
    for (const k of ARRAYS) {
      next[k].set(this[k]);
      this[k] = next[k] as never;
    }
  }
}
