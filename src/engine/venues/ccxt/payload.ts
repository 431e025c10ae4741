// Validation of ccxt's unified structures before anything reaches the engine.
// ccxt passes through whatever the exchange sent (undefined, negative, NaN);
// a structure that fails here is refused with a MALFORMED_PAYLOAD VenueError
// naming the venue, the endpoint and the field, and never becomes a quote,
// bar, order, fill or position.
import type { OrderSide } from '../../../shared/domain.js';
import { venueError, type ErrorContext, type VenueError } from './errors.js';

export type UnifiedOrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

export interface ParsedOrder {
  id: string;
  clientOrderId: string | undefined;
  symbol: string;
  side: OrderSide;
  type: string | undefined;
  status: UnifiedOrderStatus;
  amount: number;
  filled: number;
  price: number | undefined;
  average: number | undefined;
  timestamp: number | undefined;
}

export interface ParsedTrade {
  id: string;
  orderId: string;
  symbol: string;
  side: OrderSide;
  amount: number;
  price: number;
  feeCost: number;
  feeCurrency: string | undefined;
  timestamp: number;
}

export interface ParsedPublicTrade {
  id: string | undefined;
  symbol: string;
  price: number;
  amount: number;
  timestamp: number;
}

export interface ParsedTicker {
  symbol: string;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  last: number | undefined;
  timestamp: number | undefined;
}

export interface ParsedCandle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface ParsedBalance {
  total: Record<string, number>;
  free: Record<string, number>;
}

const STATUSES: ReadonlySet<string> = new Set(['open', 'closed', 'canceled', 'expired', 'rejected']);

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number') return String(v);
  return typeof v;
}

export function malformed(ctx: ErrorContext, field: string, value: unknown, expected: string): VenueError {
  const subject = ctx.subject ? ` (${ctx.subject})` : '';
  return venueError('MALFORMED_PAYLOAD', ctx, `${field} is ${describe(value)}, expected ${expected}${subject}`, { field });
}

function obj(v: unknown, ctx: ErrorContext, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw malformed(ctx, what, v, 'an object');
  return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, ctx: ErrorContext, prefix = ''): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw malformed(ctx, prefix + key, v, 'a non-empty string');
  return v;
}

function optStr(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function positive(o: Record<string, unknown>, key: string, ctx: ErrorContext, prefix = ''): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw malformed(ctx, prefix + key, v, 'a finite number > 0');
  return v;
}

function nonNegative(o: Record<string, unknown>, key: string, ctx: ErrorContext, prefix = ''): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw malformed(ctx, prefix + key, v, 'a finite number >= 0');
  return v;
}

/** undefined/null stay undefined; anything else must be a finite number >= 0. */
function optNonNegative(o: Record<string, unknown>, key: string, ctx: ErrorContext, prefix = ''): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return nonNegative(o, key, ctx, prefix);
}

function optPositive(o: Record<string, unknown>, key: string, ctx: ErrorContext, prefix = ''): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return positive(o, key, ctx, prefix);
}

function side(o: Record<string, unknown>, ctx: ErrorContext, prefix = ''): OrderSide {
  const v = o.side;
  if (v !== 'buy' && v !== 'sell') throw malformed(ctx, `${prefix}side`, v, "'buy' or 'sell'");
  return v;
}

function timestamp(o: Record<string, unknown>, ctx: ErrorContext, prefix = ''): number | undefined {
  const v = o.timestamp;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw malformed(ctx, `${prefix}timestamp`, v, 'epoch milliseconds');
  return v;
}

/** The same context, with every message naming the order (or trade) it is about. */
function about(ctx: ErrorContext, what: string | undefined): ErrorContext {
  return what ? { ...ctx, subject: what } : ctx;
}

export function parseOrder(raw: unknown, outer: ErrorContext): ParsedOrder {
  const o = obj(raw, outer, 'order');
  const id = optStr(o, 'id');
  const cid = optStr(o, 'clientOrderId');
  const ctx = about(outer, id || cid ? `order ${id ?? '?'}${cid && cid !== id ? ` (client order id ${cid})` : ''}` : undefined);
  const status = o.status;
  if (typeof status !== 'string' || !STATUSES.has(status)) throw malformed(ctx, 'status', status, 'open/closed/canceled/expired/rejected');
  const amount = positive(o, 'amount', ctx);
  const filled = optNonNegative(o, 'filled', ctx) ?? 0;
  if (filled > amount * (1 + 1e-9)) throw malformed(ctx, 'filled', filled, `at most the amount ${amount}`);
  return {
    id: str(o, 'id', ctx),
    clientOrderId: optStr(o, 'clientOrderId'),
    symbol: str(o, 'symbol', ctx),
    side: side(o, ctx),
    type: optStr(o, 'type'),
    status: status as UnifiedOrderStatus,
    amount,
    filled,
    price: optPositive(o, 'price', ctx),
    average: optPositive(o, 'average', ctx),
    timestamp: timestamp(o, ctx),
  };
}

