// Portfolio analytics of the live account (VaR, expected shortfall, stress,
// Monte Carlo drawdowns, correlation), computed off the main thread from the
// holdings and their recent 1-minute returns; and performance metrics of the
// account's own equity curve. Reads the engine through the narrow
// AnalyticsSource below, never the Engine class (no import cycle).
import type { AccountMetrics, RiskAnalytics } from '../../shared/api/contract.js';
import type { Instrument } from '../../shared/domain.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Venue } from '../venues/venue.js';
import { metricsFromDailyEquity, TRADING_DAYS_PER_YEAR } from './analytics/performance.js';
import { runAnalyticsInWorker } from './analytics/run-in-worker.js';

/** What portfolio analytics read: the holdings, their recent bars, their instruments, the time. */
export interface AnalyticsSource {
  readonly portfolio: Pick<Portfolio, 'positions'>;
  readonly venue: Pick<Venue, 'getBars'>;
  readonly instrumentsBySymbol: ReadonlyMap<string, Instrument>;
  now(): number;
}

const BARS = 391;
/** 1-minute returns scaled to one trading day (390 minutes), square-root-of-time. */
const DAY_SCALE = Math.sqrt(390);

/** Stress scenarios shock asset classes; ETFs of rates and commodities count as those classes. */
export function stressClass(i: Instrument | undefined): string {
  if (!i) return 'us_equity';
  if (i.assetClass === 'crypto') return 'crypto';
  if (/rates|treasur|bond/i.test(i.sector)) return 'rates';
  if (/commodit/i.test(i.sector)) return 'commodities';
  return 'us_equity';
}

export async function portfolioAnalytics(e: AnalyticsSource): Promise<RiskAnalytics> {
  const positions = e.portfolio.positions();
  const empty: RiskAnalytics = {
    computedAt: e.now(),
    portfolioValue: 0,
    grossExposure: 0,
    observations: 0,
    horizon: '1 day (from 1-minute returns x sqrt(390))',
    var: [],
    stress: [],
    monteCarlo: null,
    correlation: { symbols: [], matrix: [], averagePairwise: null },
    warnings: ['no open positions'],
  };
  if (positions.length === 0) return empty;
  // aligned 1-minute closes of every holding
  const series = await Promise.all(positions.map((p) => e.venue.getBars(p.symbol, BARS)));
  const n = Math.min(...series.map((s) => s.length)) - 1;
  if (n < 10) return { ...empty, warnings: [`only ${n + 1} bars of history for the holdings: need at least 11`] };
  const returns = series.map((s) => {
    const closes = s.slice(-(n + 1)).map((b) => b.close);
    const r = new Float64Array(n);
    for (let t = 1; t <= n; t++) r[t - 1] = (closes[t]! / closes[t - 1]! - 1) * DAY_SCALE;
    return r;
  });
  const res = await runAnalyticsInWorker({
    positions: positions.map((p) => ({ symbol: p.symbol, assetClass: stressClass(e.instrumentsBySymbol.get(p.symbol)), marketValue: p.marketValue })),
    returns,
    stress: { presets: ['2008', '2020'] },
    monteCarlo: { paths: 10_000, horizonDays: 252, seed: 7 },
  });
  return {
    computedAt: e.now(),
    portfolioValue: res.portfolioValue,
    grossExposure: res.grossExposure,
    observations: res.observations,
    horizon: empty.horizon,
    var: res.var.map((v) => ({
      confidence: v.confidence,
      historical: v.historical.amount,
      parametric: v.parametric.amount,
      expectedShortfall: v.expectedShortfall.amount,
    })),
    stress: res.stress.map((s) => ({ name: s.scenario, pnl: s.pnl, pnlPct: s.pnlFraction })),
    monteCarlo: res.monteCarlo && { paths: res.monteCarlo.paths, horizonDays: res.monteCarlo.horizonDays, p50: res.monteCarlo.p50, p95: res.monteCarlo.p95, p99: res.monteCarlo.p99 },
    correlation: res.correlation,
    warnings: res.warnings,
  };
}

/** Metrics of the account's equity curve, resampled to the last equity of each UTC day, annualized on `perYear` daily returns. */
export function accountMetrics(curve: ReadonlyArray<[number, number]>, perYear?: number): AccountMetrics {
  const daily = new Map<string, number>();
  for (const [ts, eq] of curve) daily.set(new Date(ts).toISOString().slice(0, 10), eq);
  const points = curve.length > 2_000 ? curve.filter((_, i) => i % Math.ceil(curve.length / 2_000) === 0) : curve.slice();
  if (daily.size < 3) {
    return { curve: points.map(([t, v]) => [t, v]), metrics: null, note: `metrics need at least 3 days of equity; this account has ${daily.size}` };
  }
  const m = metricsFromDailyEquity([...daily.values()], perYear);
  return { curve: points.map(([t, v]) => [t, v]), metrics: { ...m } as Record<string, number | null>, note: `${daily.size} days, daily simple returns, annualized on ${perYear ?? TRADING_DAYS_PER_YEAR} days a year` };
}
