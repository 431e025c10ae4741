// Intraday momentum: a 30-minute move within today's session that is large for
// the symbol's volatility, with the last 15 minutes going the same way, is
// followed for a short horizon. Only on intraday bars, never a daily fallback.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, isIntraday, makeSignal, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, minutes, zLevel } from './common.js';

export const IntradayMomentumParams = z.object({
  ...base,
  /** |z| of the 30-minute return (in units of its expected size) needed to speak. */
  zEnter: zLevel,
  horizonBars: bars,
  /** No signal this close to the session's end. */
  stopBeforeCloseMin: minutes,
});
export type IntradayMomentumParams = z.infer<typeof IntradayMomentumParams>;
export const INTRADAY_MOMENTUM_DEFAULTS: IntradayMomentumParams = { enabled: true, weight: 0.6, zEnter: 1.5, horizonBars: 15, stopBeforeCloseMin: 20 };

export class IntradayMomentum implements SignalStrategy {
  readonly id = 'intraday_momentum';
  readonly name = 'Intraday momentum';
  readonly kind = 'intraday' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 64;
  constructor(private readonly p: IntradayMomentumParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (!isIntraday(ctx, bar.symbol) || !(ctx.minutesToClose(bar.symbol, bar.ts) > this.p.stopBeforeCloseMin)) return [];
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['ret_30m', 'ret_15m', 'vol_63']);
    if (!f || !fs) return [];
    const z = zMove(f.ret_30m, barSd(fs), 30);
    if (!(Math.abs(z) >= this.p.zEnter) || Math.sign(f.ret_15m) !== Math.sign(f.ret_30m)) return [];
    const dir = z > 0 ? 'up' : 'down';
    return [
      makeSignal(this.id, bar, clamp(z / (2 * this.p.zEnter)), clamp(Math.abs(z) / 4, 0.2, 1), this.p.horizonBars,
        () => [`30-minute return ${pct(f.ret_30m)} is ${Math.abs(z).toFixed(2)} sd ${dir} (threshold ${this.p.zEnter})`, `last 15 minutes also ${dir} (${pct(f.ret_15m)}): follow the move`],
        { ret_30m: f.ret_30m, ret_15m: f.ret_15m, vol_63: f.vol_63, z }),
    ];
  }
}