export function parseMyTrade(raw: unknown, outer: ErrorContext): ParsedTrade {
  const t = obj(raw, outer, 'trade');
  const tid = optStr(t, 'id');
  const oid = optStr(t, 'order');
  const ctx = about(outer, tid || oid ? `trade ${tid ?? '?'} of order ${oid ?? '?'}` : undefined);
  const id = str(t, 'id', ctx, 'trade.');
  const fee = t.fee;
  let feeCost = 0;
  let feeCurrency: string | undefined;
  if (fee !== undefined && fee !== null) {
    const f = obj(fee, ctx, 'trade.fee');
    feeCost = optNonNegative(f, 'cost', ctx, 'trade.fee.') ?? 0;
    feeCurrency = optStr(f, 'currency');
  }
  const ts = timestamp(t, ctx, 'trade.');
  if (ts === undefined) throw malformed(ctx, 'trade.timestamp', t.timestamp, 'epoch milliseconds');
  return {
    id,
    orderId: str(t, 'order', ctx, 'trade.'),
    symbol: str(t, 'symbol', ctx, 'trade.'),
    side: side(t, ctx, 'trade.'),
    amount: positive(t, 'amount', ctx, 'trade.'),
    price: positive(t, 'price', ctx, 'trade.'),
    feeCost,
    feeCurrency,
    timestamp: ts,
  };
}

export function parsePublicTrade(raw: unknown, ctx: ErrorContext): ParsedPublicTrade {
  const t = obj(raw, ctx, 'trade');
  const ts = timestamp(t, ctx, 'trade.');
  if (ts === undefined) throw malformed(ctx, 'trade.timestamp', t.timestamp, 'epoch milliseconds');
  return {
    id: optStr(t, 'id'),
    symbol: str(t, 'symbol', ctx, 'trade.'),
    price: positive(t, 'price', ctx, 'trade.'),
    amount: positive(t, 'amount', ctx, 'trade.'),
    timestamp: ts,
  };
}

export function parseTicker(raw: unknown, ctx: ErrorContext): ParsedTicker {
  const t = obj(raw, ctx, 'ticker');
  const bid = positive(t, 'bid', ctx, 'ticker.');
  const ask = positive(t, 'ask', ctx, 'ticker.');
  if (bid > ask) throw malformed(ctx, 'ticker.bid', bid, `at most the ask ${ask}`);
  return {
    symbol: str(t, 'symbol', ctx, 'ticker.'),
    bid,
    ask,
    bidSize: optNonNegative(t, 'bidVolume', ctx, 'ticker.') ?? 0,
    askSize: optNonNegative(t, 'askVolume', ctx, 'ticker.') ?? 0,
    last: optPositive(t, 'last', ctx, 'ticker.'),
    timestamp: timestamp(t, ctx, 'ticker.'),
  };
}

export function parseCandle(raw: unknown, ctx: ErrorContext, index: number): ParsedCandle {
  const at = `ohlcv[${index}]`;
  if (!Array.isArray(raw) || raw.length < 6) throw malformed(ctx, at, raw, '[ts, open, high, low, close, volume]');
  const names = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
  const v: number[] = [];
  for (let i = 0; i < 6; i++) {
    const x: unknown = raw[i];
    const okZero = i === 5;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (!okZero && x === 0)) {
      throw malformed(ctx, `${at}.${names[i]}`, x, okZero ? 'a finite number >= 0' : 'a finite number > 0');
    }
    v.push(x);
  }
  const [ts, open, high, low, close, volume] = v as [number, number, number, number, number, number];
  if (high < Math.max(open, close, low) || low > Math.min(open, close)) throw malformed(ctx, `${at}.high`, high, `high >= open/close >= low (low ${low})`);
  return { ts, open, high, low, close, volume };
}

/** Balances of `currencies`; a currency absent from the account reads 0. */
export function parseBalance(raw: unknown, currencies: readonly string[], ctx: ErrorContext): ParsedBalance {
  const b = obj(raw, ctx, 'balance');
  const total = b.total === undefined ? {} : obj(b.total, ctx, 'balance.total');
  const free = b.free === undefined ? {} : obj(b.free, ctx, 'balance.free');
  const out: ParsedBalance = { total: {}, free: {} };
  for (const c of currencies) {
    const t = total[c];
    const f = free[c];
    // the account lists the currency but ccxt could not read its amount
    const listed = b[c] !== undefined && b[c] !== null && typeof b[c] === 'object';
    if (listed && (t === undefined || t === null)) throw malformed(ctx, `balance.total.${c}`, t, 'a finite number >= 0');
    if (t !== undefined && t !== null && (typeof t !== 'number' || !Number.isFinite(t) || t < 0)) throw malformed(ctx, `balance.total.${c}`, t, 'a finite number >= 0');
    if (f !== undefined && f !== null && (typeof f !== 'number' || !Number.isFinite(f) || f < 0)) throw malformed(ctx, `balance.free.${c}`, f, 'a finite number >= 0');
    out.total[c] = typeof t === 'number' ? t : 0;
    out.free[c] = typeof f === 'number' ? f : out.total[c]!;
  }
  return out;
}
