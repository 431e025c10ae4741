// The open journal file of the current day, with its statements: one prepared
// insert per record kind (schema 2) or schema 1's row format, and the commit of
// a batch in one transaction, durable (synchronous=FULL: the WAL is fsynced
// before it returns) or not (synchronous=NORMAL: synced by the next durable
// commit or checkpoint).
import type Database from 'better-sqlite3';
import type { JournalKind } from './records.js';

/** A record built by the writer and not yet committed. */
export interface Pending {
  seq: number;
  ts: number;
  kind: JournalKind;
  data: string;
  /** The record's chain hash, latin1 (ChainHasher's form). */
  hash: string;
  /** Schema 1 only: the hex link and hash as stored. */
  prevHex?: string;
  hashHex?: string;
}

/** The open file of the current day, with its statements. */
export class DayFile {
  private readonly byKind = new Map<string, Database.Statement>();
  private readonly insertV1: Database.Statement | undefined;
  private readonly syncFull: Database.Statement;
  private readonly syncNormal: Database.Statement;
  private readonly write: (batch: Pending[]) => void;

  constructor(
    readonly db: Database.Database,
    readonly file: string,
    readonly version: number,
  ) {
    db.pragma('synchronous = NORMAL');
    this.syncFull = db.prepare('PRAGMA synchronous = FULL');
    this.syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
    if (version === 1) {
      const ins = db.prepare('INSERT INTO records (seq, ts, kind, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?)');
      this.insertV1 = ins;
      this.write = db.transaction((batch: Pending[]) => {
        for (const r of batch) ins.run(r.seq, r.ts, r.kind, r.data, r.prevHex, r.hashHex);
      });
    } else {
      // the hash's bytes, rewritten per row (SQLite copies a bound blob)
      const blob = Buffer.alloc(32);
      this.write = db.transaction((batch: Pending[]) => {
        for (const r of batch) {
          blob.write(r.hash, 0, 32, 'latin1');
          this.statementFor(r.kind).run(r.seq, r.ts, r.data, blob);
        }
      });
    }
  }

  /** One prepared insert per kind, the kind a literal of the statement. */
  private statementFor(kind: JournalKind): Database.Statement {
    let s = this.byKind.get(kind);
    if (!s) {
      if (!/^[a-z_.]+$/.test(kind)) throw new Error(`bad journal kind ${JSON.stringify(kind)}`);
      s = this.db.prepare(`INSERT INTO records (seq, ts, kind, data, hash) VALUES (?, ?, '${kind}', ?, ?)`);
      this.byKind.set(kind, s);
    }
    return s;
  }

  /** Writes the batch in one transaction; a durable commit fsyncs the WAL before it returns. */
  commit(batch: Pending[], durable: boolean): void {
    if (!durable) return this.write(batch);
    this.syncFull.run();
    try {
      this.write(batch);
    } finally {
      this.syncNormal.run();
    }
  }

  close(): void {
    this.db.close();
  }
}
