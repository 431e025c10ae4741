// Bars as columns: a batch read in page order splits into per-symbol series
// (views when a symbol's bars are one sorted run, sorted copies otherwise),
// round-trips through plain columns, and refuses columns that do not fit.
import { describe, expect, it } from 'vitest';
import { BarBatch, BarColumns, transferList } from '../../../../src/engine/data/bar-columns.js';
import type { Bar } from '../../../../src/shared/domain.js';

const bar = (symbol: string, ts: number, close = ts / 10): Bar => ({ symbol, ts, open: close, high: close + 1, low: close - 1, close, volume: ts });

describe('BarBatch', () => {
  it('splits a page (by symbol, then time) into per-symbol views of its memory', () => {
    const bars = [bar('A', 10), bar('A', 20), bar('A', 30), bar('B', 10), bar('B', 20)];
    const batch = BarBatch.fromBars(bars);
    const by = batch.bySymbol(['A', 'B', 'C'], 0, 100);
    expect(by.get('A')!.toBars()).toEqual(bars.slice(0, 3));
    expect(by.get('B')!.toBars()).toEqual(bars.slice(3));
    expect(by.get('C')!.length).toBe(0);
    // views, not copies: the same buffer as the batch
    expect(by.get('B')!.close.buffer).toBe(batch.close.buffer);
  });

  it('sorts interleaved or unordered bars, drops those out of range, keeps the last of equal timestamps', () => {
    const bars = [bar('A', 30), bar('B', 10), bar('A', 10), bar('A', 20, 1), bar('A', 20, 2), bar('A', 500)];
    const by = BarBatch.fromBars(bars).bySymbol(['A', 'B'], 0, 100);
    expect(by.get('A')!.toBars()).toEqual([bar('A', 10), bar('A', 20, 2), bar('A', 30)]);
    expect(by.get('B')!.toBars()).toEqual([bar('B', 10)]);
  });

  it('grows past its capacity and round-trips through plain columns', () => {
    const batch = new BarBatch(16);
    const bars = Array.from({ length: 100 }, (_, i) => bar(i % 3 === 0 ? 'X' : 'Y', i + 1));
    for (const b of bars) batch.push(b.symbol, b.ts, b.open, b.high, b.low, b.close, b.volume);
    expect(batch.length).toBe(100);
    const cols = batch.columns();
    expect(cols.ts).toHaveLength(100);
    expect(transferList(cols)).toHaveLength(7);
    expect(BarBatch.fromColumns(cols).toBars()).toEqual(bars);
  });

  it('refuses columns of different lengths or a symbol index out of range', () => {
    const cols = BarBatch.fromBars([bar('A', 1), bar('A', 2)]).columns();
    expect(() => BarBatch.fromColumns({ ...cols, close: new Float64Array(1) })).toThrow(/column 'close' has 1 values, ts has 2/);
    expect(() => BarBatch.fromColumns({ ...cols, sym: Uint32Array.of(0, 5) })).toThrow(/bar 1 names symbol #5 of 1/);
  });
});

describe('BarColumns', () => {
  it('gives bars as objects, the last N by a negative start', () => {
    const bars = [bar('A', 1), bar('A', 2), bar('A', 3)];
    const c = BarColumns.fromBars('A', bars);
    expect(c.at(1)).toEqual(bars[1]);
    expect(c.toBars(-2)).toEqual(bars.slice(-2));
    expect(c.toBars(-10)).toEqual(bars);
    expect(() => c.at(3)).toThrow(/bar 3 of 3/);
  });

  it('refuses columns of different lengths', () => {
    expect(() => new BarColumns('A', new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(1), new Float64Array(2), new Float64Array(2))).toThrow(/column 'low' has 1 values, ts has 2/);
  });
});
