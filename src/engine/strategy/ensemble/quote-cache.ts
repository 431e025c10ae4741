// A short-lived market-data cache (from the crypto bot), one per engine: the
// strategies (SignalContext.quote), the ensemble's evaluation and the cost
// model's estimates read a symbol's quote through it, so the reads of one bar's
// evaluation share one read of the source. A quote read within `ttlMs` of
// engine time is served from the cache; otherwise it is read again from the
// source (the engine's latest quote, on a broker venue possibly a request); a
// quote older than `staleMs` is refused so nothing trades on it. Counted for the health view.
import type { Quote } from '../../../shared/domain.js';

export class QuoteCache {
  private readonly entries = new Map<string, { quote: Quote; at: number }>();
  hits = 0;
  misses = 0;
  stale = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly staleMs: number,
    private readonly source: (symbol: string) => Quote | undefined,
  ) {}

  get(symbol: string, now: number): Quote | undefined {
    const e = this.entries.get(symbol);
    if (e && now - e.at < this.ttlMs && now - e.quote.ts <= this.staleMs) {
      this.hits++;
      return e.quote;
    }
    this.misses++;
    const q = this.source(symbol);
    if (!q || now - q.ts > this.staleMs) {
      this.stale++;
      this.entries.delete(symbol);
      return undefined;
    }
    this.entries.set(symbol, { quote: q, at: now });
    return q;
  }

  get size(): number {
    return this.entries.size;
  }

  counters(): Record<string, number> {
    return { hits: this.hits, misses: this.misses, stale: this.stale, ttlMs: this.ttlMs, size: this.entries.size };
  }
}
