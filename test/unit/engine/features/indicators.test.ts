// The streaming indicators on tiny series worked out by hand, and the sliding
// window updates against brute force on random data (no drift over long runs).
import { describe, expect, it } from 'vitest';
import {
  Adx,
  Atr,
  Bollinger,
  Ema,
  IntradayReturns,
  LagReturns,
  Macd,
  OpeningRange,
  RealizedVol,
  RingBuffer,
  RollingCorrelation,
  RollingExtreme,
  RollingStats,
  Rsi,
  SessionVwap,
  Sma,
  Stochastic,
  TrueRange,
  VolumeRatio,
  WilderAverage,
  ZScore,
  type Indicator,
} from '../../../../src/engine/features/index.js';

/** Feeds xs one at a time and collects `value` after each. */
function series(ind: Indicator, xs: number[]): number[] {
  return xs.map((x) => {
    ind.update(x);
    return ind.value;
  });
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

const bar = (high: number, low: number, close: number) => ({ high, low, close });

describe('moving averages', () => {
  it('SMA: NaN until n values, then the mean of the last n; push is update', () => {
    expect(series(new Sma(3), [1, 2, 3, 4, 10])).toEqual([NaN, NaN, 2, 3, 17 / 3]);
    const s = new Sma(2);
    s.push(4);
    expect(s.ready).toBe(false);
    s.push(6);
    expect([s.ready, s.value]).toEqual([true, 5]);
    expect(() => new Sma(0)).toThrow(/positive integer/);
  });
  it('EMA is seeded with the mean of its first n values, then ema += k (x - ema)', () => {
    // k = 2/(3+1) = 0.5; seed (1+2+6)/3 = 3; then 3 + 0.5(5-3) = 4; 4 + 0.5(0-4) = 2
    expect(series(new Ema(3), [1, 2, 6, 5, 0])).toEqual([NaN, NaN, 3, 4, 2]);
  });
  it("Wilder's average is seeded the same way, then (avg (n-1) + x) / n", () => {
    expect(series(new WilderAverage(3), [3, 6, 9, 12, 0])).toEqual([NaN, NaN, 6, 8, 16 / 3]);
  });
});

describe('RSI', () => {
  it('Wilder averages of gains and losses from close n+1', () => {
    // changes +1, -0.5, +1: seed ag = 0.5, al = 0.25 -> 66.67; then ag = 0.75, al = 0.125 -> 85.71
    const v = series(new Rsi(2), [10, 11, 10.5, 11.5]);
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(200 / 3, 12);
    expect(v[3]).toBeCloseTo((100 * 0.75) / 0.875, 12);
  });
  it('is 100 with no losses and 50 when flat', () => {
    expect(series(new Rsi(2), [1, 2, 3]).at(-1)).toBe(100);
    expect(series(new Rsi(2), [5, 5, 5]).at(-1)).toBe(50);
  });
});

describe('MACD', () => {
  it('EMA(fast) - EMA(slow); the signal starts with the first MACD value', () => {
    const m = new Macd(2, 3, 2);
    const out: number[][] = [];
    for (const c of [1, 3, 2, 5, 4]) {
      m.update(c);
      out.push([m.macd, m.signal, m.histogram]);
    }
    // EMA2 (k 2/3): seed 2, then 2 + (2-2)2/3 = 2, 2 + (5-2)2/3 = 4, 4 + (4-4)2/3 = 4
    // EMA3 (k 1/2): seed 2, then 3.5, 3.75; MACD: 0, 0.5, 0.25; signal (k 2/3): seed 0.25, then 0.25
    expect(out[1]).toEqual([NaN, NaN, NaN]);
    expect(out[2]).toEqual([0, NaN, NaN]);
    expect(out[3]![0]).toBeCloseTo(0.5, 14);
    expect(out[3]![1]).toBeCloseTo(0.25, 14);
    expect(out[3]![2]).toBeCloseTo(0.25, 14);
    expect(out[4]![0]).toBeCloseTo(0.25, 14);
    expect(out[4]![1]).toBeCloseTo(0.25, 14);
    expect(out[4]![2]).toBeCloseTo(0, 14);
    expect(m.ready).toBe(true);
  });
});

describe('Bollinger bands and z-scores', () => {
  it('SMA ± k population standard deviations', () => {
    const b = new Bollinger(3, 2);
    [1, 2, 3].forEach((x) => b.update(x));
    const sd = Math.sqrt(2 / 3);
    expect(b.middle).toBe(2);
    expect(b.upper).toBeCloseTo(2 + 2 * sd, 14);
    expect(b.lower).toBeCloseTo(2 - 2 * sd, 14);
    expect(b.zscore).toBeCloseTo(1 / sd, 14);
  });
  it('ZScore is (x - mean) / population sd, 0 on a flat window', () => {
    expect(series(new ZScore(2), [1, 3])).toEqual([NaN, 1]);
    expect(series(new ZScore(3), [4, 4, 4])).toEqual([NaN, NaN, 0]);
  });
});

describe('true range and ATR', () => {
  it('TR is undefined on the first bar, then the widest of the three ranges', () => {
    const tr = new TrueRange();
    const bars = [bar(11, 9, 10), bar(12, 10.5, 11), bar(11.5, 11, 11.2), bar(13, 12.5, 12.8)];
    expect(
      bars.map((b) => {
        tr.update(b);
        return tr.value;
      }),
    ).toEqual([NaN, 2, 0.5, 13 - 11.2]);
  });
  it("ATR is Wilder's average of TR seeded with the mean of the first n", () => {
    const atr = new Atr(2);
    const v = [bar(11, 9, 10), bar(12, 10.5, 11), bar(11.5, 11, 11.2), bar(13, 12.5, 12.8)].map((b) => {
      atr.update(b);
      return atr.value;
    });
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(1.25, 14); // (2 + 0.5) / 2
    expect(v[3]).toBeCloseTo((1.25 + 1.8) / 2, 14);
  });
});

describe('ADX', () => {
  it('DI from smoothed DM and TR, ADX the smoothed DX', () => {
    const adx = new Adx(2);
    const bars = [bar(10, 9, 9.5), bar(11, 9.5, 10.5), bar(12, 10, 11.5), bar(11.5, 9, 9.5), bar(12, 9.5, 11)];
    const out = bars.map((b) => {
      adx.update(b);
      return [adx.plusDi, adx.minusDi, adx.value];
    });
    // +DM: 1, 1, 0, 0.5; -DM: 0, 0, 1, 0; TR: 1.5, 2, 2.5, 2.5
    // n=2: bar2 TR14 = 1.75, +DM 1, -DM 0 -> +DI 57.14, -DI 0, DX 100
    // bar3: TR (1.75+2.5)/2 = 2.125, +DM 0.5, -DM 0.5 -> DI equal, DX 0 -> ADX (100+0)/2 = 50
    expect(out[2]![0]).toBeCloseTo(100 / 1.75, 12);
    expect(out[2]![1]).toBe(0);
    expect(out[2]![2]).toBeNaN();
    expect(out[3]![0]).toBeCloseTo(out[3]![1]!, 12);
    expect(out[3]![2]).toBeCloseTo(50, 12);
    // bar4: TR 2.3125, +DM 0.5, -DM 0.25 -> +DI 21.62, -DI 10.81, DX 33.33 -> ADX (50 + 33.33)/2
    expect(out[4]![2]).toBeCloseTo((50 + 100 / 3) / 2, 10);
  });
});

describe('stochastic and rolling extremes', () => {
  it('%K over the last n highs and lows, %D its SMA', () => {
    const st = new Stochastic(2, 2);
    const out = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10.5), bar(10, 10, 10)].map((b) => {
      st.update(b);
      return [st.k, st.d];
    });
    expect(out[0]).toEqual([NaN, NaN]);
    expect(out[1]).toEqual([75, NaN]); // (11-8)/(12-8)
    expect(out[2]![0]).toBeCloseTo(50, 12); // (10.5-9)/(12-9)
    expect(out[2]![1]).toBeCloseTo(62.5, 12);
    expect(out[3]![0]).toBe(0); // (10-10)/(11-10)
  });
  it('RollingExtreme equals brute force max/min on random data', () => {
    const r = rng(7);
    const xs = Array.from({ length: 2000 }, () => Math.floor(r() * 50));
    for (const n of [1, 3, 14]) {
      const mx = new RollingExtreme(n, 'max');
      const mn = new RollingExtreme(n, 'min');
      xs.forEach((x, i) => {
        mx.update(x);
        mn.update(x);
        if (i + 1 < n) return expect(mx.value).toBeNaN();
        const w = xs.slice(i + 1 - n, i + 1);
        expect([mx.value, mn.value]).toEqual([Math.max(...w), Math.min(...w)]);
      });
    }
  });
});

