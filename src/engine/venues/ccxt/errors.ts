// Typed venue errors for the ccxt adapter: every ccxt error class (and every
// non-ccxt throw out of a ccxt call, which means ccxt choked on the payload)
// becomes a VenueError with a stable code, whether a retry may help, how long to
// wait, and a message naming the venue, the endpoint and the field involved.
import { ccxtLib } from './ccxt-lib.js';
import { TradedeskError } from '../../core/errors.js';
import type { OrderSide } from '../../../shared/domain.js';
import type { VenueRejectCode } from '../venue.js';

export type VenueErrorCode =
  | 'AUTH_FAILED'
  | 'PERMISSION_DENIED'
  | 'ACCOUNT_SUSPENDED'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID_ORDER'
  | 'ORDER_NOT_FOUND'
  | 'DUPLICATE_CLIENT_ORDER_ID'
  | 'BAD_SYMBOL'
  | 'BAD_REQUEST'
  | 'MARKET_CLOSED'
  | 'NOT_SUPPORTED'
  | 'RATE_LIMITED'
  | 'EXCHANGE_UNAVAILABLE'
  | 'MAINTENANCE'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'INVALID_NONCE'
  | 'CANCEL_PENDING'
  | 'MALFORMED_PAYLOAD'
  | 'CLOSED'
  | 'EXCHANGE_ERROR';

export interface VenueErrorDetails {
  venue: string;
  endpoint: string;
  field?: string;
  retryAfterMs?: number;
  /** The name of the ccxt error class (or JS error) this came from. */
  source?: string;
  /** The code was guessed from the text of a generic error, not given by ccxt's class. */
  fromText?: boolean;
}

export class VenueError extends TradedeskError {
  readonly venue: string;
  readonly endpoint: string;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly source: string | undefined;
  readonly fromText: boolean;

  constructor(
    override readonly code: VenueErrorCode,
    readonly retryable: boolean,
    message: string,
    details: VenueErrorDetails,
  ) {
    super(code, message);
    this.name = 'VenueError';
    this.venue = details.venue;
    this.endpoint = details.endpoint;
    this.field = details.field;
    this.retryAfterMs = details.retryAfterMs;
    this.source = details.source;
    this.fromText = details.fromText ?? false;
  }

  /**
   * True when the request may have taken effect although it failed (timeouts,
   * dropped connections, 5xx, unparseable answers): a write must be looked up
   * before it is sent again.
   */
  get ambiguous(): boolean {
    return AMBIGUOUS.has(this.code);
  }
}

const AMBIGUOUS: ReadonlySet<VenueErrorCode> = new Set([
  'RATE_LIMITED',
  'EXCHANGE_UNAVAILABLE',
  'MAINTENANCE',
  'TIMEOUT',
  'NETWORK',
  'INVALID_NONCE',
  'MALFORMED_PAYLOAD',
  // a generic exchange error says nothing about whether the request took effect
  // (HitBTC's documented 500 body reaches ccxt as a plain ExchangeError)
  'EXCHANGE_ERROR',
  'CLOSED',
]);

/** Answers to a createOrder that prove the exchange refused the order (it was not created). */
const REFUSALS: ReadonlySet<VenueErrorCode> = new Set([
  'INVALID_ORDER',
  'INSUFFICIENT_FUNDS',
  'BAD_SYMBOL',
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'ACCOUNT_SUSPENDED',
  'BAD_REQUEST',
  'DUPLICATE_CLIENT_ORDER_ID',
  'MARKET_CLOSED',
]);

/**
 * True only when a failed createOrder proves the order was not created: the
 * exchange refused it (invalid order, funds, symbol, credentials, market
 * closed, a client id already used). An "invalid order" guessed from the
 * text of a generic exchange error is no proof. Everything else (5xx,
 * generic exchange errors, timeouts, dropped connections, unreadable
 * answers, rate limits) leaves the outcome unknown.
 */
export function refusalProven(e: VenueError): boolean {
  if (!REFUSALS.has(e.code)) return false;
  return !(e.fromText && e.code === 'INVALID_ORDER');
}

const DESCRIPTIONS: Record<VenueErrorCode, string> = {
  AUTH_FAILED: 'authentication failed: check apiKey, secret and password',
  PERMISSION_DENIED: 'the API key lacks the permission for this request',
  ACCOUNT_SUSPENDED: 'the account is suspended',
  INSUFFICIENT_FUNDS: 'insufficient funds',
  INVALID_ORDER: 'order refused as invalid',
  ORDER_NOT_FOUND: 'order not found',
  DUPLICATE_CLIENT_ORDER_ID: 'client order id already used',
  BAD_SYMBOL: 'unknown or unsupported symbol',
  BAD_REQUEST: 'request refused',
  MARKET_CLOSED: 'market closed',
  NOT_SUPPORTED: 'not supported by this exchange',
  RATE_LIMITED: 'rate limit exceeded',
  EXCHANGE_UNAVAILABLE: 'exchange unavailable (server error)',
  MAINTENANCE: 'exchange under maintenance',
  TIMEOUT: 'request timed out; outcome unknown',
  NETWORK: 'network error; outcome unknown',
  INVALID_NONCE: 'nonce rejected',
  CANCEL_PENDING: 'cancel already pending',
  MALFORMED_PAYLOAD: 'malformed payload',
  CLOSED: 'connection closed by the app',
  EXCHANGE_ERROR: 'exchange error',
};

