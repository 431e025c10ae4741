// Displayed depth the simulator matches against: MAX_LEVELS levels per side, each of the
// quoted displayed size, level k being k steps of max(1 tick, half the spread) worse than
// the touch. Liquidity taken from a quote stays taken until that instrument's next quote.
import type { PriceModel } from './price-model.js';

/** Levels a market order may walk per quote (the rest waits for the next quote). */
export const MAX_LEVELS = 5;

export class Book {
  /** Lots already taken from the current quote: from the asks (by buys) / from the bids (by sells). */
  private readonly askUsed: Float64Array;
  private readonly bidUsed: Float64Array;

  constructor(private readonly model: PriceModel) {
    this.askUsed = new Float64Array(model.n);
    this.bidUsed = new Float64Array(model.n);
  }

  /** A new quote replenishes both sides. */
  reset(i: number): void {
    this.askUsed[i] = 0;
    this.bidUsed[i] = 0;
  }

  /** Displayed lots per level on the side an order of `sign` (+1 buy, -1 sell) takes from. */
  levelSize(i: number, sign: number): number {
    return sign > 0 ? this.model.askLots[i]! : this.model.bidLots[i]!;
  }

  used(i: number, sign: number): number {
    return sign > 0 ? this.askUsed[i]! : this.bidUsed[i]!;
  }

  /** Level-step in ticks: max(1 tick, half the quoted spread). */
  levelStep(i: number): number {
    const half = Math.round((this.model.askTicks[i]! - this.model.bidTicks[i]!) / 2);
    return half >= 1 ? half : 1;
  }

  /** Price in ticks of level `k` on the side a `sign` order takes from (<= 0 means no such level). */
  levelTicks(i: number, sign: number, k: number): number {
    return sign > 0 ? this.model.askTicks[i]! + k * this.levelStep(i) : this.model.bidTicks[i]! - k * this.levelStep(i);
  }

  consume(i: number, sign: number, lots: number): void {
    if (sign > 0) this.askUsed[i] = this.askUsed[i]! + lots;
    else this.bidUsed[i] = this.bidUsed[i]! + lots;
  }

  /**
   * Cost in ticks x lots of taking `lots` from the current book without
   * consuming it (levels beyond `maxLevels` are priced at the last level).
   * Used to check buying power before a market order executes.
   */
  estimateTicksLots(i: number, sign: number, lots: number, maxLevels: number): number {
    const size = this.levelSize(i, sign);
    let used = this.used(i, sign);
    let left = lots;
    let cost = 0;
    let px = this.levelTicks(i, sign, 0);
    while (left > 0) {
      const k = Math.floor(used / size);
      if (k >= maxLevels) break;
      px = Math.max(1, this.levelTicks(i, sign, k));
      const take = Math.min(left, (k + 1) * size - used);
      cost += take * px;
      used += take;
      left -= take;
    }
    return cost + left * px;
  }
}
