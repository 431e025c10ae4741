// The simulated venue's own database, like a broker's: one SQLite file (WAL,
// synchronous NORMAL) holding the account (cash, positions), every order request
// it received, every order with its state, every fill, the completed 1-minute
// bars and a snapshot of the market. Changes are written through in one
// transaction each; a file that is damaged, not ours, or from a newer version
// is refused with an error naming it, and never written to.
import Database from 'better-sqlite3';
import { openDatabase } from '../../core/sqlite.js';
import { existsSync, statSync } from 'node:fs';
import type { Bar } from '../../../shared/domain.js';
import { TradedeskError } from '../../core/errors.js';
import type { VenueFill, VenueOrderState } from '../venue.js';
import type { BarInProgress } from './bars.js';

export const SIM_STATE_APP_ID = 'tradedesk-sim-venue';
export const SIM_STATE_SCHEMA_VERSION = 1;

/** A state file that cannot be used: damaged, not a simulator state file, or not matching this simulator. */
export class SimStateFileError extends TradedeskError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      'SIM_STATE_UNUSABLE',
      `simulator state file ${file} cannot be used (${detail}); it was not changed. ` +
        `Restore a good copy, or move it aside to start a new simulated account.`,
    );
    this.name = 'SimStateFileError';
  }
}

/** A state file written by a newer Tradedesk. */
export class SimStateVersionError extends TradedeskError {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      'SIM_STATE_TOO_NEW',
      `simulator state file ${file} was written by a newer Tradedesk (schema ${found}; this version reads up to ${supported}). ` +
        `Upgrade Tradedesk to open it; it was not changed.`,
    );
    this.name = 'SimStateVersionError';
  }
}

/** A write to the state file failed (disk full, file removed, locked by another process...). */
export class SimStateWriteError extends TradedeskError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super('SIM_STATE_WRITE_FAILED', `simulator state file ${file}: write failed (${detail})`);
    this.name = 'SimStateWriteError';
  }
}

