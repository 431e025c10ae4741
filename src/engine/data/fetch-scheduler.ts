// FetchScheduler: runs historical-data requests within a venue's limits.
//
// - Concurrency: at most `concurrency` requests in flight.
// - Rate budget: a token bucket. Alpaca allows 200 requests / minute
//   ({maxRequests: 200, intervalMs: 60_000}); a ccxt exchange asks for
//   `exchange.rateLimit` ms between requests ({minIntervalMs}: a bucket of one
//   token refilled every minIntervalMs). The bucket starts full and refills
//   continuously, so over any window of W ms at most burst + W x rate requests
//   start (burst = maxRequests unless given).
// - De-duplication: a request whose key is already queued or in flight joins it
//   (same key -> same promise); fetch runs once.
// - Retries: errors that say they are retryable (`retryable: true`, as on the
//   venues' VenueError, or ccxt's NetworkError family) are re-queued after
//   `retryAfterMs` when the error carries it (a 429's Retry-After), else after an
//   exponential backoff. A rate-limit answer also pauses every new start until
//   its Retry-After has passed: the server's budget is spent, not just this
//   request's.
// - Cancellation: cancel(key), cancelAll(), or the caller's AbortSignal. A
//   cancelled request rejects with FetchCancelledError at once; an in-flight
//   fetch sees its own AbortSignal fire.
// - Progress: {done, total, failed, canceled, inFlight, queued, symbol} after
//   every change, for the UI. Counters describe the current batch: they restart
//   when work arrives while the scheduler is idle.
//
// Generic: the scheduler knows nothing about venues; it runs `fetch` functions.
// Time (rate budget, retry waits) goes through a Clock, so tests drive it with a
// SimulatedClock and never depend on wall time.
import { LiveClock, type Clock, type TimerHandle } from '../core/clock.js';
import { TradedeskError } from '../core/errors.js';

/** Requests per interval (token bucket), or a minimum spacing (ccxt's rateLimit), or no budget. */
export type RateBudget = { maxRequests: number; intervalMs: number; burst?: number } | { minIntervalMs: number } | false;

export interface FetchProgress {
  /** Requests of this batch finished successfully. */
  done: number;
  /** Requests of this batch (every distinct key scheduled since the scheduler was last idle). */
  total: number;
  /** Finished with an error after every attempt. */
  failed: number;
  canceled: number;
  inFlight: number;
  /** Waiting for a slot, a token or a retry delay. */
  queued: number;
  /** The symbol (or key when none was given) of the request whose state just changed. */
  symbol: string;
  key: string;
  /** Retries scheduled so far in this batch. */
  retries: number;
}

export interface FetchContext {
  /** Fires when the request is cancelled. */
  signal: AbortSignal;
  /** 0 for the first attempt. */
  attempt: number;
  key: string;
}

export interface FetchRetryPolicy {
  /** Attempts per request, including the first. Default 4. */
  maxAttempts?: number;
  /** Backoff when the error carries no retryAfterMs: base x 2^attempt, capped. Defaults 250 / 10_000 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Default: `defaultIsRetryable`. */
  isRetryable?: (error: unknown) => boolean;
}

export interface FetchSchedulerOptions {
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Default false (no budget). */
  rate?: RateBudget;
  retry?: FetchRetryPolicy;
  /** Default LiveClock. */
  clock?: Clock;
  onProgress?: (p: FetchProgress) => void;
}

export interface ScheduleOptions {
  /** Reported in progress events. */
  symbol?: string;
  /** Aborting cancels the request once every caller that joined it with a signal has aborted. */
  signal?: AbortSignal;
}

/** How much of a rate budget the last window used (the Health view's "API budget"). */
export interface ApiBudgetUse {
  used: number;
  limit: number;
  windowMs: number;
}

export interface FetchSchedulerStats {
  /** fetch() calls made (attempts, including retries). */
  attempts: number;
  retries: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
  /** Requests that joined one already queued or in flight. */
  deduplicated: number;
  /** Times a start waited for the rate budget. */
  rateWaits: number;
  /** Start times (clock ms) of every attempt, oldest first (the last 10_000). */
  starts: number[];
}

