// Loopback Alpaca: a node:http + ws server on 127.0.0.1 (port 0) that reproduces
// the documented behaviour of Alpaca's Trading API (REST + trade_updates stream)
// and Market Data API (REST bars + the v2 stock stream) closely enough for the
// real @alpacahq/alpaca-trade-api SDK to run against it unmodified.
//
// What it reproduces (wire shapes follow docs.alpaca.markets):
// - REST auth via APCA-API-KEY-ID / APCA-API-SECRET-KEY headers: a bad pair gets
//   401 {code: 40110000, message: 'request is not authorized'} (or 403 forbidden).
// - /v2/account, /v2/positions, /v2/assets[/{symbol}], /v2/clock, /v2/calendar.
// - /v2/orders (POST/GET/DELETE = cancel all, 207), /v2/orders/{id} (GET/PATCH/DELETE),
//   /v2/orders:by_client_order_id. Numbers travel as strings, like Alpaca.
//   Errors: 403 {code: 40310000} insufficient buying power / qty, 422
//   {code: 40010001} 'client_order_id must be unique', invalid fields, unknown
//   asset; 404 {code: 40410000} unknown order; 422 {code: 42210000} not cancelable.
// - Matching: market orders fill at the symbol's price (or a scripted list of
//   partial fills); limit orders rest until marketable (setPrice) or filled by
//   hand (fill()); IOC remainders cancel.
// - trade_updates stream at /stream (JSON in binary frames, like the paper
//   endpoint): {action:'auth'|'authenticate'} -> {stream:'authorization'},
//   {action:'listen'} -> {stream:'listening'}, then events new / partial_fill /
//   fill / canceled / expired / rejected / replaced / order_cancel_rejected...
//   Missed events are NOT replayed after a reconnect (as on Alpaca).
// - Market data stream at /v2/{iex|sip|delayed_sip} (msgpack when the client
//   sends Content-Type: application/msgpack, else JSON): 'connected' greeting,
//   {action:'auth'} -> authenticated / 402 auth failed, subscribe -> subscription
//   message, 405 'symbol limit exceeded' past the feed's symbol limit (30 on IEX).
// - /v2/stocks/{symbol}/bars and /v2/stocks/bars with limit / sort / start / end
//   and opaque next_page_token pagination; /v2/stocks/trades/latest.
// Fault hooks: failNext (429 + Retry-After, 5xx, any status), hangNext (a request
// that never answers, optionally after processing it), corruptNext (mutate a
// response body), rejectNextOrder (async reject on the stream), cutTradeStream /
// restoreTradeStream and dropDataStream (streams lost mid-order), scripted
// partial fills, external orders / positions, raw stream frames, latency.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { nyseSessionFor, newYorkOffsetMs } from '../../../src/engine/data/calendar.js';
import { LiveClock } from '../../../src/engine/core/clock.js';
import type { AlpacaVenueOptions } from '../../../src/engine/venues/alpaca/options.js';

// ---- tiny msgpack codec (the subset Alpaca's market-data stream uses) --------

/** Marks a value to be encoded as a msgpack timestamp (ext -1), like Alpaca's `t` fields. */
export class MsgpackTimestamp {
  constructor(readonly ms: number) {}
}

export function msgpackEncode(value: unknown): Buffer {
  const out: number[] = [];
  const u8 = (n: number): void => void out.push(n & 0xff);
  const u16 = (n: number): void => { u8(n >>> 8); u8(n); };
  const u32 = (n: number): void => { u8(n >>> 24); u8(n >>> 16); u8(n >>> 8); u8(n); };
  const bytes = (b: Uint8Array): void => { for (const x of b) out.push(x); };
  const enc = (v: unknown): void => {
    if (v === null || v === undefined) return u8(0xc0);
    if (v === true) return u8(0xc3);
    if (v === false) return u8(0xc2);
    if (v instanceof MsgpackTimestamp || v instanceof Date) {
      const ms = v instanceof Date ? v.getTime() : v.ms;
      const sec = Math.floor(ms / 1000);
      const nsec = Math.round((ms - sec * 1000) * 1e6);
      u8(0xc7); u8(12); u8(0xff); u32(nsec);
      u32(Math.floor(sec / 2 ** 32)); u32(sec >>> 0);
      return;
    }
    if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 32) {
        if (v >= 0) {
          if (v < 128) return u8(v);
          if (v < 256) { u8(0xcc); return u8(v); }
          if (v < 65536) { u8(0xcd); return u16(v); }
          u8(0xce); return u32(v);
        }
        if (v >= -32) return u8(0xe0 | (v + 32));
        if (v >= -128) { u8(0xd0); return u8(v); }
        if (v >= -32768) { u8(0xd1); return u16(v); }
        if (v >= -(2 ** 31)) { u8(0xd2); return u32(v); }
      }
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v);
      u8(0xcb);
      return bytes(b);
    }
    if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      if (b.length < 32) u8(0xa0 | b.length);
      else if (b.length < 256) { u8(0xd9); u8(b.length); }
      else if (b.length < 65536) { u8(0xda); u16(b.length); }
      else { u8(0xdb); u32(b.length); }
      return bytes(b);
    }
    if (Array.isArray(v)) {
      if (v.length < 16) u8(0x90 | v.length);
      else if (v.length < 65536) { u8(0xdc); u16(v.length); }
      else { u8(0xdd); u32(v.length); }
      for (const x of v) enc(x);
      return;
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length < 16) u8(0x80 | entries.length);
      else if (entries.length < 65536) { u8(0xde); u16(entries.length); }
      else { u8(0xdf); u32(entries.length); }
      for (const [k, x] of entries) { enc(k); enc(x); }
      return;
    }
    throw new TypeError(`msgpack: cannot encode ${typeof v}`);
  };
  enc(value);
  return Buffer.from(out);
}

export function msgpackDecode(buf: Uint8Array): unknown {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = 0;
  const str = (n: number): string => { const s = b.toString('utf8', i, i + n); i += n; return s; };
  const arr = (n: number): unknown[] => { const a: unknown[] = []; for (let k = 0; k < n; k++) a.push(dec()); return a; };
  const map = (n: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) { const key = String(dec()); o[key] = dec(); }
    return o;
  };
  const ext = (n: number): unknown => { i += 1 + n; return null; };
  const dec = (): unknown => {
    const t = b[i++]!;
    if (t < 0x80) return t;
    if (t < 0x90) return map(t & 0x0f);
    if (t < 0xa0) return arr(t & 0x0f);
    if (t < 0xc0) return str(t & 0x1f);
    if (t >= 0xe0) return t - 256;
    switch (t) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: { const n = b[i++]!; const r = b.subarray(i, i + n); i += n; return r; }
      case 0xc5: { const n = b.readUInt16BE(i); i += 2; const r = b.subarray(i, i + n); i += n; return r; }
      case 0xc6: { const n = b.readUInt32BE(i); i += 4; const r = b.subarray(i, i + n); i += n; return r; }
      case 0xc7: { const n = b[i++]!; return ext(n); }
      case 0xc8: { const n = b.readUInt16BE(i); i += 2; return ext(n); }
      case 0xc9: { const n = b.readUInt32BE(i); i += 4; return ext(n); }
      case 0xca: { const v = b.readFloatBE(i); i += 4; return v; }
      case 0xcb: { const v = b.readDoubleBE(i); i += 8; return v; }
      case 0xcc: return b[i++]!;
      case 0xcd: { const v = b.readUInt16BE(i); i += 2; return v; }
      case 0xce: { const v = b.readUInt32BE(i); i += 4; return v; }
      case 0xcf: { const v = Number(b.readBigUInt64BE(i)); i += 8; return v; }
      case 0xd0: { const v = b.readInt8(i); i += 1; return v; }
      case 0xd1: { const v = b.readInt16BE(i); i += 2; return v; }
      case 0xd2: { const v = b.readInt32BE(i); i += 4; return v; }
      case 0xd3: { const v = Number(b.readBigInt64BE(i)); i += 8; return v; }
      case 0xd4: return ext(1);
      case 0xd5: return ext(2);
      case 0xd6: return ext(4);
      case 0xd7: return ext(8);
      case 0xd8: return ext(16);
      case 0xd9: { const n = b[i++]!; return str(n); }
      case 0xda: { const n = b.readUInt16BE(i); i += 2; return str(n); }
      case 0xdb: { const n = b.readUInt32BE(i); i += 4; return str(n); }
      case 0xdc: { const n = b.readUInt16BE(i); i += 2; return arr(n); }
      case 0xdd: { const n = b.readUInt32BE(i); i += 4; return arr(n); }
      case 0xde: { const n = b.readUInt16BE(i); i += 2; return map(n); }
      case 0xdf: { const n = b.readUInt32BE(i); i += 4; return map(n); }
      default: throw new TypeError(`msgpack: unsupported type byte 0x${t.toString(16)}`);
    }
  };
  return dec();
}