describe('returns and volatility', () => {
  it('LagReturns: close / close k bars ago - 1', () => {
    const lr = new LagReturns([1, 2]);
    const out = [100, 110, 99].map((c) => {
      lr.update(c);
      return [...lr.values];
    });
    expect(out[0]).toEqual([NaN, NaN]);
    expect(out[1]![0]).toBeCloseTo(0.1, 14);
    expect(out[2]![0]).toBeCloseTo(-0.1, 14);
    expect(out[2]![1]).toBeCloseTo(-0.01, 14);
  });
  it('RealizedVol: sample sd of log returns × sqrt(252)', () => {
    const a = Math.log(1.1);
    const b = Math.log(0.9);
    const v = series(new RealizedVol(2), [100, 110, 99]);
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo((Math.abs(a - b) / Math.SQRT2) * Math.sqrt(252), 12);
  });
  it('IntradayReturns: against the latest bar at least w earlier in the same UTC day', () => {
    const ir = new IntradayReturns([15 * 60_000, 30 * 60_000]);
    const day = Date.UTC(2024, 0, 2, 14, 30);
    const got: number[][] = [];
    // 5-minute bars, closes 100, 101, ..., for 50 minutes, then the next day
    for (let i = 0; i <= 10; i++) {
      ir.update(day + i * 5 * 60_000, 100 + i);
      got.push([...ir.values]);
    }
    expect(got[2]).toEqual([NaN, NaN]); // 10 minutes in
    expect(got[3]![0]).toBeCloseTo(103 / 100 - 1, 14); // 15 min: vs the 14:30 bar
    expect(got[5]![0]).toBeCloseTo(105 / 102 - 1, 14);
    expect(got[5]![1]).toBeNaN();
    expect(got[10]![1]).toBeCloseTo(110 / 104 - 1, 14);
    ir.update(day + 86_400_000, 50); // a new session forgets the old one
    expect([...ir.values]).toEqual([NaN, NaN]);
    // irregular bars: a gap still finds the latest bar at least 15 minutes back
    ir.update(day + 86_400_000 + 20 * 60_000, 55);
    expect(ir.values[0]).toBeCloseTo(55 / 50 - 1, 14);
  });
  it('IntradayReturns keeps up over a long dense session (deque grows and compacts)', () => {
    const ir = new IntradayReturns([60 * 60_000]);
    const t0 = Date.UTC(2024, 0, 2);
    for (let i = 0; i < 3000; i++) ir.update(t0 + i * 10_000, 100 + i); // 10-second bars, 8h20m
    expect(ir.values[0]).toBeCloseTo((100 + 2999) / (100 + 2999 - 360) - 1, 14);
  });
});

