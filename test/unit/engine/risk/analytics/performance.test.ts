// Performance metrics on tiny hand-checkable equity curves, the intraday
// resampling rule and the input edge cases (too few points, zero variance,
// non-positive equity, time order).
import { describe, expect, it } from 'vitest';
import { AnalyticsInputError } from '../../../../../src/engine/risk/analytics/errors.js';
import { maxDrawdown, simpleReturns, toDailyCurve } from '../../../../../src/engine/risk/analytics/equity-curve.js';
import { computePerformanceMetrics, computePerformanceReport, metricsFromDailyEquity } from '../../../../../src/engine/risk/analytics/performance.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const daily = (equity: number[]) => equity.map((e, i) => ({ timestamp: T0 + i * DAY, equity: e }));
const fromReturns = (rets: number[], start = 100) => {
  const eq = [start];
  for (const r of rets) eq.push(eq[eq.length - 1]! * (1 + r));
  return eq;
};

describe('computePerformanceMetrics: hand-checkable series', () => {
  // 100 -> 110 -> 99 -> 108.9: r = [+10%, -10%, +10%]
  const m = computePerformanceMetrics(daily([100, 110, 99, 108.9]));
  const ann = Math.sqrt(252);
  it('total return and CAGR', () => {
    expect(m.days).toBe(3);
    expect(m.total_return).toBeCloseTo(0.089, 12);
    expect(m.cagr).toBeCloseTo(Math.pow(1.089, 252 / 3) - 1, 6);
  });
  it('volatility, sharpe, sortino on sample SD', () => {
    // mean = 1/30; deviations 1/15, -2/15, 1/15 -> ss = 6/225, var = 3/225 = 1/75
    const sd = Math.sqrt(1 / 75);
    expect(m.volatility).toBeCloseTo(sd * ann, 12);
    expect(m.sharpe).toBeCloseTo((1 / 30 / sd) * ann, 12);
    // downside deviation sqrt(0.01 / 3)
    expect(m.sortino).toBeCloseTo((1 / 30 / Math.sqrt(0.01 / 3)) * ann, 12);
  });
  it('max drawdown from the running peak', () => {
    expect(m.max_drawdown).toBeCloseTo(0.1, 12); // 110 -> 99
  });
  it('VaR/ES at 95 and 99 by R-7 interpolation', () => {
    // sorted r = [-0.1, 0.1, 0.1]; h95 = 0.1 -> -0.08; h99 = 0.02 -> -0.096
    expect(m.var_95).toBeCloseTo(0.08, 12);
    expect(m.var_99).toBeCloseTo(0.096, 12);
    expect(m.es_95).toBeCloseTo(0.1, 12);
    expect(m.es_99).toBeCloseTo(0.1, 12);
  });
});

describe('VaR/ES with two returns in the 5% tail', () => {
  it('includes the return at the quantile in ES', () => {
    const rets = [0.01, -0.05, 0.02, 0.0, -0.03, ...Array.from({ length: 16 }, (_, i) => 0.001 * (i + 1))];
    expect(rets).toHaveLength(21);
    const m = metricsFromDailyEquity(fromReturns(rets));
    expect(m.var_95).toBeCloseTo(0.03, 12); // h = 20 * 0.05 = 1 -> second smallest
    expect(m.es_95).toBeCloseTo(0.04, 12); // mean(-0.05, -0.03)
    expect(m.var_99).toBeCloseTo(0.046, 12); // h = 0.2
    expect(m.es_99).toBeCloseTo(0.05, 12);
  });
});

describe('sortino without down days', () => {
  it('is null when no return is below zero', () => {
    const m = computePerformanceMetrics(daily([100, 101, 101, 103]));
    expect(m.sortino).toBeNull();
    expect(m.max_drawdown).toBe(0);
  });
});

describe('helpers', () => {
  it('simpleReturns and maxDrawdown', () => {
    expect(Array.from(simpleReturns([100, 120, 90]))).toEqual([0.19999999999999996, -0.25]);
    expect(maxDrawdown([100, 120, 90, 130, 65])).toBeCloseTo(0.5, 15);
  });
});

