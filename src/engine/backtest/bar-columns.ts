// Bars as columns of typed arrays, so a million of them cross to a worker
// thread as transferred buffers instead of a structured clone of objects.
import type { Bar } from '../../shared/domain.js';

export interface BarColumns {
  symbols: string[];
  /** Index into `symbols` per bar. */
  symbol: Uint32Array;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export function toColumns(bars: readonly Bar[]): BarColumns {
  const n = bars.length;
  const index = new Map<string, number>();
  const c: BarColumns = {
    symbols: [],
    symbol: new Uint32Array(n),
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    let s = index.get(b.symbol);
    if (s === undefined) {
      s = c.symbols.length;
      index.set(b.symbol, s);
      c.symbols.push(b.symbol);
    }
    c.symbol[i] = s;
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
  }
  return c;
}

export function fromColumns(c: BarColumns): Bar[] {
  const out = new Array<Bar>(c.ts.length);
  for (let i = 0; i < c.ts.length; i++) {
    out[i] = { symbol: c.symbols[c.symbol[i]!]!, ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
  }
  return out;
}

/** The buffers to transfer (not copy) with postMessage / workerData. */
export function transferList(c: BarColumns): ArrayBuffer[] {
  return [c.symbol, c.ts, c.open, c.high, c.low, c.close, c.volume].map((a) => a.buffer as ArrayBuffer);
}
