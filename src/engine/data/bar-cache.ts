// BarCache: historical bars in SQLite (better-sqlite3, WAL), so a chart, a
// backtest or a strategy warm-up asks the venue only for what it has not seen.
// The engine keeps it at <dataDir>/cache/bars.sqlite - never in the journal: it
// is a cache, rebuilt from the venue whenever it is lost or damaged.
//
// Tables:
// - bars (venue, symbol, timeframe, ts) -> open, high, low, close, volume (a
//   view over `bar`, keyed by (series, ts); `series` names venue/symbol/timeframe).
// - coverage (series, start_ts, end_ts): ranges already
//   fetched from the venue and complete (a range with no bars - a halted stock,
//   a holiday - is still known to be empty). Adjacent / overlapping ranges merge.
//
// loadBars() tops the cache up: for each symbol, the requested range minus the
// covered ranges, minus stretches in which the market calendar expects no bar
// (weekends and holidays for NYSE daily bars, nights for intraday bars), is
// what is missing - normally just the tail after the last fetch. Symbols
// missing the same range are fetched together, as many per request as the
// fetcher allows and one page holds, through the FetchScheduler (concurrency,
// rate budget, retries, de-duplication). A repeat call for a covered range
// makes no request. Bars newer than `now - timeframe` may still be forming: they
// are stored but not marked covered, so the next call fetches them again.
//
// loadBars answers each symbol's bars as columns (bar-columns.ts): a bulk
// download's bars never become one object each; `toBars()` makes objects of the
// part a caller wants.
//
// Write-behind: loadBars answers with the bars it received before storing them;
// each response's rows (one transaction) are written after the call has answered,
// one response per event-loop turn, so the caller is not held up by SQLite and the
// loop stays responsive. Every read (get, coverage, missing, loadBars, put, clear)
// and close() first writes whatever is still queued, so the cache never answers
// without them. A process that dies before the queue is written loses only cache
// rows (fetched again next time); a write that fails is reported as a warning.
//
// A cache file that cannot be opened, fails SQLite's quick_check, is not a bar
// cache, or reports corruption later is moved aside as
// `<file>.damaged-<epoch ms>` and rebuilt empty, with a warning.
import Database from 'better-sqlite3';
import { openDatabase } from '../core/sqlite.js';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Bar } from '../../shared/domain.js';
import { defaultCalendarOf, estimateBars, expectsBars, timeframeMs, type MarketCalendar } from './bar-calendar.js';
import type { FetchScheduler } from './fetch-scheduler.js';
import { BarBatch, BarColumns } from './bar-columns.js';

/** Where the engine keeps the cache: <dataDir>/cache/bars.sqlite (never next to the journal files). */
export function barCachePath(dataDir: string): string {
  return join(dataDir, 'cache', 'bars.sqlite');
}

export const BAR_CACHE_APP_ID = 'tradedesk-bar-cache';
export const BAR_CACHE_SCHEMA_VERSION = 1;

