// `tradedesk backtest --symbols A,B --timeframe 1Day --from D --to D`: the bars
// come from the local bar cache (<data-dir>/cache/bars.sqlite, the one `serve`
// fills). With Alpaca keys in the OS keychain (and no --offline) the missing
// ranges are downloaded first, through BarCache.loadBars, the multi-symbol
// fetcher and a FetchScheduler that owns Alpaca's data budget; without keys,
// only what is cached. A symbol left without bars in the range is an error
// naming it, the range, the cache file and how to get its bars.
import type { Bar } from '../shared/domain.js';
import { CliError } from './usage.js';

export type BarsVenue = 'alpaca-paper' | 'alpaca-live';

export interface VenueBarsRequest {
  symbols: string[];
  timeframe: string;
  /** Inclusive, epoch ms. */
  from: number;
  to: number;
  dataDir: string;
  venue: BarsVenue;
  /** As `serve --endpoint`: rest, data, stream, data-stream. */
  endpoints: Record<string, string>;
  /** Only what is cached; never ask the venue. */
  offline: boolean;
  /** Progress and notes (stderr). */
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** A date when the instant is a day's first or last millisecond (UTC), else the ISO time. */
function day(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') || iso.endsWith('T23:59:59.999Z') ? iso.slice(0, 10) : iso;
}

/** The bars of every requested symbol in [from, to], oldest first per symbol; see the header. */
export async function loadVenueBars(req: VenueBarsRequest): Promise<Bar[]> {
  const [{ BarCache, barCachePath }, { credentialIdFor }] = await Promise.all([import('../engine/data/bar-cache.js'), import('../engine/venues/create-venue.js')]);
  const credentialId = credentialIdFor(req.venue);
  const path = barCachePath(req.dataDir);
  const range = `${day(req.from)} to ${day(req.to)}`;
  const keys = req.offline ? null : await alpacaKeys(credentialId as 'alpaca' | 'alpaca-live', req.log);
  const cache = new BarCache(path, { onWarning: (m) => req.log(`bars: ${m}`) });
  try {
    let series: Map<string, Bar[]>;
    if (keys) {
      series = await download(req, cache, keys);
    } else {
      series = new Map(req.symbols.map((s) => [s, cache.get(req.venue, s, req.timeframe, req.from, req.to)]));
      const n = [...series.values()].reduce((a, b) => a + b.length, 0);
      const why = req.offline ? '--offline' : `no ${credentialId} keys in the OS keychain`;
      req.log(`bars: ${n} ${req.timeframe} bars of ${req.symbols.join(',')} from the cache ${path} (${why}: nothing downloaded)`);
      for (const [s, bars] of series) {
        const gaps = bars.length ? cache.missing(req.venue, s, req.timeframe, { start: req.from, end: req.to }) : [];
        if (gaps.length) req.log(`bars: ${s} is not cached for ${gaps.map((g) => `${day(g.start)} to ${day(g.end)}`).slice(0, 3).join(', ')}${gaps.length > 3 ? ` and ${gaps.length - 3} more` : ''}: the backtest runs on what is cached`);
      }
    }
    for (const [s, bars] of series) {
      if (bars.length) continue;
      const how = keys
        ? `${req.venue} has none for it in that range (check the symbol and the dates)`
        : req.offline
          ? `run without --offline to download them (Alpaca keys in the keychain: \`tradedesk credentials set --venue ${credentialId}\`), or give the bars as a CSV with --bars FILE.csv`
          : `add Alpaca keys with \`tradedesk credentials set --venue ${credentialId}\` so they are downloaded, or give the bars as a CSV with --bars FILE.csv`;
      throw new CliError(`no ${req.timeframe} bars for ${s} from ${range} in the bar cache ${path}: ${how}`, 1);
    }
    return [...series.values()].flat();
  } finally {
    cache.close(); // writes what the download queued (write-behind)
  }
}

/** The venue's keys from the OS keychain, or null (none stored, or no keychain: said on stderr). */
async function alpacaKeys(id: 'alpaca' | 'alpaca-live', log: (line: string) => void): Promise<{ keyId: string; secretKey: string } | null> {
  const { getCredentials } = await import('../engine/secrets/credentials.js');
  try {
    return getCredentials(id);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'KEYCHAIN_UNAVAILABLE') throw e;
    log(`bars: ${(e as Error).message}; using the cache only`);
    return null;
  }
}

/** Tops the cache up from Alpaca (only the missing ranges), with progress lines. */
async function download(req: VenueBarsRequest, cache: import('../engine/data/bar-cache.js').BarCache, keys: { keyId: string; secretKey: string }): Promise<Map<string, Bar[]>> {
  const [{ AlpacaMultiBarFetcher, ALPACA_DATA_RATE }, { FetchScheduler }, { LiveClock }] = await Promise.all([
    import('../engine/data/alpaca-bar-fetcher.js'),
    import('../engine/data/fetch-scheduler.js'),
    import('../engine/core/clock.js'),
  ]);
  const e = req.endpoints;
  // The scheduler owns the budget and the retries: the SDK's own limiter and retries are off,
  // so the 200/min is not spent twice (as bench/data-download.ts).
  const fetcher = new AlpacaMultiBarFetcher({
    keyId: keys.keyId,
    secretKey: keys.secretKey,
    paper: req.venue === 'alpaca-paper',
    endpoints: { rest: e.rest, data: e.data, stream: e.stream, dataStream: e['data-stream'] },
    symbols: [],
    clock: new LiveClock(),
    rateLimit: false,
    retry: { maxAttempts: 1 },
    timeoutMs: 30_000,
  });
  let reported = 0;
  const scheduler = new FetchScheduler({
    concurrency: 8,
    rate: ALPACA_DATA_RATE,
    onProgress: (p) => {
      if (p.done + p.failed === reported) return;
      reported = p.done + p.failed;
      req.log(`bars: request ${reported} of ${p.total} done (${p.symbol})${p.failed ? `, ${p.failed} failed` : ''}`);
    },
  });
  const toFetch = req.symbols.filter((s) => cache.missing(req.venue, s, req.timeframe, { start: req.from, end: req.to }).length > 0);
  req.log(
    toFetch.length
      ? `bars: downloading ${req.timeframe} bars of ${toFetch.join(',')} from ${req.venue} into ${cache.path}`
      : `bars: ${req.symbols.join(',')} ${req.timeframe} all cached in ${cache.path}`,
  );
  try {
    const r = await cache.loadBars({ venue: req.venue, symbols: req.symbols, timeframe: req.timeframe, start: req.from, end: req.to }, fetcher, scheduler, { signal: req.signal });
    const total = [...r.series.values()].reduce((a, b) => a + b.length, 0);
    req.log(`bars: ${total} bars of ${req.symbols.length} symbols: ${total - Math.min(total, r.fetchedBars)} from the cache, ${r.fetchedBars} downloaded in ${r.requests} request${r.requests === 1 ? '' : 's'}`);
    // the backtest steps through bar objects
    return new Map([...r.series].map(([s, c]) => [s, c.toBars()]));
  } catch (err) {
    if (req.signal?.aborted) throw new CliError('bar download canceled', 130);
    throw new CliError(`downloading ${req.timeframe} bars of ${req.symbols.join(',')} from ${req.venue}: ${(err as Error).message}`, 1);
  } finally {
    scheduler.cancelAll('backtest bars loaded');
  }
}
