// Historical bars for the engine (strategy warm-up and the chart): every
// request goes through one FetchScheduler (concurrency limit, the venue's rate
// budget, identical requests in flight shared), and on a venue with ranged
// history (Alpaca) through the SQLite bar cache with incremental top-up.
// Progress is reported for the UI.
import type { Bar } from '../../shared/domain.js';
import type { Venue } from '../venues/venue.js';
import { BarCache, barCachePath } from './bar-cache.js';
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

export class HistoryService {
  private readonly scheduler: FetchScheduler;
  private readonly cache: BarCache | undefined;

  constructor(private readonly o: HistoryOptions) {
    this.scheduler = new FetchScheduler({ concurrency: 8, rate: o.rate, onProgress: o.onProgress });
    this.cache = o.dataDir && hasRangedHistory(o.venue) ? new BarCache(barCachePath(o.dataDir), { onWarning: o.onWarning }) : undefined;
  }

  /** The last `limit` completed 1-minute bars of each symbol. */
  async recent(symbols: string[], limit: number, now: number): Promise<Map<string, Bar[]>> {
    const v = this.o.venue;
    if (this.cache && hasRangedHistory(v)) {
      // enough calendar time to hold `limit` session minutes, plus weekends and holidays
      const span = Math.max(4 * 24 * 60, Math.ceil(limit / 390) * 2 * 24 * 60) * MIN;
      const r = await this.cache.loadBars(
        { venue: this.o.venueId, symbols, timeframe: '1Min', start: now - span, end: now - MIN },
        venueBarFetcher(v),
        this.scheduler,
        { allowPartial: true },
      );
      for (const e of r.errors) this.o.onWarning?.(`history for ${e.symbols.join(',')}: ${(e.error as Error).message}`);
      return new Map([...r.series].map(([s, bars]) => [s, bars.slice(-limit)]));
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

  /** The venue's historical-data rate budget used over its window, or null without one. */
  budgetUsed(): ApiBudgetUse | null {
    return this.scheduler.budgetUsed();
  }

  close(): void {
    this.scheduler.cancelAll('engine stopped');
    this.cache?.close();
  }
}
