// Typed errors for the Alpaca venue. Every failure the SDK can produce (its
// ApiError subclasses for non-2xx answers, FetchError for transport failures and
// timeouts, plain Errors) and every malformed payload becomes one VenueError with
// a stable code, a retry classification, and a message that names the venue, the
// endpoint and the field concerned.
import { ApiError, FetchError } from '@alpacahq/alpaca-trade-api';
import { TradedeskError } from '../../core/errors.js';
import type { VenueRejectCode } from '../venue.js';

export const VENUE_NAME = 'alpaca';

export type AlpacaErrorCode =
  /** 401, a non-order 403, or a stream authentication rejection. Not retryable. */
  | 'AUTH_FAILED'
  /** 403 'insufficient buying power'. An order reject. */
  | 'INSUFFICIENT_BUYING_POWER'
  /** 403 'insufficient qty available'. An order reject. */
  | 'INSUFFICIENT_POSITION'
  /** 422 'client_order_id must be unique'. An order reject. */
  | 'DUPLICATE_CLIENT_ORDER_ID'
  /** The asset does not exist or is not tradable. */
  | 'UNKNOWN_SYMBOL'
  /** 400/422 for any other field. */
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  /** 429; retryable after `retryAfterMs`. */
  | 'RATE_LIMITED'
  /** 5xx; retryable with backoff; ambiguous for requests that change state. */
  | 'SERVER_ERROR'
  /** The per-request deadline passed; the outcome is unknown (ambiguous). */
  | 'TIMEOUT'
  /** A transport failure (reset, refused, DNS); ambiguous for requests that change state. */
  | 'NETWORK'
  /** The venue answered with a payload that fails validation. */
  | 'MALFORMED_PAYLOAD'
  /** A stream could not be opened or authenticated in time. */
  | 'STREAM'
  /** The venue options are invalid. */
  | 'CONFIG'
  | 'UNKNOWN';

export interface VenueErrorDetails {
  /** e.g. 'POST /v2/orders', 'wss trade_updates'. */
  endpoint: string;
  /** The request or payload field concerned, in Alpaca's wire spelling. */
  field?: string;
  retryable: boolean;
  /** True when a state-changing request may or may not have been applied. */
  ambiguous: boolean;
  retryAfterMs?: number;
  status?: number;
  alpacaCode?: number | string;
  requestId?: string;
  cause?: unknown;
}

export class VenueError extends TradedeskError {
  readonly venue = VENUE_NAME;
  readonly endpoint: string;
  readonly field: string | undefined;
  readonly retryable: boolean;
  readonly ambiguous: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly alpacaCode: number | string | undefined;
  readonly requestId: string | undefined;

  constructor(
    override readonly code: AlpacaErrorCode,
    message: string,
    details: VenueErrorDetails,
  ) {
    super(code, message);
    this.name = 'VenueError';
    this.endpoint = details.endpoint;
    this.field = details.field;
    this.retryable = details.retryable;
    this.ambiguous = details.ambiguous;
    this.retryAfterMs = details.retryAfterMs;
    this.status = details.status;
    this.alpacaCode = details.alpacaCode;
    this.requestId = details.requestId;
    if (details.cause !== undefined) (this as { cause?: unknown }).cause = details.cause;
  }
}

/** Builds the standard message: `alpaca <endpoint>: <what> (field '<field>')`. */
export function venueMessage(endpoint: string, what: string, field?: string): string {
  return `${VENUE_NAME} ${endpoint}: ${what}${field ? ` (field '${field}')` : ''}`;
}

export function configError(field: string, what: string): VenueError {
  return new VenueError('CONFIG', venueMessage('options', what, field), { endpoint: 'options', field, retryable: false, ambiguous: false });
}

/** Request fields Alpaca names in its 4xx messages. */
const ORDER_FIELDS = [
  'client_order_id',
  'time_in_force',
  'limit_price',
  'stop_price',
  'extended_hours',
  'order_class',
  'trail_price',
  'trail_percent',
  'notional',
  'symbol',
  'side',
  'type',
  'qty',
];

function fieldFromMessage(message: string): string | undefined {
  const lower = message.toLowerCase();
  return ORDER_FIELDS.find((f) => new RegExp(`\\b${f}\\b`).test(lower));
}

function isSafeMethod(endpoint: string): boolean {
  return /^(GET|HEAD|OPTIONS)\b/.test(endpoint);
}

const AUTH_FIELD = 'APCA-API-KEY-ID/APCA-API-SECRET-KEY';

/**
 * Classifies anything an SDK call can throw into a VenueError. `endpoint` is the
 * request ('POST /v2/orders'); `field` names the field of interest when the
 * error itself does not (e.g. 'client_order_id' for a lookup).
 */
