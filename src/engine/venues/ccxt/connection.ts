// ccxt connection and streams: connect (markets, one authenticated request so
// bad credentials fail at once), disconnect, and the feeds - ccxt.pro watch*
// streams where the exchange has them (reconnected with exponential backoff; a
// stream the exchange refuses for good falls back to polling), poll loops under
// the exchange's rateLimit otherwise, and the periodic order refresh. Stream
// and poll state is reported through onConnection; when an order stream comes
// back, the orders are refreshed to catch up. A poll keeps its interval through
// failures, so a fill reaches the listener within two poll intervals.
import type { VenueListener } from '../venue.js';
import { retryDelayMs, type VenueErrorCode } from './errors.js';
import type { CcxtMarketData } from './market-data.js';
import type { CcxtOrderRefresh } from './order-refresh.js';
import type { CcxtOrderTracking } from './order-tracking.js';
import { MINUTE, floorMinute, type CcxtState } from './state.js';

/** Codes that mean the exchange (or our access to it) is down rather than one request being wrong. */
const LINK_CODES: ReadonlySet<VenueErrorCode> = new Set([
  'RATE_LIMITED',
  'EXCHANGE_UNAVAILABLE',
  'MAINTENANCE',
  'TIMEOUT',
  'NETWORK',
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'ACCOUNT_SUSPENDED',
]);

/** Stream errors a reconnect cannot fix: the capability is polled instead. */
const PERMANENT_STREAM_CODES: ReadonlySet<VenueErrorCode> = new Set(['NOT_SUPPORTED', 'BAD_REQUEST', 'BAD_SYMBOL']);

export class CcxtConnection {
  private generation = 0;
  private connectedReported = false;
  private readonly down = new Map<string, string>();
  /** watchOrders and watchMyTrades are in use and working for good. */
  private orderStreamsOk = false;

  constructor(
    private readonly s: CcxtState,
    private readonly market: CcxtMarketData,
    private readonly tracking: CcxtOrderTracking,
    private readonly refresh: CcxtOrderRefresh,
  ) {}

  async connect(listener: VenueListener): Promise<void> {
    if (this.s.running) await this.disconnect();
    await this.market.ensureMarkets();
    if (this.usesPlainWs() && typeof this.s.ex.loadHttpProxyAgent === 'function') await this.s.ex.loadHttpProxyAgent();
    // one authenticated request: bad credentials fail here with a clear AUTH_FAILED
    await this.s.call('fetchBalance', () => this.s.ex.fetchBalance());
    this.s.listener = listener;
    this.s.running = true;
    const gen = ++this.generation;
    this.down.clear();
    this.connectedReported = true;
    this.s.emit((l) => l.onConnection('connected'));
    const now = this.s.clock.now();
    for (const s of this.s.symbols) {
      if (!this.s.lastBarTs.has(s)) this.s.lastBarTs.set(s, floorMinute(now) - MINUTE);
      this.s.lastPublicTradeTs.set(s, now);
    }
    this.startFeeds(gen);
  }

  async disconnect(): Promise<void> {
    const l = this.s.listener;
    this.s.running = false;
    this.generation++;
    for (const s of this.s.sleepers) {
      this.s.clock.cancelTimer(s.handle);
      s.resolve();
    }
    this.s.sleepers.clear();
    try {
      await this.s.ex.close();
    } catch {
      // closing sockets that are already gone
    }
    this.s.listener = null;
    this.connectedReported = false;
    if (l) this.s.safe(() => l.onConnection('disconnected', 'disconnect requested'));
  }

  private startFeeds(gen: number): void {
    const perRequest = Math.max(1, this.s.ex.rateLimit);
    const pollQuotes = (symbols: string[]): void =>
      this.pollLoop(gen, `poll fetchTicker ${symbols.join(',')}`, () => Math.max(this.s.pollMs, perRequest * symbols.length), async () => {
        for (const s of symbols) {
          if (!this.alive(gen)) return;
          const raw = await this.s.call('fetchTicker', () => this.s.ex.fetchTicker(s), { attempts: 2 });
          this.market.onTicker(s, raw, 'fetchTicker');
        }
      });
    const pollTrades = (symbols: string[]): void =>
      this.pollLoop(gen, `poll fetchTrades ${symbols.join(',')}`, () => Math.max(this.s.pollMs, perRequest * symbols.length), async () => {
        for (const s of symbols) {
          if (!this.alive(gen)) return;
          const raw = await this.s.call('fetchTrades', () => this.s.ex.fetchTrades(s), { attempts: 2 });
          if (Array.isArray(raw)) for (const t of raw) this.market.onPublicTrade(s, t, 'fetchTrades');
        }
      });
    const pollBars = (symbols: string[]): void =>
      this.pollLoop(gen, `poll fetchOHLCV ${symbols.join(',')}`, () => Math.max(this.s.barPollMs, perRequest * symbols.length), async () => {
        for (const s of symbols) {
          if (!this.alive(gen)) return;
          await this.market.pollBarsOnce(s);
        }
      });
    // a stream the exchange refuses for good (not supported, bad request) falls back to polling
    const orderFallback = (): void => {
      this.orderStreamsOk = false;
    };
    const quotes: string[] = [];
    const trades: string[] = [];
    const bars: string[] = [];
    this.orderStreamsOk = this.s.streams('watchOrders') && this.s.streams('watchMyTrades');
    for (const s of this.s.symbols) {
      if (this.s.streams('watchTicker')) {
        this.streamLoop(gen, `watchTicker ${s}`, async () => this.market.onTicker(s, await this.s.ex.watchTicker(s), 'watchTicker'), () => pollQuotes([s]));
      } else quotes.push(s);
      if (this.s.streams('watchTrades')) {
        this.streamLoop(
          gen,
          `watchTrades ${s}`,
          async () => {
            const list = await this.s.ex.watchTrades(s);
            if (Array.isArray(list)) for (const t of list) this.market.onPublicTrade(s, t, 'watchTrades');
          },
          () => this.s.ex.has.fetchTrades && pollTrades([s]),
        );
      } else if (this.s.ex.has.fetchTrades) trades.push(s);
      if (this.s.streams('watchOHLCV')) {
        this.streamLoop(gen, `watchOHLCV ${s}`, async () => this.market.onStreamedCandles(s, await this.s.ex.watchOHLCV(s, '1m')), () => pollBars([s]));
      } else bars.push(s);
      if (this.orderStreamsOk) {
        this.streamLoop(
          gen,
          `watchOrders ${s}`,
          async () => {
            const list = await this.s.ex.watchOrders(s);
            if (Array.isArray(list)) for (const o of list) this.tracking.ingestOrderUpdate(o);
          },
          orderFallback,
        );
        this.streamLoop(
          gen,
          `watchMyTrades ${s}`,
          async () => {
            const list = await this.s.ex.watchMyTrades(s);
            if (Array.isArray(list)) for (const t of list) this.tracking.ingestTrade(t, 'watchMyTrades');
          },
          orderFallback,
        );
      }
    }
    if (quotes.length) pollQuotes(quotes);
    if (trades.length) pollTrades(trades);
    if (bars.length) pollBars(bars);
    // while order streams work, the REST reconcile is a slow safety net; otherwise it is the order feed
    this.pollLoop(gen, 'reconcile', () => (this.orderStreamsOk ? this.s.reconcileMs : this.s.pollMs), () => this.refresh.reconcileAll());
  }

