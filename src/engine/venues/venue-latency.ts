// Request latency of a broker venue, for the Health view: `timedVenue` wraps a
// Venue so every request that waits on the venue (orders, cancels, replaces,
// lookups, account, positions, open orders, bars) is timed on the wall clock,
// success or failure alike; `VenueLatency` keeps the last samples per request
// kind and reports p50/p99/max. Health figures only: nothing here is journaled
// or changes what the engine does. The simulator is not wrapped (its answers
// take no time worth showing, and backtests pay nothing for this).
import type { Venue } from './venue.js';

/** The venue requests that are timed (each waits on the broker). */
export const TIMED_CALLS = [
  'submitOrder',
  'cancelOrder',
  'replaceOrder',
  'getOrder',
  'getFills',
  'getOpenOrders',
  'getAccount',
  'getPositions',
  'getBars',
  'cancelAll',
] as const;
type TimedCall = (typeof TIMED_CALLS)[number];
const TIMED: ReadonlySet<PropertyKey> = new Set(TIMED_CALLS);

/** Samples kept per request kind (a ring: the latest ones). */
export const LATENCY_WINDOW = 256;

export interface LatencyFigures {
  calls: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LatencyReport extends LatencyFigures {
  byCall: Record<string, LatencyFigures>;
}

class Ring {
  readonly samples: number[] = [];
  private next = 0;
  calls = 0;
  failures = 0;
  add(ms: number, failed: boolean): void {
    this.calls++;
    if (failed) this.failures++;
    if (this.samples.length < LATENCY_WINDOW) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % LATENCY_WINDOW;
  }
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function figures(samples: number[], calls: number, failures: number): LatencyFigures {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { calls, failures, p50Ms: r(pct(s, 0.5)), p99Ms: r(pct(s, 0.99)), maxMs: r(s[s.length - 1]!) };
}

export class VenueLatency {
  private readonly rings = new Map<TimedCall, Ring>();

  record(call: TimedCall, ms: number, failed = false): void {
    let ring = this.rings.get(call);
    if (!ring) this.rings.set(call, (ring = new Ring()));
    ring.add(ms, failed);
  }

  /** Figures over the latest samples of every kind together and per kind; null before the first request. */
  report(): LatencyReport | null {
    if (this.rings.size === 0) return null;
    const byCall: Record<string, LatencyFigures> = {};
    const all: number[] = [];
    let calls = 0;
    let failures = 0;
    for (const [call, ring] of this.rings) {
      byCall[call] = figures(ring.samples, ring.calls, ring.failures);
      all.push(...ring.samples);
      calls += ring.calls;
      failures += ring.failures;
    }
    return { ...figures(all, calls, failures), byCall };
  }
}

/**
 * The venue with its requests timed into `latency`. Every other member is the
 * venue's own (methods bound to it, so its state stays its own).
 */
export function timedVenue(venue: Venue, latency: VenueLatency, now: () => number = () => performance.now()): Venue {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(venue, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = cache.get(prop) as ((...a: unknown[]) => unknown) | undefined;
      if (fn) return fn;
      const method = value as (...a: unknown[]) => unknown;
      fn = TIMED.has(prop)
        ? (...args: unknown[]) => {
            const t0 = now();
            const done = (failed: boolean) => latency.record(prop as TimedCall, now() - t0, failed);
            return (method.apply(target, args) as Promise<unknown>).then(
              (v) => {
                done(false);
                return v;
              },
              (e: unknown) => {
                done(true);
                throw e;
              },
            );
          }
        : method.bind(target);
      cache.set(prop, fn);
      return fn;
    },
  });
}
