// A loopback reproduction of the Coinbase Exchange REST API and WebSocket feed
// (https://docs.cdp.coinbase.com/exchange/), close enough that ccxt's real
// `coinbaseexchange` implementation works against it when its
// `urls.api.{public,private,ws}` point here. Listens on 127.0.0.1, port 0.
//
// Why Coinbase Exchange: ccxt loads its markets with two public calls
// (GET /currencies, GET /products), orders can be looked up by client id
// (GET /orders/client:{client_oid}), errors are plain {"message": ...} bodies,
// and ccxt.pro implements watchTicker / watchTrades / watchOrders /
// watchMyTrades on a single, simple feed.
//
// Reproduced endpoints (the ones ccxt calls for the unified API we use):
//   public:  GET /time, /currencies, /products, /products/{id},
//            /products/{id}/ticker, /products/{id}/candles, /products/{id}/trades,
//            /products/{id}/book
//   private: GET /accounts, POST /orders, GET /orders, GET /orders/{id},
//            GET /orders/client:{client_oid}, DELETE /orders/{id},
//            DELETE /orders/client:{client_oid}, DELETE /orders, GET /fills
//   ws (/ws): subscribe to `ticker`, `matches` and the authenticated `user`
//            channel (received / open / match / done / change messages).
// Private requests are authenticated like the real API: CB-ACCESS-KEY,
// CB-ACCESS-PASSPHRASE, CB-ACCESS-TIMESTAMP and CB-ACCESS-SIGN (base64
// HMAC-SHA256 of timestamp + method + requestPath + body with the base64-decoded
// secret) are all checked.
//
// Matching: the market outside us is a synthetic book of liquidity levels per
// product (setBook). Market orders sweep it (partially, if it is thin), limit
// orders take what crosses and rest the remainder; resting orders fill when an
// outside participant trades against them (externalTrade). Balances, holds and
// maker/taker fees are kept per currency.
//
// Fault injection: per-request rules (status code + body + headers, with or
// without processing the request first; hang with or without processing the
// request; an answer held back until released; connection reset; response mutation),
// WebSocket drops and refusals, outside-the-app order changes (cancel, resize,
// orders placed from another client).
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const LOOPBACK_EXCHANGE_ID = 'coinbaseexchange';

export interface LoopbackCredentials {
  apiKey: string;
  /** Base64, as Coinbase issues it. */
  secret: string;
  passphrase: string;
}

export const LOOPBACK_CREDENTIALS: LoopbackCredentials = {
  apiKey: 'loopback-api-key',
  secret: Buffer.from('loopback-secret-0123456789abcdef').toString('base64'),
  passphrase: 'loopback-passphrase',
};

export interface LoopbackProduct {
  id: string;
  base: string;
  quote: string;
  quoteIncrement: string;
  baseIncrement: string;
  minMarketFunds: string;
  /** Reference price: seeds the default book and the candle history. */
  price: number;
  status?: 'online' | 'offline';
}

export interface Level {
  price: number;
  size: number;
}

export interface LoopbackOptions {
  credentials?: LoopbackCredentials;
  products?: LoopbackProduct[];
  /** Starting balances per currency. */
  balances?: Record<string, number>;
  /** Minutes of 1-minute candles before start. */
  historyMinutes?: number;
  makerFeeRate?: number;
  takerFeeRate?: number;
  /** Reject a new order whose client_oid is already used by an order of this profile. */
  rejectDuplicateClientOid?: boolean;
}

export const DEFAULT_PRODUCTS: LoopbackProduct[] = [
  { id: 'BTC-USD', base: 'BTC', quote: 'USD', quoteIncrement: '0.01', baseIncrement: '0.00000001', minMarketFunds: '1', price: 30_000 },
  { id: 'ETH-USD', base: 'ETH', quote: 'USD', quoteIncrement: '0.01', baseIncrement: '0.0001', minMarketFunds: '1', price: 2_000 },
];

export type FaultAction =
  /**
   * Answer with this status/body/headers instead of processing the request.
   * With `process`, the request takes effect first (e.g. the order is created,
   * then the client is told 500), as a server failing after the commit does.
   */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; process?: boolean }
  /** Process at once, but withhold the answer until `releaseHeld()` (e.g. a fill visible before the order's acknowledgement). */
  | { kind: 'hold' }
  /** Never answer. With `process`, the request takes effect first (the order exists). */
  | { kind: 'hang'; process?: boolean }
  /** Destroy the connection without answering. With `process`, after taking effect. */
  | { kind: 'reset'; process?: boolean }
  /** Process normally, then replace the JSON body by mutate(body). */
  | { kind: 'mutate'; mutate: (body: never) => unknown };

export interface FaultRule {
  method?: string;
  /** Matched against the path without the query: exact string, or RegExp. */
  path?: string | RegExp;
  /** How many matching requests the rule applies to (default 1). */
  times?: number;
  action: FaultAction;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number | 'hung' | 'reset';
  private: boolean;
}

export interface ServerOrder {
  id: string;
  client_oid?: string;
  product_id: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  price?: number;
  size: number;
  time_in_force: string;
  post_only: boolean;
  created_at: string;
  done_at?: string;
  done_reason?: string;
  status: 'pending' | 'open' | 'done';
  filled_size: number;
  executed_value: number;
  fill_fees: number;
  /** Quote (buy) or base (sell) currently held for this order. */
  hold: number;
  /** Placed by the app (through the API with our key) or outside it. */
  origin: 'api' | 'outside';
  seq: number;
}

interface ServerFill {
  trade_id: number;
  product_id: string;
  order_id: string;
  side: 'buy' | 'sell';
  liquidity: 'M' | 'T';
  price: number;
  size: number;
  fee: number;
  created_at: string;
}

interface PublicTrade {
  trade_id: number;
  side: 'buy' | 'sell';
  price: number;
  size: number;
  time: string;
  maker_order_id: string;
  taker_order_id: string;
}