export interface ErrorContext {
  venue: string;
  endpoint: string;
  /** The request field most likely at fault, when the caller knows it. */
  field?: string;
  /** ccxt's `last_response_headers` (Retry-After is read from it). */
  headers?: Record<string, unknown>;
  /** ccxt's `last_json_response` (used to name the field a parse failure came from). */
  json?: unknown;
  /** What the payload is about (e.g. "order 123"), named in malformed-payload messages. */
  subject?: string;
}

export function venueError(code: VenueErrorCode, ctx: ErrorContext, detail?: string, extra: Partial<VenueErrorDetails> = {}): VenueError {
  const field = extra.field ?? ctx.field;
  const head = `${ctx.venue} ${ctx.endpoint}: ${DESCRIPTIONS[code]}${field ? ` (field '${field}')` : ''}`;
  return new VenueError(code, RETRYABLE.has(code), detail ? `${head} — ${detail}` : head, {
    venue: ctx.venue,
    endpoint: ctx.endpoint,
    field,
    retryAfterMs: extra.retryAfterMs,
    source: extra.source,
    fromText: extra.fromText,
  });
}

const RETRYABLE: ReadonlySet<VenueErrorCode> = new Set([
  'RATE_LIMITED',
  'EXCHANGE_UNAVAILABLE',
  'MAINTENANCE',
  'TIMEOUT',
  'NETWORK',
  'INVALID_NONCE',
  'CANCEL_PENDING',
]);

