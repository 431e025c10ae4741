// Hand-checkable statistics: mean, sample SD, the R-7 quantile, tail means,
// the normal quantile and the seeded PRNG.
import { describe, expect, it } from 'vitest';
import { historicalTail, mean, quantileSorted, sampleSd, sampleVariance, sortedCopy, tailMeanAtOrBelow } from '../../../../../src/engine/risk/analytics/stats.js';
import { normalQuantile } from '../../../../../src/engine/risk/analytics/normal.js';
import { SeededRng } from '../../../../../src/engine/risk/analytics/prng.js';

describe('mean / sample variance', () => {
  it('uses the n-1 denominator', () => {
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(x)).toBe(5);
    // Σ(x-5)² = 32; 32 / 7
    expect(sampleVariance(x)).toBeCloseTo(32 / 7, 14);
    expect(sampleSd(x)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(Number.isNaN(sampleVariance([1]))).toBe(true);
  });
});

describe('quantileSorted (R type 7)', () => {
  const x = [1, 2, 3, 4, 5];
  it('interpolates linearly between order statistics at h = (n-1)p', () => {
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(5);
    expect(quantileSorted(x, 0.5)).toBe(3);
    expect(quantileSorted(x, 0.05)).toBeCloseTo(1.2, 14); // h = 0.2
    expect(quantileSorted(x, 0.01)).toBeCloseTo(1.04, 14); // h = 0.04
    expect(quantileSorted(x, 0.3)).toBeCloseTo(2.2, 14); // h = 1.2
    expect(quantileSorted([7], 0.05)).toBe(7);
  });
  it('lands exactly on an order statistic when (n-1)p is an integer', () => {
    const y = Float64Array.from({ length: 21 }, (_, i) => i / 10);
    expect(quantileSorted(y, 0.05)).toBe(y[1]); // h = 20 * 0.05 = 1
    // 100 * 0.29 is 28.999999999999996 in binary: still the 29th order statistic, so ES includes it
    const z = Float64Array.from({ length: 101 }, (_, i) => (i - 50) / 1000);
    expect(quantileSorted(z, 0.29)).toBe(z[29]);
    expect(quantileSorted(z, 0.07)).toBe(z[7]); // 100 * 0.07 = 7.000000000000001
    expect(tailMeanAtOrBelow(z, quantileSorted(z, 0.29))).toBeCloseTo(mean(z.subarray(0, 30)), 15);
  });
  it('rejects probabilities outside [0, 1]', () => {
    expect(() => quantileSorted(x, 1.5)).toThrow(RangeError);
  });
});

describe('tail means and historical VaR/ES', () => {
  it('averages the values at or below the threshold', () => {
    const s = sortedCopy([0.03, -0.05, 0.01, -0.03, 0]);
    expect(Array.from(s)).toEqual([-0.05, -0.03, 0, 0.01, 0.03]);
    expect(tailMeanAtOrBelow(s, -0.03)).toBeCloseTo(-0.04, 15);
    expect(Number.isNaN(tailMeanAtOrBelow(s, -1))).toBe(true);
  });
  it('VaR = -quantile(1-c), ES = -mean at or below it', () => {
    // 21 values: -0.05, -0.03 then 0..0.18: h95 = 1 -> q = -0.03; h99 = 0.2 -> q = -0.046
    const r = sortedCopy([-0.05, -0.03, ...Array.from({ length: 19 }, (_, i) => i / 100)]);
    const t95 = historicalTail(r, 0.95);
    expect(t95.var).toBeCloseTo(0.03, 15);
    expect(t95.es).toBeCloseTo(0.04, 15);
    const t99 = historicalTail(r, 0.99);
    expect(t99.var).toBeCloseTo(0.046, 15);
    expect(t99.es).toBeCloseTo(0.05, 15);
  });
});

describe('normalQuantile', () => {
  it('matches reference values', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 13);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 13);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514722, 13);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('SeededRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const c = new SeededRng(43);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
    for (const v of sa) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });
  it('nextIndex covers [0, n) roughly uniformly', () => {
    const rng = new SeededRng(7);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[rng.nextIndex(5)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});
