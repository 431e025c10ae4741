// Per-asset daily return series packed into one Float64Array (asset-major),
// validated once so the analytics loops run on flat typed arrays.
import { AnalyticsInputError } from './errors.js';

export interface ReturnMatrix {
  /** Number of assets (rows). */
  assets: number;
  /** Number of days (columns). */
  days: number;
  /** data[a * days + t] = return of asset a on day t. */
  data: Float64Array;
}

/**
 * Packs `series[a][t]` (number[] or typed arrays, all the same length) into a
 * ReturnMatrix. Returns must be finite and >= -1 (a simple return cannot lose
 * more than everything); errors name the asset (`labels[a]`) and day index.
 */
export function packReturns(series: ReadonlyArray<ArrayLike<number>>, labels: readonly string[] = []): ReturnMatrix {
  const k = series.length;
  if (k === 0) throw new AnalyticsInputError('returns: need at least one return series', 'returns');
  const n = series[0]!.length;
  const data = new Float64Array(k * n);
  for (let a = 0; a < k; a++) {
    const s = series[a]!;
    const name = labels[a] ?? `#${a}`;
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') {
      throw new AnalyticsInputError(`returns[${a}] (${name}): must be an array of numbers`, `returns[${a}]`, a);
    }
    if (s.length !== n) {
      throw new AnalyticsInputError(`returns[${a}] (${name}): has ${s.length} days, returns[0] has ${n}; all series must cover the same days`, `returns[${a}]`, a);
    }
    const off = a * n;
    for (let t = 0; t < n; t++) {
      const v = s[t];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < -1) {
        throw new AnalyticsInputError(`returns[${a}][${t}] (${name}, day ${t}): must be a finite simple return >= -1, got ${String(v)}`, `returns[${a}][${t}]`, t);
      }
      data[off + t] = v;
    }
  }
  return { assets: k, days: n, data };
}

/** Portfolio P&L per day in currency: pnl[t] = Σ_a weights[a] · r[a][t] (weights = market values). */
export function portfolioPnl(m: ReturnMatrix, weights: ArrayLike<number>): Float64Array {
  const { assets: k, days: n, data } = m;
  const pnl = new Float64Array(n);
  for (let a = 0; a < k; a++) {
    const w = weights[a]!;
    if (w === 0) continue;
    const off = a * n;
    for (let t = 0; t < n; t++) pnl[t] = pnl[t]! + w * data[off + t]!;
  }
  return pnl;
}