interface Candle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface ProductState {
  spec: LoopbackProduct;
  bids: Level[];
  asks: Level[];
  candles: Map<number, Candle>;
  trades: PublicTrade[];
  volume24h: number;
}

interface WsRequest {
  type?: unknown;
  product_ids?: unknown[];
  channels?: (string | { name: unknown; product_ids?: unknown[] })[];
  key?: unknown;
  passphrase?: unknown;
  signature?: unknown;
  timestamp?: unknown;
}

interface WsSession {
  socket: WebSocket;
  channels: Map<string, Set<string>>;
  authed: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MINUTE = 60_000;
const PROFILE_ID = '8058d771-2d88-4f0f-ab6e-299c153d4308';
const USER_ID = '5844eceecf7e803e259d0365';

/** Decimal places of an increment string like '0.01'. */
function decimalsOf(inc: string): number {
  const i = inc.indexOf('.');
  return i < 0 ? 0 : inc.length - i - 1;
}

/** Exact check that the decimal string `value` is a whole multiple of `inc`. */
function isMultipleOf(value: string, inc: string): boolean {
  const d = Math.max(decimalsOf(value), decimalsOf(inc));
  const scale = (s: string): bigint => {
    const [w, f = ''] = s.split('.');
    return BigInt((w || '0') + f.padEnd(d, '0'));
  };
  const v = scale(value);
  const n = scale(inc);
  return n > 0n && v % n === 0n;
}

const round = (x: number, dp = 10): number => Math.round(x * 10 ** dp) / 10 ** dp;
const fmt = (x: number, dp: number): string => round(x, dp).toFixed(dp);
const decimalString = (x: number): string => fmt(x, 10).replace(/\.?0+$/, '') || '0';
const iso = (t: number): string => new Date(t).toISOString();

export class CoinbaseExchangeLoopback {
  readonly credentials: LoopbackCredentials;
  readonly requests: RequestRecord[] = [];
  readonly orders = new Map<string, ServerOrder>();
  /** Number of upgrade attempts refused while streams are disabled. */
  refusedStreams = 0;
  private readonly products = new Map<string, ProductState>();
  private readonly balances = new Map<string, { balance: number; hold: number; id: string }>();
  private readonly fills: ServerFill[] = [];
  private readonly faults: (FaultRule & { times: number })[] = [];
  private readonly held: (() => void)[] = [];
  private inFlightCount = 0;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<WsSession>();
  private wsMutate: ((msg: never) => unknown) | undefined;
  private streamsEnabled = true;
  private tradeSeq = 1000;
  private seq = 1;
  private readonly makerFee: number;
  private readonly takerFee: number;
  private readonly rejectDuplicates: boolean;
  private server!: Server;
  private wss!: WebSocketServer;
  private base = '';

  private constructor(opts: LoopbackOptions) {
    this.credentials = opts.credentials ?? LOOPBACK_CREDENTIALS;
    this.makerFee = opts.makerFeeRate ?? 0.004;
    this.takerFee = opts.takerFeeRate ?? 0.006;
    this.rejectDuplicates = opts.rejectDuplicateClientOid ?? true;
    const now = Date.now();
    const startMinute = now - (now % MINUTE);
    const history = opts.historyMinutes ?? 240;
    for (const spec of opts.products ?? DEFAULT_PRODUCTS) {
      const state: ProductState = { spec, bids: [], asks: [], candles: new Map(), trades: [], volume24h: 0 };
      this.products.set(spec.id, state);
      this.setBook(spec.id, defaultBook(spec));
      // deterministic candle history ending with the current minute
      const tick = Number(spec.quoteIncrement);
      let prev = spec.price;
      for (let i = history; i >= 0; i--) {
        const ts = startMinute - i * MINUTE;
        const close = round(Math.round((spec.price * (1 + 0.002 * Math.sin((history - i) / 5))) / tick) * tick, decimalsOf(spec.quoteIncrement));
        const high = Math.max(prev, close) + tick;
        const low = Math.min(prev, close) - tick;
        state.candles.set(ts, { ts, open: prev, high: round(high), low: round(low), close, volume: round(1 + ((history - i) % 7) * 0.25) });
        prev = close;
      }
    }
    const balances = opts.balances ?? { USD: 100_000, BTC: 0, ETH: 0 };
    const currencies = new Set<string>(Object.keys(balances));
    for (const p of this.products.values()) {
      currencies.add(p.spec.base);
      currencies.add(p.spec.quote);
    }
    for (const c of currencies) this.balances.set(c, { balance: balances[c] ?? 0, hold: 0, id: randomUUID() });
  }

  static async start(opts: LoopbackOptions = {}): Promise<CoinbaseExchangeLoopback> {
    const ex = new CoinbaseExchangeLoopback(opts);
    ex.server = createServer((req, res) => void ex.handle(req, res));
    ex.server.on('connection', (s: Socket) => {
      ex.sockets.add(s);
      s.on('close', () => ex.sockets.delete(s));
    });
    ex.wss = new WebSocketServer({ noServer: true });
    ex.server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/ws' || !ex.streamsEnabled) {
        ex.refusedStreams++;
        socket.write('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      ex.wss.handleUpgrade(req, socket, head, (ws) => ex.onWsConnection(ws));
    });
    await new Promise<void>((resolve) => ex.server.listen(0, '127.0.0.1', resolve));
    const { port } = ex.server.address() as AddressInfo;
    ex.base = `127.0.0.1:${port}`;
    return ex;
  }

