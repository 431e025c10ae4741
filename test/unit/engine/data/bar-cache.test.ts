// BarCache: SQLite storage, incremental top-up (only what is missing; the NYSE
// calendar decides what is missing), batching of multi-symbol requests, damaged
// files set aside and rebuilt.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/shared/domain.js';
import { BarCache, subtractRanges, type BarFetchRequest, type BarFetcher } from '../../../../src/engine/data/bar-cache.js';
import { nyseSessionFor } from '../../../../src/engine/data/calendar.js';
import { FetchScheduler } from '../../../../src/engine/data/fetch-scheduler.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const DAY = 86_400_000;
const t = (s: string): number => Date.parse(s);
const endOf = (date: string): number => t(`${date}T00:00:00Z`) + DAY - 1;

/** Daily bars stamped 00:00Z of each NYSE session date in [from, to] (as the loopback and ccxt stamp them). */
function dailyBars(symbol: string, from: string, to: string, base = 100): Bar[] {
  const out: Bar[] = [];
  for (let d = t(`${from}T00:00:00Z`); d <= t(`${to}T00:00:00Z`); d += DAY) {
    if (!nyseSessionFor(d + 17 * 3_600_000)) continue;
    const k = out.length;
    const o = base + k;
    out.push({ symbol, ts: d, open: o, high: o + 2, low: o - 1, close: o + 1, volume: 1_000 + k });
  }
  return out;
}

/** A venue in memory: bars per symbol; records every request. */
class FakeFetcher implements BarFetcher {
  readonly data = new Map<string, Bar[]>();
  readonly calls: BarFetchRequest[] = [];
  failFor = new Set<string>();
  /** A request carrying one of these symbols answers only once its promise settles. */
  readonly holdFor = new Map<string, Promise<void>>();
  constructor(
    readonly maxSymbolsPerRequest = 1,
    readonly pageSize = 10_000,
  ) {}

  async fetchBars(req: BarFetchRequest): Promise<Bar[]> {
    this.calls.push({ symbols: [...req.symbols], timeframe: req.timeframe, start: req.start, end: req.end });
    await nextTurn();
    for (const s of req.symbols) await this.holdFor.get(s);
    const bad = req.symbols.find((s) => this.failFor.has(s));
    if (bad) throw Object.assign(new Error(`no data for ${bad}`), { retryable: false });
    return req.symbols.flatMap((s) => (this.data.get(s) ?? []).filter((b) => b.ts >= req.start && b.ts <= req.end));
  }
}

let dir: string;
let path: string;
const NOW = t('2025-06-02T12:00:00Z');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tradedesk-bar-cache-'));
  path = join(dir, 'cache', 'bars.sqlite');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function scheduler(): FetchScheduler {
  return new FetchScheduler({ concurrency: 4, retry: { maxAttempts: 1 } });
}

