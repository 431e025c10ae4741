// Portfolio VaR (historical and normal), expected shortfall and Pearson
// correlations on small hand-checkable inputs, through computeAnalytics.
import { describe, expect, it } from 'vitest';
import { averagePairwiseCorrelation, correlationMatrix } from '../../../../../src/engine/risk/analytics/correlation.js';
import { AnalyticsInputError } from '../../../../../src/engine/risk/analytics/errors.js';
import { computeAnalytics, type AnalyticsInput } from '../../../../../src/engine/risk/analytics/portfolio-analytics.js';
import { packReturns } from '../../../../../src/engine/risk/analytics/return-matrix.js';
import { mean, sampleSd } from '../../../../../src/engine/risk/analytics/stats.js';

const Z95 = 1.6448536269514722;
const Z99 = 2.3263478740408408;

describe('historical VaR and ES of a single position', () => {
  // 21 daily returns: -5%, -3% and 19 returns from 0% to 0.18%
  const r = [0.001, -0.05, 0.0, -0.03, ...Array.from({ length: 17 }, (_, i) => 0.002 + i / 10_000)];
  const res = computeAnalytics({ positions: [{ symbol: 'SPY', assetClass: 'us_equity', marketValue: 10_000 }], returns: [r], monteCarlo: false });
  it('VaR = -(1-c) quantile of P&L, ES = -mean P&L at or below it', () => {
    expect(r).toHaveLength(21);
    const [v95, v99] = res.var;
    expect(v95!.confidence).toBe(0.95);
    expect(v95!.historical.amount).toBeCloseTo(300, 9); // h = 1 -> -3% of 10,000
    expect(v95!.historical.fraction).toBeCloseTo(0.03, 12);
    expect(v95!.expectedShortfall.amount).toBeCloseTo(400, 9); // mean(-500, -300)
    expect(v99!.historical.amount).toBeCloseTo(460, 9); // h = 0.2 -> -500 + 0.2 * 200
    expect(v99!.expectedShortfall.amount).toBeCloseTo(500, 9);
  });
  it('parametric VaR = z·σ - μ of daily P&L', () => {
    const pnl = r.map((x) => x * 10_000);
    const mu = mean(pnl);
    const sd = sampleSd(pnl);
    expect(res.dailyPnl.mean).toBeCloseTo(mu, 9);
    expect(res.dailyPnl.sd).toBeCloseTo(sd, 9);
    expect(res.var[0]!.parametric.amount).toBeCloseTo(Z95 * sd - mu, 9);
    expect(res.var[1]!.parametric.amount).toBeCloseTo(Z99 * sd - mu, 9);
    expect(res.var[1]!.parametric.fraction).toBeCloseTo((Z99 * sd - mu) / 10_000, 12);
  });
});

describe('two-asset portfolio', () => {
  const a = [0.01, -0.02, 0.015, -0.005, 0.02, -0.03, 0.01, 0.0];
  const b = [-0.01, 0.03, -0.02, 0.01, 0.0, 0.04, -0.015, 0.005];
  const input: AnalyticsInput = {
    positions: [
      { symbol: 'A', assetClass: 'us_equity', marketValue: 6_000 },
      { symbol: 'B', assetClass: 'rates', marketValue: 4_000 },
    ],
    returns: [a, Float64Array.from(b)],
    confidenceLevels: [0.9, 0.95, 0.99],
    monteCarlo: false,
  };
  const res = computeAnalytics(input);
  const pnl = a.map((x, t) => 6_000 * x + 4_000 * b[t]!);
  it('covariance-based σ equals the SD of the P&L series (diversification included)', () => {
    expect(res.portfolioValue).toBe(10_000);
    expect(res.grossExposure).toBe(10_000);
    expect(res.observations).toBe(8);
    expect(res.dailyPnl.sd).toBeCloseTo(sampleSd(pnl), 9);
    expect(res.dailyPnl.sd).toBeLessThan(6_000 * sampleSd(a) + 4_000 * sampleSd(b));
    expect(res.var.map((v) => v.confidence)).toEqual([0.9, 0.95, 0.99]);
    expect(res.var[0]!.parametric.amount).toBeCloseTo(1.2815515655446004 * sampleSd(pnl) - mean(pnl), 9);
  });
  it('historical VaR uses the P&L of the whole portfolio', () => {
    const s = [...pnl].sort((x, y) => x - y);
    // n = 8, p = 0.05: h = 0.35
    expect(res.var[1]!.historical.amount).toBeCloseTo(-(s[0]! + 0.35 * (s[1]! - s[0]!)), 9);
    expect(res.var[1]!.expectedShortfall.amount).toBeCloseTo(-s[0]!, 9);
  });
  it('VaR grows with confidence', () => {
    expect(res.var[0]!.historical.amount).toBeLessThanOrEqual(res.var[1]!.historical.amount);
    expect(res.var[1]!.historical.amount).toBeLessThanOrEqual(res.var[2]!.historical.amount);
    expect(res.var[0]!.parametric.amount).toBeLessThan(res.var[2]!.parametric.amount);
  });
  it('correlation is symmetric with a unit diagonal', () => {
    const m = res.correlation.matrix;
    expect(res.correlation.symbols).toEqual(['A', 'B']);
    expect(m[0]![0]).toBe(1);
    expect(m[1]![1]).toBe(1);
    expect(m[0]![1]).toBe(m[1]![0]);
    expect(m[0]![1]).toBeLessThan(0);
    expect(res.correlation.averagePairwise).toBe(m[0]![1]);
  });
});

