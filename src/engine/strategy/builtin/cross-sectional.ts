// The shared machinery of cross-sectional strategies: at each rebalance time
// (every `rebalanceMin` minutes of bar time) they rank the universe and keep
// the picks; between rebalances each pick's signal is repeated on its bars.
import type { Bar } from '../../../shared/domain.js';
import { makeSignal, type SignalContext } from '../signal-strategy.js';
import type { Signal } from '../signal.js';

export interface Pick {
  score: number;
  confidence: number;
  reasons: string[];
  features: Record<string, number>;
}

export class Rebalancer {
  private slot = NaN;
  picks = new Map<string, Pick>();
  constructor(private readonly everyMin: number) {}

  /** True when `ts` starts a new rebalance slot. */
  due(ts: number): boolean {
    const s = Math.floor(ts / (this.everyMin * 60_000));
    if (s === this.slot) return false;
    this.slot = s;
    return true;
  }

  signalFor(id: string, bar: Bar, horizonBars: number, ctx: SignalContext): Signal[] {
    const p = this.picks.get(bar.symbol);
    if (!p || !ctx.features(bar.symbol)) return [];
    return [makeSignal(id, bar, p.score, p.confidence, horizonBars, p.reasons, p.features)];
  }
}

/** Ranks values descending; returns [symbol, value, rank (0 = highest)] in order. */
export function rank(values: Array<[string, number]>): Array<[string, number, number]> {
  return [...values].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, v], i) => [s, v, i]);
}
