// Stress scenarios: the '2008' and '2020' presets applied to positions by
// asset class, custom scenarios, and unshocked asset classes.
import { describe, expect, it } from 'vitest';
import { AnalyticsInputError } from '../../../../../src/engine/risk/analytics/errors.js';
import { computeAnalytics } from '../../../../../src/engine/risk/analytics/portfolio-analytics.js';
import { applyStressScenario, STRESS_PRESETS, type StressPosition } from '../../../../../src/engine/risk/analytics/stress.js';

const positions: StressPosition[] = [
  { symbol: 'SPY', assetClass: 'us_equity', marketValue: 100_000 },
  { symbol: 'BTC', assetClass: 'crypto', marketValue: 10_000 },
  { symbol: 'TLT', assetClass: 'rates', marketValue: 50_000 },
  { symbol: 'DBC', assetClass: 'commodities', marketValue: 20_000 },
  { symbol: 'EURUSD', assetClass: 'fx', marketValue: 5_000 },
];

describe('stress presets', () => {
  it('2008: equities -45%, crypto -60%, rates +15%, commodities -40%', () => {
    const r = applyStressScenario(positions, STRESS_PRESETS['2008']);
    expect(r.byPosition.map((l) => l.pnl)).toEqual([-45_000, -6_000, 7_500, -8_000, 0]);
    expect(r.pnl).toBeCloseTo(-51_500, 9);
    expect(r.pnlFraction).toBeCloseTo(-51_500 / 185_000, 12);
    expect(r.unshocked).toEqual(['EURUSD']);
    expect(r.byPosition[4]!.shock).toBeNull();
  });
  it('2020: equities -34%, crypto -50%, rates +8%, commodities -30%', () => {
    const r = applyStressScenario(positions, STRESS_PRESETS['2020']);
    expect(r.byPosition.map((l) => l.shock)).toEqual([-0.34, -0.5, 0.08, -0.3, null]);
    expect(r.pnl).toBeCloseTo(-34_000 - 5_000 + 4_000 - 6_000, 9);
  });
  it('every preset number comes with a written assumption', () => {
    for (const preset of Object.values(STRESS_PRESETS)) {
      expect(preset.description).toMatch(/assumption, not history/i);
      for (const cls of Object.keys(preset.shocks)) expect(preset.assumptions?.[cls], `${preset.name}.${cls}`).toMatch(/^assumed /);
    }
  });
  it('short positions gain when prices fall', () => {
    const r = applyStressScenario([{ symbol: 'SH', assetClass: 'us_equity', marketValue: -1_000 }], STRESS_PRESETS['2008']);
    expect(r.pnl).toBeCloseTo(450, 9);
    expect(r.pnlFraction).toBeNull(); // net value not positive
  });
});

describe('stress through computeAnalytics', () => {
  const returns = positions.map((_, i) => [0.01 * (i + 1), -0.01, 0.005 * i]);
  it('runs both presets by default', () => {
    const res = computeAnalytics({ positions, returns, monteCarlo: false });
    expect(res.stress.map((s) => s.scenario)).toEqual(['2008', '2020']);
    expect(res.stress[0]!.pnl).toBeCloseTo(-51_500, 9);
  });
  it('custom scenarios (alone, or with chosen presets)', () => {
    const custom = { name: 'crypto winter', shocks: { crypto: -0.8, fx: 0.1 } };
    let res = computeAnalytics({ positions, returns, monteCarlo: false, stress: { scenarios: [custom] } });
    expect(res.stress).toHaveLength(1);
    expect(res.stress[0]!.pnl).toBeCloseTo(-8_000 + 500, 9);
    expect(res.stress[0]!.unshocked).toEqual(['SPY', 'TLT', 'DBC']);
    res = computeAnalytics({ positions, returns, monteCarlo: false, stress: { presets: ['2020'], scenarios: [custom] } });
    expect(res.stress.map((s) => s.scenario)).toEqual(['2020', 'crypto winter']);
  });
  it('rejects a shock below -100%', () => {
    expect(() => computeAnalytics({ positions, returns, stress: { scenarios: [{ name: 'x', shocks: { crypto: -1.2 } }] } })).toThrow(AnalyticsInputError);
    expect(() => computeAnalytics({ positions, returns, stress: { scenarios: [{ name: 'x', shocks: { crypto: -1.2 } }] } })).toThrow(/stress\.scenarios\[0\]\.shocks\.crypto/);
  });
});
