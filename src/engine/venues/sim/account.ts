// The simulated account: cash, signed positions (integer lots) with average
// entry price, the fee schedule, and equity / gross exposure marked to the quote mid.
import type { PriceModel } from './price-model.js';

/** Fee per fill as a fraction of notional: stocks trade commission-free. */
export const STOCK_FEE_RATE = 0;
/** Crypto pays 10 bps of notional on every fill (maker or taker). */
export const CRYPTO_FEE_RATE = 0.001;
/** Stock buying power = MARGIN_MULTIPLIER x equity - gross position value - open order notional (Reg-T style 2x). */
export const MARGIN_MULTIPLIER = 2;

export class SimAccount {
  cash: number;
  /** Signed position per instrument, in lots (negative = short). */
  readonly posLots: Float64Array;
  readonly avgPrice: Float64Array;

  constructor(
    private readonly model: PriceModel,
    startingCash: number,
  ) {
    this.cash = startingCash;
    this.posLots = new Float64Array(model.n);
    this.avgPrice = new Float64Array(model.n);
  }

  /** Books a fill of `lots` (sign +1 buy, -1 sell) at `price`, paying `fee` from cash. */
  applyFill(i: number, sign: number, lots: number, price: number, fee: number): void {
    const qty = lots / this.model.lotDen[i]!;
    this.cash -= sign * qty * price + fee;
    const pos = this.posLots[i]!;
    const avg = this.avgPrice[i]!;
    const next = pos + sign * lots;
    if (pos === 0 || Math.sign(pos) === sign) {
      this.avgPrice[i] = (Math.abs(pos) * avg + lots * price) / (Math.abs(pos) + lots);
    } else if (next === 0) {
      this.avgPrice[i] = 0;
    } else if (Math.sign(next) !== Math.sign(pos)) {
      this.avgPrice[i] = price; // flipped through flat: the remainder opened at this price
    }
    this.posLots[i] = next;
  }

  /** Position in units (shares / coins). */
  qty(i: number): number {
    return this.posLots[i]! / this.model.lotDen[i]!;
  }

  /** Cash plus positions marked to the quote mid. */
  equity(): number {
    let eq = this.cash;
    for (let i = 0; i < this.model.n; i++) {
      const p = this.posLots[i]!;
      if (p !== 0) eq += (p / this.model.lotDen[i]!) * this.model.markPrice(i);
    }
    return eq;
  }

  /** Sum of |position value| marked to the quote mid. */
  grossValue(): number {
    let g = 0;
    for (let i = 0; i < this.model.n; i++) {
      const p = this.posLots[i]!;
      if (p !== 0) g += Math.abs((p / this.model.lotDen[i]!) * this.model.markPrice(i));
    }
    return g;
  }
}
