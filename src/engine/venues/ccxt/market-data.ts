// ccxt market data: the markets (loaded once; each configured symbol becomes an
// Instrument with the exchange's tick, lot and minimum notional), quotes from
// tickers, public trades (deduplicated, in time order), 1-minute bars (emitted
// once complete, from polls or the OHLCV stream), getBars, and the
// conversion of a trade's fee to the quote currency.
import { Instrument, type Bar, type Quote } from '../../../shared/domain.js';
import { venueError, type ErrorContext } from './errors.js';
import { malformed, parseCandle, parsePublicTrade, parseTicker, type ParsedCandle, type ParsedTrade } from './payload.js';
import { MINUTE, floorMinute, type CcxtState } from './state.js';

/** ccxt precision modes. */
const TICK_SIZE = 4;

export class CcxtMarketData {
  private marketsReady: Promise<void> | undefined;
  private instrumentList: Instrument[] = [];
  readonly instrumentBySymbol = new Map<string, Instrument>();
  private readonly recentPublicTrades = new Map<string, Set<string>>();

  constructor(private readonly s: CcxtState) {}

  async instruments(): Promise<Instrument[]> {
    await this.ensureMarkets();
    return this.instrumentList.map((i) => ({ ...i }));
  }

  isMarketOpen(symbol: string, _ts: number): boolean {
    if (!this.instrumentBySymbol.has(symbol)) return false;
    return this.s.ex.markets?.[symbol]?.active !== false;
  }

  async getBars(symbol: string, limit: number): Promise<Bar[]> {
    await this.ensureMarkets();
    this.requireSymbol(symbol, 'fetchOHLCV');
    const n = Math.max(0, Math.min(10_000, Math.floor(limit)));
    if (n === 0) return [];
    const cur = floorMinute(this.s.clock.now());
    const chunk = this.ohlcvChunk();
    const out = new Map<number, Bar>();
    let since = cur - n * MINUTE;
    for (let guard = 0; since < cur && guard < 1_000; guard++) {
      const from = since;
      const raw = await this.s.call('fetchOHLCV', () => this.s.ex.fetchOHLCV(symbol, '1m', from, chunk));
      const candles = this.candles(raw, symbol, 'fetchOHLCV');
      let maxTs = -Infinity;
      for (const c of candles) {
        maxTs = Math.max(maxTs, c.ts);
        if (c.ts >= from && c.ts < cur) out.set(c.ts, { symbol, ...c });
      }
      since = maxTs >= from ? maxTs + MINUTE : from + chunk * MINUTE;
    }
    return [...out.values()].sort((a, b) => a.ts - b.ts).slice(-n);
  }

  ensureMarkets(): Promise<void> {
    if (!this.marketsReady) {
      this.marketsReady = this.loadMarkets().catch((e: unknown) => {
        this.marketsReady = undefined;
        throw e;
      });
    }
    return this.marketsReady;
  }

  private async loadMarkets(): Promise<void> {
    const loaded = await this.s.call('loadMarkets', () => this.s.ex.loadMarkets());
    const markets = this.s.ex.markets ?? loaded;
    const ctx = this.s.ctx('loadMarkets');
    const list: Instrument[] = [];
    for (const symbol of this.s.symbols) {
      const m = markets[symbol];
      if (!m) {
        const some = Object.keys(markets).slice(0, 8).join(', ');
        throw venueError('BAD_SYMBOL', { ...ctx, field: 'symbols' }, `'${symbol}' is not a market of ${this.s.exchangeId} (markets include ${some})`);
      }
      if (m.spot === false || (m.type !== undefined && m.type !== 'spot')) {
        throw venueError('NOT_SUPPORTED', { ...ctx, field: 'symbols' }, `'${symbol}' is a ${m.type ?? 'non-spot'} market; only spot markets are supported`);
      }
      const tick = this.increment(m.precision?.price, `markets['${symbol}'].precision.price`, ctx);
      const lot = this.increment(m.precision?.amount, `markets['${symbol}'].precision.amount`, ctx);
      const minCost = m.limits?.cost?.min;
      if (minCost !== undefined && minCost !== null && (typeof minCost !== 'number' || !Number.isFinite(minCost) || minCost < 0)) {
        throw this.s.countMalformed(malformed(ctx, `markets['${symbol}'].limits.cost.min`, minCost, 'a finite number >= 0'));
      }
      const inst = Instrument.parse({
        symbol,
        name: `${m.base}/${m.quote} (${this.s.exchangeId})`,
        assetClass: 'crypto',
        sector: 'crypto',
        tickSize: tick,
        lotSize: lot,
        minNotional: minCost ?? 0,
        // spot: selling needs the base currency; there is no borrowing
        shortable: false,
        calendar: '24x7',
      });
      list.push(inst);
      this.instrumentBySymbol.set(symbol, inst);
    }
    this.instrumentList = list;
  }