export function toVenueError(e: unknown, endpoint: string, field?: string): VenueError {
  if (e instanceof VenueError) return e;
  const safe = isSafeMethod(endpoint);
  if (e instanceof ApiError) {
    const status = e.status;
    const base = { endpoint, status, alpacaCode: e.code, requestId: e.requestId, cause: e };
    const text = e.message || `HTTP ${status}`;
    const what = `HTTP ${status} ${text}${e.code !== undefined ? ` [alpaca code ${String(e.code)}]` : ''}`;
    const lower = text.toLowerCase();
    if (status === 401) {
      return new VenueError('AUTH_FAILED', venueMessage(endpoint, `${what}: the API key id / secret were refused`, AUTH_FIELD), { ...base, field: AUTH_FIELD, retryable: false, ambiguous: false });
    }
    if (status === 403) {
      if (lower.includes('buying power')) {
        return new VenueError('INSUFFICIENT_BUYING_POWER', venueMessage(endpoint, what, 'buying_power'), { ...base, field: 'buying_power', retryable: false, ambiguous: false });
      }
      if (lower.includes('insufficient qty') || lower.includes('qty available') || lower.includes('insufficient position')) {
        return new VenueError('INSUFFICIENT_POSITION', venueMessage(endpoint, what, 'qty'), { ...base, field: 'qty', retryable: false, ambiguous: false });
      }
      return new VenueError('AUTH_FAILED', venueMessage(endpoint, `${what}: forbidden for these credentials or this account`, AUTH_FIELD), { ...base, field: AUTH_FIELD, retryable: false, ambiguous: false });
    }
    if (status === 404) {
      const f = field ?? fieldFromMessage(text);
      return new VenueError('NOT_FOUND', venueMessage(endpoint, what, f), { ...base, field: f, retryable: false, ambiguous: false });
    }
    if (status === 400 || status === 422) {
      if (lower.includes('client_order_id') && (lower.includes('unique') || lower.includes('duplicate'))) {
        return new VenueError('DUPLICATE_CLIENT_ORDER_ID', venueMessage(endpoint, what, 'client_order_id'), { ...base, field: 'client_order_id', retryable: false, ambiguous: false });
      }
      if ((lower.includes('asset') || lower.includes('symbol')) && (lower.includes('not found') || lower.includes('could not find') || lower.includes('not tradable') || lower.includes('is not active'))) {
        return new VenueError('UNKNOWN_SYMBOL', venueMessage(endpoint, what, 'symbol'), { ...base, field: 'symbol', retryable: false, ambiguous: false });
      }
      const f = fieldFromMessage(text) ?? field ?? 'request body';
      return new VenueError('INVALID_REQUEST', venueMessage(endpoint, what, f), { ...base, field: f, retryable: false, ambiguous: false });
    }
    if (status === 429) {
      const after = e.retryAfterMs;
      return new VenueError('RATE_LIMITED', venueMessage(endpoint, `${what}; retry after ${after ?? 'a backoff'}${after !== undefined ? ' ms' : ''}`, field), {
        ...base,
        field,
        retryable: true,
        ambiguous: false,
        retryAfterMs: after,
      });
    }
    if (status >= 500) {
      return new VenueError('SERVER_ERROR', venueMessage(endpoint, `${what}${safe ? '' : '; the request may or may not have been applied'}`, field), {
        ...base,
        field,
        retryable: true,
        ambiguous: !safe,
      });
    }
    return new VenueError('UNKNOWN', venueMessage(endpoint, what, field), { ...base, field, retryable: false, ambiguous: false });
  }
  if (e instanceof FetchError) {
    const cause = e.cause as { name?: string; message?: string; code?: string } | undefined;
    const name = cause?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new VenueError('TIMEOUT', venueMessage(endpoint, `no answer before the request deadline${safe ? '' : '; the outcome is unknown'}`, field), {
        endpoint,
        field,
        retryable: true,
        ambiguous: !safe,
        cause: e,
      });
    }
    const detail = [cause?.message, (cause as { cause?: { code?: string } } | undefined)?.cause?.code].filter(Boolean).join(': ');
    return new VenueError('NETWORK', venueMessage(endpoint, `transport failure${detail ? ` (${detail})` : ''}${safe ? '' : '; the outcome is unknown'}`, field), {
      endpoint,
      field,
      retryable: true,
      ambiguous: !safe,
      cause: e,
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new VenueError('UNKNOWN', venueMessage(endpoint, msg, field), { endpoint, field, retryable: false, ambiguous: false, cause: e });
}

/** The order reject code for errors that are definitive order rejections, else null. */
export function rejectCodeOf(e: VenueError): VenueRejectCode | null {
  switch (e.code) {
    case 'INSUFFICIENT_BUYING_POWER':
    case 'INSUFFICIENT_POSITION':
    case 'DUPLICATE_CLIENT_ORDER_ID':
    case 'UNKNOWN_SYMBOL':
      return e.code;
    case 'INVALID_REQUEST':
      return 'INVALID_ORDER';
    default:
      return null;
  }
}