  /** The URL map for ccxt's `urls.api` of coinbaseexchange. */
  get urls(): { public: string; private: string; ws: string } {
    return { public: `http://${this.base}`, private: `http://${this.base}`, ws: `ws://${this.base}/ws` };
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.socket.terminate();
    this.wss.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- control ------------------------------------------------------------

  inject(rule: FaultRule): void {
    this.faults.push({ ...rule, times: rule.times ?? 1 });
  }

  /** The next `times` matching requests answer with `status` and a Coinbase-style {message} body. */
  failNext(method: string, path: string | RegExp, status: number, message: string, times = 1, headers?: Record<string, string>): void {
    this.inject({ method, path, times, action: { kind: 'status', status, body: { message }, headers } });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Sends every answer withheld by a 'hold' fault, oldest first. Returns how many. */
  releaseHeld(): number {
    const list = this.held.splice(0);
    for (const send of list) send();
    return list.length;
  }

  /** Answers withheld by 'hold' faults, not released yet. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Requests received and not answered yet (held and hung ones included). */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Mutate every outgoing WebSocket message (return undefined to drop it); pass undefined to stop. */
  mutateStream(fn: ((msg: never) => unknown) | undefined): void {
    this.wsMutate = fn;
  }

  /** Closes every WebSocket connection abruptly. */
  dropStreams(): void {
    for (const s of this.sessions) s.socket.terminate();
  }

  /** While disabled, WebSocket upgrades are refused with 503. */
  setStreamsEnabled(on: boolean): void {
    this.streamsEnabled = on;
    if (!on) this.dropStreams();
  }

  get streamSessions(): number {
    return this.sessions.size;
  }

  /** Replaces the outside liquidity of a product (bids best-first descending, asks ascending). */
  setBook(productId: string, book: { bids: Level[]; asks: Level[] }): void {
    const p = this.product(productId);
    p.bids = book.bids.map((l) => ({ ...l })).sort((a, b) => b.price - a.price);
    p.asks = book.asks.map((l) => ({ ...l })).sort((a, b) => a.price - b.price);
    this.publishTicker(p);
  }

  setBalance(currency: string, amount: number): void {
    const b = this.balances.get(currency);
    if (b) b.balance = amount;
    else this.balances.set(currency, { balance: amount, hold: 0, id: randomUUID() });
  }

  balanceOf(currency: string): { balance: number; hold: number; available: number } {
    const b = this.balances.get(currency) ?? { balance: 0, hold: 0 };
    return { balance: round(b.balance), hold: round(b.hold), available: round(b.balance - b.hold) };
  }

  /** Orders placed through the API (optionally only those with this client_oid). */
  apiOrders(clientOid?: string): ServerOrder[] {
    return [...this.orders.values()].filter((o) => o.origin === 'api' && (clientOid === undefined || o.client_oid === clientOid));
  }

  /** Count of recorded requests matching method and path (string prefix or RegExp). */
  count(method: string, path: string | RegExp): number {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
  }

  /**
   * An outside participant's order of `size` on `side` that trades against our
   * resting orders on the other side whose price crosses `limitPrice` (any
   * price when omitted), best price first. Returns the size traded.
   */
  externalTrade(productId: string, side: 'buy' | 'sell', size: number, limitPrice?: number): number {
    const p = this.product(productId);
    let left = size;
    const takerId = randomUUID();
    const resting = [...this.orders.values()]
      .filter((o) => o.product_id === productId && o.status === 'open' && o.side !== side && o.type === 'limit')
      .filter((o) => limitPrice === undefined || (side === 'sell' ? o.price! >= limitPrice : o.price! <= limitPrice))
      .sort((a, b) => (side === 'sell' ? b.price! - a.price! : a.price! - b.price!) || a.seq - b.seq);
    for (const o of resting) {
      if (left <= 1e-12) break;
      const qty = round(Math.min(left, o.size - o.filled_size));
      if (qty <= 0) continue;
      this.fillOrder(p, o, o.price!, qty, 'M', o.id, takerId);
      left = round(left - qty);
    }
    return round(size - left);
  }

  /** The order is canceled outside the app (e.g. from the exchange's web page). */
  cancelOutside(orderId: string): void {
    const o = this.orders.get(orderId);
    if (!o || o.status === 'done') throw new Error(`loopback: order ${orderId} is not open`);
    this.finish(o, 'canceled');
  }

  /** The order's size is changed outside the app; published as a `change` message. */
  resizeOutside(orderId: string, newSize: number): void {
    const o = this.orders.get(orderId);
    if (!o || o.status === 'done') throw new Error(`loopback: order ${orderId} is not open`);
    if (newSize <= o.filled_size) throw new Error('loopback: new size must exceed the filled size');
    const p = this.product(o.product_id);
    const old = o.size;
    o.size = newSize;
    this.rehold(o);
    this.publishUser(p, {
      type: 'change',
      time: iso(Date.now()),
      sequence: this.nextSeq(),
      order_id: o.id,
      product_id: o.product_id,
      new_size: fmt(newSize - o.filled_size, decimalsOf(p.spec.baseIncrement)),
      old_size: fmt(old - o.filled_size, decimalsOf(p.spec.baseIncrement)),
      price: o.price !== undefined ? fmt(o.price, decimalsOf(p.spec.quoteIncrement)) : undefined,
      side: o.side,
    });
  }

  /** A limit order placed with our account from another client (no client_oid of ours). */
  placeOutside(productId: string, side: 'buy' | 'sell', size: number, price: number): ServerOrder {
    return this.createOrder(this.product(productId), { type: 'limit', side, size, price, tif: 'GTC', clientOid: undefined }, 'outside').order;
  }

  // ---- HTTP ---------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlightCount++;
    let counted = true;
    const done = (): void => {
      if (counted) this.inFlightCount--;
      counted = false;
    };
    res.on('close', done);
    try {
      await this.handleRequest(req, res);
    } finally {
      // hung and held requests stay in flight until answered or closed
      if (res.writableEnded) done();
    }
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://loopback');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodeURIComponent(url.pathname);
    const query = Object.fromEntries(url.searchParams.entries());
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = rawBody;
    }
    const isPrivate = isPrivatePath(method, path);
    const record: RequestRecord = { method, path, query, body, status: 200, private: isPrivate };
    this.requests.push(record);

    const ruleIndex = this.faults.findIndex(
      (f) => (f.method === undefined || f.method === method) && (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
    );
    const rule = ruleIndex >= 0 ? this.faults[ruleIndex] : undefined;
    if (rule) {
      rule.times -= 1;
      if (rule.times <= 0) this.faults.splice(ruleIndex, 1);
    }
    const action = rule?.action;
    if (action?.kind === 'status' && !action.process) {
      record.status = action.status;
      return this.send(res, action.status, action.body ?? { message: 'error' }, action.headers);
    }

    if ((action?.kind === 'hang' || action?.kind === 'reset') && !action.process) {
      // the request never reaches the matching engine
      record.status = action.kind === 'hang' ? 'hung' : 'reset';
      if (action.kind === 'reset') req.socket.destroy();
      return;
    }
    let status = 200;
    let out: unknown;
    try {
      if (isPrivate) this.authenticate(req, method, url.pathname + url.search, rawBody);
      out = this.route(method, path, query, body);
    } catch (e) {
      if (e instanceof HttpError) {
        status = e.status;
        out = { message: e.message };
      } else {
        status = 500;
        out = { message: 'Internal server error' };
      }
    }
    if (action?.kind === 'hang') {
      record.status = 'hung';
      return; // the response is never written; close() destroys the socket
    }
    if (action?.kind === 'reset') {
      record.status = 'reset';
      req.socket.destroy();
      return;
    }
    if (action?.kind === 'status') {
      // the request took effect; the client is told it failed
      record.status = action.status;
      return this.send(res, action.status, action.body ?? { message: 'error' }, action.headers);
    }
    if (action?.kind === 'mutate' && status === 200) out = action.mutate(structuredClone(out) as never);
    record.status = status;
    if (action?.kind === 'hold') {
      this.held.push(() => this.send(res, status, out));
      return;
    }
    this.send(res, status, out);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.writableEnded) return; // the client gave up on a held answer
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private authenticate(req: IncomingMessage, method: string, requestPath: string, rawBody: string): void {
    const h = req.headers;
    const key = h['cb-access-key'];
    const sign = h['cb-access-sign'];
    const ts = h['cb-access-timestamp'];
    const pass = h['cb-access-passphrase'];
    if (typeof key !== 'string' || key !== this.credentials.apiKey) throw new HttpError(401, 'Invalid API Key');
    if (typeof pass !== 'string' || pass !== this.credentials.passphrase) throw new HttpError(401, 'Invalid Passphrase');
    if (typeof ts !== 'string' || !Number.isFinite(Number(ts)) || Math.abs(Number(ts) * 1000 - Date.now()) > 30_000) {
      throw new HttpError(400, 'request timestamp expired');
    }
    const expected = createHmac('sha256', Buffer.from(this.credentials.secret, 'base64'))
      .update(ts + method + requestPath + rawBody)
      .digest('base64');
    if (sign !== expected) throw new HttpError(401, 'invalid signature');
  }

  private route(method: string, path: string, q: Record<string, string>, body: unknown): unknown {
    const seg = path.split('/').filter(Boolean);
    if (method === 'GET') {
      if (path === '/time') return { iso: iso(Date.now()), epoch: Date.now() / 1000 };
      if (path === '/currencies') return this.currencies();
      if (path === '/products') return [...this.products.values()].map((p) => productJson(p.spec));
      if (seg[0] === 'products' && seg.length >= 2) {
        const p = this.products.get(seg[1]!);
        if (!p) throw new HttpError(404, 'NotFound');
        if (seg.length === 2) return productJson(p.spec);
        if (seg[2] === 'ticker') return this.tickerJson(p);
        if (seg[2] === 'candles') return this.candlesJson(p, q);
        if (seg[2] === 'trades') return p.trades.slice(-Number(q.limit ?? 100)).reverse().map((t) => this.publicTradeJson(p, t));
        if (seg[2] === 'book') return this.bookJson(p);
      }
      if (path === '/accounts') return this.accountsJson();
      if (path === '/orders') return this.listOrders(q);
      if (seg[0] === 'orders' && seg.length === 2) return this.orderJson(this.findOrder(seg[1]!));
      if (path === '/fills') return this.listFills(q);
    }
    if (method === 'POST' && path === '/orders') return this.placeOrder(body);
    if (method === 'DELETE') {
      if (seg[0] === 'orders' && seg.length === 2) {
        const o = this.findOrder(seg[1]!);
        if (o.status === 'done') throw new HttpError(400, 'Order already done');
        this.finish(o, 'canceled');
        return o.id;
      }
      if (path === '/orders') {
        const ids: string[] = [];
        for (const o of this.orders.values()) {
          if (o.status !== 'done' && (q.product_id === undefined || o.product_id === q.product_id)) {
            this.finish(o, 'canceled');
            ids.push(o.id);
          }
        }
        return ids;
      }
    }
    throw new HttpError(404, 'NotFound');
  }

  private findOrder(ref: string): ServerOrder {
    if (ref.startsWith('client:')) {
      const oid = ref.slice('client:'.length);
      const matches = [...this.orders.values()].filter((o) => o.client_oid === oid);
      const o = matches[matches.length - 1];
      if (!o) throw new HttpError(404, 'NotFound');
      return o;
    }
    const o = this.orders.get(ref);
    if (!o) throw new HttpError(404, 'NotFound');
    return o;
  }

  private product(id: string): ProductState {
    const p = this.products.get(id);
    if (!p) throw new Error(`loopback: unknown product ${id}`);
    return p;
  }

  private currencies(): unknown[] {
    return [...this.balances.keys()].map((c) => ({
      id: c,
      name: c,
      min_size: c === 'USD' ? '0.01' : '0.00000001',
      status: 'online',
      message: '',
      max_precision: c === 'USD' ? '0.01' : '0.00000001',
      convertible_to: [],
      details: { type: c === 'USD' ? 'fiat' : 'crypto', symbol: null, sort_order: 0, push_payment_methods: [], group_types: [] },
      supported_networks: [],
      display_name: c,
    }));
  }

  private accountsJson(): unknown[] {
    return [...this.balances.entries()].map(([currency, b]) => ({
      id: b.id,
      currency,
      balance: decimalString(b.balance),
      available: decimalString(b.balance - b.hold),
      hold: decimalString(b.hold),
      profile_id: PROFILE_ID,
      trading_enabled: true,
    }));
  }

  private bestBid(p: ProductState): Level | undefined {
    const own = [...this.orders.values()].filter((o) => o.product_id === p.spec.id && o.status === 'open' && o.side === 'buy');
    let best = p.bids[0] ? { ...p.bids[0] } : undefined;
    for (const o of own) {
      const left = o.size - o.filled_size;
      if (!best || o.price! > best.price) best = { price: o.price!, size: left };
      else if (o.price === best.price) best.size += left;
    }
    return best;
  }

  private bestAsk(p: ProductState): Level | undefined {
    const own = [...this.orders.values()].filter((o) => o.product_id === p.spec.id && o.status === 'open' && o.side === 'sell');
    let best = p.asks[0] ? { ...p.asks[0] } : undefined;
    for (const o of own) {
      const left = o.size - o.filled_size;
      if (!best || o.price! < best.price) best = { price: o.price!, size: left };
      else if (o.price === best.price) best.size += left;
    }
    return best;
  }

  private lastPrice(p: ProductState): number {
    const t = p.trades[p.trades.length - 1];
    if (t) return t.price;
    let latest: Candle | undefined;
    for (const c of p.candles.values()) if (!latest || c.ts > latest.ts) latest = c;
    return latest?.close ?? p.spec.price;
  }

  private tickerJson(p: ProductState): unknown {
    const qd = decimalsOf(p.spec.quoteIncrement);
    const bd = decimalsOf(p.spec.baseIncrement);
    const t = p.trades[p.trades.length - 1];
    const bid = this.bestBid(p);
    const ask = this.bestAsk(p);
    return {
      ask: ask ? fmt(ask.price, qd) : undefined,
      bid: bid ? fmt(bid.price, qd) : undefined,
      volume: fmt(p.volume24h, bd),
      trade_id: t?.trade_id ?? 0,
      price: fmt(this.lastPrice(p), qd),
      size: fmt(t?.size ?? 0, bd),
      time: iso(t ? Date.parse(t.time) : Date.now()),
      rfq_volume: '0',
      conversions_volume: '0',
    };
  }

  private candlesJson(p: ProductState, q: Record<string, string>): unknown[] {
    const granularity = Number(q.granularity ?? 60);
    if (granularity !== 60) throw new HttpError(400, 'Unsupported granularity');
    let start: number;
    let end: number;
    if (q.start !== undefined || q.end !== undefined) {
      if (q.start === undefined || q.end === undefined) throw new HttpError(400, 'start and end must both be given');
      start = Date.parse(q.start);
      end = Date.parse(q.end);
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw new HttpError(400, 'Invalid start or end');
      if ((end - start) / (granularity * 1000) > 300) {
        throw new HttpError(400, 'granularity too small for the requested time range. Count of aggregations requested exceeds 300');
      }
    } else {
      end = Date.now();
      start = end - 300 * granularity * 1000;
    }
    const out = [...p.candles.values()]
      .filter((c) => c.ts >= start - (start % MINUTE) && c.ts <= end)
      .sort((a, b) => b.ts - a.ts)
      .slice(0, 300);
    return out.map((c) => [c.ts / 1000, c.low, c.high, c.open, c.close, round(c.volume, 8)]);
  }

  private bookJson(p: ProductState): unknown {
    const qd = decimalsOf(p.spec.quoteIncrement);
    const bd = decimalsOf(p.spec.baseIncrement);
    const bid = this.bestBid(p);
    const ask = this.bestAsk(p);
    const levels = (ls: Level[], best: Level | undefined): unknown[] => {
      const all = best && !ls.some((l) => l.price === best.price) ? [best, ...ls] : ls;
      return all.map((l) => [fmt(l.price, qd), fmt(l.size, bd), 1]);
    };
    return { sequence: this.seq, bids: levels(p.bids, bid), asks: levels(p.asks, ask), auction_mode: false, auction: null, time: iso(Date.now()) };
  }

  private publicTradeJson(p: ProductState, t: PublicTrade): unknown {
    return {
      time: t.time,
      trade_id: t.trade_id,
      price: fmt(t.price, decimalsOf(p.spec.quoteIncrement)),
      size: fmt(t.size, decimalsOf(p.spec.baseIncrement)),
      side: t.side,
    };
  }

  orderJson(o: ServerOrder): Record<string, unknown> {
    const p = this.product(o.product_id);
    const qd = decimalsOf(p.spec.quoteIncrement);
    const bd = decimalsOf(p.spec.baseIncrement);
    const out: Record<string, unknown> = {
      id: o.id,
      price: o.price !== undefined ? fmt(o.price, qd) : undefined,
      size: fmt(o.size, bd),
      product_id: o.product_id,
      profile_id: PROFILE_ID,
      side: o.side,
      type: o.type,
      time_in_force: o.time_in_force,
      post_only: o.post_only,
      created_at: o.created_at,
      fill_fees: decimalString(o.fill_fees),
      filled_size: fmt(o.filled_size, bd),
      executed_value: decimalString(o.executed_value),
      status: o.status,
      settled: o.status === 'done',
    };
    if (o.client_oid !== undefined) out.client_oid = o.client_oid;
    if (o.done_at) out.done_at = o.done_at;
    if (o.done_reason) out.done_reason = o.done_reason;
    return out;
  }

  private listOrders(q: Record<string, string>): unknown[] {
    const status = q.status ?? 'open';
    const wanted = status === 'all' ? null : new Set(status.split(',').flatMap((s) => (s === 'open' ? ['open', 'pending', 'active'] : [s])));
    return [...this.orders.values()]
      .filter((o) => (q.product_id === undefined || o.product_id === q.product_id) && (wanted === null || wanted.has(o.status)))
      .sort((a, b) => b.seq - a.seq)
      .slice(0, Number(q.limit ?? 100))
      .map((o) => this.orderJson(o));
  }

  private listFills(q: Record<string, string>): unknown[] {
    if (q.product_id === undefined && q.order_id === undefined) throw new HttpError(400, 'product_id or order_id is required');
    const after = q.start_date !== undefined ? Date.parse(q.start_date) : -Infinity;
    return this.fills
      .filter((f) => (q.product_id === undefined || f.product_id === q.product_id) && (q.order_id === undefined || f.order_id === q.order_id))
      .filter((f) => Date.parse(f.created_at) >= after)
      .slice()
      .reverse()
      .slice(0, Number(q.limit ?? 100))
      .map((f) => {
        const p = this.product(f.product_id);
        return {
          created_at: f.created_at,
          trade_id: f.trade_id,
          product_id: f.product_id,
          order_id: f.order_id,
          user_id: USER_ID,
          profile_id: PROFILE_ID,
          liquidity: f.liquidity,
          price: fmt(f.price, decimalsOf(p.spec.quoteIncrement)),
          size: fmt(f.size, decimalsOf(p.spec.baseIncrement)),
          fee: decimalString(f.fee),
          side: f.side,
          settled: true,
          usd_volume: decimalString(f.price * f.size),
        };
      });
  }

  // ---- orders -------------------------------------------------------------

  private placeOrder(raw: unknown): unknown {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'Invalid request body');
    const body = raw as Record<string, unknown>;
    const p = this.products.get(String(body.product_id));
    if (!p) throw new HttpError(400, 'Product not found');
    if (p.spec.status === 'offline') throw new HttpError(400, 'Trading pair not available');
    const side = body.side;
    if (side !== 'buy' && side !== 'sell') throw new HttpError(400, 'Invalid side');
    const type = body.type ?? 'limit';
    if (type !== 'limit' && type !== 'market') throw new HttpError(400, 'Invalid order type');
    const clientOid = body.client_oid === undefined ? undefined : String(body.client_oid);
    if (clientOid !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientOid)) {
      throw new HttpError(400, 'Invalid client_oid');
    }
    if (clientOid !== undefined && this.rejectDuplicates && [...this.orders.values()].some((o) => o.client_oid === clientOid)) {
      throw new HttpError(400, 'duplicate client_oid');
    }
    if (body.funds !== undefined) throw new HttpError(400, 'funds orders are not supported by this loopback');
    const sizeStr = body.size === undefined ? undefined : String(body.size);
    if (sizeStr === undefined || !/^\d+(\.\d+)?$/.test(sizeStr) || Number(sizeStr) <= 0) throw new HttpError(400, 'Invalid size');
    if (!isMultipleOf(sizeStr, p.spec.baseIncrement)) {
      throw new HttpError(400, `size is too accurate. Smallest unit is ${p.spec.baseIncrement}`);
    }
    const size = Number(sizeStr);
    let price: number | undefined;
    if (type === 'limit') {
      const priceStr = body.price === undefined ? undefined : String(body.price);
      if (priceStr === undefined || !/^\d+(\.\d+)?$/.test(priceStr) || Number(priceStr) <= 0) throw new HttpError(400, 'Invalid price');
      if (!isMultipleOf(priceStr, p.spec.quoteIncrement)) throw new HttpError(400, 'price too precise');
      price = Number(priceStr);
    }
    const tif = String(body.time_in_force ?? 'GTC').toUpperCase();
    if (!['GTC', 'IOC', 'FOK', 'GTT'].includes(tif)) throw new HttpError(400, 'Invalid time_in_force');
    // minimum notional
    const ref = price ?? (side === 'buy' ? this.bestAsk(p)?.price : this.bestBid(p)?.price) ?? this.lastPrice(p);
    if (ref * size < Number(p.spec.minMarketFunds)) {
      throw new HttpError(400, `size is too small. Minimum size is ${p.spec.minMarketFunds} ${p.spec.quote} of funds`);
    }
    // funds check
    if (side === 'buy') {
      const need = type === 'limit' ? price! * size * (1 + this.takerFee) : this.sweepCost(p.asks, size) * (1 + this.takerFee);
      if (need > this.available(p.spec.quote) + 1e-9) throw new HttpError(400, 'Insufficient funds');
    } else if (size > this.available(p.spec.base) + 1e-12) {
      throw new HttpError(400, 'Insufficient funds');
    }
    return this.createOrder(p, { type, side, size, price, tif, clientOid }, 'api').snapshot;
  }

  private createOrder(
    p: ProductState,
    r: { type: 'limit' | 'market'; side: 'buy' | 'sell'; size: number; price: number | undefined; tif: string; clientOid: string | undefined },
    origin: 'api' | 'outside',
  ): { order: ServerOrder; snapshot: unknown } {
    const o: ServerOrder = {
      id: randomUUID(),
      client_oid: r.clientOid,
      product_id: p.spec.id,
      side: r.side,
      type: r.type,
      price: r.price,
      size: r.size,
      time_in_force: r.type === 'market' ? 'GTC' : r.tif,
      post_only: false,
      created_at: iso(Date.now()),
      status: 'pending',
      filled_size: 0,
      executed_value: 0,
      fill_fees: 0,
      hold: 0,
      origin,
      seq: this.nextSeq(),
    };
    this.orders.set(o.id, o);
    const snapshot = this.orderJson(o);
    this.rehold(o);
    const bd = decimalsOf(p.spec.baseIncrement);
    const qd = decimalsOf(p.spec.quoteIncrement);
    this.publishUser(p, {
      type: 'received',
      time: o.created_at,
      product_id: o.product_id,
      sequence: this.nextSeq(),
      order_id: o.id,
      size: fmt(o.size, bd),
      price: o.price !== undefined ? fmt(o.price, qd) : undefined,
      side: o.side,
      order_type: o.type,
      client_oid: o.client_oid ?? '',
      user_id: USER_ID,
      profile_id: PROFILE_ID,
    });
    // take liquidity
    const book = o.side === 'buy' ? p.asks : p.bids;
    while (book.length && o.size - o.filled_size > 1e-12) {
      const lvl = book[0]!;
      if (o.type === 'limit' && (o.side === 'buy' ? lvl.price > o.price! : lvl.price < o.price!)) break;
      const qty = round(Math.min(lvl.size, o.size - o.filled_size));
      lvl.size = round(lvl.size - qty);
      if (lvl.size <= 1e-12) book.shift();
      this.fillOrder(p, o, lvl.price, qty, 'T', randomUUID(), o.id);
    }
    if (o.status !== 'done') {
      const left = o.size - o.filled_size;
      if (o.type === 'market' || o.time_in_force === 'IOC' || o.time_in_force === 'FOK') {
        // market orders and IOC take what there is; the rest is canceled
        this.finish(o, o.filled_size > 0 && left <= 1e-12 ? 'filled' : 'canceled');
      } else {
        o.status = 'open';
        this.publishUser(p, {
          type: 'open',
          time: iso(Date.now()),
          product_id: o.product_id,
          sequence: this.nextSeq(),
          order_id: o.id,
          price: fmt(o.price!, qd),
          remaining_size: fmt(left, bd),
          side: o.side,
          user_id: USER_ID,
          profile_id: PROFILE_ID,
        });
        this.publishTicker(p);
      }
    }
    return { order: o, snapshot };
  }

  private fillOrder(p: ProductState, o: ServerOrder, price: number, qty: number, liquidity: 'M' | 'T', makerId: string, takerId: string): void {
    const now = Date.now();
    const rate = liquidity === 'M' ? this.makerFee : this.takerFee;
    const value = round(price * qty);
    const fee = round(value * rate);
    const quote = this.balances.get(p.spec.quote)!;
    const base = this.balances.get(p.spec.base)!;
    o.filled_size = round(o.filled_size + qty);
    o.executed_value = round(o.executed_value + value);
    o.fill_fees = round(o.fill_fees + fee);
    if (o.side === 'buy') {
      quote.balance = round(quote.balance - value - fee);
      base.balance = round(base.balance + qty);
    } else {
      base.balance = round(base.balance - qty);
      quote.balance = round(quote.balance + value - fee);
    }
    this.rehold(o);
    const tradeId = ++this.tradeSeq;
    this.fills.push({ trade_id: tradeId, product_id: p.spec.id, order_id: o.id, side: o.side, liquidity, price, size: qty, fee, created_at: iso(now) });
    // the public trade's side is the maker's side
    const makerSide = liquidity === 'M' ? o.side : o.side === 'buy' ? 'sell' : 'buy';
    const trade: PublicTrade = { trade_id: tradeId, side: makerSide, price, size: qty, time: iso(now), maker_order_id: makerId, taker_order_id: takerId };
    p.trades.push(trade);
    if (p.trades.length > 1000) p.trades.shift();
    p.volume24h = round(p.volume24h + qty);
    const minute = now - (now % MINUTE);
    const c = p.candles.get(minute);
    if (c) {
      c.high = Math.max(c.high, price);
      c.low = Math.min(c.low, price);
      c.close = price;
      c.volume = round(c.volume + qty);
    } else {
      p.candles.set(minute, { ts: minute, open: price, high: price, low: price, close: price, volume: qty });
    }
    const qd = decimalsOf(p.spec.quoteIncrement);
    const bd = decimalsOf(p.spec.baseIncrement);
    const match = {
      type: 'match',
      trade_id: tradeId,
      sequence: this.nextSeq(),
      maker_order_id: makerId,
      taker_order_id: takerId,
      time: iso(now),
      product_id: p.spec.id,
      size: fmt(qty, bd),
      price: fmt(price, qd),
      side: makerSide,
    };
    this.publish(p.spec.id, 'matches', match);
    const userFields =
      liquidity === 'M'
        ? { maker_user_id: USER_ID, maker_profile_id: PROFILE_ID, maker_fee_rate: String(rate) }
        : { taker_user_id: USER_ID, taker_profile_id: PROFILE_ID, taker_fee_rate: String(rate) };
    this.publishUser(p, { ...match, user_id: USER_ID, profile_id: PROFILE_ID, ...userFields });
    if (o.size - o.filled_size <= 1e-12) this.finish(o, 'filled');
    this.publishTicker(p);
  }

  private finish(o: ServerOrder, reason: 'filled' | 'canceled'): void {
    const p = this.product(o.product_id);
    o.status = 'done';
    o.done_reason = reason;
    o.done_at = iso(Date.now());
    this.rehold(o);
    this.publishUser(p, {
      type: 'done',
      time: o.done_at,
      product_id: o.product_id,
      sequence: this.nextSeq(),
      price: o.price !== undefined ? fmt(o.price, decimalsOf(p.spec.quoteIncrement)) : undefined,
      order_id: o.id,
      reason,
      side: o.side,
      remaining_size: fmt(Math.max(0, o.size - o.filled_size), decimalsOf(p.spec.baseIncrement)),
      user_id: USER_ID,
      profile_id: PROFILE_ID,
    });
    this.publishTicker(p);
  }

  /** Recomputes the hold of an order from its remaining size. */
  private rehold(o: ServerOrder): void {
    const p = this.product(o.product_id);
    const want =
      o.status === 'done' || o.type === 'market'
        ? 0
        : o.side === 'buy'
          ? round(o.price! * (o.size - o.filled_size) * (1 + this.takerFee))
          : round(o.size - o.filled_size);
    const cur = this.balances.get(o.side === 'buy' ? p.spec.quote : p.spec.base)!;
    cur.hold = round(Math.max(0, cur.hold - o.hold + want));
    o.hold = want;
  }

  private available(currency: string): number {
    const b = this.balances.get(currency);
    return b ? b.balance - b.hold : 0;
  }

  private sweepCost(levels: Level[], size: number): number {
    let left = size;
    let cost = 0;
    for (const l of levels) {
      const q = Math.min(left, l.size);
      cost += q * l.price;
      left -= q;
      if (left <= 1e-12) break;
    }
    return cost;
  }

  private nextSeq(): number {
    return ++this.seq;
  }

  // ---- WebSocket feed -----------------------------------------------------

  private onWsConnection(socket: WebSocket): void {
    const session: WsSession = { socket, channels: new Map(), authed: false };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('error', () => this.sessions.delete(session));
    socket.on('message', (data) => {
      let msg: WsRequest;
      try {
        msg = JSON.parse(String(data)) as WsRequest;
      } catch {
        return this.wsSend(session, { type: 'error', message: 'Failed to parse message', reason: 'invalid JSON' });
      }
      if (msg?.type !== 'subscribe' && msg?.type !== 'unsubscribe') {
        return this.wsSend(session, { type: 'error', message: 'Failed to subscribe', reason: `unknown message type ${String(msg?.type)}` });
      }
      const productIds: string[] = Array.isArray(msg.product_ids) ? msg.product_ids.map(String) : [];
      const channels: { name: string; product_ids: string[] }[] = (Array.isArray(msg.channels) ? msg.channels : []).map((c) =>
        typeof c === 'string' ? { name: c, product_ids: productIds } : { name: String(c.name), product_ids: (c.product_ids ?? productIds).map(String) },
      );
      if (channels.some((c) => c.name === 'user') || msg.signature !== undefined) {
        const ok =
          msg.key === this.credentials.apiKey &&
          msg.passphrase === this.credentials.passphrase &&
          msg.signature ===
            createHmac('sha256', Buffer.from(this.credentials.secret, 'base64'))
              .update(String(msg.timestamp) + 'GET' + '/users/self/verify')
              .digest('base64');
        if (!ok) return this.wsSend(session, { type: 'error', message: 'Authentication Failed', reason: 'invalid key, passphrase or signature' });
        session.authed = true;
      }
      for (const c of channels) {
        for (const id of c.product_ids) {
          if (!this.products.has(id)) return this.wsSend(session, { type: 'error', message: 'Failed to subscribe', reason: `${id} is not a valid product` });
        }
        const set = session.channels.get(c.name) ?? new Set<string>();
        for (const id of c.product_ids) {
          if (msg.type === 'subscribe') set.add(id);
          else set.delete(id);
        }
        session.channels.set(c.name, set);
      }
      this.wsSend(session, {
        type: 'subscriptions',
        channels: [...session.channels.entries()].map(([name, ids]) => ({ name, product_ids: [...ids] })),
      });
      if (msg.type === 'subscribe') {
        for (const c of channels) {
          if (c.name === 'ticker') for (const id of c.product_ids) this.wsSend(session, this.wsTicker(this.product(id)));
        }
      }
    });
  }

  private wsSend(session: WsSession, msg: unknown): void {
    const out = this.wsMutate ? this.wsMutate(structuredClone(msg) as never) : msg;
    if (out === undefined) return;
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(out));
  }

  private publish(productId: string, channel: string, msg: unknown): void {
    for (const s of this.sessions) if (s.channels.get(channel)?.has(productId)) this.wsSend(s, msg);
  }

  private publishUser(p: ProductState, msg: Record<string, unknown>): void {
    for (const s of this.sessions) if (s.authed && s.channels.get('user')?.has(p.spec.id)) this.wsSend(s, msg);
  }

  private publishTicker(p: ProductState): void {
    if (!this.sessions.size) return;
    this.publish(p.spec.id, 'ticker', this.wsTicker(p));
  }

  private wsTicker(p: ProductState): unknown {
    const qd = decimalsOf(p.spec.quoteIncrement);
    const bd = decimalsOf(p.spec.baseIncrement);
    const bid = this.bestBid(p);
    const ask = this.bestAsk(p);
    const t = p.trades[p.trades.length - 1];
    const last = this.lastPrice(p);
    return {
      type: 'ticker',
      sequence: this.nextSeq(),
      product_id: p.spec.id,
      price: fmt(last, qd),
      open_24h: fmt(p.spec.price, qd),
      volume_24h: fmt(p.volume24h, bd),
      low_24h: fmt(Math.min(last, p.spec.price), qd),
      high_24h: fmt(Math.max(last, p.spec.price), qd),
      volume_30d: fmt(p.volume24h, bd),
      best_bid: bid ? fmt(bid.price, qd) : undefined,
      best_bid_size: bid ? fmt(bid.size, bd) : undefined,
      best_ask: ask ? fmt(ask.price, qd) : undefined,
      best_ask_size: ask ? fmt(ask.size, bd) : undefined,
      side: t?.side ?? 'buy',
      time: iso(Date.now()),
      trade_id: t?.trade_id ?? 0,
      last_size: fmt(t?.size ?? 0, bd),
    };
  }
}

