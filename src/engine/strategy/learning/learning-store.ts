// Learning's own SQLite file, `<data-dir>/learning.sqlite` (WAL, synchronous
// NORMAL): every prediction, pending and resolved, and the accuracy + EMA cell
// of each strategy × regime. Each batch (one bar's or one signal's changes) is
// one transaction. A file that is damaged, not ours, or from a newer version is
// refused with an error naming it and is never written to.
import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TradedeskError } from '../../core/errors.js';
import { openDatabase } from '../../core/sqlite.js';
import type { AccuracyCell, Prediction, ResolvedPrediction } from './prediction-tracker.js';

export const LEARNING_FILE = 'learning.sqlite';
export const LEARNING_APP_ID = 'tradedesk-learning';
export const LEARNING_SCHEMA_VERSION = 1;

export class LearningFileError extends TradedeskError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super('LEARNING_FILE_UNUSABLE', `learning file ${file} cannot be used (${detail}); it was not changed. Restore a good copy, or move it aside to start learning afresh.`);
    this.name = 'LearningFileError';
  }
}

export class LearningVersionError extends TradedeskError {
  constructor(
    readonly file: string,
    readonly found: number,
  ) {
    super(
      'LEARNING_FILE_TOO_NEW',
      `learning file ${file} was written by a newer Tradedesk (schema ${found}; this version reads up to ${LEARNING_SCHEMA_VERSION}). Upgrade Tradedesk to open it; it was not changed.`,
    );
    this.name = 'LearningVersionError';
  }
}

/** A strategy × regime cell as stored: accuracy plus the weight's EMA (its n is `resolved`). */
export interface StoredCell extends AccuracyCell {
  ema: number;
}

export interface LearningBatch {
  /** New or still-pending predictions (inserted or updated). */
  pending: readonly Prediction[];
  resolved: readonly ResolvedPrediction[];
  cells: readonly StoredCell[];
}

export interface LearningState {
  pending: Prediction[];
  cells: StoredCell[];
  /** Per strategy and symbol: the latest signal's time and regime. */
  latest: Array<{ strategy: string; symbol: string; ts: number; regime: string }>;
  /** The next free prediction sequence number. */
  nextSeq: number;
}

