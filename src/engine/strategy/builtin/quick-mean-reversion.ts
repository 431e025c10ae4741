// Quick mean reversion: a close two standard deviations from its 20-bar mean
// with RSI at an extreme snaps back within a few bars. Intraday bars only.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { clamp, isIntraday, makeSignal, read, spreadCheck, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, minutes, zLevel } from './common.js';

export const QuickMeanReversionParams = z.object({
  ...base,
  /** |z-score| of the close against its 20-bar mean needed. */
  zEnter: zLevel,
  rsiLow: z.number().min(0).max(50),
  rsiHigh: z.number().min(50).max(100),
  horizonBars: bars,
  stopBeforeCloseMin: minutes,
  /** No signal when the quoted spread is more than this share of the distance back to the 20-bar mean. */
  maxSpreadShare: z.number().min(0).max(1),
});
export type QuickMeanReversionParams = z.infer<typeof QuickMeanReversionParams>;
export const QUICK_MR_DEFAULTS: QuickMeanReversionParams = { enabled: true, weight: 0.5, zEnter: 2, rsiLow: 30, rsiHigh: 70, horizonBars: 10, stopBeforeCloseMin: 20, maxSpreadShare: 0.25 };

export class QuickMeanReversion implements SignalStrategy {
  readonly id = 'quick_mr';
  readonly name = 'Quick mean reversion';
  readonly kind = 'intraday' as const;
  readonly style = 'reversion' as const;
  readonly warmupBars = 21;
  constructor(private readonly p: QuickMeanReversionParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (!isIntraday(ctx, bar.symbol) || !(ctx.minutesToClose(bar.symbol, bar.ts) > this.p.stopBeforeCloseMin)) return [];
    const f = read(ctx.features(bar.symbol), ['zscore_20', 'rsi_14', 'sma_20']);
    if (!f) return [];
    const low = f.zscore_20 <= -this.p.zEnter && f.rsi_14 <= this.p.rsiLow;
    const high = f.zscore_20 >= this.p.zEnter && f.rsi_14 >= this.p.rsiHigh;
    if (!low && !high) return [];
    const spread = spreadCheck(ctx, bar.symbol, Math.abs(bar.close - f.sma_20) / bar.close, this.p.maxSpreadShare);
    if (!spread) return [];
    return [
      makeSignal(this.id, bar, clamp(-f.zscore_20 / (2 * this.p.zEnter)), clamp(Math.abs(f.zscore_20) / 4, 0.2, 1), this.p.horizonBars,
        () => [`close is ${f.zscore_20.toFixed(2)} sd from its 20-bar mean (threshold ${this.p.zEnter}) with RSI ${f.rsi_14.toFixed(1)} ${low ? `<= ${this.p.rsiLow}` : `>= ${this.p.rsiHigh}`}`, `expect a snap back: ${low ? 'long' : 'short'}`, spread()],
        { zscore_20: f.zscore_20, rsi_14: f.rsi_14, sma_20: f.sma_20, close: bar.close }),
    ];
  }
}
