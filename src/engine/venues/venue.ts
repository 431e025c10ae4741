// The one Venue interface. The simulator, Alpaca and ccxt adapters all
// implement it; the engine never knows which one it talks to. Requests are
// async; their outcomes (acks, rejects, fills, cancels) arrive as events on the
// listener, as they do from a real broker's trading stream.
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
  status: 'accepted' | 'partially_filled' | 'filled' | 'canceled' | 'expired' | 'rejected';
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
  /** One order by client order id (any state), for reconciliation; undefined if the venue never saw it. */
  getOrder?(clientOrderId: string): Promise<VenueOrderState | undefined>;
  /** Every fill of one order, for inferring fills missed while disconnected. */
  getFills?(clientOrderId: string): Promise<VenueFill[]>;
}
