// The one Venue interface. The simulator, Alpaca and ccxt adapters all
// implement it; the engine never knows which one it talks to. Requests are
// async; their outcomes (acks, rejects, fills, cancels) arrive as events on the
// listener, as they do from a real broker's trading stream.
//
// Venues report facts; they never reconcile on the engine's behalf. After an
// outage the engine's Reconciler asks (getOrder, getFills, getOpenOrders,
// getPositions) and applies what was missed; the OMS applies every execution
// exactly once. submitOrder rejects (throws) only when the order provably did
// not reach the venue; an outcome the venue cannot establish stays pending
// (isResolving) until a lookup by client order id answers.
import type { Bar, Instrument, OrderSide, OrderType, Quote, TimeInForce, Trade } from '../../shared/domain.js';

export interface VenueOrderRequest {
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  limitPrice?: number;
  timeInForce: TimeInForce;
}

export type VenueOrderUpdate =
  | { kind: 'accepted'; clientOrderId: string; venueOrderId: string; ts: number }
  | { kind: 'rejected'; clientOrderId: string; reason: string; code: VenueRejectCode; ts: number }
  | { kind: 'canceled'; clientOrderId: string; reason: string; ts: number }
  | { kind: 'expired'; clientOrderId: string; ts: number }
  | { kind: 'replaced'; clientOrderId: string; qty: number; limitPrice?: number; ts: number }
  /** A cancel or replace the venue could not apply (e.g. the order already filled). */
  | { kind: 'cancel_rejected'; clientOrderId: string; reason: string; ts: number };

export type VenueRejectCode =
  | 'INSUFFICIENT_BUYING_POWER'
  | 'INSUFFICIENT_POSITION'
  | 'MARKET_CLOSED'
  | 'UNKNOWN_SYMBOL'
  | 'INVALID_ORDER'
  | 'DUPLICATE_CLIENT_ORDER_ID';

export interface VenueFill {
  clientOrderId: string;
  fillId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  fee: number;
  ts: number;
  /** Cumulative filled quantity of the order after this fill. */
  cumQty: number;
  /** Quantity still open after this fill. */
  leavesQty: number;
  /**
   * Set by reconciliation when the venue gave only a cumulative filled
   * quantity: one fill standing for the missed part at the implied average
   * price. A later real execution covering the same quantity is recognized
   * and not applied again.
   */
  inferred?: boolean;
  /** Set by reconciliation once the venue's own order state confirms this fill. */
  confirmed?: boolean;
}

export interface VenueAccount {
  cash: number;
  equity: number;
  buyingPower: number;
}

export interface VenuePosition {
  symbol: string;
  qty: number;
  avgPrice: number;
}

export interface VenueOpenOrder extends VenueOrderRequest {
  venueOrderId: string;
  filledQty: number;
}

/** The venue's view of one order, for reconciliation after a restart or reconnect. */
export interface VenueOrderState extends VenueOpenOrder {
  /** 'pending_new': the venue has the order but has not acknowledged it yet. */
  status: 'pending_new' | 'accepted' | 'partially_filled' | 'filled' | 'canceled' | 'expired' | 'rejected';
  avgFillPrice: number;
}

export interface VenueListener {
  onQuote(quote: Quote): void;
  onTrade(trade: Trade): void;
  /** A completed 1-minute bar. */
  onBar(bar: Bar): void;
  onOrderUpdate(update: VenueOrderUpdate): void;
  onFill(fill: VenueFill): void;
  onConnection(state: 'connected' | 'disconnected', reason?: string): void;
}

export interface Venue {
  readonly id: string;
  /** Registers the listener and starts streaming market data and order events. */
  connect(listener: VenueListener): Promise<void>;
  disconnect(): Promise<void>;
  instruments(): Promise<Instrument[]>;
  /** Most recent completed 1-minute bars, oldest first. */
  getBars(symbol: string, limit: number): Promise<Bar[]>;
  isMarketOpen(symbol: string, ts: number): boolean;
  submitOrder(request: VenueOrderRequest): Promise<void>;
  cancelOrder(clientOrderId: string): Promise<void>;
  replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void>;
  getAccount(): Promise<VenueAccount>;
  getPositions(): Promise<VenuePosition[]>;
  getOpenOrders(): Promise<VenueOpenOrder[]>;
  /**
   * One order by client order id (any state), for reconciliation; undefined
   * only when the venue proves it never had it. Throws when it cannot tell.
   */
  getOrder?(clientOrderId: string): Promise<VenueOrderState | undefined>;
  /** Every execution of one order, with the same fillIds the live stream uses. */
  getFills?(clientOrderId: string): Promise<VenueFill[]>;
  /** Cancels every open order in one request where the venue offers it (KILL's first step). */
  cancelAll?(): Promise<void>;
  /** True while the venue is still establishing a submission's outcome (in flight, or unknown and being looked up). */
  isResolving?(clientOrderId: string): boolean;
}
