// Sample covariance (n-1) and Pearson correlation matrices of per-asset
// returns, plus the average pairwise correlation (off-diagonal mean).
import type { ReturnMatrix } from './return-matrix.js';

/** k×k sample covariance matrix (row-major Float64Array, n-1 denominator). Needs days >= 2. */
export function covarianceMatrix(m: ReturnMatrix): Float64Array {
  const { assets: k, days: n, data } = m;
  const centered = new Float64Array(k * n);
  for (let a = 0; a < k; a++) {
    const off = a * n;
    let s = 0;
    for (let t = 0; t < n; t++) s += data[off + t]!;
    const mu = s / n;
    for (let t = 0; t < n; t++) centered[off + t] = data[off + t]! - mu;
  }
  const cov = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const oa = a * n;
    for (let b = a; b < k; b++) {
      const ob = b * n;
      let s = 0;
      for (let t = 0; t < n; t++) s += centered[oa + t]! * centered[ob + t]!;
      const c = s / (n - 1);
      cov[a * k + b] = c;
      cov[b * k + a] = c;
    }
  }
  return cov;
}

/**
 * Pearson correlation matrix from a covariance matrix. An asset whose returns
 * have zero variance has no defined correlation: its off-diagonal entries are
 * null (its diagonal stays 1).
 */
export function correlationFromCovariance(cov: Float64Array, k: number): (number | null)[][] {
  const out: (number | null)[][] = [];
  for (let a = 0; a < k; a++) {
    const row: (number | null)[] = [];
    const va = cov[a * k + a]!;
    for (let b = 0; b < k; b++) {
      if (a === b) {
        row.push(1);
        continue;
      }
      const vb = cov[b * k + b]!;
      if (!(va > 0 && vb > 0)) {
        row.push(null);
        continue;
      }
      // clamp rounding excursions just outside [-1, 1]
      row.push(Math.max(-1, Math.min(1, cov[a * k + b]! / Math.sqrt(va * vb))));
    }
    out.push(row);
  }
  return out;
}

/** Pearson correlation matrix of the assets' returns. */
export function correlationMatrix(m: ReturnMatrix): (number | null)[][] {
  return correlationFromCovariance(covarianceMatrix(m), m.assets);
}

/** Mean of the defined off-diagonal correlations (each pair once); null when there is no defined pair. */
export function averagePairwiseCorrelation(corr: ReadonlyArray<ReadonlyArray<number | null>>): number | null {
  let s = 0;
  let c = 0;
  for (let a = 0; a < corr.length; a++) {
    for (let b = a + 1; b < corr.length; b++) {
      const v = corr[a]![b];
      if (v === null || v === undefined) continue;
      s += v;
      c++;
    }
  }
  return c === 0 ? null : s / c;
}