export class FetchCancelledError extends TradedeskError {
  constructor(readonly key: string, reason = 'cancelled') {
    super('FETCH_CANCELLED', `fetch ${key}: ${reason}`);
    this.name = 'FetchCancelledError';
  }
}

const CCXT_RETRYABLE = new Set(['NetworkError', 'RequestTimeout', 'ExchangeNotAvailable', 'DDoSProtection', 'RateLimitExceeded', 'OnMaintenance']);
const CCXT_RATE = new Set(['DDoSProtection', 'RateLimitExceeded']);

function errorField<T>(e: unknown, field: string): T | undefined {
  return e !== null && typeof e === 'object' && field in e ? ((e as Record<string, unknown>)[field] as T) : undefined;
}

/** True for errors that declare `retryable: true` (VenueError) and ccxt's transient error classes. */
export function defaultIsRetryable(e: unknown): boolean {
  const r = errorField<unknown>(e, 'retryable');
  if (typeof r === 'boolean') return r;
  const name = errorField<unknown>(e, 'name');
  return typeof name === 'string' && CCXT_RETRYABLE.has(name);
}

/** A rate-limit answer: code RATE_LIMITED (VenueError), HTTP 429, or ccxt's RateLimitExceeded / DDoSProtection. */
export function isRateLimitError(e: unknown): boolean {
  if (errorField<unknown>(e, 'code') === 'RATE_LIMITED' || errorField<unknown>(e, 'status') === 429) return true;
  const name = errorField<unknown>(e, 'name');
  return typeof name === 'string' && CCXT_RATE.has(name);
}

function retryAfterOf(e: unknown): number | undefined {
  const v = errorField<unknown>(e, 'retryAfterMs');
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

interface Job {
  key: string;
  symbol: string;
  fetch: (ctx: FetchContext) => Promise<unknown>;
  promise: Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  controller: AbortController;
  attempt: number;
  /** Not started before this clock time (retry delays). */
  readyAt: number;
  state: 'queued' | 'running' | 'settled';
  /** Callers without a signal keep the job alive; signals abort it when all fired. */
  unsignalled: number;
  signals: AbortSignal[];
  detach: Array<() => void>;
}

/** Token bucket on a Clock; continuous refill. */
class TokenBucket {
  private tokens: number;
  private last: number;
  readonly capacity: number;
  /** Tokens per ms. */
  readonly rate: number;

  constructor(budget: Exclude<RateBudget, false>, now: number) {
    if ('minIntervalMs' in budget) {
      if (!(budget.minIntervalMs > 0)) throw new RangeError('rate.minIntervalMs must be > 0');
      this.capacity = 1;
      this.rate = 1 / budget.minIntervalMs;
    } else {
      if (!(budget.maxRequests >= 1 && budget.intervalMs > 0)) throw new RangeError('rate needs maxRequests >= 1 and intervalMs > 0');
      this.capacity = budget.burst ?? budget.maxRequests;
      if (!(this.capacity >= 1)) throw new RangeError('rate.burst must be >= 1');
      this.rate = budget.maxRequests / budget.intervalMs;
    }
    this.tokens = this.capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.rate);
      this.last = now;
    }
  }

  /** Takes a token, or returns the clock time at which one will be available. */
  take(now: number): true | number {
    this.refill(now);
    // Tolerate float residue from the continuous refill.
    if (this.tokens >= 1 - 1e-9) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    return now + Math.ceil((1 - this.tokens) / this.rate);
  }

  /** Empties the bucket (the server said the budget is spent). */
  drain(now: number): void {
    this.refill(now);
    this.tokens = 0;
  }
}

export class FetchScheduler {
  readonly concurrency: number;
  private readonly clock: Clock;
  private readonly bucket: TokenBucket | null;
  private readonly rateBudget: RateBudget;
  private readonly retry: Required<FetchRetryPolicy>;
  private readonly onProgress: ((p: FetchProgress) => void) | undefined;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = 0;
  private pausedUntil = 0;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private batch = { done: 0, total: 0, failed: 0, canceled: 0, retries: 0 };
  private readonly idleWaiters: Array<() => void> = [];
  private readonly s: FetchSchedulerStats = { attempts: 0, retries: 0, maxInFlight: 0, deduplicated: 0, rateWaits: 0, starts: [] };