describe('BarCache storage', () => {
  it('put / get / coverage: upserts by (venue, symbol, timeframe, ts), merges covered ranges', () => {
    const cache = new BarCache(path, { now: () => NOW });
    const bars = dailyBars('AAPL', '2025-01-02', '2025-01-10');
    expect(cache.put('alpaca', 'AAPL', '1Day', bars.slice(3), { start: bars[3]!.ts, end: endOf('2025-01-10') })).toBe(bars.length - 3);
    cache.put('alpaca', 'AAPL', '1Day', bars.slice(0, 3), { start: bars[0]!.ts, end: bars[3]!.ts - 1 });
    cache.put('alpaca', 'AAPL', '1Day', [{ ...bars[1]!, close: 555, high: 600 }]);
    cache.put('ccxt:kraken', 'AAPL', '1Day', [bars[0]!]);
    const got = cache.get('alpaca', 'AAPL', '1Day', 0, Infinity);
    expect(got.map((b) => b.ts)).toEqual(bars.map((b) => b.ts));
    expect(got[1]!.close).toBe(555);
    expect(got[0]).toEqual(bars[0]);
    const cov = cache.coverage('alpaca', 'AAPL', '1Day');
    expect(cov).toMatchObject({ bars: bars.length, firstTs: bars[0]!.ts, lastTs: bars.at(-1)!.ts });
    // adjacent ranges merged into one
    expect(cov.ranges).toEqual([{ start: bars[0]!.ts, end: endOf('2025-01-10') }]);
    expect(cache.coverage('alpaca', 'MSFT', '1Day')).toEqual({ venue: 'alpaca', symbol: 'MSFT', timeframe: '1Day', bars: 0, ranges: [] });
    expect(cache.get('ccxt:kraken', 'AAPL', '1Day', 0, Infinity)).toHaveLength(1);
    cache.close();
    // the bars view: keyed (venue, symbol, timeframe, ts)
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM bars WHERE venue = 'alpaca' AND symbol = 'AAPL' AND timeframe = '1Day'").pluck().get()).toBe(bars.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('subtractRanges', () => {
    expect(subtractRanges({ start: 0, end: 100 }, [])).toEqual([{ start: 0, end: 100 }]);
    expect(subtractRanges({ start: 0, end: 100 }, [{ start: 10, end: 20 }, { start: 50, end: 200 }])).toEqual([
      { start: 0, end: 9 },
      { start: 21, end: 49 },
    ]);
    expect(subtractRanges({ start: 30, end: 40 }, [{ start: 0, end: 100 }])).toEqual([]);
  });
});

