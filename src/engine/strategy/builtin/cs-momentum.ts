// Cross-sectional momentum (long/short): at each rebalance, rank the stocks by
// their risk-adjusted return over `lookbackBars`; long the top fraction, short
// the bottom fraction.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars } from './common.js';
import { rank, Rebalancer } from './cross-sectional.js';

export const CsMomentumParams = z.object({
  ...base,
  /** Return window: ret_63 (the feature column) is used. */
  rebalanceMin: z.number().int().min(1).max(10_080),
  /** Fraction of the ranked stocks taken on each side. */
  fraction: z.number().gt(0).max(0.5),
  horizonBars: bars,
  /** Include ETFs in the ranking. */
  includeEtfs: z.boolean(),
});
export type CsMomentumParams = z.infer<typeof CsMomentumParams>;
export const CS_MOMENTUM_DEFAULTS: CsMomentumParams = { enabled: true, weight: 0.5, rebalanceMin: 60, fraction: 0.2, horizonBars: 60, includeEtfs: false };

export class CsMomentum implements SignalStrategy {
  readonly id = 'cs_momentum';
  readonly name = 'Cross-sectional momentum L/S';
  readonly kind = 'position' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 64;
  private readonly r: Rebalancer;
  constructor(private readonly p: CsMomentumParams) {
    this.r = new Rebalancer(p.rebalanceMin);
  }

  rebalance(ts: number, ctx: SignalContext): void {
    if (!this.r.due(ts)) return;
    const vals: Array<[string, number]> = [];
    for (const s of ctx.symbols()) {
      const inst = ctx.instrument(s);
      if (inst?.assetClass !== 'us_equity' || (!this.p.includeEtfs && inst.sector.endsWith('ETF'))) continue;
      const fs = ctx.features(s);
      const f = read(fs, ['ret_63', 'vol_63']);
      if (!f || !fs) continue;
      const z = zMove(f.ret_63, barSd(fs), 63);
      if (z === z) vals.push([s, z]);
    }
    this.r.picks.clear();
    if (vals.length < 5) return;
    const n = Math.max(1, Math.floor(vals.length * this.p.fraction));
    for (const [s, z, i] of rank(vals)) {
      const top = i < n;
      const bottom = i >= vals.length - n;
      if (!top && !bottom) continue;
      const ret = ctx.features(s)!.get('ret_63');
      this.r.picks.set(s, {
        score: top ? 0.6 : -0.6,
        confidence: 0.5,
        reasons: [`ranked ${i + 1} of ${vals.length} stocks by 63-bar risk-adjusted return (${pct(ret)}, ${z.toFixed(2)} sd)`, `${top ? 'top' : 'bottom'} ${pct(this.p.fraction, 0)}: ${top ? 'long' : 'short'} until the next rebalance`],
        features: { ret_63: ret, z, rank: i + 1, universe: vals.length },
      });
    }
  }

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    return this.r.signalFor(this.id, bar, this.p.horizonBars, ctx);
  }
}
