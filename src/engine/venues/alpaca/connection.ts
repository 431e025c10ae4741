// Alpaca connection and streams: connect (credentials check, calendar, both
// streams up), disconnect, the trade_updates and stock market-data streams with
// the SDK's reconnect-with-backoff, and onConnection reporting. Alpaca does not
// replay what a stream missed: a reconnect is reported through onConnection and
// the engine's Reconciler reads the orders. Stream payloads are handed to the
// hooks (order-tracking.ts for trade_updates, market-data.ts for bars, quotes
// and trades).
import { streaming } from '@alpacahq/alpaca-trade-api';
import type { VenueListener } from '../venue.js';
import { VENUE_NAME, VenueError, toVenueError, venueMessage } from './errors.js';
import { AccountPayload } from './schemas.js';
import type { AlpacaState } from './state.js';

/** What the streams feed and what connect() starts, provided by the other parts of the venue. */
export interface ConnectionHooks {
  onTradeUpdate(raw: streaming.TradeUpdate): void;
  onStreamBar(b: streaming.StreamBar): void;
  onStreamQuote(q: streaming.StreamQuote): void;
  onStreamTrade(t: streaming.StreamTrade): void;
  /** Loads Alpaca's market calendar (GET /v2/calendar). */
  loadCalendar(): Promise<void>;
  /** Starts the timer that re-reads submissions whose outcome is unknown. */
  scheduleReconcile(): void;
}

export class AlpacaConnection {
  private tradeStream: streaming.TradingStream | undefined;
  private dataStream: streaming.StockDataStream | undefined;
  private tradeUp = false;
  private dataUp = false;
  private tradeAcks = 0;
  private dataAuths = 0;
  private reported = false;

  constructor(
    private readonly s: AlpacaState,
    private readonly hooks: ConnectionHooks,
  ) {}

  /**
   * Checks the credentials (GET /v2/account), loads the market calendar, opens
   * trade_updates and (for stock symbols) the market-data stream, and resolves
   * once both are authenticated and subscribed. Rejects with a VenueError:
   * AUTH_FAILED for refused credentials (REST or stream), STREAM when a stream
   * does not come up within streams.connectTimeoutMs.
   */
  async connect(listener: VenueListener): Promise<void> {
    await this.teardown(false);
    this.s.closing = false;
    const account = await this.s.rest('GET /v2/account', () => this.s.sdk.account.getAccount());
    this.s.parseRest(AccountPayload, account, 'GET /v2/account');
    try {
      await this.hooks.loadCalendar();
    } catch (e) {
      this.s.noteError(toVenueError(e, 'GET /v2/calendar'));
    }
    this.s.listener = listener;
    try {
      await this.openStreams();
    } catch (e) {
      await this.teardown(false);
      throw e;
    }
    this.hooks.scheduleReconcile();
  }

  async disconnect(): Promise<void> {
    await this.teardown(true);
  }

  private async teardown(report: boolean): Promise<void> {
    this.s.closing = true;
    if (this.s.reconcileTimer) this.s.o.clock.cancelTimer(this.s.reconcileTimer);
    this.s.reconcileTimer = undefined;
    for (const s of [this.tradeStream, this.dataStream]) {
      if (!s) continue;
      s.removeAllListeners();
      s.on(streaming.EVENT.CLIENT_ERROR, () => undefined);
      s.disconnect();
    }
    this.tradeStream = undefined;
    this.dataStream = undefined;
    this.tradeUp = false;
    this.dataUp = false;
    this.s.h.tradeStream = 'off';
    this.s.h.dataStream = 'off';
    const l = this.s.listener;
    this.s.listener = null;
    const was = this.reported;
    this.reported = false;
    this.s.h.connected = false;
    if (report && l && was) l.onConnection('disconnected', 'disconnect requested');
  }

