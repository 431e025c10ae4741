// Portfolio VaR and expected shortfall in currency: historical (empirical
// quantile of daily P&L) and parametric normal (μ and σ from the covariance).
import { normalQuantile } from './normal.js';
import { historicalTail, sortedCopy } from './stats.js';

export interface TailRisk {
  /** Loss in currency (positive = loss). */
  amount: number;
  /** amount / net portfolio value; null when the net value is not positive. */
  fraction: number | null;
}

export interface VarAtConfidence {
  confidence: number;
  /** minus the (1-c) quantile of daily P&L (R type 7 interpolation). */
  historical: TailRisk;
  /** z_c·σ - μ of daily P&L with σ² = wᵀΣw, μ = Σ w_a·mean(r_a) (normal assumption). */
  parametric: TailRisk;
  /** Historical expected shortfall: minus the mean daily P&L at or below the (1-c) quantile. */
  expectedShortfall: TailRisk;
}

/** Mean and standard deviation of daily portfolio P&L from per-asset means and covariance: μ = wᵀm, σ = sqrt(wᵀΣw). */
export function portfolioMoments(weights: ArrayLike<number>, means: ArrayLike<number>, cov: Float64Array): { mean: number; sd: number } {
  const k = weights.length;
  let mu = 0;
  let v = 0;
  for (let a = 0; a < k; a++) {
    const wa = weights[a]!;
    mu += wa * means[a]!;
    for (let b = 0; b < k; b++) v += wa * cov[a * k + b]! * weights[b]!;
  }
  return { mean: mu, sd: Math.sqrt(Math.max(0, v)) };
}

/** Parametric (normal) VaR of a P&L distribution with the given mean and SD: z_c·σ - μ. */
export function parametricVar(mean: number, sd: number, confidence: number): number {
  return normalQuantile(confidence) * sd - mean;
}

/** VaR (historical and parametric) and historical ES for each confidence level. */
export function portfolioVar(pnl: Float64Array, moments: { mean: number; sd: number }, portfolioValue: number, confidences: readonly number[]): VarAtConfidence[] {
  const sorted = sortedCopy(pnl);
  const frac = (amount: number): TailRisk => ({ amount, fraction: portfolioValue > 0 ? amount / portfolioValue : null });
  return confidences.map((c) => {
    const h = historicalTail(sorted, c);
    return {
      confidence: c,
      historical: frac(h.var),
      parametric: frac(parametricVar(moments.mean, moments.sd, c)),
      expectedShortfall: frac(h.es),
    };
  });
}