const TABLES = ['meta', 'predictions', 'cells'];

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE predictions (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, strategy TEXT NOT NULL, symbol TEXT NOT NULL, ts REAL NOT NULL,
  regime TEXT NOT NULL, score REAL NOT NULL, confidence REAL NOT NULL, horizon_bars INTEGER NOT NULL,
  entry_price REAL NOT NULL, bars_seen INTEGER NOT NULL, last_bar_ts REAL NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'resolved')),
  resolved_ts REAL, exit_price REAL, ret REAL, hit INTEGER, payoff REAL
);
CREATE INDEX predictions_by_status ON predictions (status, seq);
CREATE TABLE cells (
  strategy TEXT NOT NULL, regime TEXT NOT NULL, resolved INTEGER NOT NULL, hits INTEGER NOT NULL,
  sum_return REAL NOT NULL, sum_payoff REAL NOT NULL, ema REAL NOT NULL, PRIMARY KEY (strategy, regime)
);
`;

/** The columns of a prediction under their Prediction names. */
const PREDICTION = `id, seq, strategy, symbol, ts, regime, score, confidence, horizon_bars AS horizonBars, entry_price AS entryPrice,
  bars_seen AS barsSeen, last_bar_ts AS lastBarTs`;

/** Absent or empty: a new file; otherwise an undamaged learning file of this or an older schema (else throws naming it). */
function inspect(file: string): 'new' | 'existing' {
  if (!existsSync(file)) return 'new';
  let db: Database.Database | undefined;
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
    if (statSync(file).size === 0) return 'new';
    db = openDatabase(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new Error(`integrity check failed: ${check}`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    if (tables.size === 0) return 'new';
    if (!tables.has('meta')) throw new Error('not a Tradedesk learning file: no meta table');
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    if (meta.get('app') !== LEARNING_APP_ID) throw new Error(`not a Tradedesk learning file: meta.app is '${meta.get('app') ?? '(missing)'}'`);
    const version = Number(meta.get('schema_version'));
    if (!Number.isInteger(version) || version < 1) throw new Error(`invalid schema_version '${meta.get('schema_version') ?? '(missing)'}'`);
    if (version > LEARNING_SCHEMA_VERSION) throw new LearningVersionError(file, version);
    const missing = TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw new Error(`missing tables: ${missing.join(', ')}`);
    return 'existing';
  } catch (e) {
    if (e instanceof LearningVersionError) throw e;
    throw new LearningFileError(file, (e as Error).message);
  } finally {
    db?.close();
  }
}

export class LearningStore {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<LearningStore['prepare']>;

  private constructor(
    readonly file: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.stmts = this.prepare();
  }

  /** Opens `<dataDir>/learning.sqlite`, creating it when absent; refuses an unusable file without touching it. */
  static open(dataDir: string): LearningStore {
    const file = join(dataDir, LEARNING_FILE);
    const found = inspect(file);
    let db: Database.Database;
    try {
      db = openDatabase(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (found === 'new') {
        db.transaction(() => {
          db.exec(SCHEMA);
          const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
          put.run('app', LEARNING_APP_ID);
          put.run('schema_version', String(LEARNING_SCHEMA_VERSION));
        })();
      }
    } catch (e) {
      throw new LearningFileError(file, (e as Error).message);
    }
    return new LearningStore(file, db);
  }

  private prepare() {
    const db = this.db;
    return {
      upsert: db.prepare(
        `INSERT INTO predictions (id, seq, strategy, symbol, ts, regime, score, confidence, horizon_bars, entry_price, bars_seen, last_bar_ts, status,
           resolved_ts, exit_price, ret, hit, payoff)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET regime = excluded.regime, score = excluded.score, confidence = excluded.confidence,
           horizon_bars = excluded.horizon_bars, entry_price = excluded.entry_price, bars_seen = excluded.bars_seen,
           last_bar_ts = excluded.last_bar_ts, status = excluded.status, resolved_ts = excluded.resolved_ts,
           exit_price = excluded.exit_price, ret = excluded.ret, hit = excluded.hit, payoff = excluded.payoff`,
      ),
      cell: db.prepare(
        `INSERT INTO cells (strategy, regime, resolved, hits, sum_return, sum_payoff, ema) VALUES (@strategy, @regime, @resolved, @hits, @sumReturn, @sumPayoff, @ema)
         ON CONFLICT (strategy, regime) DO UPDATE SET resolved = excluded.resolved, hits = excluded.hits, sum_return = excluded.sum_return,
           sum_payoff = excluded.sum_payoff, ema = excluded.ema`,
      ),
    };
  }

  /** Writes one batch in one transaction. */
  write(batch: LearningBatch): void {
    if (batch.pending.length + batch.resolved.length + batch.cells.length === 0) return;
    // positional values, not `{ ...p, more }` objects: a once-a-second write at `--speed 600` holds thousands of rows
    const { upsert } = this.stmts;
    this.db.transaction(() => {
      for (const p of batch.pending) {
        upsert.run(p.id, p.seq, p.strategy, p.symbol, p.ts, p.regime, p.score, p.confidence, p.horizonBars, p.entryPrice, p.barsSeen, p.lastBarTs, 'pending', null, null, null, null, null);
      }
      for (const r of batch.resolved) {
        upsert.run(r.id, r.seq, r.strategy, r.symbol, r.ts, r.regime, r.score, r.confidence, r.horizonBars, r.entryPrice, r.barsSeen, r.lastBarTs, 'resolved', r.resolvedTs, r.exitPrice, r.ret, r.hit ? 1 : 0, r.payoff);
      }
      for (const c of batch.cells) this.stmts.cell.run(c);
    })();
  }

  load(): LearningState {
    const pending = this.db.prepare(`SELECT ${PREDICTION} FROM predictions WHERE status = 'pending' ORDER BY seq`).all() as Prediction[];
    const cells = (this.db.prepare('SELECT * FROM cells ORDER BY strategy, regime').all() as Array<Record<string, number | string>>).map((r) => ({
      strategy: String(r.strategy),
      regime: String(r.regime),
      resolved: Number(r.resolved),
      hits: Number(r.hits),
      sumReturn: Number(r.sum_return),
      sumPayoff: Number(r.sum_payoff),
      ema: Number(r.ema),
    }));
    // SQLite takes a bare column (regime) from the row holding the MAX
    const latest = this.db.prepare('SELECT strategy, symbol, MAX(ts) AS ts, regime FROM predictions GROUP BY strategy, symbol').all() as LearningState['latest'];
    const { next } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM predictions').get() as { next: number };
    return { pending, cells, latest, nextSeq: next };
  }

  /** Resolved predictions, oldest first (for inspection and tests). */
  resolved(limit = 1000): ResolvedPrediction[] {
    const rows = this.db
      .prepare(`SELECT ${PREDICTION}, resolved_ts AS resolvedTs, exit_price AS exitPrice, ret, hit, payoff FROM predictions WHERE status = 'resolved' ORDER BY resolved_ts, seq LIMIT ?`)
      .all(limit) as Array<Omit<ResolvedPrediction, 'hit'> & { hit: number }>;
    return rows.map((r) => ({ ...r, hit: r.hit === 1 }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
