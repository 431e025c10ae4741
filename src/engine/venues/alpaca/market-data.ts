// Alpaca market data: the stock stream's bars, quotes and trades (validated,
// then passed to the listener), instruments (GET /v2/assets with the $1 tick
// rule from latest trades), the market calendar and clock (isMarketOpen), and
// historical bars (getBars, getHistoricalBars across pages).
import type { streaming } from '@alpacahq/alpaca-trade-api';
import type { z } from 'zod';
import type { Bar, Instrument } from '../../../shared/domain.js';
import { isNyseOpen, newYorkOffsetMs } from '../../data/calendar.js';
import { fetchAlpacaBars, type AlpacaTimeframe } from './bars.js';
import { VenueError, toVenueError, venueMessage } from './errors.js';
import { assetToInstrument } from './mapping.js';
import { AssetPayload, CalendarPayload, ClockPayload, StreamBarPayload, StreamQuotePayload, StreamTradePayload, parsePayload, type WireNaming } from './schemas.js';
import type { AlpacaState } from './state.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface AlpacaMarketStatus {
  timestamp: number;
  isOpen: boolean;
  nextOpen: number;
  nextClose: number;
}

export class AlpacaMarketData {
  private instrumentCache: Instrument[] | null = null;
  /** NY date -> session (UTC ms) from Alpaca's calendar; dates in [calFrom, calTo] without an entry are closed. */
  private readonly sessions = new Map<string, { open: number; close: number }>();
  private calFrom = '';
  private calTo = '';

  constructor(private readonly s: AlpacaState) {}

  private parseStream<S extends z.ZodType>(schema: S, value: unknown, naming: WireNaming): z.output<S> | undefined {
    try {
      return parsePayload(schema, value, this.s.dataEndpoint, naming);
    } catch (e) {
      if (e instanceof VenueError) this.s.noteMalformed('marketData', e);
      return undefined;
    }
  }

  onStreamBar(b: streaming.StreamBar): void {
    if (!this.s.listener || !this.s.symbolSet.has(b.symbol)) return;
    const v = this.parseStream(StreamBarPayload, b, 'market-data');
    if (!v) return;
    this.s.listener.onBar({ symbol: v.symbol, ts: v.timestamp.getTime(), open: v.open, high: v.high, low: v.low, close: v.close, volume: v.volume });
  }

  onStreamQuote(q: streaming.StreamQuote): void {
    if (!this.s.listener || !this.s.symbolSet.has(q.symbol)) return;
    const v = this.parseStream(StreamQuotePayload, q, 'market-data');
    if (!v) return;
    this.s.listener.onQuote({ symbol: v.symbol, ts: v.timestamp.getTime(), bid: v.bidPrice, ask: v.askPrice, bidSize: v.bidSize, askSize: v.askSize });
  }

  onStreamTrade(t: streaming.StreamTrade): void {
    if (!this.s.listener || !this.s.symbolSet.has(t.symbol)) return;
    const v = this.parseStream(StreamTradePayload, t, 'market-data');
    if (!v) return;
    this.s.listener.onTrade({ symbol: v.symbol, ts: v.timestamp.getTime(), price: v.price, size: v.size });
  }

  // ---- reference data -----------------------------------------------------------

