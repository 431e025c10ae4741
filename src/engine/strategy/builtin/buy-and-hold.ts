// Buy-and-hold: the benchmark. Always fully long its symbol (SPY by default).
// Its signals are recorded and scored like the others so each strategy can be
// compared with simply holding the index, but a benchmark never votes.
import { z } from 'zod';
import type { Bar } from '../../../shared/domain.js';
import { makeSignal, type SignalContext, type SignalStrategy } from '../signal-strategy.js';
import type { Signal } from '../signal.js';
import { base, bars } from './common.js';

export const BuyAndHoldParams = z.object({ ...base, symbol: z.string().min(1), horizonBars: bars });
export type BuyAndHoldParams = z.infer<typeof BuyAndHoldParams>;
export const BUY_AND_HOLD_DEFAULTS: BuyAndHoldParams = { enabled: true, weight: 0, symbol: 'SPY', horizonBars: 390 };

export class BuyAndHold implements SignalStrategy {
  readonly id = 'buy_and_hold';
  readonly name = 'Buy and hold (benchmark)';
  readonly kind = 'benchmark' as const;
  readonly style = 'benchmark' as const;
  readonly warmupBars = 1;
  constructor(private readonly p: BuyAndHoldParams) {}

  onBar(bar: Bar, ctx: SignalContext): Signal[] {
    if (bar.symbol !== this.p.symbol || !ctx.features(bar.symbol)) return [];
    return [makeSignal(this.id, bar, 1, 1, this.p.horizonBars, [`benchmark: always long ${this.p.symbol}`], { close: bar.close })];
  }
}
