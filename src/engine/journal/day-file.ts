// The open journal file of the current day, with its statements, and the
// commit of a batch in one transaction, durable (synchronous=FULL: the WAL is
// fsynced before it returns) or not (synchronous=NORMAL: synced by the next
// durable commit or checkpoint). Schema 2 rows go in ROWS at a time through one
// multi-row INSERT (one call into SQLite for ROWS records: measured ~0.4 µs a
// record cheaper than a statement run per row), the rest one by one; schema 1
// rows one by one in its row format.
import type Database from 'better-sqlite3';
import type { JournalKind } from './records.js';

/** Rows per multi-row INSERT. */
const ROWS = 32;
const COLUMNS = 5;

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
      this.write = db.transaction((batch: Pending[]) => {
        for (const r of batch) ins.run(r.seq, r.ts, r.kind, r.data, r.prevHex, r.hashHex);
      });
    } else {
      const row = '(?, ?, ?, ?, ?)';
      const many = db.prepare(`INSERT INTO records (seq, ts, kind, data, hash) VALUES ${Array<string>(ROWS).fill(row).join(', ')}`);
      const one = db.prepare(`INSERT INTO records (seq, ts, kind, data, hash) VALUES ${row}`);
      // the hashes' bytes, rewritten per statement run (SQLite copies a bound blob), and the arguments
      const slab = Buffer.alloc(32 * ROWS);
      const hashes = Array.from({ length: ROWS }, (_, k) => slab.subarray(32 * k, 32 * k + 32));
      const args: unknown[] = new Array<unknown>(COLUMNS * ROWS);
      this.write = db.transaction((batch: Pending[]) => {
        let i = 0;
        for (; i + ROWS <= batch.length; i += ROWS) {
          for (let k = 0; k < ROWS; k++) {
            const r = batch[i + k]!;
            const o = COLUMNS * k;
            slab.write(r.hash, 32 * k, 32, 'latin1');
            args[o] = r.seq;
            args[o + 1] = r.ts;
            args[o + 2] = r.kind;
            args[o + 3] = r.data;
            args[o + 4] = hashes[k];
          }
          many.run(args);
        }
        for (; i < batch.length; i++) {
          const r = batch[i]!;
          slab.write(r.hash, 0, 32, 'latin1');
          one.run(r.seq, r.ts, r.kind, r.data, hashes[0]);
        }
      });
    }
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