// ---- model ----------------------------------------------------------------

export interface LoopbackAsset {
  symbol: string;
  name?: string;
  assetClass?: 'us_equity' | 'crypto';
  exchange?: string;
  tradable?: boolean;
  shortable?: boolean;
  easyToBorrow?: boolean;
  fractionable?: boolean;
  marginable?: boolean;
  /** Last trade price, used for market fills, valuations and /trades/latest. */
  price: number;
}

export interface LoopbackBar {
  /** Bar open time, epoch ms. */
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n?: number;
  vw?: number;
}

export interface ServerOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  asset_id: string;
  asset_class: string;
  side: 'buy' | 'sell';
  type: string;
  time_in_force: string;
  qty: number;
  limit_price: number | null;
  filled_qty: number;
  filled_avg_price: number | null;
  status: string;
  created_at: number;
  updated_at: number;
  submitted_at: number;
  filled_at: number | null;
  canceled_at: number | null;
  expired_at: number | null;
  failed_at: number | null;
  replaced_at: number | null;
  replaced_by: string | null;
  replaces: string | null;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

interface RouteMatch {
  method?: string;
  path: string | RegExp;
}

interface FailSpec {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs when the fault fires, before the answer (e.g. to let a 'late' original land). */
  onHit?: (req: RecordedRequest) => void;
  /** The request takes effect (e.g. the order is created) before the failure is answered. */
  process?: boolean;
  /** Answer only after this many ms (a slow read). */
  delayMs?: number;
}

interface Fault {
  match: RouteMatch;
  remaining: number;
  kind: 'fail' | 'hang' | 'corrupt';
  fail?: FailSpec;
  /** hang: run the handler (state changes, stream events) but never answer. */
  process?: boolean;
  mutate?: (body: unknown) => unknown;
}

interface HandlerResult {
  status: number;
  /** An object (sent as JSON), JSON text, or JSON bytes in pieces (JsonPieces). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A JSON answer as UTF-8 pieces, written one after another (no concatenated copy). */
class JsonPieces {
  constructor(readonly pieces: Buffer[]) {}
  get length(): number {
    return this.pieces.reduce((n, p) => n + p.length, 0);
  }
}

/** One bar of a bars page: its symbol, the bar, and its index in the symbol's aggregated list. */
interface PageEntry {
  s: string;
  b: LoopbackBar;
  i: number;
}

/** A bar as Alpaca's REST API sends it. */
/** A bar as Alpaca writes it: RFC 3339 time to the second ("2024-01-02T05:00:00Z"), short keys. */
function wireBar(b: LoopbackBar): Record<string, unknown> {
  return { t: new Date(b.t).toISOString().replace('.000Z', 'Z'), o: b.o, h: b.h, l: b.l, c: b.c, v: b.v, n: b.n ?? 1, vw: b.vw ?? b.c };
}

export interface AlpacaLoopbackOptions {
  keyId?: string;
  secret?: string;
  cash?: number;
  assets?: LoopbackAsset[];
  /** Delay before every REST answer, ms. */
  latencyMs?: number;
  /** Status for bad REST credentials (Alpaca answers 401; some gateways 403). */
  authFailureStatus?: 401 | 403;
  /** Server time; defaults to Date.now. */
  now?: () => number;
  /** Symbols allowed per market-data connection, per feed (IEX free plan: 30). */
  symbolLimit?: Partial<Record<'iex' | 'sip' | 'delayed_sip', number>>;
}

export const DEFAULT_ASSETS: LoopbackAsset[] = [
  { symbol: 'AAPL', name: 'Apple Inc. Common Stock', price: 190, fractionable: true, shortable: true, easyToBorrow: true },
  { symbol: 'MSFT', name: 'Microsoft Corporation Common Stock', price: 410, fractionable: true, shortable: true, easyToBorrow: true },
  { symbol: 'SPY', name: 'SPDR S&P 500 ETF Trust', exchange: 'ARCA', price: 500, fractionable: false, shortable: true, easyToBorrow: true },
  { symbol: 'PNNY', name: 'Penny Holdings Corp', price: 0.5, fractionable: false, shortable: false, easyToBorrow: false },
];

const ERR_UNAUTHORIZED = { code: 40110000, message: 'request is not authorized' };

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toFixed(9)));
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

type TradeClient = { ws: WebSocket; authed: boolean; listening: boolean; binary: boolean };
type DataClient = {
  ws: WebSocket;
  feed: 'iex' | 'sip' | 'delayed_sip';
  authed: boolean;
  msgpack: boolean;
  subs: { trades: Set<string>; quotes: Set<string>; bars: Set<string> };
};

export class AlpacaLoopbackServer {
  readonly keyId: string;
  readonly secret: string;
  readonly requests: RecordedRequest[] = [];
  readonly orders: ServerOrder[] = [];
  readonly positions = new Map<string, { qty: number; avg: number }>();
  readonly assets = new Map<string, LoopbackAsset & { id: string }>();
  /** Every trade update sent (or attempted while the stream was cut). */
  readonly tradeUpdatesSent: Array<{ delivered: boolean; data: Record<string, unknown> }> = [];
  cash: number;
  latencyMs: number;
  authFailureStatus: 401 | 403;
  /** When true the trade_updates stream rejects every auth (REST still works). */
  tradeStreamAuthFails = false;
  /** Per-NY-date overrides of the calendar: null closes the day, or custom hours. */
  readonly calendarOverrides = new Map<string, { open: string; close: string } | null>();

  /**
   * The market open around the clock from yesterday to tomorrow (UTC dates, so whichever New York date it
   * is), whatever the wall clock says: each day 00:00-24:00, no closed minute at midnight between them (a
   * test running across New York's midnight once found the market shut from 23:59).
   */
  openAllDay(): void {
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    for (const k of [-1, 0, 1]) this.calendarOverrides.set(new Date(today + k * 86_400_000).toISOString().slice(0, 10), { open: '00:00', close: '24:00' });
  }
  readonly now: () => number;

