// Performance metrics of an equity curve on daily simple returns (sample SD,
// no risk-free rate, annualized on 252 daily returns a year unless told
// otherwise: 365 for a curve with weekend points, see core/annualize.ts
// daysPerYearOf); intraday curves are first resampled to the last equity of each
// UTC day.
import { maxDrawdown, simpleReturns, toDailyCurve, validateEquityPoints, type EquityPoint } from './equity-curve.js';
import { AnalyticsInputError } from './errors.js';
import { mean, quantileSorted, sampleSd, sortedCopy, tailMeanAtOrBelow } from './stats.js';

export const TRADING_DAYS_PER_YEAR = 252;

/** Keys and meaning match `tradedesk metrics --json` and test/support/metrics_ref.py. */
export interface PerformanceMetrics {
  /** last / first - 1 */
  total_return: number;
  /** (last / first)^(Y / days) - 1, Y daily returns a year (252, or 365 for a curve with weekend points) */
  cagr: number;
  /** sd(r) · √Y, sample SD (n-1) */
  volatility: number;
  /** mean(r) / sd(r) · √Y (no risk-free rate) */
  sharpe: number;
  /** mean(r) / sqrt(mean(min(r,0)²)) · √Y; null when no return is below zero (downside deviation 0) */
  sortino: number | null;
  /** max over t of 1 - equity[t] / running peak */
  max_drawdown: number;
  /** minus the 5% quantile of r (R type 7 linear interpolation) */
  var_95: number;
  /** minus the 1% quantile of r */
  var_99: number;
  /** minus the mean of the returns at or below the 5% quantile */
  es_95: number;
  /** minus the mean of the returns at or below the 1% quantile */
  es_99: number;
  /** n, the number of daily returns */
  days: number;
}

/** Metrics plus what they were computed on. */
export interface PerformanceReport {
  metrics: PerformanceMetrics;
  /** UTC midnight (ms) of the first and last day used. */
  start: number;
  end: number;
  /** Number of daily points (days + 1). */
  points: number;
  /** True when intraday points were collapsed to the last equity of each UTC day. */
  resampled: boolean;
  /** The daily returns a year the metrics are annualized on. */
  daysPerYear: number;
}

/** Metrics of daily simple returns `r` of an equity series `equity` (already one point per day), `perYear` of them a year. */
export function metricsFromDailyEquity(equity: ArrayLike<number>, perYear = TRADING_DAYS_PER_YEAR): PerformanceMetrics {
  if (equity.length < 3) {
    throw new AnalyticsInputError(
      `need at least 3 daily equity points (2 daily returns, for a sample standard deviation), got ${equity.length}`,
      'equity',
    );
  }
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (!Number.isFinite(e) || e <= 0) throw new AnalyticsInputError(`row ${i}: field 'equity' must be a positive finite number, got ${e}`, 'equity', i);
  }
  const r = simpleReturns(equity);
  const n = r.length;
  const mu = mean(r);
  const sd = sampleSd(r, mu);
  if (!(sd > 1e-12 * Math.abs(mu))) {
    throw new AnalyticsInputError(
      `daily returns have zero variance (all ${n} returns equal ${mu}): volatility, sharpe and sortino are undefined`,
      'equity',
    );
  }
  let down = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.min(r[i]!, 0);
    down += d * d;
  }
  const downsideDev = Math.sqrt(down / n);
  const ann = Math.sqrt(perYear);
  const sorted = sortedCopy(r);
  const q5 = quantileSorted(sorted, 0.05);
  const q1 = quantileSorted(sorted, 0.01);
  const first = equity[0]!;
  const last = equity[equity.length - 1]!;
  return {
    total_return: last / first - 1,
    cagr: Math.pow(last / first, perYear / n) - 1,
    volatility: sd * ann,
    sharpe: (mu / sd) * ann,
    sortino: downsideDev > 0 ? (mu / downsideDev) * ann : null,
    max_drawdown: maxDrawdown(equity),
    var_95: -q5,
    var_99: -q1,
    es_95: -tailMeanAtOrBelow(sorted, q5),
    es_99: -tailMeanAtOrBelow(sorted, q1),
    days: n,
  };
}

/** Validates the points, resamples to one point per UTC day (last equity) and computes the metrics, annualized on `perYear` daily returns. */
export function computePerformanceReport(points: readonly EquityPoint[], perYear = TRADING_DAYS_PER_YEAR): PerformanceReport {
  if (points.length < 2) throw new AnalyticsInputError(`need at least 2 equity points, got ${points.length}`, 'equity');
  validateEquityPoints(points);
  const curve = toDailyCurve(points);
  if (curve.equity.length < 3) {
    throw new AnalyticsInputError(
      `need at least 3 daily equity points (2 daily returns); the ${points.length} points cover ${curve.equity.length} UTC day${curve.equity.length === 1 ? '' : 's'}`,
      'timestamp',
    );
  }
  return {
    metrics: metricsFromDailyEquity(curve.equity, perYear),
    start: curve.days[0]!,
    end: curve.days[curve.days.length - 1]!,
    points: curve.equity.length,
    resampled: curve.resampled,
    daysPerYear: perYear,
  };
}

/** The performance metrics of an equity curve (see PerformanceMetrics for the definitions). */
export function computePerformanceMetrics(points: readonly EquityPoint[]): PerformanceMetrics {
  return computePerformanceReport(points).metrics;
}
