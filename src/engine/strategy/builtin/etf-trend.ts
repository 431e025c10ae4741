// ETF-proxy trend: each proxy ETF (index, bonds, gold, oil, commodities) is
// held in the direction of its EMA(20)/EMA(50) trend when the MACD histogram
// agrees. A proxy missing from the venue is reported, not guessed.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, makeSignal, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, zLevel } from './common.js';
import { ETF_PROXIES, etfList } from './etf.js';

export const EtfTrendParams = z.object({ ...base, etfs: etfList, zEnter: zLevel, horizonBars: bars });
export type EtfTrendParams = z.infer<typeof EtfTrendParams>;
export const ETF_TREND_DEFAULTS: EtfTrendParams = { enabled: true, weight: 0.5, etfs: [...ETF_PROXIES], zEnter: 1, horizonBars: 60 };

export class EtfTrend implements SignalStrategy {
  readonly id = 'etf_trend';
  readonly name = 'ETF-proxy trend';
  readonly kind = 'position' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 60;
  private checked = false;
  constructor(private readonly p: EtfTrendParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (!this.checked) {
      this.checked = true;
      for (const s of this.p.etfs) if (!ctx.instrument(s)) ctx.missing(this.id, `ETF ${s}`);
    }
    if (!this.p.etfs.includes(bar.symbol)) return [];
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['ema_20', 'ema_50', 'macd_hist', 'vol_63']);
    if (!f || !fs) return [];
    const gap = f.ema_20 / f.ema_50 - 1;
    const z = zMove(gap, barSd(fs), 20);
    if (!(Math.abs(z) >= this.p.zEnter) || Math.sign(f.macd_hist) !== Math.sign(z)) return [];
    return [
      makeSignal(this.id, bar, clamp(z / (2 * this.p.zEnter)), clamp(Math.abs(z) / 3, 0.2, 1), this.p.horizonBars,
        () => [`EMA20 is ${pct(gap)} ${gap > 0 ? 'above' : 'below'} EMA50 (${Math.abs(z).toFixed(2)} sd, threshold ${this.p.zEnter}), MACD histogram ${f.macd_hist.toFixed(4)} agrees`, `${z > 0 ? 'long' : 'short'} the ${bar.symbol} trend`],
        { ema_20: f.ema_20, ema_50: f.ema_50, macd_hist: f.macd_hist, vol_63: f.vol_63, z }),
    ];
  }
}