  private readonly server: http.Server;
  private readonly wssTrade = new WebSocketServer({ noServer: true });
  private readonly wssData = new WebSocketServer({ noServer: true });
  private readonly tradeClients = new Set<TradeClient>();
  private readonly dataClients = new Set<DataClient>();
  private readonly sockets = new Set<Socket>();
  private readonly faults: Fault[] = [];
  /** DELETE /v2/orders (cancel all) requests served. */
  cancelAllRequests = 0;
  private readonly bars = new Map<string, LoopbackBar[]>();
  private readonly symbolLimit: Record<'iex' | 'sip' | 'delayed_sip', number>;
  private scriptedFills: Array<{ qty: number; price: number }> | null = null;
  private rejectNext: string | null = null;
  private tradeStreamCut = false;
  private seq = 0;
  private closed = false;

  private constructor(opts: AlpacaLoopbackOptions) {
    this.keyId = opts.keyId ?? 'test-key';
    this.secret = opts.secret ?? 'test-secret';
    this.cash = opts.cash ?? 100_000;
    this.latencyMs = opts.latencyMs ?? 0;
    this.authFailureStatus = opts.authFailureStatus ?? 401;
    this.now = opts.now ?? Date.now;
    this.symbolLimit = { iex: 30, sip: 10_000, delayed_sip: 10_000, ...opts.symbolLimit };
    for (const a of opts.assets ?? DEFAULT_ASSETS) this.addAsset(a);
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
  }

  static async start(opts: AlpacaLoopbackOptions = {}): Promise<AlpacaLoopbackServer> {
    const s = new AlpacaLoopbackServer(opts);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Endpoint overrides for AlpacaVenue (REST bases, trade stream URL, data stream base). */
  endpoints(): { rest: string; data: string; stream: string; dataStream: string } {
    const base = `127.0.0.1:${this.port}`;
    return { rest: `http://${base}`, data: `http://${base}`, stream: `ws://${base}/stream`, dataStream: `ws://${base}` };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.tradeClients) c.ws.terminate();
    for (const c of this.dataClients) c.ws.terminate();
    this.wssTrade.close();
    this.wssData.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- inspection ---------------------------------------------------------

  /** Requests seen for a method and exact path. */
  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  orderByClientId(clientOrderId: string): ServerOrder | undefined {
    return this.orders.find((o) => o.client_order_id === clientOrderId);
  }

  get tradeStreamClients(): number {
    return [...this.tradeClients].filter((c) => c.listening).length;
  }

  get dataStreamClients(): number {
    return [...this.dataClients].filter((c) => c.authed).length;
  }

  // ---- state setup --------------------------------------------------------

  addAsset(a: LoopbackAsset): void {
    this.assets.set(a.symbol, { ...a, id: randomUUID() });
  }

  setPrice(symbol: string, price: number): void {
    const a = this.assets.get(symbol);
    if (!a) throw new Error(`unknown asset ${symbol}`);
    a.price = price;
    for (const o of this.orders) {
      if (o.symbol !== symbol || !this.isOpen(o) || o.type !== 'limit' || o.limit_price === null) continue;
      if ((o.side === 'buy' && price <= o.limit_price) || (o.side === 'sell' && price >= o.limit_price)) {
        this.executeFill(o, o.qty - o.filled_qty, o.limit_price);
      }
    }
  }

  /** A position changed outside the app (another client, a corporate action...). */
  setPosition(symbol: string, qty: number, avgPrice: number): void {
    if (qty === 0) this.positions.delete(symbol);
    else this.positions.set(symbol, { qty, avg: avgPrice });
  }

  setBars(symbol: string, bars: LoopbackBar[]): void {
    this.bars.set(symbol, [...bars].sort((a, b) => a.t - b.t));
    this.aggregated.clear();
    this.wire.clear();
  }

  /** `count` 1-minute bars ending with the bar that opened at `lastOpen`. */
  static minuteBars(count: number, lastOpen: number, start = 100): LoopbackBar[] {
    const out: LoopbackBar[] = [];
    const first = lastOpen - (count - 1) * 60_000;
    for (let k = 0; k < count; k++) {
      const o = Number((start + (k % 50) * 0.01).toFixed(2));
      const c = Number((o + 0.02).toFixed(2));
      out.push({ t: first + k * 60_000, o, h: Number((c + 0.03).toFixed(2)), l: Number((o - 0.03).toFixed(2)), c, v: 100 + k, n: 5, vw: o });
    }
    return out;
  }

  // ---- fault injection ----------------------------------------------------

  /** The next `times` matching requests get `spec` instead of being processed (status 200 + delayMs: a slow, correct answer). */
  failNext(match: RouteMatch, spec: FailSpec, times = 1): void {
    this.faults.push({ match, remaining: times, kind: 'fail', fail: spec });
  }

  /** The next matching request never gets an answer; with process=true it still takes effect. */
  hangNext(match: RouteMatch, opts: { process?: boolean; times?: number } = {}): void {
    this.faults.push({ match, remaining: opts.times ?? 1, kind: 'hang', process: opts.process ?? false });
  }

  /** The next successful matching response body is passed through `mutate`. */
  corruptNext(match: RouteMatch, mutate: (body: unknown) => unknown, times = 1): void {
    this.faults.push({ match, remaining: times, kind: 'corrupt', mutate });
  }

  /** The next accepted order is rejected asynchronously (a 'rejected' trade update). */
  rejectNextOrder(reason = 'rejected by exchange'): void {
    this.rejectNext = reason;
  }

  /** The next market (or marketable) order fills in these slices instead of all at once. */
  scriptNextFills(fills: Array<{ qty: number; price: number }>): void {
    this.scriptedFills = fills;
  }

  /** Drops every trade_updates connection and refuses new ones until restoreTradeStream(). */
  cutTradeStream(): void {
    this.tradeStreamCut = true;
    for (const c of this.tradeClients) c.ws.terminate();
  }

  restoreTradeStream(): void {
    this.tradeStreamCut = false;
  }

  /** Drops the trade_updates connections once; clients may reconnect at once. */
  dropTradeStream(): void {
    for (const c of this.tradeClients) c.ws.terminate();
  }

  dropDataStream(): void {
    for (const c of this.dataClients) c.ws.terminate();
  }

  // ---- order actions from outside the app ----------------------------------

  /** Fills `qty` of an open order at `price` (a resting limit order trading). */
  fill(clientOrderId: string, qty: number, price: number): void {
    const o = this.orderByClientId(clientOrderId);
    if (!o || !this.isOpen(o)) throw new Error(`no open order ${clientOrderId}`);
    this.executeFill(o, qty, price);
  }

  /** Cancels an order as the venue would (end of day, risk desk, another client). */
  cancelFromVenue(clientOrderId: string): void {
    const o = this.orderByClientId(clientOrderId);
    if (!o || !this.isOpen(o)) throw new Error(`no open order ${clientOrderId}`);
    this.cancel(o);
  }

  /** An order placed outside the app (web UI, another program). */
  externalOrder(o: { clientOrderId?: string; symbol: string; side: 'buy' | 'sell'; qty: number; type?: 'market' | 'limit'; limitPrice?: number }): ServerOrder {
    const r = this.createOrder({
      symbol: o.symbol,
      side: o.side,
      qty: fmt(o.qty),
      type: o.type ?? 'limit',
      time_in_force: 'day',
      limit_price: o.limitPrice === undefined ? undefined : fmt(o.limitPrice),
      client_order_id: o.clientOrderId ?? randomUUID(),
    });
    if (r.status !== 200) throw new Error(`external order refused: ${JSON.stringify(r.body)}`);
    return this.orders[this.orders.length - 1]!;
  }

  /** Pushes a raw trade_updates `data` payload (may be malformed on purpose). */
  sendTradeUpdate(data: Record<string, unknown>): void {
    this.broadcastTrade(data);
  }

  /** Wire form of an order, as REST and trade updates carry it. */
  wireOrder(o: ServerOrder): Record<string, unknown> {
    return {
      id: o.id,
      client_order_id: o.client_order_id,
      created_at: iso(o.created_at),
      updated_at: iso(o.updated_at),
      submitted_at: iso(o.submitted_at),
      filled_at: iso(o.filled_at),
      expired_at: iso(o.expired_at),
      canceled_at: iso(o.canceled_at),
      failed_at: iso(o.failed_at),
      replaced_at: iso(o.replaced_at),
      replaced_by: o.replaced_by,
      replaces: o.replaces,
      asset_id: o.asset_id,
      symbol: o.symbol,
      asset_class: o.asset_class,
      notional: null,
      qty: fmt(o.qty),
      filled_qty: fmt(o.filled_qty),
      filled_avg_price: o.filled_avg_price === null ? null : fmt(o.filled_avg_price),
      order_class: 'simple',
      order_type: o.type,
      type: o.type,
      side: o.side,
      position_intent: o.side === 'buy' ? 'buy_to_open' : 'sell_to_close',
      time_in_force: o.time_in_force,
      limit_price: o.limit_price === null ? null : fmt(o.limit_price),
      stop_price: null,
      status: o.status,
      extended_hours: false,
      legs: null,
      trail_percent: null,
      trail_price: null,
      hwm: null,
    };
  }

  // ---- market data pushes -------------------------------------------------

  /** Sends a minute bar ('b') to subscribers; fields may be malformed on purpose. */
  pushBar(bar: { S: string; t: number } & Record<string, unknown>): void {
    this.broadcastData('bars', bar.S, { T: 'b', ...bar, t: new MsgpackTimestamp(bar.t) });
  }

  pushQuote(q: { S: string; t: number } & Record<string, unknown>): void {
    this.broadcastData('quotes', q.S, { T: 'q', bx: 'V', ax: 'V', c: ['R'], z: 'C', ...q, t: new MsgpackTimestamp(q.t) });
  }

  pushTrade(t: { S: string; t: number } & Record<string, unknown>): void {
    this.broadcastData('trades', t.S, { T: 't', i: ++this.seq, x: 'V', c: ['@'], z: 'C', ...t, t: new MsgpackTimestamp(t.t) });
  }

  // ---- REST ---------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ seq: ++this.seq, method, path, query, body });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.closed) return;

    if (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secret) {
      return this.write(res, this.authFailureStatus === 401 ? { status: 401, body: ERR_UNAUTHORIZED } : { status: 403, body: { message: 'forbidden' } });
    }

    const fault = this.takeFault(method, path, ['fail', 'hang']);
    if (fault?.kind === 'fail') {
      const f = fault.fail!;
      f.onHit?.(this.requests[this.requests.length - 1]!);
      if (f.process) this.route(method, path, query, body);
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.status === 200) return this.write(res, this.route(method, path, query, body));
      return this.write(res, { status: f.status, body: f.body ?? { message: `injected ${f.status}` }, headers: f.headers });
    }
    if (fault?.kind === 'hang') {
      if (fault.process) this.route(method, path, query, body);
      return; // never answered; the socket is destroyed on close()
    }

