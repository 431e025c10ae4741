// The state every part of the ccxt adapter shares: the exchange, the options,
// the listener, the orders this venue sent (by client order id, exchange order
// id and exchange client order id), the latest quotes and bar times, the health
// counters, and the plumbing they all use: read requests with the retry policy
// (call), errors mapped and counted, sleeping on the venue's clock (woken by
// disconnect), and emitting to the listener (a throwing listener is counted,
// never propagated). One instance per CcxtVenue.
import type { Quote } from '../../../shared/domain.js';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { VenueFill, VenueListener, VenueOrderUpdate } from '../venue.js';
import { defaultClientOrderIdFormat, type ClientOrderIdFormat } from './client-ids.js';
import { DEFAULT_RETRY, mapCcxtError, retryDelayMs, type ErrorContext, type RetryPolicy, type VenueError } from './errors.js';
import { createExchange, type CcxtExchange } from './exchange.js';
import { malformed, parseOrder, type ParsedOrder } from './payload.js';
import { emptyHealth, type CcxtVenueHealth, type CcxtVenueOptions, type OrderRec } from './types.js';

export const MINUTE = 60_000;
export const EPS = 1e-9;

export function floorMinute(t: number): number {
  return t - (((t % MINUTE) + MINUTE) % MINUTE);
}

