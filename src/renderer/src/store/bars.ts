// Pure helpers that merge live bars into a symbol's history: replace the bar
// with the same open time, append a newer one, keep the series bounded.
import type { Bar } from '../../../shared/domain.js';

export const MAX_BARS_PER_SYMBOL = 5000;

export function mergeBar(series: readonly Bar[], bar: Bar): Bar[] {
  const last = series[series.length - 1];
  if (!last || bar.ts > last.ts) {
    const next = [...series, bar];
    return next.length > MAX_BARS_PER_SYMBOL ? next.slice(next.length - MAX_BARS_PER_SYMBOL) : next;
  }
  if (bar.ts === last.ts) return [...series.slice(0, -1), bar];
  // An older bar: replace it in place if we hold it, otherwise ignore.
  const i = series.findIndex((b) => b.ts === bar.ts);
  if (i < 0) return series as Bar[];
  const next = series.slice();
  next[i] = bar;
  return next;
}

export function mergeBars(series: readonly Bar[], bars: readonly Bar[]): Bar[] {
  let out = series as Bar[];
  for (const bar of bars) out = mergeBar(out, bar);
  return out;
}

/** History from getBars plus any live bars that arrived while it loaded. */
export function combineHistory(history: readonly Bar[], live: readonly Bar[]): Bar[] {
  const sorted = [...history].sort((a, b) => a.ts - b.ts);
  return mergeBars(sorted, live);
}
