// Domain types shared by the engine, the hosts and the UI. Each type is a zod
// schema first, so the same definition validates messages crossing a transport.
// Time is UTC epoch milliseconds; prices and quantities are plain numbers.
import { z } from 'zod';

export const AssetClass = z.enum(['us_equity', 'crypto']);
export type AssetClass = z.infer<typeof AssetClass>;

export const Instrument = z.object({
  symbol: z.string(),
  name: z.string(),
  assetClass: AssetClass,
  sector: z.string(),
  /** Price increment accepted by the venue. */
  tickSize: z.number().positive(),
  /** Quantity increment accepted by the venue. */
  lotSize: z.number().positive(),
  minNotional: z.number().nonnegative(),
  shortable: z.boolean(),
  /** 'nyse' follows the NYSE session calendar; '24x7' never closes. */
  calendar: z.enum(['nyse', '24x7']),
});
export type Instrument = z.infer<typeof Instrument>;

export const Bar = z.object({
  symbol: z.string(),
  /** Bar open time. */
  ts: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});
export type Bar = z.infer<typeof Bar>;

export const Quote = z.object({
  symbol: z.string(),
  ts: z.number(),
  bid: z.number(),
  ask: z.number(),
  bidSize: z.number(),
  askSize: z.number(),
});
export type Quote = z.infer<typeof Quote>;

export const Trade = z.object({
  symbol: z.string(),
  ts: z.number(),
  price: z.number(),
  size: z.number(),
});
export type Trade = z.infer<typeof Trade>;

export const OrderSide = z.enum(['buy', 'sell']);
export type OrderSide = z.infer<typeof OrderSide>;

export const OrderType = z.enum(['market', 'limit']);
export type OrderType = z.infer<typeof OrderType>;

export const TimeInForce = z.enum(['day', 'gtc', 'ioc']);
export type TimeInForce = z.infer<typeof TimeInForce>;

/**
 * 'pending_new' is the OMS state between risk approval and the venue's ack;
 * 'denied' marks an order the risk engine refused (it never left).
 */
export const OrderStatus = z.enum([
  'pending_new',
  'new',
  'accepted',
  'partially_filled',
  'filled',
  'pending_cancel',
  'canceled',
  'rejected',
  'expired',
  'denied',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'canceled',
  'rejected',
  'expired',
  'denied',
]);

export const Order = z.object({
  clientOrderId: z.string(),
  venueOrderId: z.string().optional(),
  symbol: z.string(),
  side: OrderSide,
  type: OrderType,
  qty: z.number(),
  limitPrice: z.number().optional(),
  timeInForce: TimeInForce,
  status: OrderStatus,
  filledQty: z.number(),
  avgFillPrice: z.number(),
  /** Strategy id, or 'manual' / 'system'. */
  source: z.string(),
  /** Why the order exists (signal description) or why it was denied/rejected. */
  reason: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /**
   * Execution algorithms: a parent order (TWAP, VWAP, iceberg) is never sent to a
   * venue itself; its children are, each carrying the parent's client order id.
   */
  parentId: z.string().optional(),
  /** Set on a parent order: the algorithm working it ('twap' | 'vwap' | 'iceberg'). */
  algo: z.string().optional(),
});
export type Order = z.infer<typeof Order>;

export const Fill = z.object({
  clientOrderId: z.string(),
  symbol: z.string(),
  side: OrderSide,
  qty: z.number(),
  price: z.number(),
  fee: z.number(),
  ts: z.number(),
  fillId: z.string(),
  /** Reconciliation's stand-in for executions missed during an outage (the cumulative difference). */
  inferred: z.boolean().optional(),
  /** On an inferred fill: the spans (from, to] of the order's cumulative quantity it stands for (a real execution inside them is not counted again, after a restart too). */
  spans: z.array(z.tuple([z.number(), z.number()])).optional(),
  /** On a real execution whose cumulative quantity is known: the span (from, to] of the order's cumulative quantity it covers (after a restart, an inferred fill stands for the rest, not for this). */
  span: z.tuple([z.number(), z.number()]).optional(),
});
export type Fill = z.infer<typeof Fill>;

export const Position = z.object({
  symbol: z.string(),
  /** Signed: negative is short. */
  qty: z.number(),
  avgPrice: z.number(),
  markPrice: z.number(),
  marketValue: z.number(),
  unrealizedPnl: z.number(),
  realizedPnl: z.number(),
});
export type Position = z.infer<typeof Position>;

export const Account = z.object({
  cash: z.number(),
  equity: z.number(),
  buyingPower: z.number(),
  realizedPnl: z.number(),
  unrealizedPnl: z.number(),
  grossExposure: z.number(),
  netExposure: z.number(),
  startingEquity: z.number(),
});
export type Account = z.infer<typeof Account>;

export const TradingState = z.enum(['ACTIVE', 'REDUCING', 'HALTED']);
export type TradingState = z.infer<typeof TradingState>;

export const AlertLevel = z.enum(['info', 'warning', 'critical']);
export type AlertLevel = z.infer<typeof AlertLevel>;

export const Alert = z.object({
  id: z.string(),
  ts: z.number(),
  level: AlertLevel,
  /** Stable machine code, e.g. RISK_DENIED, VENUE_REJECT, STRATEGY_ERROR. */
  code: z.string(),
  message: z.string(),
  source: z.string(),
  /** When the operator acknowledged it (engine clock); absent while unacknowledged. */
  acknowledgedAt: z.number().optional(),
});
export type Alert = z.infer<typeof Alert>;

export const TradingStateChange = z.object({
  ts: z.number(),
  from: TradingState,
  to: TradingState,
  actor: z.string(),
  reason: z.string(),
  /** 'account', 'strategy:<id>' or 'instrument:<symbol>'. */
  scope: z.string(),
});
export type TradingStateChange = z.infer<typeof TradingStateChange>;
