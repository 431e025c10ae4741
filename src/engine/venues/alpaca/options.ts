// AlpacaVenue options: validated once, defaults resolved to the official Alpaca
// endpoints (taken from the SDK's own host constants), errors name the field.
import { marketData, streaming, trading } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { configError } from './errors.js';

/** Symbols per market-data connection on Alpaca's free IEX feed. */
export const IEX_SYMBOL_LIMIT = 30;

export interface AlpacaEndpoints {
  /** Trading REST base, e.g. https://paper-api.alpaca.markets. */
  rest?: string;
  /** Market-data REST base, e.g. https://data.alpaca.markets. */
  data?: string;
  /** Full trade_updates stream URL, e.g. wss://paper-api.alpaca.markets/stream. */
  stream?: string;
  /** Market-data stream base; `/v2/{feed}` is appended, e.g. wss://stream.data.alpaca.markets. */
  dataStream?: string;
}

export interface AlpacaVenueOptions {
  keyId: string;
  secretKey: string;
  /** Paper (paper-api) or live (api) trading host and trade stream. */
  paper: boolean;
  /** Overrides of the official URLs (proxies, the loopback test server). */
  endpoints?: AlpacaEndpoints;
  /** Stock data feed; 'iex' (free) allows at most 30 symbols. Default 'iex'. */
  feed?: 'iex' | 'sip';
  /** Symbols to trade and stream (bars, quotes, trades). */
  symbols: string[];
  /** Time source for event timestamps the venue does not supply, backoff waits and reconcile timers. */
  clock: Clock;
  /** Per-request deadline, ms (the SDK's timeoutMs). Default 10000. */
  timeoutMs?: number;
  /** Retries: attempts per request including the first; exponential backoff. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Stream reconnects (exponential backoff) and the connect() wait. */
  streams?: { initialReconnectMs?: number; maxReconnectMs?: number; connectTimeoutMs?: number };
  /** How often unresolved submissions (and orders, while trade_updates is down) are re-read over REST. Default 5000. */
  reconcileIntervalMs?: number;
  /** Client-side request budget per host (the SDK's limiter), or false. Default 200 / 60 s. */
  rateLimit?: { maxRequests: number; intervalMs: number } | false;
}

export interface ResolvedAlpacaOptions {
  keyId: string;
  secretKey: string;
  paper: boolean;
  endpoints: Required<AlpacaEndpoints>;
  /** True when `endpoints.rest` / `endpoints.data` were given (the SDK gets an explicit basePath). */
  customRest: boolean;
  customData: boolean;
  feed: 'iex' | 'sip';
  symbols: string[];
  clock: Clock;
  timeoutMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  streams: { initialReconnectMs: number; maxReconnectMs: number; connectTimeoutMs: number };
  reconcileIntervalMs: number;
  rateLimit: { maxRequests: number; intervalMs: number } | false;
}

const url = (protocols: string[]) =>
  z.string().refine((s) => {
    try {
      return protocols.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(' or ')} URL`);

const Schema = z.object({
  keyId: z.string().trim().min(1, 'is required'),
  secretKey: z.string().trim().min(1, 'is required'),
  paper: z.boolean(),
  endpoints: z
    .object({
      rest: url(['http:', 'https:']).optional(),
      data: url(['http:', 'https:']).optional(),
      stream: url(['ws:', 'wss:']).optional(),
      dataStream: url(['ws:', 'wss:']).optional(),
    })
    .optional(),
  feed: z.enum(['iex', 'sip']).default('iex'),
  symbols: z.array(z.string().trim().min(1).max(32)),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(10).default(3),
      baseDelayMs: z.number().min(0).max(60_000).default(250),
      maxDelayMs: z.number().min(0).max(300_000).default(5_000),
    })
    .default({ maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 }),
  streams: z
    .object({
      initialReconnectMs: z.number().positive().max(60_000).default(1_000),
      maxReconnectMs: z.number().positive().max(600_000).default(30_000),
      connectTimeoutMs: z.number().positive().max(600_000).default(15_000),
    })
    .default({ initialReconnectMs: 1_000, maxReconnectMs: 30_000, connectTimeoutMs: 15_000 }),
  reconcileIntervalMs: z.number().positive().max(3_600_000).default(5_000),
  rateLimit: z
    .union([z.literal(false), z.object({ maxRequests: z.number().int().positive(), intervalMs: z.number().int().positive() })])
    .default({ maxRequests: 200, intervalMs: 60_000 }),
});

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

export function resolveOptions(o: AlpacaVenueOptions): ResolvedAlpacaOptions {
  if (!o || typeof o !== 'object') throw configError('options', 'options object is required');
  if (!o.clock || typeof o.clock.now !== 'function') throw configError('clock', 'a Clock is required');
  const r = Schema.safeParse(o);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'options';
    throw configError(field, `${field} ${issue.message}`);
  }
  const v = r.data;
  const symbols = [...new Set(v.symbols.map((s) => s.toUpperCase()))];
  if (v.feed === 'iex' && symbols.length > IEX_SYMBOL_LIMIT) {
    throw configError(
      'symbols',
      `the IEX feed streams at most ${IEX_SYMBOL_LIMIT} symbols per connection; ${symbols.length} were configured. Trade fewer symbols or use feed 'sip' with a data subscription that allows more`,
    );
  }
  const ep = v.endpoints ?? {};
  return {
    keyId: v.keyId,
    secretKey: v.secretKey,
    paper: v.paper,
    endpoints: {
      rest: trimSlash(ep.rest ?? (v.paper ? trading.TRADING_PAPER_HOST : trading.TRADING_LIVE_HOST)),
      data: trimSlash(ep.data ?? marketData.MARKET_DATA_HOST),
      stream: ep.stream ?? (v.paper ? streaming.TRADING_STREAM_PAPER : streaming.TRADING_STREAM_LIVE),
      dataStream: trimSlash(ep.dataStream ?? streaming.MARKET_DATA_STREAM_HOST),
    },
    customRest: ep.rest !== undefined,
    customData: ep.data !== undefined,
    feed: v.feed,
    symbols,
    clock: o.clock,
    timeoutMs: v.timeoutMs,
    retry: v.retry,
    streams: v.streams,
    reconcileIntervalMs: v.reconcileIntervalMs,
    rateLimit: v.rateLimit,
  };
}
