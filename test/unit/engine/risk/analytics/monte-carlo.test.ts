// Monte Carlo drawdown distribution: determinism for a seed, percentile
// ordering, exact cases, and the bootstrap share of a two-point distribution.
import { describe, expect, it } from 'vitest';
import { AnalyticsInputError } from '../../../../../src/engine/risk/analytics/errors.js';
import { simulateDrawdownDistribution, simulateMaxDrawdowns } from '../../../../../src/engine/risk/analytics/monte-carlo.js';
import { computeAnalytics } from '../../../../../src/engine/risk/analytics/portfolio-analytics.js';
import { readEquityCsv } from '../../../../../src/engine/risk/analytics/equity-csv.js';
import { simpleReturns } from '../../../../../src/engine/risk/analytics/equity-curve.js';
import { fileURLToPath } from 'node:url';

const SPY = fileURLToPath(new URL('../../../../fixtures/spy_2007_2009.csv', import.meta.url));

async function spyReturns(): Promise<Float64Array> {
  return simpleReturns((await readEquityCsv(SPY)).map((p) => p.equity));
}

describe('simulateDrawdownDistribution', () => {
  it('defaults to 10,000 paths over 252 days', async () => {
    const d = simulateDrawdownDistribution(await spyReturns());
    expect(d).toMatchObject({ paths: 10_000, horizonDays: 252, seed: 1, threshold: 0.2 });
  });
  it('is deterministic for a seed and changes with the seed', async () => {
    const r = await spyReturns();
    const a = simulateDrawdownDistribution(r, { seed: 42 });
    const b = simulateDrawdownDistribution(r, { seed: 42 });
    const c = simulateDrawdownDistribution(r, { seed: 43 });
    expect(b).toEqual(a);
    expect(c.p50).not.toBe(a.p50);
    expect(Array.from(simulateMaxDrawdowns(r, 50, 30, 9))).toEqual(Array.from(simulateMaxDrawdowns(r, 50, 30, 9)));
  });
  it('percentiles are ordered and in [0, 1] on real returns', async () => {
    const d = simulateDrawdownDistribution(await spyReturns(), { seed: 7, threshold: 0.3 });
    expect(d.p50).toBeGreaterThan(0);
    expect(d.p50).toBeLessThanOrEqual(d.p95);
    expect(d.p95).toBeLessThanOrEqual(d.p99);
    expect(d.p99).toBeLessThan(1);
    expect(d.mean).toBeGreaterThan(0);
    expect(d.probExceedingThreshold).toBeGreaterThan(0);
    expect(d.probExceedingThreshold).toBeLessThan(1);
    // a one-year horizon of 2007-09 days: a median drawdown well above 10% is expected
    expect(d.p50).toBeGreaterThan(0.1);
  });
  it('constant losses give the exact drawdown on every path', () => {
    const d = simulateDrawdownDistribution([-0.01, -0.01], { paths: 100, horizonDays: 10, threshold: 0.05 });
    const exact = 1 - Math.pow(0.99, 10);
    expect(d.p50).toBeCloseTo(exact, 12);
    expect(d.p99).toBeCloseTo(exact, 12);
    expect(d.probExceedingThreshold).toBe(1);
  });
  it('gains only: no drawdown at all', () => {
    const d = simulateDrawdownDistribution([0.01, 0.02, 0], { paths: 500, horizonDays: 20 });
    expect([d.p50, d.p95, d.p99, d.mean, d.probExceedingThreshold]).toEqual([0, 0, 0, 0, 0]);
  });
  it('bootstraps uniformly: a one-day horizon over {-50%, 0} exceeds 40% about half the time', () => {
    const d = simulateDrawdownDistribution([-0.5, 0], { paths: 10_000, horizonDays: 1, threshold: 0.4, seed: 3 });
    expect(Math.abs(d.probExceedingThreshold - 0.5)).toBeLessThan(0.03);
    expect(d.p99).toBe(0.5);
  });
  it('rejects bad options', () => {
    expect(() => simulateDrawdownDistribution([], {})).toThrow(AnalyticsInputError);
    expect(() => simulateDrawdownDistribution([0.01], { paths: 1.5 })).toThrow(/paths/);
    expect(() => simulateDrawdownDistribution([0.01], { threshold: 2 })).toThrow(/threshold/);
  });
});

describe('Monte Carlo inside computeAnalytics', () => {
  it('bootstraps the portfolio return series (P&L / net value)', async () => {
    const r = Array.from(await spyReturns());
    const res = computeAnalytics({ positions: [{ symbol: 'SPY', assetClass: 'us_equity', marketValue: 50_000 }], returns: [r], monteCarlo: { seed: 5, paths: 2_000 } });
    const direct = simulateDrawdownDistribution(r.map((x) => (x * 50_000) / 50_000), { seed: 5, paths: 2_000 });
    expect(res.monteCarlo).toEqual(direct);
  });
  it('is skipped with a warning when the net value is not positive', () => {
    const res = computeAnalytics({
      positions: [
        { symbol: 'L', assetClass: 'us_equity', marketValue: 1_000 },
        { symbol: 'S', assetClass: 'us_equity', marketValue: -1_000 },
      ],
      returns: [[0.01, -0.02, 0.01], [0.0, -0.01, 0.02]],
    });
    expect(res.monteCarlo).toBeNull();
    expect(res.warnings.join('\n')).toMatch(/monteCarlo: skipped/);
    expect(res.var[0]!.historical.fraction).toBeNull();
  });
});
