// Historical bars for the engine (strategy warm-up and the chart): every
// request goes through one FetchScheduler (concurrency limit, the venue's rate
// budget, identical requests in flight shared), and on a venue with ranged
// history (Alpaca) through the SQLite bar cache with incremental top-up, many
// symbols per request when the venue offers its own fetcher (AlpacaVenue.barFetcher).
// Progress is reported for the UI. `recentEach` answers per symbol, so the
// engine's warm-up never waits for the slowest symbol.
import type { Bar } from '../../shared/domain.js';
import type { Venue } from '../venues/venue.js';
import { BarCache, barCachePath, type BarFetcher } from './bar-cache.js';
import type { BarColumns } from './bar-columns.js';
import { venueBarFetcher, type HistoricalBarsSource } from './alpaca-bar-fetcher.js';
import { FetchScheduler, type ApiBudgetUse, type FetchProgress, type RateBudget } from './fetch-scheduler.js';

const MIN = 60_000;

export interface HistoryOptions {
  venue: Venue;
  /** Venue name for cache keys. */
  venueId: string;
  /** Where the bar cache lives; none = no cache. */
  dataDir?: string;
  rate: RateBudget;
  onProgress?: (p: FetchProgress) => void;
  onWarning?: (message: string) => void;
}

function hasRangedHistory(v: Venue): v is Venue & HistoricalBarsSource {
  return typeof (v as Partial<HistoricalBarsSource>).getHistoricalBars === 'function';
}

/** The venue's own many-symbols-per-request fetcher (AlpacaVenue), else one symbol per request. */
function fetcherOf(v: Venue & HistoricalBarsSource): BarFetcher {
  return v.barFetcher ? v.barFetcher() : venueBarFetcher(v);
}

export class HistoryService {
  private readonly scheduler: FetchScheduler;
  private readonly cache: BarCache | undefined;
  private readonly fetcher: BarFetcher | undefined;

  constructor(private readonly o: HistoryOptions) {
    this.scheduler = new FetchScheduler({ concurrency: 8, rate: o.rate, onProgress: o.onProgress });
    const v = o.venue;
    this.cache = o.dataDir && hasRangedHistory(v) ? new BarCache(barCachePath(o.dataDir), { onWarning: o.onWarning }) : undefined;
    this.fetcher = hasRangedHistory(v) ? fetcherOf(v) : undefined;
  }

  /** The last `limit` completed 1-minute bars of each symbol. */
  async recent(symbols: string[], limit: number, now: number): Promise<Map<string, Bar[]>> {
    const v = this.o.venue;
    if (this.cache && this.fetcher) {
      const r = await this.cache.loadBars(
        { venue: this.o.venueId, symbols, timeframe: '1Min', ...this.span(limit, now) },
        this.fetcher,
        this.scheduler,
        { allowPartial: true },
      );
      for (const e of r.errors) this.o.onWarning?.(`history for ${e.symbols.join(',')}: ${(e.error as Error).message}`);
      return new Map([...r.series].map(([s, bars]) => [s, bars.toBars(-limit)]));
    }
    const out = new Map<string, Bar[]>();
    await Promise.all(
      symbols.map(async (s) => {
        try {
          out.set(s, await this.scheduler.run(`bars:${s}:${limit}`, () => v.getBars(s, limit), { symbol: s }));
        } catch (e) {
          this.o.onWarning?.(`history for ${s}: ${(e as Error).message}`);
          out.set(s, []);
        }
      }),
    );
    return out;
  }

  /**
   * The same history, one promise per symbol that settles as soon as that symbol's
   * bars are in (or its request failed), so a slow or failing symbol holds up no other.
   */
  recentEach(symbols: string[], limit: number, now: number): Map<string, Promise<Bar[]>> {
    const v = this.o.venue;
    const out = new Map<string, Promise<Bar[]>>();
    if (this.cache && this.fetcher) {
      const settle = new Map<string, { ok: (b: Bar[]) => void; fail: (e: unknown) => void }>();
      for (const s of symbols) out.set(s, new Promise<Bar[]>((ok, fail) => settle.set(s, { ok, fail })));
      const once = (s: string, outcome: { bars: BarColumns } | { error: unknown }): void => {
        const d = settle.get(s);
        settle.delete(s);
        if (!d) return;
        if ('bars' in outcome) d.ok(outcome.bars.toBars(-limit));
        else d.fail(outcome.error);
      };
      this.cache
        .loadBars({ venue: this.o.venueId, symbols, timeframe: '1Min', ...this.span(limit, now) }, this.fetcher, this.scheduler, { allowPartial: true, onSymbol: once })
        .then(
          () => [...settle.keys()].forEach((s) => once(s, { error: new Error('no answer for this symbol') })),
          (e: unknown) => [...settle.keys()].forEach((s) => once(s, { error: e })),
        );
      return out;
    }
    for (const s of symbols) out.set(s, this.scheduler.run(`bars:${s}:${limit}`, () => v.getBars(s, limit), { symbol: s }));
    return out;
  }

  /** Enough calendar time before `now` to hold `limit` session minutes, plus weekends and holidays. */
  private span(limit: number, now: number): { start: number; end: number } {
    return { start: now - Math.max(4 * 24 * 60, Math.ceil(limit / 390) * 2 * 24 * 60) * MIN, end: now - MIN };
  }

  /** The venue's historical-data rate budget used over its window, or null without one. */
  budgetUsed(): ApiBudgetUse | null {
    return this.scheduler.budgetUsed();
  }

  close(): void {
    this.scheduler.cancelAll('engine stopped');
    this.cache?.close();
  }
}