describe('BarCache.loadBars top-up', () => {
  it('a second call for the same range makes zero requests; weekends and holidays are not missing', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const f = new FakeFetcher();
    const syms = ['AAPL', 'MSFT', 'SPY'];
    for (const [i, s] of syms.entries()) f.data.set(s, dailyBars(s, '2025-01-02', '2025-02-28', 100 * (i + 1)));
    const s = scheduler();
    const spec = { venue: 'alpaca', symbols: syms, timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-31') };

    const first = await cache.loadBars(spec, f, s);
    expect(first.fetches).toBe(3);
    for (const sym of syms) expect(first.series.get(sym)!.toBars()).toEqual(f.data.get(sym)!.filter((b) => b.ts <= spec.end));

    const second = await cache.loadBars(spec, f, s);
    expect(second.fetches).toBe(0);
    expect(f.calls).toHaveLength(3);
    expect(second.series).toEqual(first.series);

    // Friday 2025-01-31 -> Sunday 2025-02-02: a weekend, nothing missing
    expect((await cache.loadBars({ ...spec, end: endOf('2025-02-02') }, f, s)).fetches).toBe(0);
    // up to Friday 02-14, then Presidents' Day Monday 02-17: one top-up, then nothing
    const toFeb14 = await cache.loadBars({ ...spec, end: endOf('2025-02-14') }, f, s);
    expect(toFeb14.fetches).toBe(3);
    // from just after the last covered instant (the weekend in between was never fetched, and needs no bar)
    expect(f.calls.slice(3).map((c) => [c.start, c.end])).toEqual(syms.map(() => [endOf('2025-01-31') + 1, endOf('2025-02-14')]));
    expect((await cache.loadBars({ ...spec, end: endOf('2025-02-17') }, f, s)).fetches).toBe(0);
    expect(f.calls).toHaveLength(6);
  });

  it('after new days appear at the venue, fetches only the missing tail', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const f = new FakeFetcher(50);
    const syms = ['AAPL', 'MSFT'];
    for (const s of syms) f.data.set(s, dailyBars(s, '2025-03-03', '2025-03-14'));
    const s = scheduler();
    const start = t('2025-03-03T00:00:00Z');
    await cache.loadBars({ venue: 'alpaca', symbols: syms, timeframe: '1Day', start, end: endOf('2025-03-14') }, f, s);
    expect(f.calls).toHaveLength(1); // both symbols in one request
    // the venue publishes the next week
    for (const sym of syms) f.data.set(sym, dailyBars(sym, '2025-03-03', '2025-03-21'));
    const r = await cache.loadBars({ venue: 'alpaca', symbols: syms, timeframe: '1Day', start, end: endOf('2025-03-21') }, f, s);
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1]).toMatchObject({ symbols: syms, start: endOf('2025-03-14') + 1, end: endOf('2025-03-21') });
    expect(r.fetchedBars).toBe(2 * 5);
    for (const sym of syms) expect(r.series.get(sym)!.toBars()).toEqual(f.data.get(sym));
    expect((await cache.loadBars({ venue: 'alpaca', symbols: syms, timeframe: '1Day', start, end: endOf('2025-03-21') }, f, s)).fetches).toBe(0);
    // a symbol never seen is fetched alone; the others stay cached
    f.data.set('SPY', dailyBars('SPY', '2025-03-03', '2025-03-21'));
    const withSpy = await cache.loadBars({ venue: 'alpaca', symbols: [...syms, 'SPY'], timeframe: '1Day', start, end: endOf('2025-03-21') }, f, s);
    expect(f.calls.at(-1)!.symbols).toEqual(['SPY']);
    expect(withSpy.series.get('SPY')).toHaveLength(15);
  });

  it('bars that may still be forming (newer than one timeframe) are fetched again; a range with no bars is remembered', async () => {
    let now = t('2025-03-19T15:00:00Z');
    const cache = new BarCache(path, { now: () => now });
    const f = new FakeFetcher();
    f.data.set('AAPL', dailyBars('AAPL', '2025-03-10', '2025-03-19'));
    const s = scheduler();
    const spec = { venue: 'alpaca', symbols: ['AAPL'], timeframe: '1Day', start: t('2025-03-10T00:00:00Z'), end: endOf('2025-03-19') };
    await cache.loadBars(spec, f, s);
    await cache.loadBars(spec, f, s);
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1]!.start).toBe(now - DAY + 1);
    now = t('2025-03-21T00:00:00Z');
    await cache.loadBars(spec, f, s);
    await cache.loadBars(spec, f, s);
    expect(f.calls).toHaveLength(3);
    // a symbol without data in range (halted): one request, then known empty
    const halted = { ...spec, symbols: ['HALT'] };
    expect((await cache.loadBars(halted, f, s)).series.get('HALT')!.toBars()).toEqual([]);
    await cache.loadBars(halted, f, s);
    expect(f.calls).toHaveLength(4);
  });

  it('packs symbols into requests that fit one page: 300 x 300 daily bars is 10 requests, not 300', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const multi = new FakeFetcher(100, 10_000);
    const syms = Array.from({ length: 300 }, (_, i) => `S${String(i).padStart(3, '0')}`);
    const from = '2024-03-01';
    const to = '2025-05-09';
    for (const s of syms) multi.data.set(s, dailyBars(s, from, to));
    const perSymbol = multi.data.get('S000')!.length;
    expect(perSymbol).toBeGreaterThanOrEqual(298);
    expect(perSymbol).toBeLessThanOrEqual(302);
    const r = await cache.loadBars({ venue: 'alpaca', symbols: syms, timeframe: '1Day', start: t(`${from}T00:00:00Z`), end: endOf(to) }, multi, new FetchScheduler({ concurrency: 16 }));
    expect(r.fetches).toBe(10);
    expect(multi.calls.every((c) => c.symbols.length * perSymbol <= 10_000)).toBe(true);
    expect(new Set(multi.calls.flatMap((c) => c.symbols)).size).toBe(300);
    expect([...r.series.values()].every((list) => list.length === perSymbol)).toBe(true);

    // per-symbol endpoints: one request per symbol
    const single = new FakeFetcher(1);
    for (const s of syms.slice(0, 20)) single.data.set(s, dailyBars(s, from, to));
    const r1 = await cache.loadBars({ venue: 'other', symbols: syms.slice(0, 20), timeframe: '1Day', start: t(`${from}T00:00:00Z`), end: endOf(to) }, single, scheduler());
    expect(r1.fetches).toBe(20);
  });

  it('identical loads running at once share their requests', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const f = new FakeFetcher(10);
    f.data.set('AAPL', dailyBars('AAPL', '2025-01-02', '2025-01-31'));
    f.data.set('MSFT', dailyBars('MSFT', '2025-01-02', '2025-01-31'));
    const s = scheduler();
    const spec = { venue: 'alpaca', symbols: ['AAPL', 'MSFT'], timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-31') };
    const [a, b] = await Promise.all([cache.loadBars(spec, f, s), cache.loadBars(spec, f, s)]);
    expect(f.calls).toHaveLength(1);
    expect(a.series).toEqual(b.series);
    expect(a.series.get('AAPL')).toHaveLength(f.data.get('AAPL')!.length);
  });

  it('a failed request rejects (or, with allowPartial, is listed); what loaded is kept and not fetched again', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const f = new FakeFetcher(1);
    for (const s of ['AAPL', 'MSFT', 'BAD']) f.data.set(s, dailyBars(s, '2025-01-02', '2025-01-31'));
    f.failFor.add('BAD');
    const s = scheduler();
    const spec = { venue: 'alpaca', symbols: ['AAPL', 'BAD', 'MSFT'], timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-31') };
    await expect(cache.loadBars(spec, f, s)).rejects.toThrow(/no data for BAD/);
    const partial = await cache.loadBars(spec, f, s, { allowPartial: true });
    expect(partial.errors.map((e) => e.symbols)).toEqual([['BAD']]);
    expect(partial.series.get('BAD')!.toBars()).toEqual([]);
    expect(partial.series.get('AAPL')).toHaveLength(f.data.get('AAPL')!.length);
    expect(f.calls.filter((c) => c.symbols[0] === 'AAPL')).toHaveLength(1);
    f.failFor.clear();
    const healed = await cache.loadBars(spec, f, s);
    expect(f.calls.at(-1)!.symbols).toEqual(['BAD']);
    expect(healed.series.get('BAD')).toHaveLength(f.data.get('BAD')!.length);
  });
});

