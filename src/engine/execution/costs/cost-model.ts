// The pre-trade transaction cost estimate of one order: half the spread (from a
// live quote when there is one, else the liquidity tier's typical spread),
// slippage by liquidity tier, square-root market impact from the order's size
// relative to average daily volume and the daily volatility, and the venue's fee.
// A passive (resting limit) order is assumed to pay only its fee. Pure functions.
import type { AssetClass, OrderSide, OrderType, Quote } from '../../../shared/domain.js';
import type { FeeModel } from './fees.js';
import { LIQUIDITY_TIERS, liquidityTier, type LiquidityTier } from './liquidity.js';
import type { SymbolStats } from './market-stats.js';

export interface CostParams {
  /** Y in impact = Y · σ_daily · √(qty / ADV); about 1 in the empirical literature. */
  impactCoefficient: number;
}

export const DEFAULT_COST_PARAMS: CostParams = { impactCoefficient: 1 };

export interface CostOrder {
  side: OrderSide;
  type: OrderType;
  qty: number;
  /** Reference price: the mid for a market order, the limit for a limit order. */
  price: number;
  assetClass: AssetClass;
  /** A limit order that crosses the spread executes as a taker. */
  marketable?: boolean;
}

export interface CostEstimate {
  tier: LiquidityTier;
  /** Where the spread came from. */
  spreadSource: 'quote' | 'tier';
  halfSpreadBps: number;
  slippageBps: number;
  impactBps: number;
  feeBps: number;
  /** Sum of the parts, in basis points of notional. */
  totalBps: number;
  /** totalBps applied to the notional, in account currency. */
  total: number;
  notional: number;
}

/** Quoted spread (ask - bid) / mid in bps, or undefined when the quote is unusable. */
export function quoteSpreadBps(q: Quote | undefined): number | undefined {
  if (!q || !(q.bid > 0) || !(q.ask >= q.bid)) return undefined;
  return ((q.ask - q.bid) / ((q.ask + q.bid) / 2)) * 10_000;
}

/** Square-root impact in bps: 1e4 · Y · σ_daily · √(qty / ADV); 0 without volume data. */
export function sqrtImpactBps(qty: number, stats: SymbolStats | undefined, coefficient: number): number {
  if (!stats || !(stats.adv > 0) || !(qty > 0)) return 0;
  return 10_000 * coefficient * stats.dailyVol * Math.sqrt(qty / stats.adv);
}

/** The spread of the instrument in bps: the quote's if usable, else its tier's. */
export function spreadBps(quote: Quote | undefined, stats: SymbolStats | undefined): { bps: number; source: 'quote' | 'tier'; tier: LiquidityTier } {
  const tier = liquidityTier(stats?.dollarAdv);
  const q = quoteSpreadBps(quote);
  return q === undefined ? { bps: LIQUIDITY_TIERS[tier].spreadBps, source: 'tier', tier } : { bps: q, source: 'quote', tier };
}

export function estimateCost(order: CostOrder, quote: Quote | undefined, stats: SymbolStats | undefined, fees: FeeModel, params: CostParams = DEFAULT_COST_PARAMS): CostEstimate {
  const notional = order.qty * order.price;
  const spread = spreadBps(quote, stats);
  const taker = order.type === 'market' || !!order.marketable;
  const halfSpreadBps = taker ? spread.bps / 2 : 0;
  const slippageBps = taker ? LIQUIDITY_TIERS[spread.tier].slippageBps : 0;
  const impactBps = taker ? sqrtImpactBps(order.qty, stats, params.impactCoefficient) : 0;
  const fee = fees.fee({ side: order.side, qty: order.qty, price: order.price, liquidity: taker ? 'taker' : 'maker', assetClass: order.assetClass });
  const feeBps = notional > 0 ? (fee / notional) * 10_000 : 0;
  const totalBps = halfSpreadBps + slippageBps + impactBps + feeBps;
  return { tier: spread.tier, spreadSource: spread.source, halfSpreadBps, slippageBps, impactBps, feeBps, totalBps, total: (totalBps / 10_000) * notional, notional };
}