  constructor(options: FetchSchedulerOptions = {}) {
    const c = options.concurrency ?? 8;
    if (!(Number.isInteger(c) && c >= 1)) throw new RangeError(`concurrency must be an integer >= 1, got ${String(c)}`);
    this.concurrency = c;
    this.clock = options.clock ?? new LiveClock();
    this.bucket = options.rate ? new TokenBucket(options.rate, this.clock.now()) : null;
    this.rateBudget = options.rate ?? false;
    this.retry = {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      isRetryable: options.retry?.isRetryable ?? defaultIsRetryable,
    };
    if (!(this.retry.maxAttempts >= 1)) throw new RangeError('retry.maxAttempts must be >= 1');
    this.onProgress = options.onProgress;
  }

  /**
   * Schedules `fetch` under `key`. A key already queued or in flight is joined:
   * the same promise is returned and `fetch` is not called again.
   */
  run<T>(key: string, fetch: (ctx: FetchContext) => Promise<T>, opts: ScheduleOptions = {}): Promise<T> {
    const existing = this.jobs.get(key);
    if (existing) {
      this.s.deduplicated++;
      this.attachCaller(existing, opts.signal);
      return existing.promise as Promise<T>;
    }
    if (opts.signal?.aborted) return Promise.reject(new FetchCancelledError(key, 'aborted before it was scheduled'));
    if (this.running === 0 && this.queue.length === 0) this.batch = { done: 0, total: 0, failed: 0, canceled: 0, retries: 0 };
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A cancelled request nobody awaits must not become an unhandled rejection.
    promise.catch(() => undefined);
    const job: Job = {
      key,
      symbol: opts.symbol ?? key,
      fetch: fetch as (ctx: FetchContext) => Promise<unknown>,
      promise,
      resolve,
      reject,
      controller: new AbortController(),
      attempt: 0,
      readyAt: 0,
      state: 'queued',
      unsignalled: 0,
      signals: [],
      detach: [],
    };
    this.attachCaller(job, opts.signal);
    this.jobs.set(key, job);
    this.queue.push(job);
    this.batch.total++;
    this.emit(job);
    this.pump();
    return promise as Promise<T>;
  }

  /** `fetch(key)` through the scheduler, keyed by `keyOf(key)` (default String). */
  bind<K, T>(fetch: (key: K, ctx: FetchContext) => Promise<T>, keyOf: (key: K) => string = String, symbolOf?: (key: K) => string): (key: K, signal?: AbortSignal) => Promise<T> {
    return (key, signal) => {
      const k = keyOf(key);
      return this.run(k, (ctx) => fetch(key, ctx), { symbol: symbolOf?.(key) ?? k, ...(signal ? { signal } : {}) });
    };
  }

  /** Cancels one queued or in-flight request; false when the key is unknown. */
  cancel(key: string, reason = 'cancelled'): boolean {
    const job = this.jobs.get(key);
    if (!job) return false;
    this.cancelJob(job, reason);
    return true;
  }

  /** Cancels everything queued or in flight. Returns how many were cancelled. */
  cancelAll(reason = 'cancelled'): number {
    const all = [...this.jobs.values()];
    for (const job of all) this.cancelJob(job, reason);
    return all.length;
  }

