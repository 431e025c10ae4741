// The chart's pure data code: timeframe aggregation on UTC boundaries, the
// overlays (SMA, EMA, Bollinger, session VWAP) against direct formulas, and the
// incremental model (a changed last bar rewrites only the tail, in place).
import { describe, expect, it } from 'vitest';
import { ChartModel } from '../../../src/renderer/src/chart/chart-model.js';
import { fillBollinger, fillEma, fillSma, fillVwap, type Series } from '../../../src/renderer/src/chart/indicators.js';
import { aggregateBars, bucketStart } from '../../../src/renderer/src/chart/timeframes.js';
import type { Bar } from '../../../src/shared/domain.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T14:31:00Z');

function bar(i: number, close: number, ts = T0 + i * MIN): Bar {
  return { symbol: 'SPY', ts, open: close - 0.5, high: close + 1, low: close - 1, close, volume: 100 + i };
}
const series = (n: number, f = (i: number) => 100 + Math.sin(i / 3) * 5 + i * 0.1) => Array.from({ length: n }, (_, i) => bar(i, f(i)));

describe('timeframes', () => {
  it('aggregates 1-minute bars into UTC-aligned buckets (first open, max high, min low, last close, summed volume)', () => {
    const bars = series(31); // 14:31 .. 15:01
    const five = aggregateBars(bars, '5m');
    // 14:31-14:34 is a partial first bucket opening at 14:30; the last bucket 15:00 holds 15:00 and 15:01
    expect(five.map((b) => new Date(b.ts).toISOString().slice(11, 16))).toEqual(['14:30', '14:35', '14:40', '14:45', '14:50', '14:55', '15:00']);
    const first = five[0]!;
    const src = bars.slice(0, 4);
    expect(first).toMatchObject({
      open: src[0]!.open,
      close: src[3]!.close,
      high: Math.max(...src.map((b) => b.high)),
      low: Math.min(...src.map((b) => b.low)),
      volume: src.reduce((n, b) => n + b.volume, 0),
    });
    expect(aggregateBars(bars, '1h').map((b) => b.ts)).toEqual([Date.parse('2026-03-02T14:00:00Z'), Date.parse('2026-03-02T15:00:00Z')]);
    expect(bucketStart(Date.parse('2026-03-02T23:59:00Z'), '1D')).toBe(Date.parse('2026-03-02T00:00:00Z'));
    // the input is untouched; 1m is the series itself
    expect(bars[0]!.ts).toBe(T0);
    expect(aggregateBars(bars, '1m')).toBe(bars);
  });
});

describe('overlays', () => {
  const bars = series(260);
  const closes = bars.map((b) => b.close);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('SMA and Bollinger match their formulas; empty before the period', () => {
    const sma = fillSma(bars, 20, []);
    expect(sma.slice(0, 19).every((v) => v === '-')).toBe(true);
    expect(sma[19]).toBeCloseTo(mean(closes.slice(0, 20)), 10);
    expect(sma[259]).toBeCloseTo(mean(closes.slice(240)), 10);
    const bb = fillBollinger(bars, 20, 2, { mid: [], upper: [], lower: [] });
    const w = closes.slice(100, 120);
    const sd = Math.sqrt(mean(w.map((x) => (x - mean(w)) ** 2)));
    expect(bb.upper[119]).toBeCloseTo(mean(w) + 2 * sd, 10);
    expect(bb.lower[119]).toBeCloseTo(mean(w) - 2 * sd, 10);
    expect(bb.mid[119]).toBeCloseTo(sma[119] as number, 10);
  });

  it('EMA is seeded with the SMA and follows the recursion', () => {
    const ema = fillEma(bars, 20, []);
    expect(ema[18]).toBe('-');
    expect(ema[19]).toBeCloseTo(mean(closes.slice(0, 20)), 10);
    const a = 2 / 21;
    expect(ema[20]).toBeCloseTo((ema[19] as number) + a * (closes[20]! - (ema[19] as number)), 10);
  });

  it('session VWAP restarts at the UTC day', () => {
    const day1 = [bar(0, 10, Date.parse('2026-03-02T23:58:00Z')), bar(1, 20, Date.parse('2026-03-02T23:59:00Z'))];
    const day2 = [bar(2, 30, Date.parse('2026-03-03T00:00:00Z'))];
    const out = fillVwap([...day1, ...day2], [], { pv: [], v: [] });
    const tp = (b: Bar) => (b.high + b.low + b.close) / 3;
    expect(out[1]).toBeCloseTo((tp(day1[0]!) * day1[0]!.volume + tp(day1[1]!) * day1[1]!.volume) / (day1[0]!.volume + day1[1]!.volume), 10);
    expect(out[2]).toBeCloseTo(tp(day2[0]!), 10);
  });

  it('a tail update from an index gives the same values as a full pass', () => {
    const full: Series = fillEma(bars, 20, []);
    const part = fillEma(bars.slice(0, 200), 20, []);
    fillEma(bars, 20, part, 199);
    expect(part).toEqual(full);
  });
});

