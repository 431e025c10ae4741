// The Strategy API: what a strategy sees (a context of prices, positions and
// orders) and what it may do (submit and cancel through the engine's order
// path). Strategies never talk to a venue directly.
import type { Bar, Fill, Instrument, Order, OrderSide, OrderType, Quote, TimeInForce } from '../../shared/domain.js';

export interface StrategyOrder {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  limitPrice?: number;
  timeInForce?: TimeInForce;
  /** Human-readable reason, shown in the blotter and the decision log. */
  reason: string;
  /**
   * The signal behind the order: a score in [-1, 1], the feature values used and,
   * optionally, the expected favourable price move as a fraction of price (what
   * the benefit/cost filter weighs against the estimated cost).
   */
  signal?: { score: number; features: Record<string, number>; expectedEdge?: number };
}

export interface StrategyContext {
  now(): number;
  instrument(symbol: string): Instrument | undefined;
  quote(symbol: string): Quote | undefined;
  position(symbol: string): number;
  openOrders(symbol: string): Order[];
  equity(): number;
  isMarketOpen(symbol: string): boolean;
  /** Goes through risk checks; returns the order (status 'denied' if refused). */
  submit(order: StrategyOrder): Order;
  cancel(clientOrderId: string): void;
}

export interface Strategy {
  readonly id: string;
  /** Completed history bars, oldest first, before live trading starts (no orders). */
  warmup?(bars: Bar[]): void;
  onBar?(bar: Bar, ctx: StrategyContext): void;
  onQuote?(quote: Quote, ctx: StrategyContext): void;
  onFill?(fill: Fill, ctx: StrategyContext): void;
}

/** Rounds a quantity down to the instrument's lot size. */
export function roundToLot(qty: number, lot: number): number {
  return onGrid(Math.floor(qty / lot + 1e-9), lot);
}

/** Rounds a price to the instrument's tick (down for buys, up for sells: never more aggressive). */
export function roundToTick(price: number, tick: number, side: OrderSide): number {
  const steps = price / tick;
  return onGrid(side === 'buy' ? Math.floor(steps + 1e-9) : Math.ceil(steps - 1e-9), tick);
}

/**
 * `steps` whole steps of `step`, as the number nearest its decimal value (what
 * rounding the product to 10 decimals gives). A step that is 1/k for a whole k
 * (0.01, 0.0001, 1e-8, 0.05) divides by k: IEEE division is correctly rounded,
 * so that is the nearest number without formatting and parsing a string (about
 * 0.4 µs; prices and quantities are rounded on every order a strategy sizes).
 * Other steps go through the string.
 */
function onGrid(steps: number, step: number): number {
  const k = Math.round(1 / step);
  if (k >= 1 && 1 / k === step && Number.isSafeInteger(steps)) return steps / k;
  return Number((steps * step).toFixed(10));
}
