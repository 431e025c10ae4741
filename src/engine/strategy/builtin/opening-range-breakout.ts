// Opening-range breakout: once the session's first 30 minutes have set a range,
// a close beyond it is followed in the breakout's direction until late in the
// session. Intraday bars of stocks only (a crypto "session" is a UTC day).
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { clamp, isIntraday, makeSignal, read, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, minutes } from './common.js';

export const OpeningRangeBreakoutParams = z.object({
  ...base,
  /** Minimum breakout beyond the range, in ATRs. */
  minBreakAtr: z.number().min(0).max(20),
  /** No new breakout signal later than this many minutes into the session. */
  lastEntryMin: minutes,
  horizonBars: bars,
  stopBeforeCloseMin: minutes,
  includeCrypto: z.boolean(),
});
export type OpeningRangeBreakoutParams = z.infer<typeof OpeningRangeBreakoutParams>;
export const ORB_DEFAULTS: OpeningRangeBreakoutParams = { enabled: true, weight: 0.5, minBreakAtr: 0.5, lastEntryMin: 240, horizonBars: 30, stopBeforeCloseMin: 20, includeCrypto: false };

export class OpeningRangeBreakout implements SignalStrategy {
  readonly id = 'orb';
  readonly name = 'Opening-range breakout';
  readonly kind = 'intraday' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 20;
  constructor(private readonly p: OpeningRangeBreakoutParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    const inst = ctx.instrument(bar.symbol);
    if (!inst || (inst.assetClass === 'crypto' && !this.p.includeCrypto) || !isIntraday(ctx, bar.symbol)) return [];
    const minute = ctx.sessionMinute(bar.symbol, bar.ts);
    if (!(minute <= this.p.lastEntryMin) || !(ctx.minutesToClose(bar.symbol, bar.ts) > this.p.stopBeforeCloseMin)) return [];
    const f = read(ctx.features(bar.symbol), ['or_high', 'or_low', 'atr_14']);
    if (!f || !(f.atr_14 > 0)) return [];
    const up = (bar.close - f.or_high) / f.atr_14;
    const down = (f.or_low - bar.close) / f.atr_14;
    const brk = up > 0 ? up : down > 0 ? -down : 0;
    if (!(Math.abs(brk) >= this.p.minBreakAtr) || brk === 0) return [];
    const edge = brk > 0 ? `above the opening-range high ${f.or_high}` : `below the opening-range low ${f.or_low}`;
    return [
      makeSignal(this.id, bar, Math.sign(brk) * clamp(0.4 + Math.abs(brk) * 0.2, 0, 1), clamp(0.3 + Math.abs(brk) * 0.2, 0, 1), this.p.horizonBars,
        () => [`close ${bar.close} is ${Math.abs(brk).toFixed(2)} ATR ${edge} (threshold ${this.p.minBreakAtr} ATR), ${minute.toFixed(0)} min into the session`, `follow the breakout ${brk > 0 ? 'long' : 'short'}`],
        { or_high: f.or_high, or_low: f.or_low, atr_14: f.atr_14, close: bar.close, breakAtr: brk }),
    ];
  }
}