describe('ChartModel', () => {
  it('a changed last bar rewrites only the tail, in the same arrays; an appended bar is added; history prepended rebuilds', () => {
    const m = new ChartModel();
    const bars = series(300);
    expect(m.update(bars, 'SPY|1m', ['sma20', 'bb20', 'vwap'])).toBe('full');
    const sma = m.lines.find((l) => l.id === 'sma20')!.data;
    const vwap = m.lines.find((l) => l.id === 'vwap')!.data;
    const firstPoints = sma.slice(0, 299);

    const changed = [...bars.slice(0, -1), { ...bars[299]!, close: 200, high: 201 }];
    expect(m.update(changed, 'SPY|1m', ['sma20', 'bb20', 'vwap'])).toBe('tail');
    expect(m.lastChange).toEqual({ kind: 'tail', from: 299 });
    expect(m.bars).toBe(changed);
    expect(m.lines.find((l) => l.id === 'vwap')!.data).toBe(vwap); // the same arrays, rewritten at the tail
    expect(sma).toBe(m.lines.find((l) => l.id === 'sma20')!.data);
    expect(sma.slice(0, 299)).toEqual(firstPoints);
    expect(sma[299]).toBeCloseTo(fillSma(changed, 20, [])[299] as number, 10);

    const appended = [...changed, bar(300, 150)];
    expect(m.update(appended, 'SPY|1m', ['sma20', 'bb20', 'vwap'])).toBe('tail');
    expect(m.lastChange.from).toBe(299);
    expect(sma).toHaveLength(301);
    expect(sma[300]).toBeCloseTo(fillSma(appended, 20, [])[300] as number, 10);
    expect(m.update(appended, 'SPY|1m', ['sma20', 'bb20', 'vwap'])).toBe('none');

    expect(m.update([bar(-1, 99), ...appended], 'SPY|1m', ['sma20', 'bb20', 'vwap'])).toBe('full');
    expect(m.update(appended, 'SPY|5m', ['sma20', 'bb20', 'vwap'])).toBe('full');
    expect(m.update(appended, 'SPY|5m', ['ema20'])).toBe('full');
    expect(m.lines.map((l) => l.id)).toEqual(['ema20']);
  });

  it('an older bar corrected in place is a full rebuild, not a stale tail', () => {
    const m = new ChartModel();
    const bars = series(50);
    m.update(bars, 'k', ['sma20']);
    const fixed = bars.slice();
    fixed[10] = { ...bars[10]!, close: 1 };
    expect(m.update(fixed, 'k', ['sma20'])).toBe('full');
    expect(m.bars[10]!.close).toBe(1);
    expect(m.lines[0]!.data[20]).toBeCloseTo(fillSma(fixed, 20, [])[20] as number, 10);
  });
});
