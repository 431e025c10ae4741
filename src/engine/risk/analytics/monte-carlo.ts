// Monte Carlo of the maximum-drawdown distribution: paths built by bootstrap
// (sampling with replacement) of historical daily portfolio returns, driven by
// a seeded PRNG so a seed reproduces the result exactly.
import { AnalyticsInputError } from './errors.js';
import { SeededRng } from './prng.js';
import { quantileSorted } from './stats.js';

export interface DrawdownSimulationOptions {
  /** Number of simulated paths (default 10,000). */
  paths?: number;
  /** Days per path (default 252). */
  horizonDays?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Drawdown level whose exceedance probability is reported, as a fraction (default 0.2 = 20%). */
  threshold?: number;
}

export interface DrawdownDistribution {
  paths: number;
  horizonDays: number;
  seed: number;
  threshold: number;
  /** Percentiles (R type 7) of the per-path maximum drawdown, as fractions. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Share of paths whose maximum drawdown is strictly greater than `threshold`. */
  probExceedingThreshold: number;
}

export const DRAWDOWN_DEFAULTS = { paths: 10_000, horizonDays: 252, seed: 1, threshold: 0.2 } as const;

/** Per-path maximum drawdowns of bootstrapped paths (a Float64Array of length `paths`). */
export function simulateMaxDrawdowns(returns: ArrayLike<number>, paths: number, horizonDays: number, seed: number): Float64Array {
  const n = returns.length;
  if (n === 0) throw new AnalyticsInputError('monteCarlo: need at least one historical return to bootstrap', 'returns');
  if (!Number.isInteger(paths) || paths < 1) throw new AnalyticsInputError(`monteCarlo.paths must be a positive integer, got ${paths}`, 'monteCarlo.paths');
  if (!Number.isInteger(horizonDays) || horizonDays < 1) throw new AnalyticsInputError(`monteCarlo.horizonDays must be a positive integer, got ${horizonDays}`, 'monteCarlo.horizonDays');
  const growth = new Float64Array(n);
  for (let i = 0; i < n; i++) growth[i] = 1 + returns[i]!;
  const rng = new SeededRng(seed);
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    let equity = 1;
    let peak = 1;
    let mdd = 0;
    for (let d = 0; d < horizonDays; d++) {
      equity *= growth[rng.nextIndex(n)]!;
      if (equity > peak) peak = equity;
      else {
        const dd = 1 - equity / peak;
        if (dd > mdd) mdd = dd;
      }
    }
    out[p] = mdd;
  }
  return out;
}

/** Maximum-drawdown distribution over bootstrapped paths of the daily returns. */
export function simulateDrawdownDistribution(returns: ArrayLike<number>, options: DrawdownSimulationOptions = {}): DrawdownDistribution {
  const paths = options.paths ?? DRAWDOWN_DEFAULTS.paths;
  const horizonDays = options.horizonDays ?? DRAWDOWN_DEFAULTS.horizonDays;
  const seed = options.seed ?? DRAWDOWN_DEFAULTS.seed;
  const threshold = options.threshold ?? DRAWDOWN_DEFAULTS.threshold;
  if (!(threshold >= 0 && threshold <= 1)) throw new AnalyticsInputError(`monteCarlo.threshold must be in [0, 1], got ${threshold}`, 'monteCarlo.threshold');
  const mdd = simulateMaxDrawdowns(returns, paths, horizonDays, seed);
  let sum = 0;
  let over = 0;
  for (let i = 0; i < mdd.length; i++) {
    const v = mdd[i]!;
    sum += v;
    if (v > threshold) over++;
  }
  mdd.sort();
  return {
    paths,
    horizonDays,
    seed,
    threshold,
    p50: quantileSorted(mdd, 0.5),
    p95: quantileSorted(mdd, 0.95),
    p99: quantileSorted(mdd, 0.99),
    mean: sum / paths,
    probExceedingThreshold: over / paths,
  };
}