function isPrivatePath(method: string, path: string): boolean {
  if (method !== 'GET') return true;
  return path === '/accounts' || path === '/orders' || path.startsWith('/orders/') || path === '/fills';
}

function productJson(s: LoopbackProduct): unknown {
  return {
    id: s.id,
    base_currency: s.base,
    quote_currency: s.quote,
    quote_increment: s.quoteIncrement,
    base_increment: s.baseIncrement,
    display_name: `${s.base}/${s.quote}`,
    min_market_funds: s.minMarketFunds,
    margin_enabled: false,
    post_only: false,
    limit_only: false,
    cancel_only: false,
    status: s.status ?? 'online',
    status_message: '',
    trading_disabled: false,
    fx_stablecoin: false,
    max_slippage_percentage: '0.02000000',
    auction_mode: false,
    high_bid_limit_percentage: '',
  };
}

/** Five levels a side around the reference price, 1, 2, 3, 4, 5 units deep. */
export function defaultBook(spec: LoopbackProduct): { bids: Level[]; asks: Level[] } {
  const tick = Number(spec.quoteIncrement);
  const dp = decimalsOf(spec.quoteIncrement);
  const step = Math.max(tick, Math.round((spec.price * 0.0001) / tick) * tick);
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < 5; i++) {
    bids.push({ price: round(spec.price - step * (i + 1), dp), size: i + 1 });
    asks.push({ price: round(spec.price + step * (i + 1), dp), size: i + 1 });
  }
  return { bids, asks };
}
