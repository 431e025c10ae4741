// Intraday relative strength: a symbol outrunning (or lagging) its benchmark
// (SPY for stocks, BTC/USD for crypto) over the last 30 minutes of today's
// session keeps doing so for a while. Intraday bars only.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { barSd, clamp, isIntraday, makeSignal, pct, read, zMove, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars, minutes, zLevel } from './common.js';

export const IntradayRelativeStrengthParams = z.object({
  ...base,
  equityBenchmark: z.string().min(1),
  cryptoBenchmark: z.string().min(1),
  /** |z| of the 30-minute return difference needed to speak. */
  zEnter: zLevel,
  horizonBars: bars,
  stopBeforeCloseMin: minutes,
});
export type IntradayRelativeStrengthParams = z.infer<typeof IntradayRelativeStrengthParams>;
export const INTRADAY_RS_DEFAULTS: IntradayRelativeStrengthParams = { enabled: true, weight: 0.5, equityBenchmark: 'SPY', cryptoBenchmark: 'BTC/USD', zEnter: 1.5, horizonBars: 15, stopBeforeCloseMin: 20 };

export class IntradayRelativeStrength implements SignalStrategy {
  readonly id = 'intraday_rs';
  readonly name = 'Intraday relative strength';
  readonly kind = 'intraday' as const;
  readonly style = 'trend' as const;
  readonly warmupBars = 64;
  constructor(private readonly p: IntradayRelativeStrengthParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    const inst = ctx.instrument(bar.symbol);
    if (!inst || !isIntraday(ctx, bar.symbol) || !(ctx.minutesToClose(bar.symbol, bar.ts) > this.p.stopBeforeCloseMin)) return [];
    const bench = inst.assetClass === 'crypto' ? this.p.cryptoBenchmark : this.p.equityBenchmark;
    if (bench === bar.symbol) return [];
    const bfs = ctx.features(bench);
    if (!bfs) {
      ctx.missing(this.id, `benchmark ${bench}`);
      return [];
    }
    const fs = ctx.features(bar.symbol);
    const f = read(fs, ['ret_30m', 'vol_63']);
    const b = read(bfs, ['ret_30m']);
    if (!f || !b || !fs) return [];
    const rel = f.ret_30m - b.ret_30m;
    const z = zMove(rel, barSd(fs), 30);
    if (!(Math.abs(z) >= this.p.zEnter)) return [];
    return [
      makeSignal(this.id, bar, clamp(z / (2 * this.p.zEnter)), clamp(Math.abs(z) / 4, 0.2, 1), this.p.horizonBars,
        () => [`30-minute return ${pct(f.ret_30m)} vs ${bench} ${pct(b.ret_30m)}: ${z > 0 ? 'outperforming' : 'underperforming'} by ${pct(Math.abs(rel))} (${Math.abs(z).toFixed(2)} sd, threshold ${this.p.zEnter})`],
        { ret_30m: f.ret_30m, benchmark_ret_30m: b.ret_30m, vol_63: f.vol_63, z }),
    ];
  }
}
