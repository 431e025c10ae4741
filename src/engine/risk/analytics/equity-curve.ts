// Equity curve points, validation, resampling to one point per UTC day
// (the last equity of each day) and daily simple returns.
import { AnalyticsInputError } from './errors.js';

/** One point of an equity curve. `line` (1-based CSV line) is kept for error messages. */
export interface EquityPoint {
  /** Milliseconds since the Unix epoch (UTC). */
  timestamp: number;
  equity: number;
  line?: number;
}

/** A daily curve: one equity per UTC day, ascending. */
export interface DailyCurve {
  /** UTC midnight (ms) of each day. */
  days: Float64Array;
  equity: Float64Array;
  /** True when some UTC day held more than one point (intraday input was resampled). */
  resampled: boolean;
}

const DAY_MS = 86_400_000;

function where(p: EquityPoint, i: number): string {
  const ts = Number.isFinite(p.timestamp) ? ` (${new Date(p.timestamp).toISOString()})` : '';
  return p.line === undefined ? `row ${i}${ts}` : `line ${p.line}${ts}`;
}

/** Checks finite timestamps, strictly increasing time and positive finite equity; throws naming the row/line and field. */
export function validateEquityPoints(points: readonly EquityPoint[]): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (typeof p.timestamp !== 'number' || !Number.isFinite(p.timestamp)) {
      throw new AnalyticsInputError(`${where(p, i)}: field 'timestamp' must be a finite epoch-ms number, got ${String(p.timestamp)}`, 'timestamp', i);
    }
    if (typeof p.equity !== 'number' || !Number.isFinite(p.equity) || p.equity <= 0) {
      throw new AnalyticsInputError(`${where(p, i)}: field 'equity' must be a positive finite number, got ${String(p.equity)}`, 'equity', i);
    }
    if (i > 0 && !(p.timestamp > points[i - 1]!.timestamp)) {
      const prev = points[i - 1]!;
      const what = p.timestamp === prev.timestamp ? 'duplicates' : 'is before';
      throw new AnalyticsInputError(`${where(p, i)}: field 'timestamp' ${what} the previous point's (${where(prev, i - 1)}); points must be in increasing time`, 'timestamp', i);
    }
  }
}

/**
 * One point per UTC calendar day, the last equity of that day, stamped at that
 * day's UTC midnight. A curve that is already daily passes through unchanged
 * (except the stamp). Input must be validated (increasing time).
 */
export function toDailyCurve(points: readonly EquityPoint[]): DailyCurve {
  const days: number[] = [];
  const equity: number[] = [];
  let resampled = false;
  for (const p of points) {
    const day = Math.floor(p.timestamp / DAY_MS) * DAY_MS;
    if (days.length > 0 && days[days.length - 1] === day) {
      equity[equity.length - 1] = p.equity;
      resampled = true;
    } else {
      days.push(day);
      equity.push(p.equity);
    }
  }
  return { days: Float64Array.from(days), equity: Float64Array.from(equity), resampled };
}

/** Simple returns r[t] = e[t+1] / e[t] - 1. */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const n = Math.max(0, equity.length - 1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = equity[i + 1]! / equity[i]! - 1;
  return r;
}

/** Largest peak-to-trough fall, as a fraction: max over t of 1 - e[t] / max(e[0..t]). */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = -Infinity;
  let mdd = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = 1 - e / peak;
    if (dd > mdd) mdd = dd;
  }
  return mdd;
}