// `bars` (venue, symbol, timeframe, ts) -> OHLCV is a view over `bar`, which
// stores the same rows keyed by (series id, ts): a 4-byte-ish integer key instead
// of three repeated strings per row, about twice as fast to fill.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  UNIQUE (venue, symbol, timeframe)
);
CREATE TABLE IF NOT EXISTS bar (
  series INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  open REAL NOT NULL,
  high REAL NOT NULL,
  low REAL NOT NULL,
  close REAL NOT NULL,
  volume REAL NOT NULL,
  PRIMARY KEY (series, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS coverage (
  series INTEGER NOT NULL,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  PRIMARY KEY (series, start_ts)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS bars AS
  SELECT s.venue, s.symbol, s.timeframe, b.ts, b.open, b.high, b.low, b.close, b.volume
  FROM bar b JOIN series s ON s.id = b.series;
`;

export interface TimeRange {
  /** Inclusive, epoch ms. */
  start: number;
  /** Inclusive, epoch ms. */
  end: number;
}

export interface BarCoverage {
  venue: string;
  symbol: string;
  timeframe: string;
  /** Bars stored. */
  bars: number;
  firstTs?: number;
  lastTs?: number;
  /** Ranges fetched and complete, merged, oldest first. */
  ranges: TimeRange[];
}

export interface BarFetchRequest extends TimeRange {
  symbols: string[];
  timeframe: string;
  signal?: AbortSignal;
}

/** What a fetcher returns: the bars (each naming its symbol; objects or a columnar batch), and optionally the HTTP requests it took (pages). */
export type BarFetchResult = Bar[] | { bars: Bar[] | BarBatch; requests: number };

/** A source of historical bars, e.g. AlpacaVenue through `venueBarFetcher`. */
export interface BarFetcher {
  /** Bars of every requested symbol with open time in [start, end]. */
  fetchBars(req: BarFetchRequest): Promise<BarFetchResult>;
  /** Symbols one request may carry. Default 1 (per-symbol endpoints). */
  readonly maxSymbolsPerRequest?: number;
  /** Bars one response page holds; batches are sized to fit one page. Default 10_000. */
  readonly pageSize?: number;
}

export interface LoadBarsSpec extends TimeRange {
  venue: string;
  symbols: string[];
  timeframe: string;
  /** Default: '24x7' for symbols with a '/', else 'nyse'. */
  calendar?: MarketCalendar | ((symbol: string) => MarketCalendar);
}

export interface LoadBarsOptions {
  signal?: AbortSignal;
  /** Return what loaded and list the failures instead of rejecting. Default false. */
  allowPartial?: boolean;
  /**
   * Called for each symbol as soon as every request carrying it has settled (a fully cached
   * symbol at once): its bars, or the first error of a request that carried it.
   */
  onSymbol?: (symbol: string, outcome: { bars: BarColumns } | { error: unknown }) => void;
}

export interface LoadBarsResult {
  /** Every requested symbol -> its bars in [start, end], oldest first (cached + fetched), as columns. */
  series: Map<string, BarColumns>;
  /** fetchBars() calls made (0 when everything was cached). */
  fetches: number;
  /** HTTP requests, when the fetcher reports them (pages); else equals fetches. */
  requests: number;
  /** Bars received from the fetcher. */
  fetchedBars: number;
  /** Failed fetches (only with allowPartial). */
  errors: Array<{ symbols: string[]; range: TimeRange; error: unknown }>;
}

export interface BarCacheOptions {
  /** Time used to decide which bars are complete. Default Date.now. */
  now?: () => number;
  /** Receives the damaged-cache warning. Default console.warn. */
  onWarning?: (message: string) => void;
}

interface Batch {
  symbols: string[];
  range: TimeRange;
}

const PUT_CHUNK = 100;

const CORRUPT_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

function isCorruption(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPT_CODES.test(code);
}

/** `range` minus the (sorted, merged) `covered` ranges. */
export function subtractRanges(range: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  let cursor = range.start;
  for (const c of covered) {
    if (c.end < cursor) continue;
    if (c.start > range.end) break;
    if (c.start > cursor) out.push({ start: cursor, end: Math.min(c.start - 1, range.end) });
    cursor = Math.max(cursor, c.end + 1);
    if (cursor > range.end) break;
  }
  if (cursor <= range.end) out.push({ start: cursor, end: range.end });
  return out;
}

export class BarCache {
  readonly path: string;
  private db!: Database.Database;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private st!: ReturnType<BarCache['prepare']>;
  private readonly seriesIds = new Map<string, number>();
  /** Files set aside because they were damaged (this session). */
  readonly setAside: string[] = [];
  /** Writes loadBars queued (write-behind), oldest first. */
  private readonly queued: Array<{ label: string; bars: number; write: () => void }> = [];
  private draining = false;
  private closed = false;

  constructor(path: string, options: BarCacheOptions = {}) {
    this.path = path;
    this.now = options.now ?? Date.now;
    this.warn = options.onWarning ?? ((m) => console.warn(m));
    mkdirSync(dirname(path), { recursive: true });
    this.open();
  }

  close(): void {
    this.flush();
    this.closed = true;
    this.closeDb();
  }

  private closeDb(): void {
    try {
      this.db.close();
    } catch {
      // already closed
    }
  }

  /** Writes queued by loadBars not yet in the file (write-behind). */
  get pendingWrites(): number {
    return this.queued.length;
  }

  /** Writes every queued response now (each read does this first). */
  flush(): void {
    while (this.queued.length) this.runQueued(this.queued.shift()!);
  }

  private runQueued(q: { label: string; bars: number; write: () => void }): void {
    if (this.closed) return;
    try {
      this.guard(q.write);
    } catch (e) {
      this.warn(`bar cache ${this.path}: could not store ${q.bars} bars of ${q.label} (${(e as Error).message}); they will be fetched again`);
    }
  }

  /** Writes the queue one response per event-loop turn, after the loadBars that queued it has answered. */
  private drainLater(): void {
    if (this.draining || this.queued.length === 0) return;
    this.draining = true;
    const step = (): void => {
      const q = this.queued.shift();
      if (!q) {
        this.draining = false;
        return;
      }
      this.runQueued(q);
      setImmediate(step);
    };
    setImmediate(step);
  }

  // ---- queries -----------------------------------------------------------------

  /** Cached bars with open time in [start, end], oldest first. */
  get(venue: string, symbol: string, timeframe: string, start: number, end: number): Bar[] {
    return this.getColumns(venue, symbol, timeframe, start, end).toBars();
  }

  /** The same bars as columns. */
  getColumns(venue: string, symbol: string, timeframe: string, start: number, end: number): BarColumns {
    this.flush();
    return this.guard(() => {
      const id = this.seriesId(venue, symbol, timeframe, false);
      if (id === undefined) return BarColumns.empty(symbol);
      const rows = this.st.get.all(id, start, end) as Array<[number, number, number, number, number, number]>;
      const n = rows.length;
      const c = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        for (let f = 0; f < 6; f++) c[f]![i] = r[f]!;
      }
      return new BarColumns(symbol, ...c);
    });
  }

  /**
   * Upserts bars of one series (a bar with the same ts replaces the old one).
   * With `covered`, also records that range as fetched and complete. Returns
   * the bars written.
   */
  put(venue: string, symbol: string, timeframe: string, bars: readonly Bar[], covered?: TimeRange): number {
    this.flush();
    const cols = BarColumns.fromBars(symbol, bars);
    return this.guard(() => this.db.transaction(() => this.putRows(venue, timeframe, symbol, cols, covered))());
  }

  coverage(venue: string, symbol: string, timeframe: string): BarCoverage {
    this.flush();
    return this.guard(() => {
      const id = this.seriesId(venue, symbol, timeframe, false);
      const s = id === undefined ? { n: 0, first: null, last: null } : (this.st.stats.get(id) as { n: number; first: number | null; last: number | null });
      return {
        venue,
        symbol,
        timeframe,
        bars: s.n,
        ...(s.first !== null ? { firstTs: s.first } : {}),
        ...(s.last !== null ? { lastTs: s.last } : {}),
        ranges: id === undefined ? [] : this.ranges(id),
      };
    });
  }

  /**
   * What loadBars would fetch for one symbol: [start, end] minus the covered
   * ranges, without stretches in which the calendar expects no bar.
   */
  missing(venue: string, symbol: string, timeframe: string, range: TimeRange, calendar: MarketCalendar = defaultCalendarOf(symbol)): TimeRange[] {
    this.flush();
    return this.guard(() => this.missingNow(venue, symbol, timeframe, range, calendar));
  }

  private missingNow(venue: string, symbol: string, timeframe: string, range: TimeRange, calendar: MarketCalendar): TimeRange[] {
    const id = this.seriesId(venue, symbol, timeframe, false);
    const covered = id === undefined ? [] : this.ranges(id);
    return subtractRanges(range, covered).filter((g) => expectsBars(calendar, timeframe, g.start, g.end));
  }

  /** Drops everything cached for one venue (or all). */
  clear(venue?: string): void {
    this.flush();
    this.guard(() => {
      if (venue === undefined) this.db.exec('DELETE FROM bar; DELETE FROM coverage; DELETE FROM series;');
      else {
        this.db.transaction(() => {
          const ids = this.db.prepare('SELECT id FROM series WHERE venue = ?').pluck().all(venue) as number[];
          for (const id of ids) {
            this.db.prepare('DELETE FROM bar WHERE series = ?').run(id);
            this.db.prepare('DELETE FROM coverage WHERE series = ?').run(id);
          }
          this.db.prepare('DELETE FROM series WHERE venue = ?').run(venue);
        })();
      }
      this.seriesIds.clear();
    });
  }

  // ---- top-up ------------------------------------------------------------------

  /**
   * Returns the bars of every symbol in [start, end], fetching only what the
   * cache is missing, through `scheduler`. What it fetched is stored after it
   * answers (write-behind, see the header).
   */
  async loadBars(spec: LoadBarsSpec, fetcher: BarFetcher, scheduler: FetchScheduler, options: LoadBarsOptions = {}): Promise<LoadBarsResult> {
    try {
      return await this.load(spec, fetcher, scheduler, options);
    } finally {
      this.drainLater();
    }
  }

  private async load(spec: LoadBarsSpec, fetcher: BarFetcher, scheduler: FetchScheduler, options: LoadBarsOptions): Promise<LoadBarsResult> {
    this.flush();
    const { venue, timeframe } = spec;
    timeframeMs(timeframe); // validates
    if (!(spec.end >= spec.start)) throw new RangeError(`loadBars: end ${spec.end} is before start ${spec.start}`);
    const symbols = [...new Set(spec.symbols)];
    const calendarOf = (s: string): MarketCalendar =>
      typeof spec.calendar === 'function' ? spec.calendar(s) : (spec.calendar ?? defaultCalendarOf(s));
    const range: TimeRange = { start: spec.start, end: spec.end };

    // One read transaction for the plan's queries (two per symbol): one WAL read lock, not hundreds.
    const { batches, hadRows } = this.guard(() =>
      this.db.transaction(() => ({
        batches: this.plan(venue, symbols, timeframe, range, calendarOf, fetcher),
        // Symbols with bars already stored in the range: their answer is read back from the table.
        hadRows: new Set(
          symbols.filter((s) => {
            const id = this.seriesId(venue, s, timeframe, false);
            return id !== undefined && this.st.any.get(id, range.start, range.end) !== undefined;
          }),
        ),
      }))(),
    );
    const result: LoadBarsResult = { series: new Map(), fetches: 0, requests: 0, fetchedBars: 0, errors: [] };
    // What each symbol receives from the fetcher, kept to assemble the answer without reading it back.
    const fetched = new Map<string, BarColumns[]>();
    const answered = new Map<string, BarColumns>();
    const seriesOf = (s: string): BarColumns => {
      const known = answered.get(s);
      if (known) return known;
      const parts = fetched.get(s);
      // Nothing stored before and one fetch now: the stored rows are exactly these bars.
      const bars = parts && parts.length === 1 && !hadRows.has(s) ? parts[0]! : this.getColumns(venue, s, timeframe, range.start, range.end);
      answered.set(s, bars);
      return bars;
    };
    const onSymbol = options.onSymbol;
    // per symbol: requests still open, and the first error of one that carried it
    const open = new Map<string, number>();
    const failed = new Map<string, unknown>();
    if (onSymbol) {
      for (const b of batches) for (const s of b.symbols) open.set(s, (open.get(s) ?? 0) + 1);
      for (const s of symbols) if (!open.has(s)) onSymbol(s, { bars: seriesOf(s) });
    }
    const settledOne = (b: Batch, error: unknown, ok: boolean): void => {
      if (!onSymbol) return;
      for (const s of b.symbols) {
        if (!ok && !failed.has(s)) failed.set(s, error);
        const left = open.get(s)! - 1;
        open.set(s, left);
        if (left > 0) continue;
        let outcome: { bars: BarColumns } | { error: unknown };
        try {
          outcome = failed.has(s) ? { error: failed.get(s) } : { bars: seriesOf(s) };
        } catch (e) {
          outcome = { error: e };
        }
        onSymbol(s, outcome);
      }
    };
    const settled = await Promise.allSettled(
      batches.map((b) =>
        this.fetchBatch(venue, timeframe, b, fetcher, scheduler, options.signal, result, fetched).then(
          () => settledOne(b, undefined, true),
          (e: unknown) => {
            settledOne(b, e, false);
            throw e;
          },
        ),
      ),
    );
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ symbols: batches[i]!.symbols, range: batches[i]!.range, error: s.reason as unknown }] : []));
    if (failures.length && !options.allowPartial) throw failures[0]!.error;
    result.errors = failures;
    for (const s of symbols) result.series.set(s, seriesOf(s));
    return result;
  }

  /** Groups symbols missing the same ranges into requests that fit one page each. */
  private plan(venue: string, symbols: string[], timeframe: string, range: TimeRange, calendarOf: (s: string) => MarketCalendar, fetcher: BarFetcher): Batch[] {
    const groups = new Map<string, { range: TimeRange; calendar: MarketCalendar; symbols: string[] }>();
    for (const s of symbols) {
      const cal = calendarOf(s);
      for (const gap of this.missingNow(venue, s, timeframe, range, cal)) {
        const key = `${gap.start}:${gap.end}:${cal}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { range: gap, calendar: cal, symbols: [] }));
        g.symbols.push(s);
      }
    }
    const maxSymbols = Math.max(1, Math.floor(fetcher.maxSymbolsPerRequest ?? 1));
    const pageSize = Math.max(1, Math.floor(fetcher.pageSize ?? 10_000));
    const batches: Batch[] = [];
    for (const g of groups.values()) {
      const perSymbol = Math.max(1, estimateBars(g.calendar, timeframe, g.range.start, g.range.end, pageSize + 1));
      const size = Math.max(1, Math.min(maxSymbols, Math.floor(pageSize / perSymbol)));
      // Spread evenly: 300 symbols at 33 per page -> 10 batches of 30, not 9 of 33 and one of 3.
      const count = Math.ceil(g.symbols.length / size);
      const even = Math.ceil(g.symbols.length / count);
      for (let i = 0; i < g.symbols.length; i += even) batches.push({ symbols: g.symbols.slice(i, i + even), range: g.range });
    }
    return batches;
  }

  private async fetchBatch(
    venue: string,
    timeframe: string,
    batch: Batch,
    fetcher: BarFetcher,
    scheduler: FetchScheduler,
    signal: AbortSignal | undefined,
    result: LoadBarsResult,
    fetched: Map<string, BarColumns[]>,
  ): Promise<void> {
    const { symbols, range } = batch;
    const key = `bars|${venue}|${timeframe}|${range.start}|${range.end}|${symbols.join(',')}`;
    const label = symbols.length === 1 ? symbols[0]! : `${symbols[0]!} +${symbols.length - 1}`;
    const joined = scheduler.has(key);
    const got = await scheduler.run(
      key,
      async (ctx) => {
        const r = await fetcher.fetchBars({ symbols, timeframe, start: range.start, end: range.end, signal: ctx.signal });
        return Array.isArray(r) ? { bars: r, requests: 1 } : r;
      },
      { symbol: label, ...(signal ? { signal } : {}) },
    );
    if (!joined) {
      result.fetches++;
      result.requests += got.requests;
    }
    // Bars newer than one timeframe ago may still be forming: stored, not covered.
    const completeTo = Math.min(range.end, this.now() - timeframeMs(timeframe));
    const covered = completeTo >= range.start ? { start: range.start, end: completeTo } : undefined;
    const received = got.bars instanceof BarBatch ? got.bars : BarBatch.fromBars(got.bars);
    // per symbol, in range, oldest first, one bar per ts (the last one received wins, as in the table)
    const bySymbol = received.bySymbol(symbols, range.start, range.end);
    // the caller owns the columns it is given: the rows are written from a copy of the bars as received
    const stored = BarBatch.fromColumns(received.columns(true));
    for (const [s, list] of bySymbol) {
      result.fetchedBars += list.length;
      let parts = fetched.get(s);
      if (!parts) fetched.set(s, (parts = []));
      parts.push(list);
    }
    // stored after loadBars answers (write-behind); any read writes it first
    this.queued.push({
      label: `${venue} ${timeframe} ${label}`,
      bars: got.bars.length,
      write: () =>
        this.db.transaction(() => {
          for (const [s, bars] of stored.bySymbol(symbols, range.start, range.end)) this.putRows(venue, timeframe, s, bars, covered);
        })(),
    });
  }

  // ---- storage -------------------------------------------------------------------

  /** The series id, created when `create`; undefined when absent and not created. */
  private seriesId(venue: string, symbol: string, timeframe: string, create: true): number;
  private seriesId(venue: string, symbol: string, timeframe: string, create: false): number | undefined;
  private seriesId(venue: string, symbol: string, timeframe: string, create: boolean): number | undefined {
    const k = `${venue}\u0000${symbol}\u0000${timeframe}`;
    const known = this.seriesIds.get(k);
    if (known !== undefined) return known;
    let id = this.st.findSeries.get(venue, symbol, timeframe) as number | undefined;
    if (id === undefined && create) id = Number(this.st.addSeries.run(venue, symbol, timeframe).lastInsertRowid);
    if (id !== undefined) this.seriesIds.set(k, id);
    return id;
  }

  private putRows(venue: string, timeframe: string, symbol: string, bars: BarColumns, covered?: TimeRange): number {
    if (!bars.length && !covered) return 0;
    const id = this.seriesId(venue, symbol, timeframe, true);
    const { ts, open, high, low, close, volume } = bars;
    // 100 rows per statement: a third of the per-row statement cost.
    let i = 0;
    if (bars.length >= PUT_CHUNK) {
      const args: number[] = new Array<number>(PUT_CHUNK * 7);
      for (; i + PUT_CHUNK <= bars.length; i += PUT_CHUNK) {
        for (let k = 0; k < PUT_CHUNK; k++) {
          const j = i + k;
          const o = k * 7;
          args[o] = id;
          args[o + 1] = ts[j]!;
          args[o + 2] = open[j]!;
          args[o + 3] = high[j]!;
          args[o + 4] = low[j]!;
          args[o + 5] = close[j]!;
          args[o + 6] = volume[j]!;
        }
        this.st.putMany.run(args);
      }
    }
    for (; i < bars.length; i++) this.st.put.run(id, ts[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
    if (covered && covered.end >= covered.start) this.addCoverage(id, covered);
    return bars.length;
  }

  private ranges(id: number): TimeRange[] {
    return (this.st.ranges.all(id) as Array<[number, number]>).map((r) => ({ start: r[0], end: r[1] }));
  }

  /** Merges `r` with overlapping or adjacent covered ranges. */
  private addCoverage(id: number, r: TimeRange): void {
    let start = r.start;
    let end = r.end;
    for (const t of this.st.touching.all(id, end + 1, start - 1) as Array<[number, number]>) {
      start = Math.min(start, t[0]);
      end = Math.max(end, t[1]);
      this.st.delRange.run(id, t[0]);
    }
    this.st.addRange.run(id, start, end);
  }

  private prepare() {
    const db = this.db;
    return {
      get: db.prepare('SELECT ts, open, high, low, close, volume FROM bar WHERE series = ? AND ts BETWEEN ? AND ? ORDER BY ts').raw(),
      any: db.prepare('SELECT 1 FROM bar WHERE series = ? AND ts BETWEEN ? AND ? LIMIT 1').pluck(),
      put: db.prepare('INSERT OR REPLACE INTO bar (series, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      putMany: db.prepare(`INSERT OR REPLACE INTO bar (series, ts, open, high, low, close, volume) VALUES ${Array<string>(PUT_CHUNK).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`),
      stats: db.prepare('SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM bar WHERE series = ?'),
      findSeries: db.prepare('SELECT id FROM series WHERE venue = ? AND symbol = ? AND timeframe = ?').pluck(),
      addSeries: db.prepare('INSERT INTO series (venue, symbol, timeframe) VALUES (?, ?, ?)'),
      ranges: db.prepare('SELECT start_ts, end_ts FROM coverage WHERE series = ? ORDER BY start_ts').raw(),
      touching: db.prepare('SELECT start_ts, end_ts FROM coverage WHERE series = ? AND start_ts <= ? AND end_ts >= ?').raw(),
      delRange: db.prepare('DELETE FROM coverage WHERE series = ? AND start_ts = ?'),
      addRange: db.prepare('INSERT INTO coverage (series, start_ts, end_ts) VALUES (?, ?, ?)'),
    };
  }

  // ---- opening, damage -------------------------------------------------------------

  private open(): void {
    try {
      this.db = this.openChecked();
    } catch (e) {
      this.setAsideDamaged((e as Error).message);
      this.db = this.openChecked();
    }
    this.st = this.prepare();
  }

  private openChecked(): Database.Database {
    const db = openDatabase(this.path);
    try {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new Error(`integrity check: ${check}`);
      db.pragma('journal_mode = WAL');
      // A cache: losing the last transactions on power loss is fine (WAL stays consistent).
      db.pragma('synchronous = NORMAL');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      if (tables.length > 0 && !tables.includes('meta')) throw new Error('not a Tradedesk bar cache (no meta table)');
      if (tables.includes('meta')) {
        const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
        if (meta.get('app') !== BAR_CACHE_APP_ID) throw new Error(`not a Tradedesk bar cache (meta.app = ${meta.get('app') ?? 'missing'})`);
        if (meta.get('schema_version') !== String(BAR_CACHE_SCHEMA_VERSION)) throw new Error(`bar cache schema ${meta.get('schema_version') ?? '?'}, expected ${BAR_CACHE_SCHEMA_VERSION}`);
      }
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('app', BAR_CACHE_APP_ID);
      db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(BAR_CACHE_SCHEMA_VERSION));
      this.seriesIds.clear();
      return db;
    } catch (e) {
      try {
        db.close();
      } catch {
        // unusable anyway
      }
      throw e;
    }
  }

  /** Renames the damaged file (and its -wal) to `<file>.damaged-<ms>`; removes its -shm. */
  private setAsideDamaged(why: string): void {
    const aside = `${this.path}.damaged-${Date.now()}`;
    if (existsSync(this.path)) renameSync(this.path, aside);
    if (existsSync(`${this.path}-wal`)) renameSync(`${this.path}-wal`, `${aside}-wal`);
    rmSync(`${this.path}-shm`, { force: true });
    this.setAside.push(aside);
    this.warn(`bar cache ${this.path} is damaged (${why}); moved aside to ${aside} and rebuilt empty - bars will be fetched again`);
  }

  /** Runs `fn`; on corruption, sets the file aside, rebuilds, and runs it once more. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!isCorruption(e)) throw e;
      this.closeDb();
      this.setAsideDamaged((e as Error).message);
      this.db = this.openChecked();
      this.st = this.prepare();
      return fn();
    }
  }
}