  async instruments(): Promise<Instrument[]> {
    if (!this.instrumentCache) {
      const assets = await Promise.all(
        this.s.o.symbols.map(async (s) => {
          const endpoint = `GET /v2/assets/${s}`;
          let raw: unknown;
          try {
            raw = await this.s.rest(endpoint, () => this.s.sdk.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: s }), 'symbol');
          } catch (e) {
            if (e instanceof VenueError && e.code === 'NOT_FOUND') {
              const u = new VenueError('UNKNOWN_SYMBOL', venueMessage(endpoint, `'${s}' is not an Alpaca asset`, 'symbol'), { endpoint, field: 'symbol', retryable: false, ambiguous: false, status: 404 });
              this.s.noteError(u);
              throw u;
            }
            throw e;
          }
          const a = this.s.parseRest(AssetPayload, raw, endpoint);
          if (!a.tradable || a.status !== 'active') {
            const u = new VenueError('UNKNOWN_SYMBOL', venueMessage(endpoint, `'${s}' is not tradable at Alpaca (status ${a.status}, tradable ${a.tradable})`, 'tradable'), {
              endpoint,
              field: 'tradable',
              retryable: false,
              ambiguous: false,
            });
            this.s.noteError(u);
            throw u;
          }
          return a;
        }),
      );
      const prices = await this.latestPrices(assets.filter((a) => a._class === 'us_equity').map((a) => a.symbol));
      this.instrumentCache = assets.map((a) => {
        if (a._class === 'crypto') this.s.crypto.add(a.symbol);
        return assetToInstrument(a, prices.get(a.symbol));
      });
    }
    return this.instrumentCache.map((i) => ({ ...i }));
  }

  /** Last trade prices (for the $1 tick rule); empty when unavailable (then tick 0.01). */
  private async latestPrices(symbols: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (symbols.length === 0) return out;
    try {
      const r = await this.s.rest('GET /v2/stocks/trades/latest', () => this.s.sdk.stocks.stockLatestTrades({ symbols: symbols.join(','), feed: this.s.o.feed }));
      for (const s of symbols) {
        const p = Number(r.trades?.[s]?.p);
        if (Number.isFinite(p) && p > 0) out.set(s, p);
      }
    } catch {
      // noted in health(); instruments fall back to the 0.01 tick
    }
    return out;
  }

  async loadCalendar(): Promise<void> {
    const now = this.s.o.clock.now();
    const start = new Date(now - 7 * DAY_MS);
    const end = new Date(now + 60 * DAY_MS);
    const days = this.s.parseRest(CalendarPayload, await this.s.rest('GET /v2/calendar', () => this.s.sdk.calendar.legacyCalendar({ start, end })), 'GET /v2/calendar');
    this.sessions.clear();
    for (const d of days) {
      const date = d.date.toISOString().slice(0, 10);
      const noon = Date.parse(`${date}T12:00:00Z`);
      const offset = newYorkOffsetMs(noon);
      const open = Date.parse(`${date}T${d.open}:00Z`) - offset;
      const close = Date.parse(`${date}T${d.close}:00Z`) - offset;
      if (close > open) this.sessions.set(date, { open, close });
    }
    this.calFrom = nyDate(start.getTime() + DAY_MS);
    this.calTo = nyDate(end.getTime() - DAY_MS);
  }

  /**
   * Crypto: always open. Stocks: Alpaca's calendar (/v2/calendar, loaded on
   * connect) within its loaded range, else the local NYSE rules. Regular
   * session only; extended hours are not considered open.
   */
  isMarketOpen(symbol: string, ts: number): boolean {
    if (!this.s.symbolSet.has(symbol)) return false;
    if (this.s.crypto.has(symbol)) return true;
    const date = nyDate(ts);
    if (this.calFrom && date >= this.calFrom && date <= this.calTo) {
      const s = this.sessions.get(date);
      return s !== undefined && ts >= s.open && ts < s.close;
    }
    return isNyseOpen(ts);
  }

  /** Alpaca's market clock (GET /v2/clock). */
  async marketStatus(): Promise<AlpacaMarketStatus> {
    const c = this.s.parseRest(ClockPayload, await this.s.rest('GET /v2/clock', () => this.s.sdk.clock.legacyClock()), 'GET /v2/clock');
    return { timestamp: c.timestamp.getTime(), isOpen: c.isOpen, nextOpen: c.nextOpen.getTime(), nextClose: c.nextClose.getTime() };
  }

  // ---- bars -------------------------------------------------------------------------

  /** Most recent completed 1-minute bars, oldest first. */
  async getBars(symbol: string, limit: number): Promise<Bar[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    const now = this.s.o.clock.now();
    // ~390 regular-session minutes a day; doubled for gaps, plus a long weekend.
    const lookbackDays = Math.ceil(n / 390) * 2 + 5;
    const bars = await this.getHistoricalBars(symbol, '1Min', { start: now - lookbackDays * DAY_MS, end: now, limit: n + 1, sort: 'desc' });
    return bars
      .filter((b) => b.ts + MINUTE_MS <= now)
      .slice(0, n)
      .reverse();
  }

  /**
   * Historical bars of any supported timeframe, across every page
   * (next_page_token). Malformed bars are dropped and counted in health().
   */
  async getHistoricalBars(
    symbol: string,
    timeframe: AlpacaTimeframe,
    range: { start: number | Date; end?: number | Date; limit?: number; pageSize?: number; sort?: 'asc' | 'desc' },
  ): Promise<Bar[]> {
    try {
      const r = await fetchAlpacaBars(this.s.sdk.stocks, { symbol, timeframe, feed: this.s.o.feed, ...range });
      for (const m of r.malformed) this.s.noteMalformed('rest', m);
      return r.bars;
    } catch (e) {
      const ve = toVenueError(e, `GET /v2/stocks/${symbol}/bars`);
      this.s.noteError(ve);
      throw ve;
    }
  }
}

function nyDate(ts: number): string {
  return new Date(ts + newYorkOffsetMs(ts)).toISOString().slice(0, 10);
}
