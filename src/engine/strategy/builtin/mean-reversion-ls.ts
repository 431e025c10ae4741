// Mean reversion long/short: at each rebalance, rank the stocks by how far
// their close sits from its 20-bar mean (z-score); long the most stretched
// below, short the most stretched above, if they pass the threshold.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { read, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, zLevel } from './common.js';
import { rank, Rebalancer } from './cross-sectional.js';

export const MeanReversionLsParams = z.object({
  ...base,
  rebalanceMin: z.number().int().min(1).max(10_080),
  /** Stocks taken on each side at most. */
  perSide: z.number().int().min(1).max(100),
  zEnter: zLevel,
  horizonBars: bars,
});
export type MeanReversionLsParams = z.infer<typeof MeanReversionLsParams>;
export const MEAN_REVERSION_LS_DEFAULTS: MeanReversionLsParams = { enabled: true, weight: 0.4, rebalanceMin: 30, perSide: 3, zEnter: 1.5, horizonBars: 30 };

export class MeanReversionLs implements SignalStrategy {
  readonly id = 'mean_reversion_ls';
  readonly name = 'Mean reversion L/S';
  readonly kind = 'position' as const;
  readonly style = 'reversion' as const;
  readonly warmupBars = 21;
  private readonly r: Rebalancer;
  constructor(private readonly p: MeanReversionLsParams) {
    this.r = new Rebalancer(p.rebalanceMin);
  }

  rebalance(ts: number, ctx: SignalContext): void {
    if (!this.r.due(ts)) return;
    const vals: Array<[string, number]> = [];
    for (const s of ctx.symbols()) {
      const inst = ctx.instrument(s);
      if (inst?.assetClass !== 'us_equity' || inst.sector.endsWith('ETF')) continue;
      const f = read(ctx.features(s), ['zscore_20']);
      if (f) vals.push([s, f.zscore_20]);
    }
    this.r.picks.clear();
    const ranked = rank(vals);
    const take = (list: Array<[string, number, number]>, long: boolean) => {
      for (const [s, z, i] of list.slice(0, this.p.perSide)) {
        if (!(Math.abs(z) >= this.p.zEnter)) continue;
        this.r.picks.set(s, {
          score: Math.max(-1, Math.min(1, -z / (2 * this.p.zEnter))),
          confidence: 0.5,
          reasons: [`close is ${z.toFixed(2)} sd from its 20-bar mean, ${long ? 'most stretched below' : 'most stretched above'} among ${vals.length} stocks (rank ${i + 1})`, `expect reversion: ${long ? 'long' : 'short'} until the next rebalance`],
          features: { zscore_20: z, rank: i + 1, universe: vals.length },
        });
      }
    };
    take([...ranked].reverse(), true);
    take(ranked, false);
  }

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    return this.r.signalFor(this.id, bar, this.p.horizonBars, ctx);
  }
}
