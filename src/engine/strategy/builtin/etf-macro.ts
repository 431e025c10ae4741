// ETF-proxy macro: risk-on or risk-off from equities (SPY, QQQ, IWM) against
// havens (TLT, GLD) over 63 bars. Risk-on: long the equity and commodity
// proxies, short the havens; risk-off: the reverse.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, zLevel } from './common.js';
import { etfList } from './etf.js';
import { Rebalancer } from './cross-sectional.js';

export const EtfMacroParams = z.object({
  ...base,
  riskAssets: etfList,
  havens: etfList,
  /** Proxies that go with risk-on (besides the risk assets). */
  cyclicals: etfList,
  zEnter: zLevel,
  rebalanceMin: z.number().int().min(1).max(10_080),
  horizonBars: bars,
});
export type EtfMacroParams = z.infer<typeof EtfMacroParams>;
export const ETF_MACRO_DEFAULTS: EtfMacroParams = { enabled: true, weight: 0.4, riskAssets: ['SPY', 'QQQ', 'IWM'], havens: ['TLT', 'IEF', 'GLD'], cyclicals: ['USO', 'DBC'], zEnter: 0.75, rebalanceMin: 60, horizonBars: 60 };

export class EtfMacro implements SignalStrategy {
  readonly id = 'etf_macro';
  readonly name = 'ETF-proxy macro (risk on/off)';
  readonly kind = 'position' as const;
  readonly style = 'macro' as const;
  readonly warmupBars = 64;
  private readonly r: Rebalancer;
  constructor(private readonly p: EtfMacroParams) {
    this.r = new Rebalancer(p.rebalanceMin);
  }

  private meanZ(list: string[], ctx: SignalContext): number {
    let sum = 0;
    let n = 0;
    for (const s of list) {
      const fs = ctx.features(s);
      if (!ctx.instrument(s)) ctx.missing(this.id, `ETF ${s}`);
      const f = read(fs, ['ret_63', 'vol_63']);
      if (!f || !fs) continue;
      const z = zMove(f.ret_63, barSd(fs), 63);
      if (z === z) {
        sum += z;
        n++;
      }
    }
    return n ? sum / n : NaN;
  }

  rebalance(ts: number, ctx: SignalContext): void {
    if (!this.r.due(ts)) return;
    this.r.picks.clear();
    const risk = this.meanZ(this.p.riskAssets, ctx);
    const haven = this.meanZ(this.p.havens, ctx);
    const spread = risk - haven;
    if (!(Math.abs(spread) >= this.p.zEnter)) return;
    const on = spread > 0;
    const mag = clamp(Math.abs(spread) / (3 * this.p.zEnter), 0.2, 0.7);
    const why = `risk assets ${risk.toFixed(2)} sd vs havens ${haven.toFixed(2)} sd over 63 bars: risk-${on ? 'on' : 'off'} (spread ${spread.toFixed(2)}, threshold ${this.p.zEnter})`;
    const set = (list: string[], sign: number, role: string) => {
      for (const s of list) {
        const ret = ctx.features(s)?.get('ret_63');
        if (ret === undefined || ret !== ret) continue;
        this.r.picks.set(s, { score: sign * mag, confidence: 0.4, reasons: [why, `${s} is a ${role}: ${sign > 0 ? 'long' : 'short'} (its 63-bar return ${pct(ret)})`], features: { riskZ: risk, havenZ: haven, spread, ret_63: ret } });
      }
    };
    set(this.p.riskAssets, on ? 1 : -1, 'risk asset');
    set(this.p.cyclicals, on ? 1 : -1, 'cyclical');
    set(this.p.havens, on ? -1 : 1, 'haven');
  }

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    return this.r.signalFor(this.id, bar, this.p.horizonBars, ctx);
  }
}