describe('Pearson correlation', () => {
  it('perfectly correlated series give 1, perfectly anti-correlated -1', () => {
    const x = [0.01, -0.02, 0.03, 0.0, -0.01];
    const c = correlationMatrix(packReturns([x, x.map((v) => 2 * v + 0.001), x.map((v) => -3 * v)]));
    expect(c[0]![1]).toBeCloseTo(1, 12);
    expect(c[1]![0]).toBeCloseTo(1, 12);
    expect(c[0]![2]).toBeCloseTo(-1, 12);
    expect(c[1]![2]).toBeCloseTo(-1, 12);
    expect(averagePairwiseCorrelation(c)).toBeCloseTo(-1 / 3, 12);
  });
  it('matches a hand value: x = 1,2,3 and y = 1,3,2 give 0.5', () => {
    expect(correlationMatrix(packReturns([[0.01, 0.02, 0.03], [0.01, 0.03, 0.02]]))[0]![1]).toBeCloseTo(0.5, 12);
  });
  it('a zero-variance asset has null correlations and a warning', () => {
    const res = computeAnalytics({
      positions: [
        { symbol: 'X', assetClass: 'us_equity', marketValue: 1 },
        { symbol: 'CASH', assetClass: 'cash', marketValue: 1 },
        { symbol: 'Y', assetClass: 'us_equity', marketValue: 1 },
      ],
      returns: [[0.01, 0.02, -0.01], [0, 0, 0], [0.02, 0.04, -0.02]],
      monteCarlo: false,
    });
    expect(res.correlation.matrix[0]![1]).toBeNull();
    expect(res.correlation.matrix[1]![1]).toBe(1);
    expect(res.correlation.matrix[0]![2]).toBeCloseTo(1, 12);
    expect(res.correlation.averagePairwise).toBeCloseTo(1, 12); // only the defined pair
    expect(res.warnings.join('\n')).toMatch(/CASH: returns have zero variance/);
    expect(averagePairwiseCorrelation([[1]])).toBeNull();
  });
});

describe('computeAnalytics input errors', () => {
  const pos = [
    { symbol: 'A', assetClass: 'us_equity', marketValue: 100 },
    { symbol: 'B', assetClass: 'crypto', marketValue: 100 },
  ];
  const err = (input: unknown): AnalyticsInputError => {
    try {
      computeAnalytics(input as AnalyticsInput);
    } catch (e) {
      expect(e).toBeInstanceOf(AnalyticsInputError);
      return e as AnalyticsInputError;
    }
    throw new Error('expected an AnalyticsInputError');
  };
  it('names the series, asset and day of a bad return', () => {
    const e = err({ positions: pos, returns: [[0.01, 0.02], [0.01, Number.NaN]] });
    expect(e.message).toBe('returns[1][1] (B, day 1): must be a finite simple return >= -1, got NaN');
    expect(e.field).toBe('returns[1][1]');
    expect(err({ positions: pos, returns: [[0.01, 0.02], [0.01, -1.5]] }).field).toBe('returns[1][1]');
  });
  it('series count and length must match', () => {
    expect(err({ positions: pos, returns: [[0.01, 0.02]] }).message).toMatch(/1 series for 2 positions/);
    expect(err({ positions: pos, returns: [[0.01, 0.02], [0.01]] }).message).toMatch(/returns\[1\] \(B\): has 1 days, returns\[0\] has 2/);
    expect(err({ positions: pos, returns: [[0.01], [0.02]] }).message).toMatch(/at least 2 days/);
  });
  it('validates positions and options with the field path', () => {
    expect(err({ positions: [], returns: [] }).field).toBe('positions');
    const e = err({ positions: [pos[0], { ...pos[1], marketValue: Number.POSITIVE_INFINITY }], returns: [[0, 0.1], [0, 0.1]] });
    expect(e.field).toBe('positions[1].marketValue');
    expect(e.row).toBe(1);
    expect(err({ positions: pos, returns: [[0, 0.1], [0, 0.1]], confidenceLevels: [1.5] }).field).toBe('confidenceLevels[0]');
    expect(err({ positions: pos, returns: [[0, 0.1], [0, 0.1]], monteCarlo: { paths: 0 } }).field).toBe('monteCarlo.paths');
  });
});
