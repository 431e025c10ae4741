// Time-series momentum (long/short): each symbol's own return over
// `ret_126` bars, in units of its expected size, says long or short; the
// 21-bar return must not disagree.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, makeSignal, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, zLevel } from './common.js';

export const TsMomentumParams = z.object({
  ...base,
  zEnter: zLevel,
  horizonBars: bars,
  /** Include crypto (long-only there). */
  includeCrypto: z.boolean(),
});
export type TsMomentumParams = z.infer<typeof TsMomentumParams>;
export const TS_MOMENTUM_DEFAULTS: TsMomentumParams = { enabled: true, weight: 0.5, zEnter: 1, horizonBars: 60, includeCrypto: true };

export class TsMomentum implements SignalStrategy {
  readonly id = 'ts_momentum';
  readonly name = 'Time-series momentum L/S';
  readonly kind = 'position' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 127;
  constructor(private readonly p: TsMomentumParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (!this.p.includeCrypto && ctx.instrument(bar.symbol)?.assetClass === 'crypto') return [];
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['ret_126', 'ret_21', 'vol_63']);
    if (!f || !fs) return [];
    const z = zMove(f.ret_126, barSd(fs), 126);
    if (!(Math.abs(z) >= this.p.zEnter) || Math.sign(f.ret_21) === -Math.sign(z)) return [];
    return [
      makeSignal(this.id, bar, clamp(z / (2 * this.p.zEnter)), clamp(Math.abs(z) / 3, 0.2, 1), this.p.horizonBars,
        () => [`126-bar return ${pct(f.ret_126)} is ${Math.abs(z).toFixed(2)} sd ${z > 0 ? 'up' : 'down'} (threshold ${this.p.zEnter}); 21-bar return ${pct(f.ret_21)} does not disagree`, `${z > 0 ? 'long' : 'short'} the trend`],
        { ret_126: f.ret_126, ret_21: f.ret_21, vol_63: f.vol_63, z }),
    ];
  }
}
