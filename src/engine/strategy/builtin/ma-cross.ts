// Moving-average crossover, ported to a signal: long while the fast SMA is
// above the slow one, short while below, strength from the gap in units of
// the symbol's bar volatility. Keeps its own SMAs (periods from `strategy`).
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { Sma } from '../../features/sma.js';
import { barSd, clamp, makeSignal, pct, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, zLevel } from './common.js';

export const MaCrossParams = z.object({ ...base, fastPeriod: z.number().int().min(1), slowPeriod: z.number().int().min(2), zEnter: zLevel, horizonBars: bars });
export type MaCrossParams = z.infer<typeof MaCrossParams>;
export const MA_CROSS_DEFAULTS: MaCrossParams = { enabled: false, weight: 0.4, fastPeriod: 5, slowPeriod: 20, zEnter: 1, horizonBars: 10 };

export class MaCross implements SignalStrategy {
  readonly id = 'ma_cross';
  readonly name = 'MA crossover';
  readonly kind = 'intraday' as const;
  readonly style = 'trend' as const;
  readonly warmupBars: number;
  private readonly state = new Map<string, { fast: Sma; slow: Sma }>();
  constructor(private readonly p: MaCrossParams) {
    this.warmupBars = p.slowPeriod;
  }

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    let s = this.state.get(bar.symbol);
    if (!s) this.state.set(bar.symbol, (s = { fast: new Sma(this.p.fastPeriod), slow: new Sma(this.p.slowPeriod) }));
    s.fast.update(bar.close);
    s.slow.update(bar.close);
    const fs = ctx.features(bar.symbol);
    if (!s.slow.ready || !fs) return [];
    // the values of this bar: the reasons are written later, when read
    const fast = s.fast.value;
    const slow = s.slow.value;
    const gap = fast / slow - 1;
    const z = gap / (barSd(fs) * Math.sqrt(this.p.slowPeriod / 4));
    if (!(Math.abs(z) >= this.p.zEnter)) return [];
    return [
      makeSignal(this.id, bar, clamp(z / (2 * this.p.zEnter)), 0.5, this.p.horizonBars,
        () => [`SMA${this.p.fastPeriod} ${fast.toFixed(4)} is ${pct(Math.abs(gap))} ${gap > 0 ? 'above' : 'below'} SMA${this.p.slowPeriod} ${slow.toFixed(4)} (${Math.abs(z).toFixed(2)} sd)`],
        { smaFast: fast, smaSlow: slow, close: bar.close, z }),
    ];
  }
}
