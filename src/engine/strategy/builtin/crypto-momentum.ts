// Crypto short-horizon momentum confirmed by volume: a 15-minute move that is
// large for the coin's volatility counts only when this bar trades at least
// twice its average volume (from the crypto bot's volume confirmation).
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, isIntraday, makeSignal, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, zLevel } from './common.js';

export const CryptoMomentumParams = z.object({
  ...base,
  zEnter: zLevel,
  /** This bar's volume over its 20-bar average needed to confirm (at least 2). */
  volumeMultiple: z.number().min(2).max(100),
  horizonBars: bars,
});
export type CryptoMomentumParams = z.infer<typeof CryptoMomentumParams>;
export const CRYPTO_MOMENTUM_DEFAULTS: CryptoMomentumParams = { enabled: true, weight: 0.6, zEnter: 1.2, volumeMultiple: 2, horizonBars: 15 };

export class CryptoMomentum implements SignalStrategy {
  readonly id = 'crypto_momentum';
  readonly name = 'Crypto momentum (volume-confirmed)';
  readonly kind = 'intraday' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 64;
  constructor(private readonly p: CryptoMomentumParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (ctx.instrument(bar.symbol)?.assetClass !== 'crypto' || !isIntraday(ctx, bar.symbol)) return [];
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['ret_15m', 'volume_ratio_20', 'vol_63']);
    if (!f || !fs) return [];
    const z = zMove(f.ret_15m, barSd(fs), 15);
    if (!(Math.abs(z) >= this.p.zEnter) || !(f.volume_ratio_20 >= this.p.volumeMultiple)) return [];
    return [
      makeSignal(this.id, bar, clamp(z / (2 * this.p.zEnter)), clamp(Math.abs(z) / 4 + 0.2, 0.2, 1), this.p.horizonBars,
        () => [`15-minute return ${pct(f.ret_15m)} is ${Math.abs(z).toFixed(2)} sd ${z > 0 ? 'up' : 'down'} (threshold ${this.p.zEnter})`, `confirmed by volume ${f.volume_ratio_20.toFixed(1)}x average (needs ${this.p.volumeMultiple}x)`],
        { ret_15m: f.ret_15m, volume_ratio_20: f.volume_ratio_20, vol_63: f.vol_63, z }),
    ];
  }
}