export function round12(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

export class CcxtState {
  readonly exchangeId: string;
  readonly ex: CcxtExchange;
  readonly clock: Clock;
  readonly symbols: string[];
  readonly streaming: 'auto' | 'poll';
  readonly pollMs: number;
  readonly barPollMs: number;
  readonly barGraceMs: number;
  readonly reconcileMs: number;
  readonly retry: RetryPolicy;
  readonly idFormat: ClientOrderIdFormat;
  readonly accountCurrencyOpt: string | undefined;

  listener: VenueListener | null = null;
  running = false;
  readonly sleepers = new Set<{ handle: TimerHandle; resolve: () => void }>();

  /** Orders sent through this venue, by the engine's client order id. */
  readonly orders = new Map<string, OrderRec>();
  readonly byVenueId = new Map<string, OrderRec>();
  readonly byExClientId = new Map<string, OrderRec>();
  readonly lastQuotes = new Map<string, Quote>();
  readonly lastBarTs = new Map<string, number>();
  readonly lastPublicTradeTs = new Map<string, number>();
  counters: CcxtVenueHealth = emptyHealth();

  constructor(opts: CcxtVenueOptions) {
    this.exchangeId = opts.exchangeId;
    this.clock = opts.clock;
    this.symbols = [...new Set(opts.symbols)];
    this.ex = createExchange(opts, this.symbols);
    this.streaming = opts.streaming ?? 'auto';
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.pollMs = Math.max(1, opts.pollIntervalMs ?? 2_000);
    this.barPollMs = Math.max(1, opts.barPollIntervalMs ?? 10_000);
    this.barGraceMs = Math.max(0, opts.barGraceMs ?? 3_000);
    this.reconcileMs = Math.max(1, opts.reconcileIntervalMs ?? 30_000);
    this.idFormat = opts.clientOrderIdFormat ?? defaultClientOrderIdFormat(opts.exchangeId);
    this.accountCurrencyOpt = opts.accountCurrency;
  }

  /** Whether data arrives through watch* streams (true) or polling (false) for a capability. */
  streams(capability: 'watchTicker' | 'watchTrades' | 'watchOHLCV' | 'watchOrders' | 'watchMyTrades'): boolean {
    return this.streaming === 'auto' && this.ex.has[capability] === true;
  }

  ctx(endpoint: string, field?: string): ErrorContext {
    return { venue: this.exchangeId, endpoint, field, headers: this.ex.last_response_headers, json: this.ex.last_json_response };
  }

  toVenueError(e: unknown, endpoint: string, field?: string): VenueError {
    const ve = mapCcxtError(e, this.ctx(endpoint, field));
    return ve.code === 'MALFORMED_PAYLOAD' ? this.countMalformed(ve) : ve;
  }

  /** Counts a malformed payload once per error object. */
  countMalformed(ve: VenueError): VenueError {
    const marked = ve as VenueError & { counted?: boolean };
    if (!marked.counted) {
      marked.counted = true;
      this.counters.malformed++;
      this.counters.malformedByEndpoint[ve.endpoint] = (this.counters.malformedByEndpoint[ve.endpoint] ?? 0) + 1;
      this.counters.lastMalformed = ve.message;
    }
    return ve;
  }

  noteError(ve: VenueError): void {
    const marked = ve as VenueError & { noted?: boolean };
    if (marked.noted) return;
    marked.noted = true;
    this.counters.lastError = ve.message;
    switch (ve.code) {
      case 'RATE_LIMITED':
        this.counters.rateLimited++;
        break;
      case 'TIMEOUT':
        this.counters.timeouts++;
        break;
      case 'NETWORK':
        this.counters.networkErrors++;
        break;
      case 'EXCHANGE_UNAVAILABLE':
      case 'MAINTENANCE':
        this.counters.serverErrors++;
        break;
      case 'AUTH_FAILED':
      case 'PERMISSION_DENIED':
      case 'ACCOUNT_SUSPENDED':
        this.counters.authErrors++;
        break;
      case 'MALFORMED_PAYLOAD':
        this.countMalformed(ve);
        break;
      default:
        break;
    }
  }

  /** A read (idempotent) request with the retry policy. */
  async call<T>(endpoint: string, fn: () => Promise<T>, opts: { attempts?: number; field?: string } = {}): Promise<T> {
    const max = Math.max(1, opts.attempts ?? this.retry.maxAttempts);
    for (let attempt = 1; ; attempt++) {
      try {
        this.counters.requests++;
        return await fn();
      } catch (e) {
        const ve = this.toVenueError(e, endpoint, opts.field);
        this.noteError(ve);
        if (!ve.retryable || attempt >= max) throw ve;
        this.counters.retries++;
        await this.sleep(retryDelayMs(ve, attempt, this.retry, this.ex.rateLimit));
      }
    }
  }

  /** Waits on the venue's clock; disconnect() wakes every sleeper. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { handle: undefined as unknown as TimerHandle, resolve };
      entry.handle = this.clock.setTimer(this.clock.now() + Math.max(0, ms), () => {
        this.sleepers.delete(entry);
        resolve();
      });
      this.sleepers.add(entry);
    });
  }

  /** Runs a payload parser; a refusal is counted and rethrown. */
  parsed<T>(fn: () => T, endpoint: string): T {
    try {
      return fn();
    } catch (e) {
      const ve = this.toVenueError(e, endpoint);
      this.noteError(ve);
      throw ve;
    }
  }

  orderList(raw: unknown, endpoint: string): ParsedOrder[] {
    if (!Array.isArray(raw)) {
      this.noteError(this.countMalformed(malformed(this.ctx(endpoint), 'orders', raw, 'an array')));
      return [];
    }
    const out: ParsedOrder[] = [];
    for (const item of raw) {
      try {
        out.push(parseOrder(item, this.ctx(endpoint)));
      } catch (e) {
        this.noteError(this.toVenueError(e, endpoint));
      }
    }
    return out;
  }

  cancelRejected(clientOrderId: string, reason: string): void {
    this.emitUpdate({ kind: 'cancel_rejected', clientOrderId, reason, ts: this.clock.now() });
  }

  emitUpdate(u: VenueOrderUpdate): void {
    this.emit((l) => l.onOrderUpdate(u));
  }

  emitFill(f: VenueFill): void {
    this.emit((l) => l.onFill(f));
  }

  emit(fn: (l: VenueListener) => void): void {
    const l = this.listener;
    if (l) this.safe(() => fn(l));
  }

  safe(fn: () => void): void {
    try {
      fn();
    } catch {
      this.counters.listenerErrors++;
    }
  }
}
