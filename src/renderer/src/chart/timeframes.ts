// Chart timeframes and the client-side aggregation of the engine's 1-minute
// bars into them. Buckets are aligned to UTC epoch multiples (5m, 15m, 1h) and
// to the UTC day for 1D (the engine's session day, features/session.ts), so a
// bucket's boundaries never depend on where the loaded history starts.
import type { Bar } from '../../../shared/domain.js';

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1D'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MIN = 60_000;
export const TIMEFRAME_MS: Record<Timeframe, number> = { '1m': MIN, '5m': 5 * MIN, '15m': 15 * MIN, '1h': 60 * MIN, '1D': 1440 * MIN };

/** Opening time of the bucket holding ts. */
export function bucketStart(ts: number, tf: Timeframe): number {
  const ms = TIMEFRAME_MS[tf];
  return Math.floor(ts / ms) * ms;
}

/**
 * One bar per bucket: first open, highest high, lowest low, last close, summed
 * volume; the bucket's opening time as ts. Input sorted by ts; 1m is returned as is.
 */
export function aggregateBars(bars: readonly Bar[], tf: Timeframe): readonly Bar[] {
  if (tf === '1m') return bars;
  const out: Bar[] = [];
  let cur: Bar | undefined;
  for (const b of bars) {
    const start = bucketStart(b.ts, tf);
    if (cur && cur.ts === start) {
      if (b.high > cur.high) cur.high = b.high;
      if (b.low < cur.low) cur.low = b.low;
      cur.close = b.close;
      cur.volume += b.volume;
    } else {
      cur = { ...b, ts: start };
      out.push(cur);
    }
  }
  return out;
}