/** Maps anything thrown out of a ccxt call to a VenueError. */
export function mapCcxtError(e: unknown, ctx: ErrorContext): VenueError {
  if (e instanceof VenueError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const source = e instanceof Error ? e.constructor.name : typeof e;
  const make = (code: VenueErrorCode, field?: string, retryAfterMs?: number): VenueError =>
    venueError(code, ctx, msg, { field: field ?? ctx.field, source, retryAfterMs });

  const ccxt = ccxtLib();
  if (!(e instanceof ccxt.BaseError)) {
    // ccxt threw while parsing what the exchange sent (e.g. a BigInt conversion of 'abc')
    return venueError('MALFORMED_PAYLOAD', ctx, `response could not be parsed: ${msg}`, {
      field: ctx.field ?? fieldOfBadToken(msg, ctx.json),
      source,
    });
  }
  // most specific classes first
  if (e instanceof ccxt.DuplicateOrderId) return make('DUPLICATE_CLIENT_ORDER_ID', 'clientOrderId');
  if (e instanceof ccxt.OrderNotFound || e instanceof ccxt.OrderNotCached) return make('ORDER_NOT_FOUND', 'id');
  if (e instanceof ccxt.InvalidOrder) return refine(e, make('INVALID_ORDER', ctx.field ?? fieldFromMessage(msg)), ctx, source);
  if (e instanceof ccxt.InsufficientFunds) return make('INSUFFICIENT_FUNDS', 'amount');
  if (e instanceof ccxt.AccountSuspended) return make('ACCOUNT_SUSPENDED', 'apiKey');
  if (e instanceof ccxt.PermissionDenied) return make('PERMISSION_DENIED', 'apiKey');
  if (e instanceof ccxt.RestrictedLocation) return make('PERMISSION_DENIED');
  if (e instanceof ccxt.AuthenticationError) return make('AUTH_FAILED', 'apiKey');
  if (e instanceof ccxt.BadSymbol) return make('BAD_SYMBOL', 'symbol');
  if (e instanceof ccxt.MarketClosed) return make('MARKET_CLOSED', 'symbol');
  if (e instanceof ccxt.NotSupported) return make('NOT_SUPPORTED');
  if (e instanceof ccxt.ExchangeClosedByUser) return make('CLOSED');
  if (e instanceof ccxt.InvalidProxySettings) return make('BAD_REQUEST', 'urls');
  if (e instanceof ccxt.ArgumentsRequired || e instanceof ccxt.BadRequest || e instanceof ccxt.OperationRejected) {
    return refine(e, make('BAD_REQUEST', ctx.field ?? fieldFromMessage(msg)), ctx, source);
  }
  if (e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection) return make('RATE_LIMITED', undefined, retryAfter(ctx.headers));
  if (e instanceof ccxt.OnMaintenance) return make('MAINTENANCE', undefined, retryAfter(ctx.headers));
  if (e instanceof ccxt.InvalidNonce) return make('INVALID_NONCE');
  if (e instanceof ccxt.RequestTimeout) return make('TIMEOUT');
  if (e instanceof ccxt.ExchangeNotAvailable) return make('EXCHANGE_UNAVAILABLE', undefined, retryAfter(ctx.headers));
  if (e instanceof ccxt.NetworkError) return make('NETWORK');
  if (e instanceof ccxt.BadResponse) return make('MALFORMED_PAYLOAD', ctx.field ?? fieldOfBadToken(msg, ctx.json));
  if (e instanceof ccxt.CancelPending) return make('CANCEL_PENDING');
  if (e instanceof ccxt.ExchangeError) return refine(e, make('EXCHANGE_ERROR', ctx.field), ctx, source);
  if (e instanceof ccxt.NetworkError || e instanceof ccxt.OperationFailed) return make('NETWORK');
  return make('EXCHANGE_ERROR'); // UnsubscribeError and any class ccxt adds later
}

/**
 * Many exchanges' messages reach ccxt unmapped (generic ExchangeError /
 * InvalidOrder / BadRequest); recognise the common ones by their text.
 */
function refine(e: Error, base: VenueError, ctx: ErrorContext, source: string): VenueError {
  const m = e.message;
  const as = (code: VenueErrorCode, field?: string): VenueError => venueError(code, ctx, m, { field: field ?? base.field, source, fromText: true });
  if (/duplicate|already (exists|used)/i.test(m) && /client|clord|oid|order[ _-]?id/i.test(m)) return as('DUPLICATE_CLIENT_ORDER_ID', 'clientOrderId');
  if (/insufficient (funds|balance)/i.test(m)) return as('INSUFFICIENT_FUNDS', 'amount');
  if (/rate limit/i.test(m)) return as('RATE_LIMITED');
  if (/api[ -]?key|signature|passphrase|unauthori[sz]ed/i.test(m)) return as('AUTH_FAILED', 'apiKey');
  if (base.code === 'EXCHANGE_ERROR' && /\b(size|amount|price|qty|quantity|funds)\b/i.test(m)) return as('INVALID_ORDER', fieldFromMessage(m));
  return base;
}

function fieldFromMessage(m: string): string | undefined {
  const hit = /\b(price|size|amount|qty|quantity|funds|symbol|product_id|client_oid|clientOrderId|side|type|time_in_force)\b/i.exec(m);
  if (!hit) return undefined;
  const f = hit[1]!.toLowerCase();
  if (f === 'size' || f === 'qty' || f === 'quantity') return 'amount';
  if (f === 'product_id') return 'symbol';
  if (f === 'client_oid' || f === 'clientorderid') return 'clientOrderId';
  return f;
}

/** Retry-After (seconds or an HTTP date) in ms, when present. */
export function retryAfter(headers: Record<string, unknown> | undefined): number | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'retry-after');
  if (!key) return undefined;
  const v = String(headers[key]);
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/** Path of the first value in `json` that equals the token a parse error complained about. */
function fieldOfBadToken(msg: string, json: unknown): string | undefined {
  const m = /convert (.+?) to a BigInt/i.exec(msg) ?? /Unexpected token (.+?) in JSON/i.exec(msg) ?? /invalid (?:number|value):? '?([^' ]+)/i.exec(msg);
  if (!m || json === undefined) return undefined;
  return findPath(json, m[1]!, '');
}

function findPath(v: unknown, token: string, path: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object') return String(v) === token ? path || '(root)' : undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findPath(v[i], token, `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const hit = findPath(x, token, path ? `${path}.${k}` : k);
    if (hit) return hit;
  }
  return undefined;
}

/** The Venue reject code an order-entry error is reported with. */
export function rejectCodeFor(e: VenueError, side: OrderSide): VenueRejectCode {
  switch (e.code) {
    case 'INSUFFICIENT_FUNDS':
      return side === 'sell' ? 'INSUFFICIENT_POSITION' : 'INSUFFICIENT_BUYING_POWER';
    case 'DUPLICATE_CLIENT_ORDER_ID':
      return 'DUPLICATE_CLIENT_ORDER_ID';
    case 'BAD_SYMBOL':
      return 'UNKNOWN_SYMBOL';
    case 'MARKET_CLOSED':
    case 'MAINTENANCE':
      return 'MARKET_CLOSED';
    default:
      return 'INVALID_ORDER';
  }
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Wait before attempt `attempt + 1`: the exchange's Retry-After when it sent
 * one; otherwise exponential from the base (from the exchange's rateLimit
 * spacing when rate limited); maintenance waits the longest.
 */
export function retryDelayMs(e: VenueError, attempt: number, policy: RetryPolicy, rateLimitMs = 0): number {
  if (e.retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, e.retryAfterMs);
  if (e.code === 'MAINTENANCE') return policy.maxDelayMs;
  const base = e.code === 'RATE_LIMITED' ? Math.max(policy.baseDelayMs, rateLimitMs) : policy.baseDelayMs;
  return Math.min(policy.maxDelayMs, base * 2 ** Math.max(0, attempt - 1));
}
