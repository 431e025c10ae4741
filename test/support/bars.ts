// Reproducible synthetic 1-minute bars for backtest tests and benchmarks: a
// seeded random walk per symbol (made-up prices, not market data).
import { SeededRng } from '../../src/engine/risk/analytics/prng.js';
import type { Bar } from '../../src/shared/domain.js';

export interface RandomBarsOptions {
  symbols: string[];
  /** Bars per symbol. */
  n: number;
  seed: number;
  start: number;
  stepMs?: number;
  /** Per-bar volatility of log returns (default 0.2%). */
  vol?: number;
}

/** Bars sorted by time then symbol; closes follow a random walk from 100, opens at the previous close. */
export function randomBars(o: RandomBarsOptions): Bar[] {
  const rng = new SeededRng(o.seed);
  const vol = o.vol ?? 0.002;
  const step = o.stepMs ?? 60_000;
  const last = o.symbols.map(() => 100);
  const out: Bar[] = [];
  for (let t = 0; t < o.n; t++) {
    for (let s = 0; s < o.symbols.length; s++) {
      const open = last[s]!;
      const close = Math.round(open * Math.exp(vol * (rng.next() + rng.next() + rng.next() - 1.5) * 2) * 100) / 100;
      const high = Math.max(open, close) + Math.round(rng.next() * vol * open * 100) / 100;
      const low = Math.min(open, close) - Math.round(rng.next() * vol * open * 100) / 100;
      out.push({ symbol: o.symbols[s]!, ts: o.start + t * step, open, high, low, close, volume: 1000 + Math.floor(rng.next() * 9000) });
      last[s] = close;
    }
  }
  return out;
}