describe('BarCache write-behind', () => {
  const rowsInFile = (): number => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM bar').pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const turns = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await nextTurn();
  };

  it('loadBars answers before storing; the rows reach the file one response per turn after it, and every read writes what is queued first', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const f = new FakeFetcher(1);
    const syms = ['AAPL', 'MSFT', 'SPY'];
    for (const s of syms) f.data.set(s, dailyBars(s, '2025-01-02', '2025-01-31'));
    const spec = { venue: 'alpaca', symbols: syms, timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-31') };
    const perSymbol = f.data.get('AAPL')!.length;

    const first = await cache.loadBars(spec, f, scheduler());
    for (const s of syms) expect(first.series.get(s)!.toBars()).toEqual(f.data.get(s));
    // answered, nothing written yet: three responses queued
    expect(cache.pendingWrites).toBe(3);
    expect(rowsInFile()).toBe(0);
    // the caller owns the columns it was given: changing them changes nothing stored
    first.series.get('AAPL')!.close.fill(-1);
    await turns(1);
    expect(cache.pendingWrites).toBe(2);
    expect(rowsInFile()).toBe(perSymbol);
    // a read writes the rest first
    expect(cache.coverage('alpaca', 'SPY', '1Day').bars).toBe(perSymbol);
    expect(cache.pendingWrites).toBe(0);
    expect(rowsInFile()).toBe(3 * perSymbol);
    expect(cache.get('alpaca', 'AAPL', '1Day', spec.start, spec.end)).toEqual(f.data.get('AAPL'));

    // a second load: from the cache alone
    const again = await cache.loadBars(spec, f, scheduler());
    expect(again.requests).toBe(0);
    for (const s of syms) expect(again.series.get(s)!.toBars()).toEqual(f.data.get(s));
    cache.close();
  });

  it('close() writes what is queued; a write that fails is a warning, the answer stands and those bars are fetched again next time', async () => {
    const f = new FakeFetcher(1);
    for (const s of ['AAPL', 'MSFT']) f.data.set(s, dailyBars(s, '2025-01-02', '2025-01-31'));
    const spec = { venue: 'alpaca', symbols: ['AAPL', 'MSFT'], timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-31') };
    const perSymbol = f.data.get('AAPL')!.length;
    const cache = new BarCache(path, { now: () => NOW });
    await cache.loadBars(spec, f, scheduler());
    expect(cache.pendingWrites).toBe(2);
    cache.close();
    expect(rowsInFile()).toBe(2 * perSymbol);

    // a bar SQLite refuses (a NaN volume binds as NULL: NOT NULL): its response's transaction fails
    rmSync(dir, { recursive: true, force: true });
    const warnings: string[] = [];
    const fresh = new BarCache(path, { now: () => NOW, onWarning: (m) => warnings.push(m) });
    const broken = f.data.get('MSFT')!.map((b, i) => (i === 3 ? { ...b, volume: Number.NaN } : b));
    f.data.set('MSFT', broken);
    const r = await fresh.loadBars(spec, f, scheduler());
    expect(r.series.get('MSFT')!.toBars()).toEqual(broken);
    fresh.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not store \d+ bars of alpaca 1Day MSFT \(NOT NULL constraint failed: bar\.volume\); they will be fetched again/);
    expect(fresh.coverage('alpaca', 'AAPL', '1Day').bars).toBe(perSymbol);
    expect(fresh.coverage('alpaca', 'MSFT', '1Day')).toMatchObject({ bars: 0, ranges: [] });
    f.data.set('MSFT', dailyBars('MSFT', '2025-01-02', '2025-01-31'));
    const healed = await fresh.loadBars(spec, f, scheduler());
    expect(healed.requests).toBe(1);
    expect(f.calls.at(-1)!.symbols).toEqual(['MSFT']);
    fresh.close();
  });
});