const TABLES = ['meta', 'account', 'positions', 'requests', 'orders', 'fills', 'bars', 'market', 'instruments'] as const;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE account (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cash REAL NOT NULL,
  order_seq INTEGER NOT NULL,
  priority_seq INTEGER NOT NULL,
  updated_ts INTEGER NOT NULL
);
CREATE TABLE positions (
  symbol TEXT PRIMARY KEY,
  lots INTEGER NOT NULL,
  qty REAL NOT NULL,
  avg_price REAL NOT NULL,
  updated_ts INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE requests (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  action TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  body TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code TEXT,
  reason TEXT
);
CREATE INDEX requests_order ON requests (client_order_id, seq);
CREATE TABLE orders (
  client_order_id TEXT PRIMARY KEY,
  venue_order_id TEXT UNIQUE,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  type TEXT NOT NULL,
  time_in_force TEXT NOT NULL,
  qty REAL,
  limit_price REAL,
  status TEXT NOT NULL,
  reason TEXT,
  reject_code TEXT,
  lots INTEGER NOT NULL,
  filled_lots INTEGER NOT NULL,
  filled_qty REAL NOT NULL,
  limit_ticks INTEGER,
  taker INTEGER NOT NULL,
  expires_at INTEGER,
  fill_count INTEGER NOT NULL,
  fill_notional REAL NOT NULL,
  priority INTEGER NOT NULL,
  request TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  updated_ts INTEGER NOT NULL
);
CREATE INDEX orders_status ON orders (status);
CREATE TABLE fills (
  seq INTEGER PRIMARY KEY,
  fill_id TEXT NOT NULL UNIQUE,
  client_order_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  qty REAL NOT NULL,
  price REAL NOT NULL,
  fee REAL NOT NULL,
  ts INTEGER NOT NULL,
  cum_qty REAL NOT NULL,
  leaves_qty REAL NOT NULL
);
CREATE INDEX fills_order ON fills (client_order_id, seq);
-- keyed by time first: each minute's batch appends at the end of the tree (a few pages per commit)
CREATE TABLE bars (
  ts INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  open REAL NOT NULL,
  high REAL NOT NULL,
  low REAL NOT NULL,
  close REAL NOT NULL,
  volume REAL NOT NULL,
  PRIMARY KEY (ts, symbol)
) WITHOUT ROWID;
CREATE TABLE market (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  through_ts INTEGER NOT NULL,
  last_event_ts INTEGER,
  steps INTEGER NOT NULL,
  stocks_open INTEGER NOT NULL,
  session_seen INTEGER NOT NULL,
  gap_pending INTEGER NOT NULL
);
CREATE TABLE instruments (
  symbol TEXT PRIMARY KEY,
  mid REAL NOT NULL,
  g REAL NOT NULL,
  bid_ticks INTEGER NOT NULL,
  ask_ticks INTEGER NOT NULL,
  bid_lots INTEGER NOT NULL,
  ask_lots INTEGER NOT NULL,
  quote_ts INTEGER NOT NULL,
  bar_ts INTEGER,
  bar_open INTEGER,
  bar_high INTEGER,
  bar_low INTEGER,
  bar_close INTEGER,
  bar_volume INTEGER
) WITHOUT ROWID;
`;

export type StoredOrderStatus = VenueOrderState['status'];

/** One row of `orders`: an accepted order (any state) or a rejected one whose id it registered. */
export interface OrderRow {
  clientOrderId: string;
  /** Null for a rejected order. */
  venueOrderId: string | null;
  symbol: string;
  side: string;
  type: string;
  timeInForce: string;
  /** As requested / replaced; null when the request's value was not a finite number. */
  qty: number | null;
  limitPrice: number | null;
  status: StoredOrderStatus;
  reason: string | null;
  rejectCode: string | null;
  lots: number;
  filledLots: number;
  filledQty: number;
  limitTicks: number | null;
  taker: number;
  /** Null when the order does not expire. */
  expiresAt: number | null;
  fillCount: number;
  fillNotional: number;
  priority: number;
  /** The request as received (JSON). */
  request: string;
  createdTs: number;
  updatedTs: number;
}

/** One row of `requests`: a submit, cancel or replace request and what the venue did with it. */
export interface RequestRow {
  ts: number;
  action: 'submit' | 'cancel' | 'replace';
  clientOrderId: string;
  body: string;
  outcome: string;
  code: string | null;
  reason: string | null;
}

export interface PositionRow {
  symbol: string;
  lots: number;
  qty: number;
  avgPrice: number;
}

export interface AccountRow {
  cash: number;
  orderSeq: number;
  prioritySeq: number;
}

/** Everything one change writes, in one transaction. */
export interface Change {
  ts: number;
  account: AccountRow;
  request?: RequestRow;
  order?: OrderRow;
  fill?: VenueFill;
  position?: PositionRow;
}

export interface InstrumentRow {
  symbol: string;
  mid: number;
  g: number;
  bidTicks: number;
  askTicks: number;
  bidLots: number;
  askLots: number;
  quoteTs: number;
  bar: BarInProgress | null;
}

export interface MarketSnapshot {
  /** The market has been simulated through this time (the last step, or skipped time). */
  throughTs: number;
  steps: number;
  stocksOpen: boolean;
  sessionSeen: boolean;
  gapPending: boolean;
  instruments: readonly InstrumentRow[];
}

export interface CreateParams {
  meta: Record<string, string>;
  account: AccountRow;
  ts: number;
}

export interface LoadedState {
  /** max(market simulated through, last order event): where the venue resumes. */
  resumeTs: number;
  market: Omit<MarketSnapshot, 'instruments'>;
  instruments: InstrumentRow[];
  account: AccountRow;
  positions: PositionRow[];
  /** Open orders (accepted / partially filled). */
  openOrders: OrderRow[];
  /** Every registered client order id with its status. */
  statuses: Array<readonly [string, string]>;
}

const OPEN_STATUSES = "('accepted', 'partially_filled')";

type MarketRowDb = {
  through_ts: number;
  last_event_ts: number | null;
  steps: number;
  stocks_open: number;
  session_seen: number;
  gap_pending: number;
};

type OrderRowDb = {
  client_order_id: string;
  venue_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  qty: number | null;
  limit_price: number | null;
  status: StoredOrderStatus;
  reason: string | null;
  reject_code: string | null;
  lots: number;
  filled_lots: number;
  filled_qty: number;
  limit_ticks: number | null;
  taker: number;
  expires_at: number | null;
  fill_count: number;
  fill_notional: number;
  priority: number;
  request: string;
  created_ts: number;
  updated_ts: number;
};

function orderFromDb(r: OrderRowDb): OrderRow {
  return {
    clientOrderId: r.client_order_id,
    venueOrderId: r.venue_order_id,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    timeInForce: r.time_in_force,
    qty: r.qty,
    limitPrice: r.limit_price,
    status: r.status,
    reason: r.reason,
    rejectCode: r.reject_code,
    lots: r.lots,
    filledLots: r.filled_lots,
    filledQty: r.filled_qty,
    limitTicks: r.limit_ticks,
    taker: r.taker,
    expiresAt: r.expires_at,
    fillCount: r.fill_count,
    fillNotional: r.fill_notional,
    priority: r.priority,
    request: r.request,
    createdTs: r.created_ts,
    updatedTs: r.updated_ts,
  };
}

/** What opening found: no state yet (a new or empty file), or a usable state file. */
type Inspection = { kind: 'absent' } | { kind: 'empty' } | { kind: 'state'; version: number };

/**
 * Checks a state file without changing it (read-only connection): absent or
 * empty files are new; anything else must be an undamaged state file of this
 * or an older schema. Throws naming the file otherwise.
 */
function inspect(file: string): Inspection {
  if (!existsSync(file)) return { kind: 'absent' };
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    throw new SimStateFileError(file, (e as Error).message);
  }
  if (size === 0) return { kind: 'empty' };
  let db: Database.Database;
  try {
    db = openDatabase(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new SimStateFileError(file, (e as Error).message);
  }
  try {
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new SimStateFileError(file, `integrity check failed: ${check}`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    // a database with no tables at all holds nothing (e.g. a creation that never committed)
    if (tables.size === 0) return { kind: 'empty' };
    if (!tables.has('meta')) throw new SimStateFileError(file, 'not a Tradedesk simulator state file: no meta table');
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    if (meta.get('app') !== SIM_STATE_APP_ID) {
      throw new SimStateFileError(file, `not a Tradedesk simulator state file: meta.app is '${meta.get('app') ?? '(missing)'}'`);
    }
    const version = Number(meta.get('schema_version'));
    if (!Number.isInteger(version) || version < 1) throw new SimStateFileError(file, `invalid schema_version '${meta.get('schema_version') ?? '(missing)'}'`);
    if (version > SIM_STATE_SCHEMA_VERSION) throw new SimStateVersionError(file, version, SIM_STATE_SCHEMA_VERSION);
    const missing = TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw new SimStateFileError(file, `missing tables: ${missing.join(', ')}`);
    if (!db.prepare('SELECT 1 FROM market WHERE id = 1').get()) throw new SimStateFileError(file, 'no market state');
    if (!db.prepare('SELECT 1 FROM account WHERE id = 1').get()) throw new SimStateFileError(file, 'no account');
    return { kind: 'state', version };
  } catch (e) {
    if (e instanceof SimStateFileError || e instanceof SimStateVersionError) throw e;
    throw new SimStateFileError(file, (e as Error).message);
  } finally {
    try {
      db.close();
    } catch {
      // nothing to release
    }
  }
}

function resumeTime(m: MarketRowDb): number {
  return m.last_event_ts !== null && m.last_event_ts > m.through_ts ? m.last_event_ts : m.through_ts;
}

export class SimStore {
  /** True until the first state is written (create). */
  fresh: boolean;
  private readonly db: Database.Database;
  private stmts: ReturnType<SimStore['prepare']> | null = null;
  private closed = false;

  private constructor(
    readonly file: string,
    db: Database.Database,
    fresh: boolean,
  ) {
    this.db = db;
    this.fresh = fresh;
    if (!fresh) this.stmts = this.prepare();
  }

  /** Opens (or prepares to create) the state file for writing; refuses an unusable one without touching it. */
  static open(file: string): SimStore {
    const found = inspect(file);
    let db: Database.Database;
    try {
      db = openDatabase(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    } catch (e) {
      throw new SimStateFileError(file, (e as Error).message);
    }
    return new SimStore(file, db, found.kind !== 'state');
  }

  /**
   * The simulated time the file's market and account reach (the resume time),
   * or undefined when there is no state file yet. Reads without changing it.
   */
  static persistedTime(file: string): number | undefined {
    if (inspect(file).kind !== 'state') return undefined;
    const db = openDatabase(file, { readonly: true, fileMustExist: true });
    try {
      return resumeTime(db.prepare('SELECT * FROM market WHERE id = 1').get() as MarketRowDb);
    } catch (e) {
      throw new SimStateFileError(file, (e as Error).message);
    } finally {
      db.close();
    }
  }

  /** Writes the first state: schema, meta, account, then the market (snapshot and bars), in one transaction. */
  create(p: CreateParams, snapshot: MarketSnapshot, bars: readonly Bar[]): void {
    if (!this.fresh) throw new Error(`${this.file}: state already exists`);
    const tx = this.db.transaction(() => {
      this.db.exec(SCHEMA);
      const put = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      put.run('app', SIM_STATE_APP_ID);
      put.run('schema_version', String(SIM_STATE_SCHEMA_VERSION));
      for (const [k, v] of Object.entries(p.meta)) put.run(k, v);
      this.db
        .prepare('INSERT INTO account (id, cash, order_seq, priority_seq, updated_ts) VALUES (1, ?, ?, ?, ?)')
        .run(p.account.cash, p.account.orderSeq, p.account.prioritySeq, p.ts);
      this.db
        .prepare('INSERT INTO market (id, through_ts, last_event_ts, steps, stocks_open, session_seen, gap_pending) VALUES (1, ?, NULL, 0, 0, 0, 0)')
        .run(snapshot.throughTs);
      this.stmts = this.prepare();
      this.writeSnapshot(snapshot, bars, null);
    });
    try {
      tx();
    } catch (e) {
      this.stmts = null; // rolled back: the schema is gone again
      throw new SimStateWriteError(this.file, (e as Error).message);
    }
    this.fresh = false;
  }

  /** Reads the whole state back for a resume. */
  load(): LoadedState {
    const db = this.db;
    const m = db.prepare('SELECT * FROM market WHERE id = 1').get() as MarketRowDb;
    const a = db.prepare('SELECT cash, order_seq, priority_seq FROM account WHERE id = 1').get() as { cash: number; order_seq: number; priority_seq: number };
    const instruments = (db.prepare('SELECT * FROM instruments').all() as Array<Record<string, number | string | null>>).map(
      (r): InstrumentRow => ({
        symbol: r.symbol as string,
        mid: r.mid as number,
        g: r.g as number,
        bidTicks: r.bid_ticks as number,
        askTicks: r.ask_ticks as number,
        bidLots: r.bid_lots as number,
        askLots: r.ask_lots as number,
        quoteTs: r.quote_ts as number,
        bar:
          r.bar_ts === null
            ? null
            : {
                ts: r.bar_ts as number,
                open: r.bar_open as number,
                high: r.bar_high as number,
                low: r.bar_low as number,
                close: r.bar_close as number,
                volume: r.bar_volume as number,
              },
      }),
    );
    const positions = (db.prepare('SELECT symbol, lots, qty, avg_price FROM positions WHERE lots != 0').all() as Array<{ symbol: string; lots: number; qty: number; avg_price: number }>).map(
      (r) => ({ symbol: r.symbol, lots: r.lots, qty: r.qty, avgPrice: r.avg_price }),
    );
    const openOrders = (db.prepare(`SELECT * FROM orders WHERE status IN ${OPEN_STATUSES} ORDER BY priority`).all() as OrderRowDb[]).map(orderFromDb);
    const statuses = (db.prepare('SELECT client_order_id, status FROM orders').raw().all() as Array<[string, string]>).map(([id, s]) => [id, s] as const);
    return {
      resumeTs: resumeTime(m),
      market: {
        throughTs: m.through_ts,
        steps: m.steps,
        stocksOpen: m.stocks_open === 1,
        sessionSeen: m.session_seen === 1,
        gapPending: m.gap_pending === 1,
      },
      instruments,
      account: { cash: a.cash, orderSeq: a.order_seq, prioritySeq: a.priority_seq },
      positions,
      openOrders,
      statuses,
    };
  }

  /** The most recent `limit` completed bars of each of `symbols`, oldest first (one scan, newest first). */
  recentBars(symbols: readonly string[], limit: number): Map<string, Bar[]> {
    const out = new Map<string, Bar[]>(symbols.map((sym) => [sym, []]));
    let open = symbols.length;
    if (open === 0 || !(limit > 0)) return out;
    for (const b of this.s.barsDesc.iterate() as IterableIterator<Bar>) {
      const list = out.get(b.symbol);
      if (!list || list.length >= limit) continue;
      list.push(b);
      if (list.length === limit && --open === 0) break;
    }
    for (const list of out.values()) list.reverse();
    return out;
  }

  getOrder(clientOrderId: string): OrderRow | undefined {
    const r = this.s.getOrder.get(clientOrderId) as OrderRowDb | undefined;
    return r ? orderFromDb(r) : undefined;
  }

  getFills(clientOrderId: string): VenueFill[] {
    return this.s.getFills.all(clientOrderId) as VenueFill[];
  }

  /** Writes one change (request, order, fill, cash, position) in one transaction. */
  record(c: Change): void {
    try {
      this.recordTx(c);
    } catch (e) {
      throw new SimStateWriteError(this.file, (e as Error).message);
    }
  }

  /** Writes completed bars and the market snapshot in one transaction; deletes bars older than `pruneBefore`. */
  snapshot(s: MarketSnapshot, bars: readonly Bar[], pruneBefore: number | null): void {
    try {
      this.snapshotTx(s, bars, pruneBefore);
    } catch (e) {
      throw new SimStateWriteError(this.file, (e as Error).message);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  // ---- internals ----------------------------------------------------------

  private get s(): ReturnType<SimStore['prepare']> {
    if (!this.stmts) throw new Error(`${this.file}: no state written yet`);
    return this.stmts;
  }

  private readonly recordTx = (c: Change): void => {
    this.db.transaction(() => {
      const s = this.s;
      if (c.request) s.insertRequest.run(c.request);
      if (c.order) s.putOrder.run(c.order);
      if (c.fill) s.insertFill.run(c.fill);
      if (c.position) s.putPosition.run({ ...c.position, ts: c.ts });
      s.updateAccount.run({ ...c.account, ts: c.ts });
      s.eventTs.run({ ts: c.ts });
    })();
  };

  private readonly snapshotTx = (snap: MarketSnapshot, bars: readonly Bar[], pruneBefore: number | null): void => {
    this.db.transaction(() => this.writeSnapshot(snap, bars, pruneBefore))();
  };

  // once per simulated minute: positional binding, appends only for bars
  private writeSnapshot(snap: MarketSnapshot, bars: readonly Bar[], pruneBefore: number | null): void {
    const s = this.s;
    for (const b of bars) s.insertBar.run(b.ts, b.symbol, b.open, b.high, b.low, b.close, b.volume);
    if (pruneBefore !== null) s.pruneBars.run(pruneBefore);
    for (const r of snap.instruments) {
      const bar = r.bar;
      s.putInstrument.run(
        r.symbol,
        r.mid,
        r.g,
        r.bidTicks,
        r.askTicks,
        r.bidLots,
        r.askLots,
        r.quoteTs,
        bar ? bar.ts : null,
        bar ? bar.open : null,
        bar ? bar.high : null,
        bar ? bar.low : null,
        bar ? bar.close : null,
        bar ? bar.volume : null,
      );
    }
    s.updateMarket.run({
      throughTs: snap.throughTs,
      steps: snap.steps,
      stocksOpen: snap.stocksOpen ? 1 : 0,
      sessionSeen: snap.sessionSeen ? 1 : 0,
      gapPending: snap.gapPending ? 1 : 0,
    });
  }

  private prepare() {
    const db = this.db;
    return {
      insertRequest: db.prepare(
        'INSERT INTO requests (ts, action, client_order_id, body, outcome, code, reason) VALUES (@ts, @action, @clientOrderId, @body, @outcome, @code, @reason)',
      ),
      putOrder: db.prepare(
        `INSERT INTO orders (client_order_id, venue_order_id, symbol, side, type, time_in_force, qty, limit_price, status, reason, reject_code,
           lots, filled_lots, filled_qty, limit_ticks, taker, expires_at, fill_count, fill_notional, priority, request, created_ts, updated_ts)
         VALUES (@clientOrderId, @venueOrderId, @symbol, @side, @type, @timeInForce, @qty, @limitPrice, @status, @reason, @rejectCode,
           @lots, @filledLots, @filledQty, @limitTicks, @taker, @expiresAt, @fillCount, @fillNotional, @priority, @request, @createdTs, @updatedTs)
         ON CONFLICT (client_order_id) DO UPDATE SET
           qty = excluded.qty, limit_price = excluded.limit_price, status = excluded.status, reason = excluded.reason,
           lots = excluded.lots, filled_lots = excluded.filled_lots, filled_qty = excluded.filled_qty, limit_ticks = excluded.limit_ticks,
           taker = excluded.taker, expires_at = excluded.expires_at, fill_count = excluded.fill_count,
           fill_notional = excluded.fill_notional, priority = excluded.priority, updated_ts = excluded.updated_ts`,
      ),
      insertFill: db.prepare(
        `INSERT INTO fills (fill_id, client_order_id, symbol, side, qty, price, fee, ts, cum_qty, leaves_qty)
         VALUES (@fillId, @clientOrderId, @symbol, @side, @qty, @price, @fee, @ts, @cumQty, @leavesQty)`,
      ),
      putPosition: db.prepare(
        `INSERT INTO positions (symbol, lots, qty, avg_price, updated_ts) VALUES (@symbol, @lots, @qty, @avgPrice, @ts)
         ON CONFLICT (symbol) DO UPDATE SET lots = excluded.lots, qty = excluded.qty, avg_price = excluded.avg_price, updated_ts = excluded.updated_ts`,
      ),
      updateAccount: db.prepare('UPDATE account SET cash = @cash, order_seq = @orderSeq, priority_seq = @prioritySeq, updated_ts = @ts WHERE id = 1'),
      eventTs: db.prepare('UPDATE market SET last_event_ts = MAX(COALESCE(last_event_ts, @ts), @ts) WHERE id = 1'),
      insertBar: db.prepare('INSERT OR REPLACE INTO bars (ts, symbol, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      pruneBars: db.prepare('DELETE FROM bars WHERE ts < ?'),
      barsDesc: db.prepare('SELECT symbol, ts, open, high, low, close, volume FROM bars ORDER BY ts DESC'),
      putInstrument: db.prepare(
        `INSERT INTO instruments (symbol, mid, g, bid_ticks, ask_ticks, bid_lots, ask_lots, quote_ts, bar_ts, bar_open, bar_high, bar_low, bar_close, bar_volume)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (symbol) DO UPDATE SET mid = excluded.mid, g = excluded.g, bid_ticks = excluded.bid_ticks, ask_ticks = excluded.ask_ticks,
           bid_lots = excluded.bid_lots, ask_lots = excluded.ask_lots, quote_ts = excluded.quote_ts, bar_ts = excluded.bar_ts,
           bar_open = excluded.bar_open, bar_high = excluded.bar_high, bar_low = excluded.bar_low, bar_close = excluded.bar_close,
           bar_volume = excluded.bar_volume`,
      ),
      updateMarket: db.prepare(
        `UPDATE market SET through_ts = @throughTs, steps = @steps, stocks_open = @stocksOpen, session_seen = @sessionSeen,
           gap_pending = @gapPending WHERE id = 1`,
      ),
      getOrder: db.prepare('SELECT * FROM orders WHERE client_order_id = ?'),
      getFills: db.prepare(
        `SELECT client_order_id AS clientOrderId, fill_id AS fillId, symbol, side, qty, price, fee, ts, cum_qty AS cumQty, leaves_qty AS leavesQty
         FROM fills WHERE client_order_id = ? ORDER BY seq`,
      ),
    };
  }
}