  /** True while `key` is queued or in flight. */
  has(key: string): boolean {
    return this.jobs.has(key);
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  progress(symbol = '', key = ''): FetchProgress {
    return { ...this.batch, inFlight: this.running, queued: this.queue.length, symbol, key };
  }

  stats(): FetchSchedulerStats {
    return { ...this.s, starts: [...this.s.starts] };
  }

  /** Requests started in the budget's window (a minute for a minimum spacing) against its limit; null without a budget. */
  budgetUsed(): ApiBudgetUse | null {
    const r = this.rateBudget;
    if (!r) return null;
    const windowMs = 'minIntervalMs' in r ? 60_000 : r.intervalMs;
    const limit = 'minIntervalMs' in r ? Math.floor(60_000 / r.minIntervalMs) : r.maxRequests;
    const from = this.clock.now() - windowMs;
    let used = 0;
    for (let i = this.s.starts.length - 1; i >= 0 && this.s.starts[i]! > from; i--) used++;
    return { used, limit, windowMs };
  }

  // ---- internals -------------------------------------------------------------

  private attachCaller(job: Job, signal: AbortSignal | undefined): void {
    if (!signal) {
      job.unsignalled++;
      return;
    }
    job.signals.push(signal);
    const onAbort = (): void => {
      if (job.state !== 'settled' && job.unsignalled === 0 && job.signals.every((s) => s.aborted)) this.cancelJob(job, 'aborted by the caller');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    job.detach.push(() => signal.removeEventListener('abort', onAbort));
  }

  private cancelJob(job: Job, reason: string): void {
    if (job.state === 'settled') return;
    const wasRunning = job.state === 'running';
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
    this.batch.canceled++;
    const err = new FetchCancelledError(job.key, reason);
    job.controller.abort(err);
    this.settle(job, wasRunning);
    job.reject(err);
    this.emit(job);
    this.pump();
  }

  private settle(job: Job, wasRunning: boolean): void {
    job.state = 'settled';
    if (wasRunning) this.running--;
    if (this.jobs.get(job.key) === job) this.jobs.delete(job.key);
    for (const d of job.detach) d();
    job.detach = [];
    if (this.jobs.size === 0) {
      if (this.timer) this.clock.cancelTimer(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private emit(job: Job): void {
    if (!this.onProgress) return;
    try {
      this.onProgress(this.progress(job.symbol, job.key));
    } catch {
      // a failing progress listener must not break fetching
    }
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) this.clock.cancelTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(at, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const now = this.clock.now();
      if (now < this.pausedUntil) return this.wakeAt(this.pausedUntil);
      // First job whose retry delay has passed (FIFO otherwise).
      let idx = -1;
      let nextReady = Infinity;
      for (let i = 0; i < this.queue.length; i++) {
        const r = this.queue[i]!.readyAt;
        if (r <= now) {
          idx = i;
          break;
        }
        nextReady = Math.min(nextReady, r);
      }
      if (idx < 0) return this.wakeAt(nextReady);
      if (this.bucket) {
        const t = this.bucket.take(now);
        if (t !== true) {
          this.s.rateWaits++;
          return this.wakeAt(t);
        }
      }
      const job = this.queue.splice(idx, 1)[0]!;
      this.start(job, now);
    }
  }

  private start(job: Job, now: number): void {
    job.state = 'running';
    this.running++;
    this.s.attempts++;
    this.s.maxInFlight = Math.max(this.s.maxInFlight, this.running);
    this.s.starts.push(now);
    if (this.s.starts.length > 10_000) this.s.starts.splice(0, this.s.starts.length - 10_000);
    const attempt = job.attempt;
    this.emit(job);
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(job.fetch({ signal: job.controller.signal, attempt, key: job.key }));
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (v) => this.onSuccess(job, attempt, v),
      (e: unknown) => this.onFailure(job, attempt, e),
    );
  }

  private onSuccess(job: Job, attempt: number, v: unknown): void {
    if (job.state !== 'running' || job.attempt !== attempt) return; // cancelled meanwhile
    this.batch.done++;
    this.settle(job, true);
    job.resolve(v);
    this.emit(job);
    this.pump();
  }

  private onFailure(job: Job, attempt: number, e: unknown): void {
    if (job.state !== 'running' || job.attempt !== attempt) return;
    const now = this.clock.now();
    const retryAfter = retryAfterOf(e);
    if (isRateLimitError(e)) {
      // The server's budget is spent: hold every start until it says so.
      this.pausedUntil = Math.max(this.pausedUntil, now + (retryAfter ?? this.backoff(attempt)));
      this.bucket?.drain(now);
    }
    if (attempt + 1 < this.retry.maxAttempts && this.isRetryable(e)) {
      job.attempt = attempt + 1;
      job.state = 'queued';
      job.readyAt = now + (retryAfter ?? this.backoff(attempt));
      this.running--;
      this.s.retries++;
      this.batch.retries++;
      // Retries go first once their delay has passed.
      this.queue.unshift(job);
      this.emit(job);
      this.pump();
      return;
    }
    this.batch.failed++;
    this.settle(job, true);
    job.reject(e);
    this.emit(job);
    this.pump();
  }

  private isRetryable(e: unknown): boolean {
    try {
      return this.retry.isRetryable(e);
    } catch {
      return false;
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
  }
}
