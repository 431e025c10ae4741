// Order records kept by the simulated venue, and the static checks of a request
// (shape, lot and tick multiples) that need no market or account state.
import type { OrderSide, OrderType, TimeInForce } from '../../../shared/domain.js';
import type { VenueOrderRequest } from '../venue.js';

export interface SimOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  /** Instrument index in the universe. */
  inst: number;
  side: OrderSide;
  /** +1 buy, -1 sell. */
  sign: number;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Order quantity and filled quantity, in integer lots. */
  lots: number;
  filledLots: number;
  /** Limit in integer ticks; NaN for market orders. */
  limitTicks: number;
  limitPrice: number | undefined;
  /**
   * True when the order was marketable on arrival (or after a replace): it keeps
   * taking the touch at the quoted price. Resting (passive) orders fill at their limit.
   */
  taker: boolean;
  /** Expiry time (day orders), Infinity otherwise. */
  expiresAt: number;
  fillCount: number;
  /** Sum of qty x price over the order's fills (for the average fill price). */
  fillNotional: number;
  /** Time priority among the open orders of its instrument (lower first); renewed by a replace. */
  priority: number;
}

/**
 * `value` as a whole number of increments (value x den), or NaN unless it is a
 * finite, positive multiple of the increment.
 */
export function toUnits(value: unknown, den: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return NaN;
  const u = value * den;
  const r = Math.round(u);
  if (r < 1 || Math.abs(u - r) > 1e-9 * Math.max(1, r)) return NaN;
  return r;
}

const SIDES: ReadonlySet<unknown> = new Set(['buy', 'sell']);
const TYPES: ReadonlySet<unknown> = new Set(['market', 'limit']);
const TIFS: ReadonlySet<unknown> = new Set(['day', 'gtc', 'ioc']);

/** Reason the request's fields are malformed (before lot/tick checks), or null. */
export function shapeProblem(req: VenueOrderRequest): string | null {
  if (!SIDES.has(req.side)) return `side must be 'buy' or 'sell', got '${String(req.side)}'`;
  if (!TYPES.has(req.type)) return `type must be 'market' or 'limit', got '${String(req.type)}'`;
  if (!TIFS.has(req.timeInForce)) return `timeInForce must be 'day', 'gtc' or 'ioc', got '${String(req.timeInForce)}'`;
  if (req.type === 'market' && req.limitPrice !== undefined) return 'a market order takes no limit price';
  if (req.type === 'limit' && req.limitPrice === undefined) return 'a limit order needs a limit price';
  return null;
}