describe('session features', () => {
  const t = (d: number, h: number, m: number) => Date.UTC(2024, 0, d, h, m);
  it('session VWAP of typical price, reset each UTC day, and the deviation', () => {
    const v = new SessionVwap();
    v.update({ ts: t(2, 14, 30), high: 12, low: 9, close: 9, volume: 100 }); // tp 10
    v.update({ ts: t(2, 14, 35), high: 21, low: 18, close: 21, volume: 300 }); // tp 20
    expect(v.value).toBeCloseTo(17.5, 14);
    expect(v.deviation).toBeCloseTo(21 / 17.5 - 1, 14);
    v.update({ ts: t(3, 14, 30), high: 6, low: 3, close: 3, volume: 0 });
    expect(v.value).toBeNaN();
  });
  it('opening range: complete once a bar opens 30 minutes after the first', () => {
    const o = new OpeningRange();
    o.update({ ts: t(2, 14, 30), high: 10, low: 9 });
    o.update({ ts: t(2, 14, 55), high: 11, low: 9.5 });
    expect(o.ready).toBe(false);
    o.update({ ts: t(2, 15, 0), high: 20, low: 1 });
    expect([o.high, o.low]).toEqual([11, 9]);
    o.update({ ts: t(3, 14, 30), high: 5, low: 4 });
    expect(o.high).toBeNaN();
  });
  it('volume ratio: volume over the mean of the previous n bars', () => {
    expect(series(new VolumeRatio(2), [100, 300, 400, 0])).toEqual([NaN, NaN, 2, 0]);
  });
});

describe('sliding windows against exact recomputation', () => {
  it('RollingStats does not drift over 200,000 random-walk prices', () => {
    const r = rng(3);
    const n = 20;
    const st = new RollingStats(n);
    const ring = new RingBuffer(n);
    let p = 100;
    for (let i = 0; i < 200_000; i++) {
      p *= 1 + (r() - 0.5) * 0.02;
      st.update(p);
      ring.push(p);
    }
    const w = Array.from({ length: n }, (_, k) => ring.ago(k));
    const mean = w.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(st.mean - mean) / mean).toBeLessThan(1e-12);
    expect(Math.abs(st.popSd - sd) / sd).toBeLessThan(1e-9);
  });
  it('RollingCorrelation equals the Pearson correlation of the window', () => {
    const r = rng(11);
    const c = new RollingCorrelation(5);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = r();
      const y = 0.5 * x + r();
      xs.push(x);
      ys.push(y);
      c.update(x, y);
      if (i < 4) expect(c.value).toBeNaN();
    }
    const wx = xs.slice(-5);
    const wy = ys.slice(-5);
    const mx = wx.reduce((a, b) => a + b) / 5;
    const my = wy.reduce((a, b) => a + b) / 5;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let k = 0; k < 5; k++) {
      sxy += (wx[k]! - mx) * (wy[k]! - my);
      sxx += (wx[k]! - mx) ** 2;
      syy += (wy[k]! - my) ** 2;
    }
    expect(c.value).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 12);
  });
});