  private async openStreams(): Promise<void> {
    const timeout = this.s.o.streams.connectTimeoutMs;
    const ts = this.s.sdk.newTradingStream();
    this.tradeStream = ts;
    this.tradeAcks = 0;
    let acked!: () => void;
    const firstAck = new Promise<void>((r) => (acked = r));
    ts.onTradeUpdate((u) => this.hooks.onTradeUpdate(u));
    ts.on(streaming.EVENT.SUBSCRIPTION, (streams: unknown) => {
      if (this.tradeStream !== ts || !Array.isArray(streams) || !streams.includes('trade_updates')) return;
      this.tradeUp = true;
      this.s.h.tradeStream = 'up';
      acked();
      if (this.tradeAcks++ > 0) {
        // Alpaca does not replay what was missed: the engine's reconciler reads
        // the orders after the reconnect (reported through onConnection)
        this.s.h.reconnects.tradeUpdates++;
      }
      this.updateConnection();
    });
    ts.onDisconnect(() => {
      if (this.s.closing || this.tradeStream !== ts) return;
      this.tradeUp = false;
      this.s.h.tradeStream = 'down';
      this.updateConnection(`${VENUE_NAME} trade_updates stream (${this.s.o.endpoints.stream}) closed; reconnecting with backoff`);
    });
    ts.onError((msg) => this.onStreamError('tradeUpdates', msg));
    ts.subscribeTradeUpdates();
    ts.connect();

    const stocks = this.s.o.symbols.filter((s) => !this.s.crypto.has(s));
    let ds: streaming.StockDataStream | undefined;
    let dataAcked!: () => void;
    let dataFailed!: (e: VenueError) => void;
    const firstDataAck = new Promise<void>((resolve, reject) => {
      dataAcked = resolve;
      dataFailed = reject;
    });
    firstDataAck.catch(() => undefined);
    if (stocks.length > 0) {
      ds = this.s.sdk.newStockStream();
      this.dataStream = ds;
      this.dataAuths = 0;
      ds.onBar((b) => this.hooks.onStreamBar(b));
      ds.onQuote((q) => this.hooks.onStreamQuote(q));
      ds.onTrade((t) => this.hooks.onStreamTrade(t));
      // Up once the server confirms the subscriptions (after every (re)authentication).
      ds.on(streaming.EVENT.SUBSCRIPTION, (subs: unknown) => {
        if (this.dataStream !== ds || this.dataUp) return;
        const bars = (subs as { bars?: unknown } | null)?.bars;
        if (!Array.isArray(bars) || !stocks.every((s) => bars.includes(s))) return;
        this.dataUp = true;
        this.s.h.dataStream = 'up';
        dataAcked();
        if (this.dataAuths++ > 0) this.s.h.reconnects.marketData++;
        this.updateConnection();
      });
      ds.onDisconnect(() => {
        if (this.s.closing || this.dataStream !== ds) return;
        this.dataUp = false;
        this.s.h.dataStream = 'down';
        this.updateConnection(`${VENUE_NAME} market data stream (${this.s.o.endpoints.dataStream}/v2/${this.s.o.feed}) closed; reconnecting with backoff`);
      });
      ds.onError((msg) => {
        this.onStreamError('marketData', msg);
        // Alpaca's terminal subscription errors: fail connect() at once with the reason.
        if (this.dataStream === ds && this.dataAuths === 0 && /symbol limit exceeded|insufficient subscription|connection limit exceeded/.test(msg)) {
          const field = msg.includes('symbol') ? 'symbols' : msg.includes('subscription') ? 'feed' : 'key/secret';
          dataFailed(new VenueError('STREAM', venueMessage(this.s.dataEndpoint, `market data subscription refused: ${msg}`, field), { endpoint: this.s.dataEndpoint, field, retryable: false, ambiguous: false }));
        }
      });
      ds.subscribeForBars(stocks);
      ds.subscribeForQuotes(stocks);
      ds.subscribeForTrades(stocks);
      ds.connect();
    }

    const tr = await ts.waitForAuthenticationResult(timeout);
    if (!tr.authenticated) throw this.streamAuthError(this.s.tradeEndpoint, tr);
    await this.within(firstAck, timeout, this.s.tradeEndpoint, "no 'listening' acknowledgement for trade_updates");
    if (ds) {
      const dr = await ds.waitForAuthenticationResult(timeout);
      if (!dr.authenticated) throw this.streamAuthError(this.s.dataEndpoint, dr);
      await this.within(firstDataAck, timeout, this.s.dataEndpoint, `no subscription acknowledgement for ${stocks.join(',')}`);
    }
    this.updateConnection();
  }

  private streamAuthError(endpoint: string, r: streaming.StreamAuthResult): VenueError {
    const rejected = r.status === streaming.STREAM_AUTH_STATUS.SERVER_REJECTED;
    const field = 'key/secret';
    const e = rejected
      ? new VenueError('AUTH_FAILED', venueMessage(endpoint, `stream authentication rejected: ${r.message}${r.code !== undefined ? ` [code ${r.code}]` : ''}`, field), {
          endpoint,
          field,
          retryable: false,
          ambiguous: false,
        })
      : new VenueError('STREAM', venueMessage(endpoint, `stream not authenticated (${r.status}): ${r.message}`), { endpoint, retryable: true, ambiguous: false });
    this.s.noteError(e);
    return e;
  }

  private within(p: Promise<void>, ms: number, endpoint: string, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.s.h.lastError ? ` (last stream error: ${this.s.h.lastError})` : '';
        const e = new VenueError('STREAM', venueMessage(endpoint, `${what} within ${ms} ms${last}`), { endpoint, retryable: true, ambiguous: false });
        this.s.noteError(e);
        reject(e);
      }, ms);
      p.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (e: unknown) => {
          clearTimeout(timer);
          if (e instanceof VenueError) this.s.noteError(e);
          reject(e);
        },
      );
    });
  }

  private updateConnection(reason?: string): void {
    const up = this.tradeUp && (this.dataStream === undefined || this.dataUp);
    if (up && !this.reported) {
      this.reported = true;
      this.s.h.connected = true;
      this.s.listener?.onConnection('connected');
    } else if (!up && this.reported) {
      this.reported = false;
      this.s.h.connected = false;
      this.s.listener?.onConnection('disconnected', reason);
    }
  }

  private onStreamError(source: 'tradeUpdates' | 'marketData', msg: string): void {
    const endpoint = source === 'tradeUpdates' ? this.s.tradeEndpoint : this.s.dataEndpoint;
    if (/^failed to (decode|process) message/.test(msg)) {
      const e = new VenueError('MALFORMED_PAYLOAD', venueMessage(endpoint, `malformed payload rejected: ${msg}`, source === 'tradeUpdates' ? 'data.order' : 'frame'), {
        endpoint,
        field: source === 'tradeUpdates' ? 'data.order' : 'frame',
        retryable: false,
        ambiguous: false,
      });
      this.s.noteMalformed(source, e);
      return;
    }
    this.s.h.lastError = venueMessage(endpoint, msg);
  }

}
