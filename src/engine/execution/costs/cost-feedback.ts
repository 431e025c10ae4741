// Post-trade cost analysis: for every fill, the estimate made when its order
// was sent is compared with the realized cost (signed distance of the fill
// price from the price the estimate was made against, plus the fee), in bps of
// notional. That reference is the arrival mid for a market or marketable order
// and the limit price for a resting limit, whose estimate is its fee alone: a
// passive buy filled at its limit below the mid cost its fee, and its distance
// from the mid (known when it was sent) is no error of the model. The error feeds
// back: an exponential moving average of (realized - model) per execution kind
// (a market order, a limit that crosses the quote, a limit that rests) is added
// to later estimates of that kind, so a model that keeps under- or
// over-estimating corrects itself. A resting limit that fills better than its
// limit (a bar that opened through it) reports that improvement, but the
// correction does not learn it: it is the market's move, not a cost the model
// missed, and learned it would put later resting estimates below their fee,
// below zero on daily bars, where the benefit/cost filter passes anything.
import type { Fill, OrderType } from '../../../shared/domain.js';

/** How an order executes: at market, a limit that crosses the quote when sent (a taker), or one that rests (a maker). */
export type ExecutionKind = 'market' | 'limit_taker' | 'limit_maker';

export interface FillCostRecord {
  fillId: string;
  clientOrderId: string;
  symbol: string;
  ts: number;
  type: OrderType;
  kind: ExecutionKind;
  notional: number;
  /** Estimate used when the order was sent (model + correction at that time). */
  estimatedBps: number;
  realizedBps: number;
  /** realized - estimated. */
  errorBps: number;
  estimated: number;
  realized: number;
}

export interface CostSummary {
  fills: number;
  estimated: number;
  realized: number;
  meanErrorBps: number;
  meanAbsErrorBps: number;
  /** Current correction per execution kind, in bps. */
  correctionBps: Record<ExecutionKind, number>;
}

interface Arrival {
  /** The price the estimate was made against (arrival mid, or a resting limit's price). */
  ref: number;
  modelBps: number;
  usedBps: number;
  kind: ExecutionKind;
}

const KEEP = 10_000;

export class CostFeedback {
  private readonly arrivals = new Map<string, Arrival>();
  private readonly correction: Record<ExecutionKind, number> = { market: 0, limit_taker: 0, limit_maker: 0 };
  readonly records: FillCostRecord[] = [];
  private n = 0;
  private estSum = 0;
  private realSum = 0;
  private errSum = 0;
  private absErrSum = 0;

  constructor(private readonly alpha = 0.1) {}

  /** The estimate to use now for an order of this kind whose model says `modelBps`. */
  corrected(kind: ExecutionKind, modelBps: number): number {
    return modelBps + this.correction[kind];
  }

  /** An order left with this estimate, made against `ref` (the arrival mid, or a resting limit's price). */
  onSent(clientOrderId: string, kind: ExecutionKind, ref: number, modelBps: number): void {
    if (ref > 0) this.arrivals.set(clientOrderId, { ref, modelBps, usedBps: this.corrected(kind, modelBps), kind });
  }

  /** The order is done (filled, canceled...): its arrival can go once its fills are in. */
  forget(clientOrderId: string): void {
    this.arrivals.delete(clientOrderId);
  }

  onFill(f: Fill): FillCostRecord | undefined {
    const a = this.arrivals.get(f.clientOrderId);
    if (!a) return undefined;
    const notional = f.qty * f.price;
    const sign = f.side === 'buy' ? 1 : -1;
    const priceBps = ((sign * (f.price - a.ref)) / a.ref) * 10_000;
    const feeBps = notional > 0 ? (f.fee / notional) * 10_000 : 0;
    const realizedBps = priceBps + feeBps;
    const rec: FillCostRecord = {
      fillId: f.fillId,
      clientOrderId: f.clientOrderId,
      symbol: f.symbol,
      ts: f.ts,
      type: a.kind === 'market' ? 'market' : 'limit',
      kind: a.kind,
      notional,
      estimatedBps: a.usedBps,
      realizedBps,
      errorBps: realizedBps - a.usedBps,
      estimated: (a.usedBps / 10_000) * notional,
      realized: (realizedBps / 10_000) * notional,
    };
    // a resting limit's improvement on its limit is not learned (see the top of this file)
    const learned = a.kind === 'limit_maker' ? Math.max(priceBps, 0) + feeBps : realizedBps;
    this.correction[a.kind] += this.alpha * (learned - a.modelBps - this.correction[a.kind]);
    this.n++;
    this.estSum += rec.estimated;
    this.realSum += rec.realized;
    this.errSum += rec.errorBps;
    this.absErrSum += Math.abs(rec.errorBps);
    this.records.push(rec);
    if (this.records.length > 2 * KEEP) this.records.splice(0, this.records.length - KEEP);
    return rec;
  }

  summary(): CostSummary {
    return {
      fills: this.n,
      estimated: this.estSum,
      realized: this.realSum,
      meanErrorBps: this.n ? this.errSum / this.n : 0,
      meanAbsErrorBps: this.n ? this.absErrSum / this.n : 0,
      correctionBps: { ...this.correction },
    };
  }
}
