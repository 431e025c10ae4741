// FetchScheduler: concurrency cap, token-bucket budget (checked on a simulated
// clock - no wall-clock timing), de-duplication, retries honouring
// Retry-After, cancellation and progress events.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../src/engine/core/clock.js';
import { FetchCancelledError, FetchScheduler, defaultIsRetryable, type FetchProgress } from '../../../../src/engine/data/fetch-scheduler.js';
import { VenueError } from '../../../../src/engine/venues/alpaca/errors.js';

/** Lets every pending promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const rateLimited = (retryAfterMs?: number): VenueError =>
  new VenueError('RATE_LIMITED', 'alpaca GET /v2/stocks/bars: HTTP 429 too many requests', {
    endpoint: 'GET /v2/stocks/bars',
    retryable: true,
    ambiguous: false,
    status: 429,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

describe('FetchScheduler concurrency', () => {
  it('never has more than `concurrency` requests in flight, and uses all of them', async () => {
    const clock = new SimulatedClock(0);
    const s = new FetchScheduler({ concurrency: 3, clock });
    let inFlight = 0;
    let maxSeen = 0;
    const pending: Array<() => void> = [];
    const results = Array.from({ length: 25 }, (_, i) =>
      s.run(`k${i}`, async () => {
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        await new Promise<void>((r) => pending.push(r));
        inFlight--;
        return i;
      }),
    );
    let done = 0;
    while (done < 25) {
      await flush();
      expect(inFlight).toBeLessThanOrEqual(3);
      // finish them out of order: the newest first
      const next = pending.pop();
      if (!next) break;
      next();
      done++;
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(maxSeen).toBe(3);
    expect(s.stats().maxInFlight).toBe(3);
  });
});

describe('FetchScheduler rate budget (token bucket on a simulated clock)', () => {
  async function runAll(s: FetchScheduler, clock: SimulatedClock, n: number, stepMs: number, untilMs: number): Promise<number[]> {
    const starts: number[] = [];
    const all = Array.from({ length: n }, (_, i) =>
      s.run(`r${i}`, async () => {
        starts.push(clock.now());
        return i;
      }),
    );
    await flush();
    for (let t = stepMs; t <= untilMs; t += stepMs) {
      clock.advanceTo(t);
      await flush();
    }
    await Promise.all(all);
    return starts;
  }

  it('200 requests / minute: at most burst + window x rate start in any window, and no slower than that', async () => {
    const clock = new SimulatedClock(0);
    const s = new FetchScheduler({ concurrency: 1_000, clock, rate: { maxRequests: 200, intervalMs: 60_000 } });
    const starts = await runAll(s, clock, 450, 50, 120_000);
    expect(starts).toHaveLength(450);
    const rate = 200 / 60_000;
    // Any run of consecutive starts i..j: j - i + 1 <= 200 + (t_j - t_i) x rate.
    for (let i = 0; i < starts.length; i++) {
      for (let j = i; j < starts.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(200 + (starts[j]! - starts[i]!) * rate + 1e-9);
      }
    }
    // A fixed one-minute window holds at most 200 + 200.
    for (let t = 0; t <= 120_000; t += 5_000) expect(starts.filter((x) => x >= t && x < t + 60_000).length).toBeLessThanOrEqual(400);
    // The bucket starts full: 200 at once; then one every 300 ms (3.33/s).
    expect(starts.filter((x) => x === 0)).toHaveLength(200);
    expect(starts.filter((x) => x > 0 && x < 300)).toHaveLength(0);
    // Not throttled below the budget: the 450th may start at 250 x 300 ms = 75 s (+ one step).
    expect(starts[449]!).toBeLessThanOrEqual(75_000 + 50);
    expect(s.stats().rateWaits).toBeGreaterThan(0);
  });

  it('reports the budget used over its window (the Health view), none without a budget', async () => {
    const clock = new SimulatedClock(0);
    const s = new FetchScheduler({ concurrency: 1_000, clock, rate: { maxRequests: 200, intervalMs: 60_000 } });
    expect(s.budgetUsed()).toEqual({ used: 0, limit: 200, windowMs: 60_000 });
    await runAll(s, clock, 250, 50, 30_000);
    // 200 at once, then one per 300 ms for 30 s: all 250 inside the minute
    expect(s.budgetUsed()).toEqual({ used: 250, limit: 200, windowMs: 60_000 });
    clock.advanceTo(60_100);
    // the first 200 (at t=0) left the window; the 50 paced ones (300 ms .. 15 s) are inside it
    expect(s.budgetUsed()!.used).toBe(50);
    expect(new FetchScheduler({ clock }).budgetUsed()).toBeNull();
    expect(new FetchScheduler({ clock, rate: { minIntervalMs: 250 } }).budgetUsed()).toEqual({ used: 0, limit: 240, windowMs: 60_000 });
  });

  it("ccxt's rateLimit ({minIntervalMs}) spaces every start", async () => {
    const clock = new SimulatedClock(1_000);
    const s = new FetchScheduler({ concurrency: 10, clock, rate: { minIntervalMs: 250 } });
    const starts = await runAll(s, clock, 12, 10, 5_000);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(250);
    expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual(11 * 250 + 10 * 11);
  });
});

describe('FetchScheduler de-duplication', () => {
  it('joins a request already in flight: same promise, fetch called once', async () => {
    const s = new FetchScheduler({ concurrency: 2 });
    let calls = 0;
    const d = deferred<string>();
    const fetch = (): Promise<string> => {
      calls++;
      return d.promise;
    };
    const p1 = s.run('bars|AAPL|1Day', fetch);
    const p2 = s.run('bars|AAPL|1Day', fetch);
    const p3 = s.run('bars|MSFT|1Day', async () => 'msft');
    expect(p2).toBe(p1);
    d.resolve('aapl');
    expect(await Promise.all([p1, p2, p3])).toEqual(['aapl', 'aapl', 'msft']);
    expect(calls).toBe(1);
    expect(s.stats().deduplicated).toBe(1);
    // once settled, the same key fetches again
    await s.run('bars|AAPL|1Day', async () => {
      calls++;
      return 'again';
    });
    expect(calls).toBe(2);
  });

  it('bind(): fetch(key) through the scheduler, de-duplicated by key', async () => {
    const s = new FetchScheduler();
    const seen: string[] = [];
    const get = s.bind(async (sym: string) => {
      seen.push(sym);
      await flush();
      return sym.toLowerCase();
    });
    expect(await Promise.all([get('AAPL'), get('AAPL'), get('MSFT')])).toEqual(['aapl', 'aapl', 'msft']);
    expect(seen).toEqual(['AAPL', 'MSFT']);
  });
});

describe('FetchScheduler retries', () => {
  it('retries a 429 after its Retry-After, holding every other start meanwhile, then succeeds', async () => {
    const clock = new SimulatedClock(10_000);
    const s = new FetchScheduler({ concurrency: 4, clock, retry: { maxAttempts: 3, baseDelayMs: 100 } });
    const attempts: number[] = [];
    const p = s.run('a', async (ctx) => {
      attempts.push(clock.now());
      if (ctx.attempt === 0) throw rateLimited(2_000);
      return 'ok';
    });
    await flush();
    expect(attempts).toEqual([10_000]);
    // another request arriving during the Retry-After waits too: the server's budget is spent
    let bStarted: number | undefined;
    const b = s.run('b', async () => {
      bStarted = clock.now();
      return 'b';
    });
    clock.advanceTo(11_999);
    await flush();
    expect(attempts).toHaveLength(1);
    expect(bStarted).toBeUndefined();
    clock.advanceTo(12_000);
    await flush();
    expect(attempts).toEqual([10_000, 12_000]);
    expect(await p).toBe('ok');
    expect(await b).toBe('b');
    expect(bStarted).toBe(12_000);
    expect(s.stats().retries).toBe(1);
  });

  it('without Retry-After backs off exponentially; gives up after maxAttempts; never retries non-retryable errors', async () => {
    const clock = new SimulatedClock(0);
    const s = new FetchScheduler({ clock, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    const at: number[] = [];
    const server = new VenueError('SERVER_ERROR', 'alpaca GET /v2/stocks/bars: HTTP 503', { endpoint: 'GET /v2/stocks/bars', retryable: true, ambiguous: false, status: 503 });
    const p = s.run('x', async () => {
      at.push(clock.now());
      throw server;
    });
    const failed = p.catch((e: unknown) => e);
    for (let t = 0; t <= 1_000; t += 50) {
      clock.advanceTo(t);
      await flush();
    }
    expect(await failed).toBe(server);
    expect(at).toEqual([0, 100, 300]);

    let calls = 0;
    const auth = new VenueError('AUTH_FAILED', 'alpaca: 401', { endpoint: 'GET /v2/stocks/bars', retryable: false, ambiguous: false });
    await expect(
      s.run('y', async () => {
        calls++;
        throw auth;
      }),
    ).rejects.toBe(auth);
    expect(calls).toBe(1);
  });

  it('a retryable error carrying retryAfterMs (503 + Retry-After) waits that long, not the backoff', async () => {
    const clock = new SimulatedClock(0);
    const s = new FetchScheduler({ clock, retry: { maxAttempts: 2, baseDelayMs: 100 } });
    const at: number[] = [];
    const unavailable = new VenueError('SERVER_ERROR', 'alpaca GET /v2/stocks/bars: HTTP 503', {
      endpoint: 'GET /v2/stocks/bars',
      retryable: true,
      ambiguous: false,
      status: 503,
      retryAfterMs: 1_500,
    });
    const p = s.run('z', async (ctx) => {
      at.push(clock.now());
      if (ctx.attempt === 0) throw unavailable;
      return 'fine';
    });
    for (let t = 0; t <= 2_000; t += 50) {
      clock.advanceTo(t);
      await flush();
    }
    expect(await p).toBe('fine');
    expect(at).toEqual([0, 1_500]);
  });

  it('classifies VenueError.retryable and ccxt error names', () => {
    expect(defaultIsRetryable(rateLimited(1))).toBe(true);
    expect(defaultIsRetryable(Object.assign(new Error('x'), { name: 'RequestTimeout' }))).toBe(true);
    expect(defaultIsRetryable(Object.assign(new Error('x'), { name: 'BadSymbol' }))).toBe(false);
    expect(defaultIsRetryable(new Error('plain'))).toBe(false);
  });
});

describe('FetchScheduler cancellation', () => {
  it('cancels a queued request (fetch never runs) and an in-flight one (its signal fires, its slot frees)', async () => {
    const s = new FetchScheduler({ concurrency: 1 });
    let aborted: unknown;
    const ran: string[] = [];
    const first = s.run('first', (ctx) => {
      ran.push('first');
      return new Promise((_, reject) => {
        ctx.signal.addEventListener('abort', () => {
          aborted = ctx.signal.reason;
          reject(new Error('aborted fetch'));
        });
      });
    });
    const second = s.run('second', async () => {
      ran.push('second');
      return 2;
    });
    const third = s.run('third', async () => {
      ran.push('third');
      return 3;
    });
    await flush();
    expect(ran).toEqual(['first']);
    expect(s.cancel('second')).toBe(true);
    await expect(second).rejects.toBeInstanceOf(FetchCancelledError);
    s.cancel('first', 'user closed the chart');
    await expect(first).rejects.toThrow(/user closed the chart/);
    expect(aborted).toBeInstanceOf(FetchCancelledError);
    expect(await third).toBe(3);
    expect(ran).toEqual(['first', 'third']);
    expect(s.cancel('unknown')).toBe(false);
  });

  it("a caller's AbortSignal cancels; cancelAll() empties the queue", async () => {
    const s = new FetchScheduler({ concurrency: 1 });
    const block = deferred<number>();
    const a = s.run('a', () => block.promise);
    const ac = new AbortController();
    const b = s.run('b', async () => 1, { signal: ac.signal });
    ac.abort();
    await expect(b).rejects.toBeInstanceOf(FetchCancelledError);
    const c = s.run('c', async () => 1);
    expect(s.cancelAll()).toBe(2);
    await expect(a).rejects.toBeInstanceOf(FetchCancelledError);
    await expect(c).rejects.toBeInstanceOf(FetchCancelledError);
    await s.idle();
    // a joined caller without a signal keeps the request alive
    const ac2 = new AbortController();
    const d1 = s.run('d', async () => {
      await flush();
      return 'd';
    }, { signal: ac2.signal });
    const d2 = s.run('d', async () => 'unused');
    ac2.abort();
    expect(await d2).toBe('d');
    expect(await d1).toBe('d');
  });
});

describe('FetchScheduler progress', () => {
  it('reports done / total / failed / inFlight / queued with the symbol', async () => {
    const events: FetchProgress[] = [];
    const s = new FetchScheduler({ concurrency: 2, retry: { maxAttempts: 1 }, onProgress: (p) => events.push(p) });
    const ok = (v: string) => async () => v;
    const jobs = [
      s.run('1', ok('a'), { symbol: 'AAPL' }),
      s.run('2', ok('m'), { symbol: 'MSFT' }),
      s.run('3', async () => {
        throw new Error('boom');
      }, { symbol: 'SPY' }),
    ];
    await Promise.allSettled(jobs);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ done: 2, failed: 1, total: 3, inFlight: 0, queued: 0 });
    expect(events[0]).toMatchObject({ total: 1, queued: 1, symbol: 'AAPL' });
    expect(events.some((e) => e.symbol === 'SPY' && e.failed === 1)).toBe(true);
    expect(Math.max(...events.map((e) => e.inFlight))).toBe(2);
    // a new batch after idle restarts the counters
    await s.run('4', ok('x'), { symbol: 'QQQ' });
    expect(events.at(-1)).toMatchObject({ done: 1, total: 1, failed: 0, symbol: 'QQQ' });
  });
});