    let result: HandlerResult;
    try {
      result = this.route(method, path, query, body);
    } catch (e) {
      result = { status: 500, body: { code: 50010000, message: `loopback error: ${(e as Error).message}` } };
    }
    if (result.status >= 200 && result.status < 300 && result.body !== undefined) {
      const corrupt = this.takeFault(method, path, ['corrupt']);
      // a pre-serialized answer (precomputeBars) is corrupted as the object it stands for
      if (corrupt) {
        const b = result.body;
        result = { ...result, body: corrupt.mutate!(typeof b === 'string' ? JSON.parse(b) : b instanceof JsonPieces ? JSON.parse(Buffer.concat(b.pieces).toString('utf8')) : structuredClone(b)) };
      }
    }
    this.write(res, result);
  }

  private takeFault(method: string, path: string, kinds: Fault['kind'][]): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        kinds.includes(f.kind) &&
        (f.match.method === undefined || f.match.method === method) &&
        (typeof f.match.path === 'string' ? f.match.path === path : f.match.path.test(path)),
    );
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (--f.remaining <= 0) this.faults.splice(i, 1);
    return f;
  }

  private write(res: http.ServerResponse, r: HandlerResult): void {
    if (res.writableEnded || this.closed) return;
    const headers: Record<string, string> = { 'X-Request-ID': randomUUID(), ...r.headers };
    if (r.status === 204 || r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
      return;
    }
    if (r.body instanceof JsonPieces) {
      res.writeHead(r.status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(r.body.length), ...headers });
      res.cork();
      for (const p of r.body.pieces) res.write(p);
      res.end();
      return;
    }
    const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    res.writeHead(r.status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
    res.end(text);
  }

  private route(method: string, path: string, q: Record<string, string>, body: unknown): HandlerResult {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (method === 'GET' && path === '/v2/account') return { status: 200, body: this.accountJson() };
    if (method === 'GET' && path === '/v2/positions') return { status: 200, body: [...this.positions.keys()].map((s) => this.positionJson(s)) };
    let m = /^\/v2\/positions\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) {
      const sym = decodeURIComponent(m[1]!);
      return this.positions.has(sym) ? { status: 200, body: this.positionJson(sym) } : { status: 404, body: { code: 40410000, message: 'position does not exist' } };
    }
    if (method === 'GET' && path === '/v2/assets') {
      return { status: 200, body: [...this.assets.values()].filter((a) => !q.asset_class || (a.assetClass ?? 'us_equity') === q.asset_class).map((a) => this.assetJson(a)) };
    }
    m = /^\/v2\/assets\/(.+)$/.exec(path);
    if (method === 'GET' && m) {
      const a = this.assets.get(decodeURIComponent(m[1]!));
      return a ? { status: 200, body: this.assetJson(a) } : { status: 404, body: { code: 40410000, message: `asset not found for ${decodeURIComponent(m[1]!)}` } };
    }
    if (method === 'GET' && path === '/v2/clock') return { status: 200, body: this.clockJson() };
    if (method === 'GET' && path === '/v2/calendar') return { status: 200, body: this.calendarJson(q.start, q.end) };
    if (method === 'POST' && path === '/v2/orders') return this.createOrder(b);
    if (method === 'GET' && path === '/v2/orders') return { status: 200, body: this.listOrders(q) };
    if (method === 'DELETE' && path === '/v2/orders') {
      // cancel all: 207 Multi-Status, one entry per open order; the cancels follow on trade_updates
      const open = this.orders.filter((o) => this.isOpen(o));
      this.cancelAllRequests++;
      setImmediate(() => open.forEach((o) => this.isOpen(o) && this.cancel(o)));
      return { status: 207, body: open.map((o) => ({ id: o.id, status: 200, body: this.wireOrder(o) })) };
    }
    if (method === 'GET' && path === '/v2/orders:by_client_order_id') {
      const o = this.orderByClientId(q.client_order_id ?? '');
      return o ? { status: 200, body: this.wireOrder(o) } : { status: 404, body: { code: 40410000, message: 'order not found' } };
    }
    m = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (m) {
      const o = this.orders.find((x) => x.id === decodeURIComponent(m![1]!));
      if (!o) return { status: 404, body: { code: 40410000, message: 'order not found' } };
      if (method === 'GET') return { status: 200, body: this.wireOrder(o) };
      if (method === 'DELETE') {
        if (!this.isOpen(o)) return { status: 422, body: { code: 42210000, message: `order is not cancelable (status: ${o.status})` } };
        setImmediate(() => this.cancel(o));
        return { status: 204 };
      }
      if (method === 'PATCH') return this.replace(o, b);
    }
    m = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(path);
    if (method === 'GET' && m && m[1] !== 'bars') {
      const sym = decodeURIComponent(m[1]!);
      const page = this.barsPage([sym], q);
      if ('status' in page) return page;
      return { status: 200, body: { bars: this.pageObject(page.slice)[sym] ?? [], symbol: sym, next_page_token: page.next } };
    }
    if (method === 'GET' && path === '/v2/stocks/bars') {
      const page = this.barsPage((q.symbols ?? '').split(',').filter(Boolean), q);
      if ('status' in page) return page;
      const bytes = this.pageBytes(page.slice, q.timeframe ?? '');
      if (bytes !== undefined) return { status: 200, body: new JsonPieces([Buffer.from('{"bars":'), ...bytes, Buffer.from(`,"next_page_token":${JSON.stringify(page.next)}}`)]) };
      return { status: 200, body: { bars: this.pageObject(page.slice), next_page_token: page.next } };
    }
    if (method === 'GET' && path === '/v2/stocks/trades/latest') {
      const trades: Record<string, unknown> = {};
      for (const s of (q.symbols ?? '').split(',')) {
        const a = this.assets.get(s);
        if (a) trades[s] = { t: new Date(this.now()).toISOString(), x: 'V', p: a.price, s: 100, c: ['@'], i: ++this.seq, z: 'C' };
      }
      return { status: 200, body: { trades } };
    }
    return { status: 404, body: { code: 40410000, message: `endpoint not found: ${method} ${path}` } };
  }

  // ---- orders -------------------------------------------------------------

  private isOpen(o: ServerOrder): boolean {
    return ['new', 'accepted', 'pending_new', 'partially_filled', 'pending_cancel', 'pending_replace'].includes(o.status);
  }

  private reservedBuyNotional(): number {
    let r = 0;
    for (const o of this.orders) {
      if (o.side !== 'buy' || !this.isOpen(o)) continue;
      r += (o.qty - o.filled_qty) * (o.limit_price ?? this.assets.get(o.symbol)?.price ?? 0);
    }
    return r;
  }

  private buyingPower(): number {
    return Math.max(0, this.cash - this.reservedBuyNotional());
  }

  private createOrder(b: Record<string, unknown>): HandlerResult {
    const invalid = (message: string): HandlerResult => ({ status: 422, body: { code: 40010001, message } });
    const symbol = typeof b.symbol === 'string' ? b.symbol : '';
    const asset = this.assets.get(symbol);
    if (!symbol) return invalid('symbol is required');
    if (!asset) return invalid(`asset "${symbol}" not found`);
    if (asset.tradable === false) return invalid(`asset ${symbol} is not tradable`);
    const side = b.side;
    if (side !== 'buy' && side !== 'sell') return invalid('side must be buy or sell');
    const type = b.type;
    if (type !== 'market' && type !== 'limit') return invalid(`invalid order type: ${String(type)}`);
    const tif = b.time_in_force;
    if (typeof tif !== 'string' || !['day', 'gtc', 'ioc', 'fok', 'opg', 'cls'].includes(tif)) return invalid('invalid time_in_force');
    const qty = Number(b.qty);
    if (!(qty > 0)) return invalid('qty must be > 0');
    if (!Number.isInteger(qty) && asset.fractionable !== true) return invalid(`fractional orders are not supported for ${symbol}`);
    let limit: number | null = null;
    if (type === 'limit') {
      limit = Number(b.limit_price);
      if (!(limit > 0)) return invalid('limit_price is required for limit orders');
    }
    const cid = typeof b.client_order_id === 'string' && b.client_order_id ? b.client_order_id : randomUUID();
    if (cid.length > 128) return invalid('client_order_id must be no more than 128 characters');
    if (this.orderByClientId(cid)) return invalid('client_order_id must be unique');
    const px = limit ?? asset.price;
    if (side === 'buy') {
      const cost = qty * px;
      const bp = this.buyingPower();
      if (cost > bp + 1e-9) {
        return { status: 403, body: { code: 40310000, message: 'insufficient buying power', buying_power: fmt(bp), cost_basis: fmt(cost) } };
      }
    } else {
      const held = this.positions.get(symbol)?.qty ?? 0;
      if (qty > held + 1e-9 && asset.shortable !== true) {
        return { status: 403, body: { code: 40310000, message: `insufficient qty available for order (requested: ${fmt(qty)}, available: ${fmt(Math.max(0, held))})` } };
      }
    }
    const t = this.now();
    const o: ServerOrder = {
      id: randomUUID(),
      client_order_id: cid,
      symbol,
      asset_id: asset.id,
      asset_class: asset.assetClass ?? 'us_equity',
      side,
      type,
      time_in_force: tif,
      qty,
      limit_price: limit,
      filled_qty: 0,
      filled_avg_price: null,
      status: 'new',
      created_at: t,
      updated_at: t,
      submitted_at: t,
      filled_at: null,
      canceled_at: null,
      expired_at: null,
      failed_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
    };
    this.orders.push(o);
    const reject = this.rejectNext;
    this.rejectNext = null;
    const scripted = this.scriptedFills;
    const response = this.wireOrder(o);
    setImmediate(() => {
      this.event('new', o);
      if (reject !== null) {
        o.status = 'rejected';
        o.failed_at = o.updated_at = this.now();
        this.event('rejected', o, { reason: reject });
        return;
      }
      this.work(o, scripted);
    });
    if (scripted && (type === 'market' || this.marketable(o))) this.scriptedFills = null;
    return { status: 200, body: response };
  }

  private marketable(o: ServerOrder): boolean {
    const px = this.assets.get(o.symbol)!.price;
    return o.limit_price !== null && (o.side === 'buy' ? px <= o.limit_price : px >= o.limit_price);
  }

  /** Runs an order against the current price: market and marketable limit orders fill. */
  private work(o: ServerOrder, scripted: Array<{ qty: number; price: number }> | null): void {
    if (!this.isOpen(o)) return;
    const px = this.assets.get(o.symbol)!.price;
    if (o.type === 'market' || this.marketable(o)) {
      if (scripted) {
        for (const f of scripted) if (this.isOpen(o)) this.executeFill(o, f.qty, f.price);
      } else {
        this.executeFill(o, o.qty - o.filled_qty, o.type === 'limit' ? (o.side === 'buy' ? Math.min(px, o.limit_price!) : Math.max(px, o.limit_price!)) : px);
      }
    }
    if (this.isOpen(o) && (o.time_in_force === 'ioc' || o.time_in_force === 'fok')) this.cancel(o);
  }

  private executeFill(o: ServerOrder, qty: number, price: number): void {
    const q = Math.min(qty, o.qty - o.filled_qty);
    if (!(q > 0)) return;
    const prevCum = o.filled_qty;
    o.filled_qty = Number((prevCum + q).toFixed(9));
    o.filled_avg_price = Number((((o.filled_avg_price ?? 0) * prevCum + price * q) / o.filled_qty).toFixed(6));
    const t = this.now();
    o.updated_at = t;
    const done = o.filled_qty >= o.qty - 1e-9;
    o.status = done ? 'filled' : 'partially_filled';
    if (done) o.filled_at = t;
    const pos = this.positions.get(o.symbol) ?? { qty: 0, avg: 0 };
    const signed = o.side === 'buy' ? q : -q;
    const next = Number((pos.qty + signed).toFixed(9));
    if (next === 0) this.positions.delete(o.symbol);
    else {
      const sameDir = Math.sign(pos.qty) === Math.sign(signed) || pos.qty === 0;
      const avg = sameDir ? (pos.avg * Math.abs(pos.qty) + price * q) / Math.abs(next) : Math.sign(next) !== Math.sign(pos.qty) ? price : pos.avg;
      this.positions.set(o.symbol, { qty: next, avg: Number(avg.toFixed(6)) });
    }
    this.cash = Number((this.cash - signed * price).toFixed(6));
    this.event(done ? 'fill' : 'partial_fill', o, {
      price: fmt(price),
      qty: fmt(q),
      position_qty: fmt(next),
      execution_id: randomUUID(),
    });
  }

  private cancel(o: ServerOrder): void {
    if (!this.isOpen(o)) return;
    o.status = 'canceled';
    o.canceled_at = o.updated_at = this.now();
    this.event('canceled', o);
  }

  private replace(o: ServerOrder, b: Record<string, unknown>): HandlerResult {
    if (!this.isOpen(o) || o.status === 'pending_cancel' || o.status === 'pending_replace') {
      return { status: 422, body: { code: 42210000, message: `order is not replaceable (status: ${o.status})` } };
    }
    const qty = b.qty === undefined ? o.qty : Number(b.qty);
    if (!(qty > 0)) return { status: 422, body: { code: 40010001, message: 'qty must be > 0' } };
    const limit = b.limit_price === undefined ? o.limit_price : Number(b.limit_price);
    const cid = typeof b.client_order_id === 'string' && b.client_order_id ? b.client_order_id : randomUUID();
    if (this.orderByClientId(cid)) return { status: 422, body: { code: 40010001, message: 'client_order_id must be unique' } };
    const t = this.now();
    // Like Alpaca (Alpaca-API#165): the replacement carries the requested qty, not the unfilled rest.
    const n: ServerOrder = {
      ...o,
      id: randomUUID(),
      client_order_id: cid,
      qty,
      limit_price: limit,
      filled_qty: 0,
      filled_avg_price: null,
      status: 'new',
      created_at: t,
      updated_at: t,
      submitted_at: t,
      replaces: o.id,
      replaced_by: null,
      replaced_at: null,
    };
    o.status = 'replaced';
    o.replaced_at = o.updated_at = t;
    o.replaced_by = n.id;
    this.orders.push(n);
    setImmediate(() => {
      this.event('replaced', o);
      this.event('new', n);
      this.work(n, null);
    });
    return { status: 200, body: this.wireOrder(n) };
  }

  private listOrders(q: Record<string, string>): unknown[] {
    const status = q.status ?? 'open';
    let list = this.orders.filter((o) => (status === 'all' ? true : status === 'open' ? this.isOpen(o) : !this.isOpen(o)));
    if (q.symbols) {
      const syms = new Set(q.symbols.split(','));
      list = list.filter((o) => syms.has(o.symbol));
    }
    if (q.after) list = list.filter((o) => o.submitted_at > Date.parse(q.after!));
    if (q.until) list = list.filter((o) => o.submitted_at < Date.parse(q.until!));
    list = [...list].sort((a, b) => (q.direction === 'asc' ? a.submitted_at - b.submitted_at : b.submitted_at - a.submitted_at));
    const limit = Math.min(500, Number(q.limit ?? 50) || 50);
    return list.slice(0, limit).map((o) => this.wireOrder(o));
  }

  private event(event: string, o: ServerOrder, extra: Record<string, unknown> = {}): void {
    this.broadcastTrade({ event, timestamp: new Date(this.now()).toISOString(), order: this.wireOrder(o), ...extra });
  }

  // ---- account / positions / assets / clock / calendar ---------------------

  private accountJson(): Record<string, unknown> {
    let long = 0;
    let short = 0;
    for (const [s, p] of this.positions) {
      const v = p.qty * (this.assets.get(s)?.price ?? p.avg);
      if (v >= 0) long += v;
      else short += v;
    }
    const equity = this.cash + long + short;
    const bp = this.buyingPower();
    return {
      id: '3f1d1b0a-6a7c-4a9e-9d5e-0a1b2c3d4e5f',
      account_number: 'PA3LOOPBACK',
      status: 'ACTIVE',
      crypto_status: 'ACTIVE',
      currency: 'USD',
      cash: fmt(this.cash),
      buying_power: fmt(bp),
      regt_buying_power: fmt(bp),
      daytrading_buying_power: '0',
      non_marginable_buying_power: fmt(bp),
      equity: fmt(equity),
      last_equity: fmt(equity),
      portfolio_value: fmt(equity),
      long_market_value: fmt(long),
      short_market_value: fmt(short),
      initial_margin: '0',
      maintenance_margin: '0',
      multiplier: '1',
      pattern_day_trader: false,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      shorting_enabled: true,
      trade_suspended_by_user: false,
      created_at: '2024-01-02T15:00:00Z',
    };
  }

  private positionJson(symbol: string): Record<string, unknown> {
    const p = this.positions.get(symbol)!;
    const a = this.assets.get(symbol);
    const px = a?.price ?? p.avg;
    const mv = p.qty * px;
    const cost = p.qty * p.avg;
    return {
      asset_id: a?.id ?? randomUUID(),
      symbol,
      exchange: a?.exchange ?? 'NASDAQ',
      asset_class: a?.assetClass ?? 'us_equity',
      asset_marginable: true,
      qty: fmt(p.qty),
      qty_available: fmt(p.qty),
      avg_entry_price: fmt(p.avg),
      side: p.qty >= 0 ? 'long' : 'short',
      market_value: fmt(mv),
      cost_basis: fmt(cost),
      unrealized_pl: fmt(mv - cost),
      unrealized_plpc: cost === 0 ? '0' : fmt((mv - cost) / Math.abs(cost)),
      unrealized_intraday_pl: fmt(mv - cost),
      unrealized_intraday_plpc: '0',
      current_price: fmt(px),
      lastday_price: fmt(px),
      change_today: '0',
    };
  }

  private assetJson(a: LoopbackAsset & { id: string }): Record<string, unknown> {
    return {
      id: a.id,
      class: a.assetClass ?? 'us_equity',
      exchange: a.exchange ?? 'NASDAQ',
      symbol: a.symbol,
      name: a.name ?? a.symbol,
      status: 'active',
      tradable: a.tradable ?? true,
      marginable: a.marginable ?? true,
      shortable: a.shortable ?? false,
      easy_to_borrow: a.easyToBorrow ?? false,
      fractionable: a.fractionable ?? false,
      maintenance_margin_requirement: 30,
      margin_requirement_long: '30',
      margin_requirement_short: '100',
      attributes: [],
    };
  }

  /** NY offsets per UTC hour: the offset only changes on an hour boundary (DST). */
  private readonly nyOffsets = new Map<number, number>();

  private nyDate(ts: number): string {
    const hour = Math.floor(ts / 3_600_000);
    let off = this.nyOffsets.get(hour);
    if (off === undefined) {
      off = newYorkOffsetMs(ts);
      this.nyOffsets.set(hour, off);
    }
    return new Date(ts + off).toISOString().slice(0, 10);
  }

  /** The session of NY date `date`, honouring overrides; epoch ms. */
  private sessionOn(date: string): { open: number; close: number; openHm: string; closeHm: string } | null {
    const noonUtc = Date.parse(`${date}T12:00:00Z`);
    const offset = newYorkOffsetMs(noonUtc);
    const toUtc = (hm: string): number => Date.parse(`${date}T${hm}:00Z`) - offset;
    const hm = (ts: number): string => new Date(ts + offset).toISOString().slice(11, 16);
    if (this.calendarOverrides.has(date)) {
      const o = this.calendarOverrides.get(date);
      return o ? { open: toUtc(o.open), close: toUtc(o.close), openHm: o.open, closeHm: o.close } : null;
    }
    const s = nyseSessionFor(noonUtc);
    return s ? { open: s.open, close: s.close, openHm: hm(s.open), closeHm: hm(s.close) } : null;
  }

  private calendarJson(start?: string, end?: string): unknown[] {
    const from = start ? Date.parse(start.length === 10 ? `${start}T12:00:00Z` : start) : this.now() - 30 * 86_400_000;
    const to = end ? Date.parse(end.length === 10 ? `${end}T12:00:00Z` : end) : this.now() + 30 * 86_400_000;
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (let t = from; t <= to + 86_400_000; t += 86_400_000 / 2) {
      const date = this.nyDate(t);
      if (seen.has(date) || Date.parse(`${date}T12:00:00Z`) > to + 43_200_000) continue;
      seen.add(date);
      const s = this.sessionOn(date);
      if (!s) continue;
      const next = new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      out.push({ date, open: s.openHm, close: s.closeHm, session_open: '0400', session_close: '2000', settlement_date: next });
    }
    return out;
  }

  private clockJson(): Record<string, unknown> {
    const t = this.now();
    const today = this.sessionOn(this.nyDate(t));
    const open = today !== null && t >= today.open && t < today.close;
    let nextOpen = today && t < today.open ? today.open : NaN;
    if (Number.isNaN(nextOpen)) {
      for (let d = 1; d < 30 && Number.isNaN(nextOpen); d++) {
        const s = this.sessionOn(this.nyDate(t + d * 86_400_000));
        if (s) nextOpen = s.open;
      }
    }
    const nextSession = this.sessionOn(this.nyDate(nextOpen));
    const nextClose = open ? today!.close : nextSession!.close;
    return { timestamp: new Date(t).toISOString(), is_open: open, next_open: new Date(nextOpen).toISOString(), next_close: new Date(nextClose).toISOString() };
  }

  // ---- market data REST ---------------------------------------------------

  /** Bars aggregated per symbol and timeframe, kept until the bars change (a real server does not re-derive them per request). */
  private readonly aggregated = new Map<string, LoopbackBar[]>();

  /**
   * The precomputed bars' wire JSON per symbol and timeframe: every bar of `aggregated`
   * in order, joined by commas, as UTF-8 bytes; bar i is bytes at[i] .. at[i + 1] - 2.
   */
  private readonly wire = new Map<string, { bytes: Buffer; at: number[] }>();

  /**
   * Aggregates every symbol's bars to `timeframe` now and serializes them once, so a
   * multi-symbol request only copies stored bytes (benchmarks: a real server does not
   * spend its answer time re-encoding bars it already has, and answers many at once).
   */
  precomputeBars(timeframe: string): void {
    for (const s of this.bars.keys()) {
      const parts = this.barsFor(s, timeframe).map((b) => Buffer.from(JSON.stringify(wireBar(b))));
      const at: number[] = [];
      let n = 0;
      for (const p of parts) {
        at.push(n);
        n += p.length + 1;
      }
      at.push(n);
      const comma = Buffer.from(',');
      this.wire.set(`${s}\u0000${timeframe}`, { bytes: Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [comma, p]))), at });
    }
  }

  private barsFor(symbol: string, timeframe: string): LoopbackBar[] {
    const cacheKey = `${symbol}\u0000${timeframe}`;
    const cached = this.aggregated.get(cacheKey);
    if (cached) return cached;
    const out = this.aggregate(symbol, timeframe);
    this.aggregated.set(cacheKey, out);
    return out;
  }

  private aggregate(symbol: string, timeframe: string): LoopbackBar[] {
    const base = this.bars.get(symbol) ?? [];
    const m = /^(\d+)(Min|T|Hour|H|Day|D)$/.exec(timeframe);
    if (!m) return [];
    const n = Number(m[1]);
    const unit = m[2]!;
    if ((unit === 'Min' || unit === 'T') && n === 1) return base;
    const bucketMs = unit === 'Min' || unit === 'T' ? n * 60_000 : unit === 'Hour' || unit === 'H' ? n * 3_600_000 : 0;
    const key = (t: number): number => (bucketMs > 0 ? t - (t % bucketMs) : Date.parse(`${this.nyDate(t)}T00:00:00Z`));
    const out: LoopbackBar[] = [];
    for (const b of base) {
      const k = key(b.t);
      const last = out[out.length - 1];
      if (last && last.t === k) {
        last.h = Math.max(last.h, b.h);
        last.l = Math.min(last.l, b.l);
        last.c = b.c;
        last.v += b.v;
        last.n = (last.n ?? 0) + (b.n ?? 0);
      } else out.push({ ...b, t: k });
    }
    return out;
  }

  private barsPage(symbols: string[], q: Record<string, string>): { slice: PageEntry[]; next: string | null } | HandlerResult {
    const tf = q.timeframe ?? '';
    if (!/^(\d+)(Min|T|Hour|H|Day|D|Week|W|Month|M)$/.test(tf)) return { status: 422, body: { code: 42210000, message: `invalid timeframe: ${tf}` } };
    const limit = Number(q.limit ?? 1000);
    if (!(limit >= 1 && limit <= 10_000)) return { status: 422, body: { code: 42210000, message: 'invalid limit: must be between 1 and 10000' } };
    const start = q.start ? Date.parse(q.start) : Date.parse(`${this.nyDate(this.now())}T00:00:00Z`);
    const end = q.end ? Date.parse(q.end) : this.now();
    const desc = q.sort === 'desc';
    let offset = 0;
    if (q.page_token) {
      try {
        offset = (JSON.parse(Buffer.from(q.page_token, 'base64url').toString('utf8')) as { o: number }).o;
      } catch {
        return { status: 422, body: { code: 42210000, message: 'invalid page_token' } };
      }
    }
    // Results are ordered by symbol, then time; one limit spans all symbols (as documented).
    const all: PageEntry[] = [];
    for (const s of [...symbols].sort()) {
      const full = this.barsFor(s, tf);
      const idx: number[] = [];
      for (let i = 0; i < full.length; i++) if (full[i]!.t >= start && full[i]!.t <= end) idx.push(i);
      if (desc) idx.reverse();
      for (const i of idx) all.push({ s, b: full[i]!, i });
    }
    const slice = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? Buffer.from(JSON.stringify({ o: offset + limit })).toString('base64url') : null;
    return { slice, next };
  }

  /** A page's bars keyed by symbol, as wire objects. */
  private pageObject(slice: PageEntry[]): Record<string, unknown[]> {
    const bars: Record<string, unknown[]> = {};
    for (const { s, b } of slice) (bars[s] ??= []).push(wireBar(b));
    return bars;
  }

  /**
   * The JSON of pageObject(slice) as pieces of the precomputed bytes (a run of
   * consecutive bars is one piece), or undefined if a symbol has none.
   */
  private pageBytes(slice: PageEntry[], tf: string): Buffer[] | undefined {
    const out: Buffer[] = [Buffer.from('{')];
    let open: string | undefined;
    let wire: { bytes: Buffer; at: number[] } | undefined;
    // the run of bars [from, to) of `wire` not yet in `out`
    let from = -1;
    let to = -1;
    const endRun = (): void => {
      if (from >= 0) out.push(wire!.bytes.subarray(wire!.at[from], wire!.at[to]! - 1));
    };
    for (const { s, i } of slice) {
      if (s === open && i === to) {
        to++;
        continue;
      }
      endRun();
      if (s !== open) {
        wire = this.wire.get(`${s}\u0000${tf}`);
        if (!wire) return undefined;
        out.push(Buffer.from(`${open === undefined ? '' : '],'}${JSON.stringify(s)}:[`));
        open = s;
      } else out.push(Buffer.from(','));
      from = i;
      to = i + 1;
    }
    endRun();
    out.push(Buffer.from(open === undefined ? '}' : ']}'));
    return out;
  }

  // ---- websockets ---------------------------------------------------------

  private onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://loopback').pathname;
    if (path === '/stream') {
      if (this.tradeStreamCut) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wssTrade.handleUpgrade(req, socket, head, (ws) => this.onTradeConnection(ws, req));
      return;
    }
    const m = /^\/v2\/(iex|sip|delayed_sip)$/.exec(path);
    if (m) {
      this.wssData.handleUpgrade(req, socket, head, (ws) => this.onDataConnection(ws, req, m[1] as DataClient['feed']));
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }

  private onTradeConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const client: TradeClient = { ws, authed: false, listening: false, binary: !String(req.headers['content-type'] ?? '').includes('msgpack') };
    this.tradeClients.add(client);
    ws.on('close', () => this.tradeClients.delete(client));
    ws.on('error', () => this.tradeClients.delete(client));
    const send = (msg: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.from(JSON.stringify(msg)), { binary: true });
    };
    ws.on('message', (data: Buffer) => {
      let msg: { action?: string; key?: string; secret?: string; data?: { key_id?: string; secret_key?: string; streams?: string[] } };
      try {
        msg = JSON.parse(data.toString('utf8')) as typeof msg;
      } catch {
        send({ stream: 'authorization', data: { status: 'unauthorized', action: 'authenticate', message: 'invalid syntax' } });
        return;
      }
      if (msg.action === 'auth' || msg.action === 'authenticate') {
        const key = msg.action === 'auth' ? msg.key : msg.data?.key_id;
        const secret = msg.action === 'auth' ? msg.secret : msg.data?.secret_key;
        if (!this.tradeStreamAuthFails && key === this.keyId && secret === this.secret) {
          client.authed = true;
          send({ stream: 'authorization', data: { action: 'authenticate', status: 'authorized' } });
        } else {
          send({ stream: 'authorization', data: { action: 'authenticate', status: 'unauthorized', message: 'access key verification failed' } });
          setImmediate(() => ws.close());
        }
        return;
      }
      if (msg.action === 'listen') {
        if (!client.authed) {
          send({ stream: 'authorization', data: { action: 'listen', status: 'unauthorized', message: 'access key verification failed' } });
          return;
        }
        const streams = (msg.data?.streams ?? []).filter((s) => s === 'trade_updates');
        client.listening = streams.length > 0;
        send({ stream: 'listening', data: { streams } });
      }
    });
  }

  private broadcastTrade(data: Record<string, unknown>): void {
    const frame = Buffer.from(JSON.stringify({ stream: 'trade_updates', data }));
    let delivered = false;
    if (!this.tradeStreamCut) {
      for (const c of this.tradeClients) {
        if (c.listening && c.ws.readyState === c.ws.OPEN) {
          c.ws.send(frame, { binary: true });
          delivered = true;
        }
      }
    }
    this.tradeUpdatesSent.push({ delivered, data });
  }

  private onDataConnection(ws: WebSocket, req: http.IncomingMessage, feed: DataClient['feed']): void {
    const client: DataClient = {
      ws,
      feed,
      authed: false,
      msgpack: String(req.headers['content-type'] ?? '').includes('msgpack'),
      subs: { trades: new Set(), quotes: new Set(), bars: new Set() },
    };
    this.dataClients.add(client);
    ws.on('close', () => this.dataClients.delete(client));
    ws.on('error', () => this.dataClients.delete(client));
    this.sendData(client, [{ T: 'success', msg: 'connected' }]);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      let msg: Record<string, unknown>;
      try {
        msg = (isBinary && client.msgpack ? msgpackDecode(data) : JSON.parse(data.toString('utf8'))) as Record<string, unknown>;
      } catch {
        this.sendData(client, [{ T: 'error', code: 400, msg: 'invalid syntax' }]);
        return;
      }
      if (msg.action === 'auth') {
        if (client.authed) return this.sendData(client, [{ T: 'error', code: 403, msg: 'already authenticated' }]);
        if (msg.key === this.keyId && msg.secret === this.secret) {
          client.authed = true;
          this.sendData(client, [{ T: 'success', msg: 'authenticated' }]);
        } else {
          this.sendData(client, [{ T: 'error', code: 402, msg: 'auth failed' }]);
          setImmediate(() => ws.close());
        }
        return;
      }
      if (msg.action === 'subscribe' || msg.action === 'unsubscribe') {
        if (!client.authed) return this.sendData(client, [{ T: 'error', code: 401, msg: 'not authenticated' }]);
        const next = { trades: new Set(client.subs.trades), quotes: new Set(client.subs.quotes), bars: new Set(client.subs.bars) };
        for (const ch of ['trades', 'quotes', 'bars'] as const) {
          const list = msg[ch];
          if (!Array.isArray(list)) continue;
          for (const s of list) {
            if (msg.action === 'subscribe') next[ch].add(String(s));
            else next[ch].delete(String(s));
          }
        }
        const unique = new Set([...next.trades, ...next.quotes, ...next.bars]);
        if (unique.size > this.symbolLimit[client.feed]) return this.sendData(client, [{ T: 'error', code: 405, msg: 'symbol limit exceeded' }]);
        client.subs = next;
        this.sendData(client, [
          {
            T: 'subscription',
            trades: [...next.trades],
            quotes: [...next.quotes],
            bars: [...next.bars],
            updatedBars: [],
            dailyBars: [],
            statuses: [],
            lulds: [],
            corrections: [...next.trades],
            cancelErrors: [...next.trades],
          },
        ]);
      }
    });
  }

  private sendData(c: DataClient, frames: unknown[]): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (c.msgpack) c.ws.send(msgpackEncode(frames), { binary: true });
    else c.ws.send(JSON.stringify(frames, (_k, v: unknown) => (v instanceof MsgpackTimestamp ? new Date(v.ms).toISOString() : v)));
  }

  private broadcastData(channel: 'trades' | 'quotes' | 'bars', symbol: string, frame: Record<string, unknown>): void {
    for (const c of this.dataClients) {
      if (c.authed && (c.subs[channel].has(symbol) || c.subs[channel].has('*'))) this.sendData(c, [frame]);
    }
  }
}

// ---- test helpers -----------------------------------------------------------

/** Polls `pred` until it returns a truthy value (no timing assertions: only a generous cap). */
export async function waitFor<T>(pred: () => T | undefined | null | false, what = 'condition', timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export { RecordingListener } from '../recording-listener.js';

/** AlpacaVenue options pointing at a loopback server, tuned for fast tests. */
export function loopbackVenueOptions(server: Pick<AlpacaLoopbackServer, 'keyId' | 'secret' | 'endpoints'>, overrides: Partial<AlpacaVenueOptions> = {}): AlpacaVenueOptions {
  return {
    keyId: server.keyId,
    secretKey: server.secret,
    paper: true,
    endpoints: server.endpoints(),
    feed: 'iex',
    symbols: ['AAPL', 'MSFT'],
    clock: new LiveClock(),
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2_000 },
    streams: { initialReconnectMs: 50, maxReconnectMs: 400, connectTimeoutMs: 5_000 },
    reconcileIntervalMs: 200,
    rateLimit: false,
    ...overrides,
  };
}