describe('BarCache per-symbol answers (onSymbol)', () => {
  it('answers each symbol once its requests settle: a cached one at once, a slow one holds up no other, a failed one with its error', async () => {
    const cache = new BarCache(path, { now: () => NOW });
    const f = new FakeFetcher(1);
    for (const s of ['AAPL', 'MSFT', 'SLOW', 'BAD']) f.data.set(s, dailyBars(s, '2025-01-02', '2025-01-31'));
    f.failFor.add('BAD');
    let release!: () => void;
    f.holdFor.set('SLOW', new Promise<void>((r) => (release = r)));
    const s = scheduler();
    const range = { timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-31') };
    await cache.loadBars({ venue: 'alpaca', symbols: ['AAPL'], ...range }, f, s);
    const seen: Array<[string, number | string]> = [];
    const answered = new Map<string, () => void>();
    const when = (sym: string) => new Promise<void>((r) => answered.set(sym, r));
    const [msft, bad] = [when('MSFT'), when('BAD')];
    const all = cache.loadBars({ venue: 'alpaca', symbols: ['AAPL', 'SLOW', 'MSFT', 'BAD'], ...range }, f, s, {
      allowPartial: true,
      onSymbol: (sym, o) => {
        seen.push([sym, 'bars' in o ? o.bars.length : (o.error as Error).message]);
        answered.get(sym)?.();
      },
    });
    // the cached symbol is answered before any request is made
    expect(seen).toEqual([['AAPL', f.data.get('AAPL')!.length]]);
    await Promise.all([msft, bad]);
    expect(seen).toContainEqual(['MSFT', f.data.get('MSFT')!.length]);
    expect(seen).toContainEqual(['BAD', 'no data for BAD']);
    expect(seen.map(([sym]) => sym)).not.toContain('SLOW');
    release();
    const r = await all;
    expect(seen.at(-1)).toEqual(['SLOW', f.data.get('SLOW')!.length]);
    expect(seen).toHaveLength(4);
    expect(r.series.get('SLOW')).toHaveLength(f.data.get('SLOW')!.length);
  });
});

describe('BarCache damaged files', () => {
  function asideFiles(): string[] {
    return readdirSync(join(dir, 'cache')).filter((n) => n.startsWith('bars.sqlite.damaged-'));
  }

  it('a file that is not a database is set aside and the cache rebuilt, with a warning', async () => {
    const cache0 = new BarCache(path);
    cache0.close();
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    const garbage = Buffer.from('definitely not sqlite\n'.repeat(500));
    writeFileSync(path, garbage);
    const warnings: string[] = [];
    const cache = new BarCache(path, { now: () => NOW, onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/damaged/);
    const aside = asideFiles();
    expect(aside).toHaveLength(1);
    expect(warnings[0]).toContain(aside[0]);
    expect(readFileSync(join(dir, 'cache', aside[0]!))).toEqual(garbage);
    // rebuilt and usable
    const f = new FakeFetcher();
    f.data.set('AAPL', dailyBars('AAPL', '2025-01-02', '2025-01-10'));
    const spec = { venue: 'alpaca', symbols: ['AAPL'], timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-01-10') };
    expect((await cache.loadBars(spec, f, scheduler())).series.get('AAPL')).toHaveLength(f.data.get('AAPL')!.length);
    expect((await cache.loadBars(spec, f, scheduler())).fetches).toBe(0);
    cache.close();
  });

  it('a database with damaged pages fails its check, is set aside, and everything is fetched again', async () => {
    const f = new FakeFetcher(20);
    const syms = Array.from({ length: 40 }, (_, i) => `X${i}`);
    for (const s of syms) f.data.set(s, dailyBars(s, '2024-01-02', '2025-05-30'));
    const spec = { venue: 'alpaca', symbols: syms, timeframe: '1Day', start: t('2024-01-02T00:00:00Z'), end: endOf('2025-05-30') };
    const cache1 = new BarCache(path, { now: () => NOW });
    await cache1.loadBars(spec, f, scheduler());
    const before = f.calls.length;
    cache1.close(); // checkpoints the WAL into the file
    expect(existsSync(`${path}-wal`)).toBe(false);
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(64 * 1024);
    // scribble over every page after the first two (a disk or copy gone wrong)
    const fd = openSync(path, 'r+');
    const junk = Buffer.alloc(size - 8192, 0xa5);
    writeSync(fd, junk, 0, junk.length, 8192);
    closeSync(fd);
    const warnings: string[] = [];
    const cache2 = new BarCache(path, { now: () => NOW, onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/damaged/);
    expect(asideFiles()).toHaveLength(1);
    expect(cache2.setAside).toHaveLength(1);
    const r = await cache2.loadBars(spec, f, scheduler());
    expect(f.calls.length - before).toBe(r.fetches);
    expect(r.fetches).toBeGreaterThan(0);
    expect(r.series.get('X7')!.toBars()).toEqual(f.data.get('X7'));
    cache2.close();
  });

  it('a SQLite file that is not a bar cache is set aside, not mixed into', () => {
    mkdirSync(join(dir, 'cache'));
    const other = new Database(path);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'keep me\')');
    other.close();
    const warnings: string[] = [];
    const cache = new BarCache(path, { onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/not a Tradedesk bar cache/);
    const aside = asideFiles();
    expect(aside).toHaveLength(1);
    const kept = new Database(join(dir, 'cache', aside[0]!), { readonly: true });
    expect(kept.prepare('SELECT body FROM notes').pluck().get()).toBe('keep me');
    kept.close();
    expect(cache.coverage('alpaca', 'AAPL', '1Day').bars).toBe(0);
    cache.close();
  });
});