  private alive(gen: number): boolean {
    return this.s.running && gen === this.generation;
  }

  private pollLoop(gen: number, name: string, intervalMs: () => number, body: () => Promise<void>): void {
    void (async () => {
      let failures = 0;
      while (this.alive(gen)) {
        let wait = intervalMs();
        try {
          await body();
          failures = 0;
          this.markUp(name);
        } catch (e) {
          if (!this.alive(gen)) return;
          const ve = this.s.toVenueError(e, name);
          this.s.noteError(ve);
          failures++;
          if (LINK_CODES.has(ve.code)) this.markDown(name, ve.message);
          // a poll keeps its interval through failures (so what happened meanwhile is seen
          // within one interval of the exchange answering again); only an exchange that
          // asked for a wait (rate limit, Retry-After, maintenance) is polled more slowly
          if (ve.code === 'RATE_LIMITED' || ve.code === 'MAINTENANCE' || ve.retryAfterMs !== undefined) {
            wait = Math.max(wait, retryDelayMs(ve, failures, this.s.retry, this.s.ex.rateLimit));
          }
        }
        await this.s.sleep(wait);
      }
    })();
  }

  /**
   * One watch* stream: reconnects with exponential backoff and reports its
   * state; when the exchange refuses the stream for good, `fallback` starts
   * polling instead.
   */
  private streamLoop(gen: number, name: string, once: () => Promise<void>, fallback: () => unknown): void {
    void (async () => {
      let failures = 0;
      while (this.alive(gen)) {
        const p = once();
        if (this.down.has(name)) await this.untilSettledOrReconnected(gen, name, p);
        try {
          await p;
          failures = 0;
          this.markUp(name);
        } catch (e) {
          if (!this.alive(gen)) return;
          const ve = this.s.toVenueError(e, name);
          if (ve.code === 'MALFORMED_PAYLOAD') {
            this.s.noteError(ve);
            await this.s.sleep(this.s.retry.baseDelayMs);
            continue;
          }
          if (PERMANENT_STREAM_CODES.has(ve.code)) {
            this.s.noteError(ve);
            this.markUp(name);
            fallback();
            return;
          }
          this.s.counters.streamErrors++;
          this.s.counters.lastError = ve.message;
          this.markDown(name, ve.message);
          failures++;
          this.s.counters.reconnects++;
          await this.s.sleep(Math.min(this.s.retry.maxDelayMs, this.s.retry.baseDelayMs * 2 ** Math.min(failures - 1, 16)));
        }
      }
    })();
  }

  /** While a stream recovers, report it up as soon as the exchange's sockets are open again. */
  private async untilSettledOrReconnected(gen: number, name: string, p: Promise<void>): Promise<void> {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && this.alive(gen)) {
      await this.s.sleep(Math.min(100, this.s.retry.baseDelayMs));
      const clients = Object.values(this.s.ex.clients ?? {});
      if (!settled && clients.length > 0 && clients.every((c) => c.isConnected === true)) {
        this.markUp(name);
        return;
      }
    }
  }

  private markDown(name: string, reason: string): void {
    const wasUp = this.down.size === 0;
    this.down.set(name, reason);
    if (wasUp && this.connectedReported) this.s.emit((l) => l.onConnection('disconnected', `${name}: ${reason}`));
  }

  private markUp(name: string): void {
    if (!this.down.delete(name)) return;
    if (/watchOrders|watchMyTrades/.test(name)) void this.refresh.reconcileAll().catch(() => undefined); // catch up on missed events
    if (this.down.size === 0 && this.connectedReported) this.s.emit((l) => l.onConnection('connected'));
  }

  private usesPlainWs(): boolean {
    const api = this.s.ex.urls.api;
    const values = api && typeof api === 'object' ? Object.values(api as Record<string, unknown>) : [api];
    return values.some((v) => typeof v === 'string' && v.startsWith('ws://'));
  }
}
