// Volume spike: a bar trading several times its recent average volume with a
// clear move marks informed flow; follow the bar's direction briefly.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, isIntraday, makeSignal, pct, read, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, minutes, zLevel } from './common.js';

export const VolumeSpikeParams = z.object({
  ...base,
  /** This bar's volume over the mean of the previous 20 bars. */
  volumeMultiple: z.number().gt(1).max(100),
  /** |bar return| in bar standard deviations needed. */
  zMove: zLevel,
  horizonBars: bars,
  stopBeforeCloseMin: minutes,
});
export type VolumeSpikeParams = z.infer<typeof VolumeSpikeParams>;
export const VOLUME_SPIKE_DEFAULTS: VolumeSpikeParams = { enabled: true, weight: 0.5, volumeMultiple: 3, zMove: 1, horizonBars: 10, stopBeforeCloseMin: 20 };

export class VolumeSpike implements SignalStrategy {
  readonly id = 'volume_spike';
  readonly name = 'Volume spike';
  readonly kind = 'intraday' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 64;
  constructor(private readonly p: VolumeSpikeParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (!isIntraday(ctx, bar.symbol) || !(ctx.minutesToClose(bar.symbol, bar.ts) > this.p.stopBeforeCloseMin)) return [];
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['volume_ratio_20', 'vol_63']);
    if (!f || !fs || !(f.volume_ratio_20 >= this.p.volumeMultiple) || !(bar.open > 0)) return [];
    const r = bar.close / bar.open - 1;
    const z = r / barSd(fs);
    if (!(Math.abs(z) >= this.p.zMove)) return [];
    return [
      makeSignal(this.id, bar, Math.sign(z) * clamp(0.4 + (f.volume_ratio_20 - this.p.volumeMultiple) / 10, 0.4, 1), clamp(Math.abs(z) / 3, 0.2, 1), this.p.horizonBars,
        () => [`volume ${f.volume_ratio_20.toFixed(1)}x its 20-bar average (threshold ${this.p.volumeMultiple}x)`, `the bar moved ${pct(r)} (${Math.abs(z).toFixed(2)} sd): follow it ${z > 0 ? 'long' : 'short'}`],
        { volume_ratio_20: f.volume_ratio_20, vol_63: f.vol_63, barReturn: r, z }),
    ];
  }
}