  /** A market precision value as an increment (ccxt precision mode TICK_SIZE, or decimal places). */
  private increment(p: unknown, field: string, ctx: ErrorContext): number {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || (this.s.ex.precisionMode === TICK_SIZE && p === 0)) {
      throw this.s.countMalformed(malformed(ctx, field, p, this.s.ex.precisionMode === TICK_SIZE ? 'a tick size > 0' : 'a number of decimal places'));
    }
    return this.s.ex.precisionMode === TICK_SIZE ? p : Number((10 ** -Math.round(p)).toPrecision(12));
  }

  requireSymbol(symbol: string, endpoint: string): Instrument {
    const inst = this.instrumentBySymbol.get(symbol);
    if (!inst) throw venueError('BAD_SYMBOL', this.s.ctx(endpoint, 'symbol'), `'${symbol}' is not one of this venue's symbols (${this.s.symbols.join(', ')})`);
    return inst;
  }

  accountCurrency(): string {
    return this.s.accountCurrencyOpt ?? this.s.ex.markets?.[this.s.symbols[0]!]?.quote ?? 'USD';
  }

  /** One symbol per base currency: the first configured symbol with that base. */
  positionSymbols(): [string, string][] {
    const seen = new Set<string>();
    const out: [string, string][] = [];
    for (const s of this.s.symbols) {
      const base = this.s.ex.markets?.[s]?.base;
      if (!base || seen.has(base)) continue;
      seen.add(base);
      out.push([s, base]);
    }
    return out;
  }

  ohlcvChunk(): number {
    const f = this.s.ex.features;
    const lim = f?.spot?.fetchOHLCV?.limit ?? f?.default?.fetchOHLCV?.limit;
    return typeof lim === 'number' && lim > 0 ? Math.min(lim, 1_000) : 200;
  }

  feeInQuote(symbol: string, t: ParsedTrade): number {
    const m = this.s.ex.markets?.[symbol];
    if (!t.feeCurrency || !m || t.feeCurrency === m.quote) return t.feeCost;
    if (t.feeCurrency === m.base) return t.feeCost * t.price;
    return 0; // paid in a third currency (e.g. an exchange token): not in the account currency
  }

  onTicker(symbol: string, raw: unknown, endpoint: string): void {
    try {
      const t = parseTicker(raw, this.s.ctx(endpoint));
      if (t.symbol !== symbol) throw malformed(this.s.ctx(endpoint), 'ticker.symbol', t.symbol, `'${symbol}'`);
      const q: Quote = { symbol, ts: t.timestamp ?? this.s.clock.now(), bid: t.bid, ask: t.ask, bidSize: t.bidSize, askSize: t.askSize };
      this.s.lastQuotes.set(symbol, q);
      this.s.emit((l) => l.onQuote(q));
    } catch (e) {
      this.s.noteError(this.s.toVenueError(e, endpoint));
    }
  }

  onPublicTrade(symbol: string, raw: unknown, endpoint: string): void {
    try {
      const t = parsePublicTrade(raw, this.s.ctx(endpoint));
      if (t.symbol !== symbol) return;
      const last = this.s.lastPublicTradeTs.get(symbol) ?? 0;
      const seen = this.recentPublicTrades.get(symbol) ?? new Set<string>();
      this.recentPublicTrades.set(symbol, seen);
      const key = t.id ?? `${t.timestamp}:${t.price}:${t.amount}`;
      if (t.timestamp < last || seen.has(key)) return;
      seen.add(key);
      if (seen.size > 2_000) seen.delete(seen.values().next().value!);
      this.s.lastPublicTradeTs.set(symbol, t.timestamp);
      this.s.emit((l) => l.onTrade({ symbol, ts: t.timestamp, price: t.price, size: t.amount }));
    } catch (e) {
      this.s.noteError(this.s.toVenueError(e, endpoint));
    }
  }

  async pollBarsOnce(symbol: string): Promise<void> {
    const now = this.s.clock.now();
    const last = this.s.lastBarTs.get(symbol) ?? floorMinute(now) - MINUTE;
    if (now < last + 2 * MINUTE + this.s.barGraceMs) return; // the next bar is not complete yet
    const raw = await this.s.call('fetchOHLCV', () => this.s.ex.fetchOHLCV(symbol, '1m', last + MINUTE, this.ohlcvChunk()), { attempts: 2 });
    this.emitCompleted(symbol, this.candles(raw, symbol, 'fetchOHLCV'), now);
    if ((this.s.lastBarTs.get(symbol) ?? last) === last && now - last > 100 * MINUTE) this.s.lastBarTs.set(symbol, floorMinute(now) - 2 * MINUTE);
  }

  onStreamedCandles(symbol: string, raw: unknown): void {
    const candles = this.candles(raw, symbol, 'watchOHLCV');
    if (!candles.length) return;
    // a streamed candle is complete once a later one has started
    const newest = Math.max(...candles.map((c) => c.ts));
    this.emitCompleted(symbol, candles.filter((c) => c.ts < newest), Infinity);
  }

  private emitCompleted(symbol: string, candles: ParsedCandle[], now: number): void {
    let last = this.s.lastBarTs.get(symbol) ?? -Infinity;
    for (const c of candles.sort((a, b) => a.ts - b.ts)) {
      if (c.ts <= last || c.ts + MINUTE + this.s.barGraceMs > now) continue;
      last = c.ts;
      const bar: Bar = { symbol, ...c };
      this.s.emit((l) => l.onBar(bar));
    }
    this.s.lastBarTs.set(symbol, last);
  }

  private candles(raw: unknown, _symbol: string, endpoint: string): ParsedCandle[] {
    const ctx = this.s.ctx(endpoint);
    if (!Array.isArray(raw)) {
      this.s.noteError(this.s.countMalformed(malformed(ctx, 'ohlcv', raw, 'an array')));
      return [];
    }
    const out: ParsedCandle[] = [];
    raw.forEach((c, i) => {
      try {
        out.push(parseCandle(c, ctx, i));
      } catch (e) {
        this.s.noteError(this.s.toVenueError(e, endpoint));
      }
    });
    return out;
  }
}
