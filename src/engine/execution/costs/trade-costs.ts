// The cost model as the engine runs it: market statistics fed from every bar,
// a pre-trade estimate and benefit/cost verdict for each strategy order, and
// the post-trade comparison of estimate and realized cost on every fill (which
// corrects later estimates). One instance per engine, live and in backtests.
import type { AssetClass, Fill, Order, OrderSide, OrderType, Quote } from '../../../shared/domain.js';
import { TERMINAL_STATUSES } from '../../../shared/domain.js';
import type { CostsConfig } from '../../core/config.js';
import { benefitCostVerdict, type BenefitCostVerdict } from './benefit-filter.js';
import { CostFeedback, type ExecutionKind } from './cost-feedback.js';
import { estimateCost, type CostEstimate } from './cost-model.js';
import { feeModelFor, type FeeModel } from './fees.js';
import { MarketStats } from './market-stats.js';

export interface CostedOrder {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  limitPrice?: number;
  /** The signal's expected favourable move, as a fraction of price. */
  expectedEdge?: number;
}

/** A cost in account currency, by kind: half the spread, slippage, market impact, fees. */
export interface CostParts {
  spread: number;
  slippage: number;
  impact: number;
  fees: number;
}

export const COST_KINDS = ['spread', 'slippage', 'impact', 'fees'] as const;

export const zeroCostParts = (): CostParts => ({ spread: 0, slippage: 0, impact: 0, fees: 0 });

/**
 * How an order would execute against `quote`: a limit crossing it (a buy at or above the ask, a sell at or below the
 * bid) is a taker; one that does not, or with no quote to cross, rests (a limit without a price is taken as a taker).
 */
function executionKind(type: OrderType, side: OrderSide, limitPrice: number | undefined, quote: Quote | undefined): ExecutionKind {
  if (type === 'market') return 'market';
  if (limitPrice === undefined) return 'limit_taker';
  return quote !== undefined && (side === 'buy' ? limitPrice >= quote.ask : limitPrice <= quote.bid) ? 'limit_taker' : 'limit_maker';
}

export class TradeCosts {
  readonly stats: MarketStats;
  readonly fees: FeeModel;
  readonly feedback: CostFeedback;
  /** Orders the benefit/cost filter skipped. */
  skipped = 0;
  /** The pre-trade estimate's parts (without the feedback correction) applied to the filled notional. */
  readonly estimatedParts: CostParts = zeroCostParts();
  private readonly partsBps = new Map<string, CostParts>();

  constructor(
    private readonly cfg: CostsConfig,
    venueId: string,
    sessionMs: (symbol: string) => number,
  ) {
    this.fees = feeModelFor(cfg.fees === 'venue' ? venueId : cfg.fees);
    this.stats = new MarketStats(cfg.statsWindow, sessionMs);
    this.feedback = new CostFeedback(cfg.feedbackAlpha);
  }

  /** The estimate for an order now, with the post-trade correction applied. */
  estimate(o: CostedOrder, quote: Quote | undefined, assetClass: AssetClass): CostEstimate | undefined {
    const mid = quote ? (quote.bid + quote.ask) / 2 : undefined;
    const price = o.type === 'limit' ? o.limitPrice : mid;
    if (!(price !== undefined && price > 0)) return undefined;
    const kind = executionKind(o.type, o.side, price, quote);
    const e = estimateCost({ side: o.side, type: o.type, qty: o.qty, price, assetClass, marketable: kind === 'limit_taker' }, quote, this.stats.get(o.symbol), this.fees, this.cfg);
    // e is this call's own fresh object: corrected in place (a `{ ...e, ... }` copy is a slow path in V8 on every order)
    const totalBps = this.feedback.corrected(kind, e.totalBps);
    e.totalBps = totalBps;
    e.total = (totalBps / 10_000) * e.notional;
    return e;
  }

  /** The benefit/cost verdict for an order that adds exposure (reducing orders always pass). */
  verdict(o: CostedOrder, estimate: CostEstimate | undefined, reducing: boolean): BenefitCostVerdict {
    if (reducing || !estimate) return benefitCostVerdict(undefined, 0, estimate?.total ?? 0, this.cfg.benefitCostRatio);
    return benefitCostVerdict(o.expectedEdge, estimate.notional, estimate.total, this.cfg.benefitCostRatio);
  }

  /** An order left for the venue: remember its arrival mid and the model's estimate. */
  onSent(order: Order, quote: Quote | undefined, estimate: CostEstimate | undefined): void {
    if (!quote || !estimate) return;
    this.partsBps.set(order.clientOrderId, { spread: estimate.halfSpreadBps, slippage: estimate.slippageBps, impact: estimate.impactBps, fees: estimate.feeBps });
    // the price the estimate was made against: a resting limit's own price (its model cost is its fee), else the mid
    const kind = executionKind(order.type, order.side, order.limitPrice, quote);
    const ref = kind === 'limit_maker' ? order.limitPrice! : (quote.bid + quote.ask) / 2;
    this.feedback.onSent(order.clientOrderId, kind, ref, estimate.totalBps - this.feedback.corrected(kind, 0));
  }

  onOrder(order: Order): void {
    if (!TERMINAL_STATUSES.has(order.status)) return;
    this.feedback.forget(order.clientOrderId);
    this.partsBps.delete(order.clientOrderId);
  }

  onFill(f: Fill): void {
    const rec = this.feedback.onFill(f);
    const bps = this.partsBps.get(f.clientOrderId);
    if (!rec || !bps) return;
    // written out: a loop over the kinds' names is a keyed (slow) access four times a fill
    const e = this.estimatedParts;
    e.spread += (bps.spread / 10_000) * rec.notional;
    e.slippage += (bps.slippage / 10_000) * rec.notional;
    e.impact += (bps.impact / 10_000) * rec.notional;
    e.fees += (bps.fees / 10_000) * rec.notional;
  }
}
