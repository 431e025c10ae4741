// Descriptive statistics on typed arrays: mean, sample variance/SD (n-1),
// the R type 7 (numpy 'linear') quantile, and the tail mean at or below a value.

/** Arithmetic mean; NaN for an empty series. */
export function mean(x: ArrayLike<number>): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}

/** Sample variance with the n-1 denominator (two-pass); NaN when n < 2. */
export function sampleVariance(x: ArrayLike<number>, mu = mean(x)): number {
  const n = x.length;
  if (n < 2) return NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mu;
    ss += d * d;
  }
  return ss / (n - 1);
}

/** Sample standard deviation (n-1 denominator). */
export function sampleSd(x: ArrayLike<number>, mu = mean(x)): number {
  return Math.sqrt(sampleVariance(x, mu));
}

/** Ascending sorted copy as a Float64Array (numeric sort). */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  out.sort();
  return out;
}

/**
 * Quantile of an ascending sorted series by linear interpolation between order
 * statistics: R type 7, numpy 'linear', Python statistics.quantiles(method='inclusive').
 * h = (n-1)·p; a position within 1e-9 of an integer is taken as that integer so
 * decimal probabilities (0.05, 0.01) land exactly on order statistics when they should.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  let h = (n - 1) * p;
  const hr = Math.round(h);
  if (Math.abs(h - hr) < 1e-9) h = hr;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const frac = h - lo;
  return frac === 0 ? a : a + frac * (sorted[hi]! - a);
}

/** Mean of the values at or below `threshold` in an ascending sorted series (NaN if none). */
export function tailMeanAtOrBelow(sorted: ArrayLike<number>, threshold: number): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (v > threshold) break;
    s += v;
    k++;
  }
  return k === 0 ? NaN : s / k;
}

/** Historical VaR and ES of a series at confidence c: minus the (1-c) quantile, minus the mean at or below it. */
export function historicalTail(sorted: ArrayLike<number>, confidence: number): { var: number; es: number } {
  // 1 - 0.95 is 0.050000000000000044 in binary; round to 12 decimals to get the double nearest 0.05.
  const q = quantileSorted(sorted, Math.round((1 - confidence) * 1e12) / 1e12);
  return { var: -q, es: -tailMeanAtOrBelow(sorted, q) };
}
