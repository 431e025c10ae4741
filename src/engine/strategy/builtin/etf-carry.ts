// ETF-proxy carry: with no futures curve or yield feed here, each proxy's
// annual carry is a setting (dividend or coupon yield, minus roll and fees);
// at each rebalance the proxies are ranked by carry per unit of volatility,
// long the positive ones, short the negative ones, unless the 63-bar trend
// strongly disagrees.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars } from './common.js';
import { Rebalancer } from './cross-sectional.js';

export const EtfCarryParams = z.object({
  ...base,
  /** Estimated annual carry of each proxy (yield minus roll and fees), a setting. */
  carry: z.record(z.string(), z.number().min(-1).max(1)),
  rebalanceMin: z.number().int().min(1).max(10_080),
  /** A 63-bar trend this many sd against the carry vetoes it. */
  trendVeto: z.number().gt(0).max(20),
  horizonBars: bars,
});
export type EtfCarryParams = z.infer<typeof EtfCarryParams>;
export const ETF_CARRY_DEFAULTS: EtfCarryParams = {
  enabled: true,
  weight: 0.3,
  carry: { SPY: 0.013, QQQ: 0.006, IWM: 0.012, TLT: 0.045, IEF: 0.04, GLD: -0.004, USO: -0.06, DBC: -0.02 },
  rebalanceMin: 120,
  trendVeto: 2,
  horizonBars: 120,
};

export class EtfCarry implements SignalStrategy {
  readonly id = 'etf_carry';
  readonly name = 'ETF-proxy carry';
  readonly kind = 'position' as const;
  readonly style = 'carry' as const;
  readonly warmupBars = 64;
  private readonly r: Rebalancer;
  constructor(private readonly p: EtfCarryParams) {
    this.r = new Rebalancer(p.rebalanceMin);
  }

  rebalance(ts: number, ctx: SignalContext): void {
    if (!this.r.due(ts)) return;
    this.r.picks.clear();
    for (const [s, carry] of Object.entries(this.p.carry)) {
      if (!ctx.instrument(s)) {
        ctx.missing(this.id, `ETF ${s}`);
        continue;
      }
      const fs = ctx.features(s);
      const f = read(fs, ['ret_63', 'vol_63']);
      if (!f || !fs || carry === 0) continue;
      const annualVol = Math.max(f.vol_63 * Math.sqrt(390), 0.01); // 1-minute bars: 390 a session
      const carryPerVol = carry / annualVol;
      const trend = zMove(f.ret_63, barSd(fs), 63);
      if (Math.sign(trend) === -Math.sign(carry) && Math.abs(trend) >= this.p.trendVeto) continue;
      this.r.picks.set(s, {
        score: clamp(carryPerVol * 3, -0.6, 0.6),
        confidence: 0.4,
        reasons: [`estimated carry ${pct(carry)} a year (a setting), ${carryPerVol.toFixed(2)} per unit of volatility`, `63-bar trend ${trend.toFixed(2)} sd does not veto: ${carry > 0 ? 'long' : 'short'}`],
        features: { carry, carryPerVol, ret_63: f.ret_63, trendZ: trend },
      });
    }
  }

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    return this.r.signalFor(this.id, bar, this.p.horizonBars, ctx);
  }
}
