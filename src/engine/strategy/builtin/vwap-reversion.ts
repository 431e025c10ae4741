// VWAP reversion: a price stretched far from today's session VWAP (in units of
// the symbol's volatility) is expected to come back toward it. Intraday bars only.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, isIntraday, makeSignal, pct, read, spreadCheck, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, minutes, zLevel } from './common.js';

export const VwapReversionParams = z.object({
  ...base,
  /** |z| of the VWAP deviation needed to speak (the deviation over a 30-bar move's expected size). */
  zEnter: zLevel,
  horizonBars: bars,
  /** VWAP is too young before this many minutes into the session. */
  minSessionMin: minutes,
  stopBeforeCloseMin: minutes,
  /** No signal when the quoted spread is more than this share of the distance back to VWAP. */
  maxSpreadShare: z.number().min(0).max(1),
});
export type VwapReversionParams = z.infer<typeof VwapReversionParams>;
export const VWAP_REVERSION_DEFAULTS: VwapReversionParams = { enabled: true, weight: 0.5, zEnter: 2, horizonBars: 20, minSessionMin: 30, stopBeforeCloseMin: 20, maxSpreadShare: 0.25 };

export class VwapReversion implements SignalStrategy {
  readonly id = 'vwap_reversion';
  readonly name = 'VWAP reversion';
  readonly kind = 'intraday' as const;
  readonly style = 'reversion' as const;
  readonly warmupBars = 64;
  constructor(private readonly p: VwapReversionParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (!isIntraday(ctx, bar.symbol)) return [];
    if (!(ctx.sessionMinute(bar.symbol, bar.ts) >= this.p.minSessionMin) || !(ctx.minutesToClose(bar.symbol, bar.ts) > this.p.stopBeforeCloseMin)) return [];
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['vwap', 'vwap_dev', 'vol_63']);
    if (!f || !fs) return [];
    const z = zMove(f.vwap_dev, barSd(fs), 30);
    if (!(Math.abs(z) >= this.p.zEnter)) return [];
    const spread = spreadCheck(ctx, bar.symbol, Math.abs(f.vwap_dev), this.p.maxSpreadShare);
    if (!spread) return [];
    const side = z > 0 ? 'above' : 'below';
    return [
      makeSignal(this.id, bar, clamp(-z / (2 * this.p.zEnter)), clamp(Math.abs(z) / 5, 0.2, 1), this.p.horizonBars,
        () => [`close ${bar.close} is ${pct(Math.abs(f.vwap_dev))} ${side} session VWAP ${f.vwap.toFixed(4)} (${Math.abs(z).toFixed(2)} sd, threshold ${this.p.zEnter})`, `expect reversion toward VWAP: ${z > 0 ? 'short' : 'long'}`, spread()],
        { vwap: f.vwap, vwap_dev: f.vwap_dev, vol_63: f.vol_63, close: bar.close, z }),
    ];
  }
}