describe('intraday curves', () => {
  it('resample to the last equity of each UTC day', () => {
    const h = 3_600_000;
    const pts = [
      { timestamp: T0 + 1 * h, equity: 100 },
      { timestamp: T0 + 20 * h, equity: 105 }, // last of day 0
      { timestamp: T0 + DAY + 2 * h, equity: 90 },
      { timestamp: T0 + DAY + 23.99 * h, equity: 110 }, // last of day 1
      { timestamp: T0 + 2 * DAY, equity: 99 }, // day 2 (midnight belongs to day 2)
      { timestamp: T0 + 2 * DAY + 5 * h, equity: 121 }, // last of day 2
    ];
    const curve = toDailyCurve(pts);
    expect(Array.from(curve.equity)).toEqual([105, 110, 121]);
    expect(Array.from(curve.days)).toEqual([T0, T0 + DAY, T0 + 2 * DAY]);
    expect(curve.resampled).toBe(true);
    const report = computePerformanceReport(pts);
    expect(report.resampled).toBe(true);
    expect(report.points).toBe(3);
    expect(report.metrics).toEqual(computePerformanceMetrics(daily([105, 110, 121])));
    expect(report.metrics.days).toBe(2);
  });
  it('leaves a daily curve as it is', () => {
    expect(computePerformanceReport(daily([100, 110, 99, 108.9])).resampled).toBe(false);
  });
});

describe('edge cases give clear errors', () => {
  const err = (f: () => unknown): AnalyticsInputError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(AnalyticsInputError);
      return e as AnalyticsInputError;
    }
    throw new Error('expected an AnalyticsInputError');
  };
  it('fewer than 2 points', () => {
    expect(err(() => computePerformanceMetrics(daily([100]))).message).toMatch(/at least 2 equity points, got 1/);
    expect(err(() => computePerformanceMetrics([])).message).toMatch(/got 0/);
  });
  it('2 points (one return) cannot give a sample SD', () => {
    expect(err(() => computePerformanceMetrics(daily([100, 101]))).message).toMatch(/at least 3 daily equity points/);
  });
  it('points that collapse to fewer than 3 UTC days', () => {
    const e = err(() => computePerformanceMetrics([0, 1, 2, 3].map((i) => ({ timestamp: T0 + i * 3_600_000, equity: 100 + i }))));
    expect(e.message).toMatch(/cover 1 UTC day/);
  });
  it('zero variance', () => {
    expect(err(() => computePerformanceMetrics(daily([100, 100, 100, 100]))).message).toMatch(/zero variance/);
    expect(err(() => computePerformanceMetrics(daily(fromReturns([0.01, 0.01, 0.01])))).message).toMatch(/zero variance/);
  });
  it('non-positive or non-finite equity names the row and field', () => {
    const e = err(() => computePerformanceMetrics(daily([100, 101, 0, 102])));
    expect(e.message).toMatch(/^row 2 \(2024-01-03T00:00:00\.000Z\): field 'equity' must be a positive finite number, got 0/);
    expect(e.field).toBe('equity');
    expect(e.row).toBe(2);
    expect(err(() => computePerformanceMetrics(daily([100, -5, 101]))).row).toBe(1);
    expect(err(() => computePerformanceMetrics(daily([100, 101, Number.NaN]))).field).toBe('equity');
  });
  it('uses the CSV line when the point carries one', () => {
    const pts = daily([100, 101, -1]).map((p, i) => ({ ...p, line: i + 2 }));
    expect(err(() => computePerformanceMetrics(pts)).message).toMatch(/^line 4 /);
  });
  it('time must increase', () => {
    const pts = daily([100, 101, 102]);
    pts[2]!.timestamp = pts[1]!.timestamp;
    const e = err(() => computePerformanceMetrics(pts));
    expect(e.field).toBe('timestamp');
    expect(e.message).toMatch(/row 2 .*duplicates/);
    pts[2]!.timestamp = pts[0]!.timestamp - 1;
    expect(err(() => computePerformanceMetrics(pts)).message).toMatch(/is before/);
  });
});
