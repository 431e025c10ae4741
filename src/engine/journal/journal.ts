// The journal writer. Appends records to the hash chain in one order; orders,
// fills and trading-state changes are committed durably (synchronous=FULL,
// WAL fsync) before the caller goes on, so they are on disk before an order
// leaves for the venue; other records are group-committed (synchronous=NORMAL:
// no fsync of their own; the next durable commit syncs them with it) when
// `groupCommitRecords` are pending or `groupCommitMs` after the first one.
// Files rotate by UTC day; the chain continues across them.
//
// Each record is serialized once (JSON.stringify), its HMAC taken over those
// bytes and the previous 32-byte hash, and inserted by a statement prepared
// for its kind. A day file written by schema 1 (an upgrade during the day) is
// continued in schema 1, so no file ever mixes row formats.
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { defaultAnchor, FileAnchor, KeychainAnchor, newAnchorKey, type AnchorState, type JournalAnchor } from './anchor.js';
import { recordHash, recordHashV1 } from './chain.js';
import { JournalCorruptError } from './errors.js';
import { createJournalFile, lastRecord, listJournalFiles, openJournalFile, utcDay } from './journal-file.js';
import { DURABLE_KINDS, GENESIS_PREV, JOURNAL_SCHEMA_VERSION, type JournalKind } from './records.js';

const GROUP_COMMIT_MS = 25;
const GROUP_COMMIT_RECORDS = 500;
const CHECKPOINT_MS = 1_000;
const DAY_MS = 86_400_000;

export interface JournalOptions {
  anchor?: JournalAnchor;
  /** Wall-clock ms from the first pending non-durable record to its group commit. */
  groupCommitMs?: number;
  /** Pending records that trigger a group commit at once. */
  groupCommitRecords?: number;
}

export interface JournalStats {
  appended: number;
  durableCommits: number;
  groupCommits: number;
}

interface Pending {
  seq: number;
  ts: number;
  kind: JournalKind;
  data: string;
  hash: Buffer;
  /** Schema 1 only: the hex link and hash as stored. */
  prevHex?: string;
  hashHex?: string;
}

/** The open file of the current day, with its statements. */
class DayFile {
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
      this.write = db.transaction((batch: Pending[]) => {
        for (const r of batch) this.statementFor(r.kind).run(r.seq, r.ts, r.data, r.hash);
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

export class Journal {
  private out: DayFile | undefined;
  /** UTC day of the records now being appended (it ends at dayEnd), and the schema its file takes. */
  private day = '';
  private dayEnd = -Infinity;
  private dayVersion = JOURNAL_SCHEMA_VERSION;
  private seq: number;
  private prev: Buffer;
  /** Hash of the last committed record (the `prev` of a new file's first row). */
  private committed: Buffer;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastCheckpoint = 0;
  private closed = false;
  private readonly key: Buffer;
  private readonly groupCommitRecords: number;
  readonly stats: JournalStats = { appended: 0, durableCommits: 0, groupCommits: 0 };

  private constructor(
    readonly dataDir: string,
    readonly anchor: JournalAnchor,
    private anchorState: AnchorState,
    head: { seq: number; hash: Buffer },
    private readonly groupCommitMs: number,
    groupCommitRecords: number,
  ) {
    this.key = Buffer.from(anchorState.key, 'base64');
    this.seq = head.seq;
    this.prev = head.hash;
    this.committed = head.hash;
    this.groupCommitRecords = groupCommitRecords;
  }

  /**
   * Opens the journal of a data dir for appending, continuing its chain. Every
   * existing file is checked (a damaged one is refused, never overwritten); the
   * tail record must verify under the anchor's key.
   */
  static open(dataDir: string, opts: JournalOptions = {}): Journal {
    mkdirSync(dataDir, { recursive: true });
    const files = listJournalFiles(dataDir);
    let tail: { file: string; version: number; last: NonNullable<ReturnType<typeof lastRecord>> } | undefined;
    let anchorKind: string | undefined;
    for (const f of files) {
      const { db, meta } = openJournalFile(f, { readonly: true });
      anchorKind = meta.anchor;
      const last = lastRecord(db, meta);
      if (last) tail = { file: f, version: meta.version, last };
      db.close();
    }
    const anchor = opts.anchor ?? anchorFor(dataDir, anchorKind);
    let state = anchor.load();
    if (!state) {
      if (tail) {
        throw new JournalCorruptError(files[files.length - 1]!, `its anchor (${anchor.where}) is missing, so the chain cannot be trusted`);
      }
      state = { key: newAnchorKey(), seq: 0, hash: GENESIS_PREV };
      anchor.save(state);
    }
    let head: { seq: number; hash: Buffer } = { seq: 0, hash: Buffer.from(GENESIS_PREV, 'hex') };
    if (tail) {
      const key = Buffer.from(state.key, 'base64');
      const { rec, prev } = tail.last;
      const ok =
        tail.version === 1
          ? recordHashV1(key, rec.prev ?? '', rec.seq, rec.ts, rec.kind, rec.data) === rec.hash
          : Buffer.isBuffer(rec.hash) && recordHash(key, prev, rec.seq, rec.ts, rec.kind, rec.data).equals(rec.hash);
      if (!ok) throw new JournalCorruptError(files[files.length - 1]!, `last record seq ${rec.seq} does not verify`);
      if (rec.seq < state.seq) {
        throw new JournalCorruptError(files[files.length - 1]!, `records after seq ${rec.seq} are missing (anchor has seq ${state.seq})`);
      }
      head = { seq: rec.seq, hash: typeof rec.hash === 'string' ? Buffer.from(rec.hash, 'hex') : rec.hash };
    }
    return new Journal(dataDir, anchor, state, head, opts.groupCommitMs ?? GROUP_COMMIT_MS, opts.groupCommitRecords ?? GROUP_COMMIT_RECORDS);
  }

  get lastSeq(): number {
    return this.seq;
  }

  get currentFile(): string {
    return this.out?.file ?? '';
  }

  /** Appends a record and returns its seq; durable kinds are committed before this returns. */
  append(ts: number, kind: JournalKind, payload: unknown): number {
    if (this.closed) throw new Error('journal is closed');
    // a record dated before the current day (clock moved back) stays in the current file
    if (!(ts < this.dayEnd)) this.enterDay(ts);
    const data = JSON.stringify(payload);
    const seq = ++this.seq;
    let rec: Pending;
    if (this.dayVersion === 1) {
      const prevHex = this.prev.toString('hex');
      const hashHex = recordHashV1(this.key, prevHex, seq, ts, kind, data);
      rec = { seq, ts, kind, data, hash: Buffer.from(hashHex, 'hex'), prevHex, hashHex };
    } else {
      rec = { seq, ts, kind, data, hash: recordHash(this.key, this.prev, seq, ts, kind, data) };
    }
    this.prev = rec.hash;
    this.pending.push(rec);
    this.stats.appended++;
    if (DURABLE_KINDS.has(kind)) {
      this.commit(true);
      this.stats.durableCommits++;
    } else if (this.pending.length >= this.groupCommitRecords) {
      this.commit(false);
      this.stats.groupCommits++;
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.closed) return;
        this.commit(false);
        this.stats.groupCommits++;
      }, this.groupCommitMs);
      this.timer.unref?.();
    }
    return seq;
  }

  /** Commits everything pending now (durably). */
  flush(): void {
    if (!this.closed) this.commit(true);
  }

  close(): void {
    if (this.closed) return;
    this.commit(true);
    this.checkpoint(true);
    if (this.timer) clearTimeout(this.timer);
    this.closed = true;
    this.out?.close();
  }

  private commit(durable: boolean): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.open().commit(batch, durable);
    this.committed = batch[batch.length - 1]!.hash;
    this.checkpoint(false);
  }

  /** A record of a later day: what is pending goes to the old day's file; the next commit opens the new one. */
  private enterDay(ts: number): void {
    this.commit(false);
    this.out?.close();
    this.out = undefined;
    this.day = utcDay(ts);
    this.dayEnd = Date.parse(`${this.day}T00:00:00Z`) + DAY_MS;
    const existing = listJournalFiles(this.dataDir).find((f) => f.endsWith(`journal-${this.day}.sqlite`));
    if (existing) {
      const { db, meta } = openJournalFile(existing, { readonly: true });
      db.close();
      this.dayVersion = meta.version;
    } else this.dayVersion = JOURNAL_SCHEMA_VERSION;
  }

  /** The current day's file, created on its first commit. */
  private open(): DayFile {
    if (this.out) return this.out;
    const existing = listJournalFiles(this.dataDir).find((f) => f.endsWith(`journal-${this.day}.sqlite`));
    if (existing) {
      const { db, meta } = openJournalFile(existing, { readonly: false });
      this.out = new DayFile(db, existing, meta.version);
    } else {
      const anchorKind = this.anchor instanceof KeychainAnchor ? 'keychain' : 'file';
      const created = createJournalFile(this.dataDir, this.day, anchorKind, this.committed.toString('hex'));
      this.out = new DayFile(created.db, created.file, JOURNAL_SCHEMA_VERSION);
    }
    return this.out;
  }

  /** Records the committed head in the anchor (throttled; always on close). */
  private checkpoint(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastCheckpoint < CHECKPOINT_MS) return;
    if (this.seq === this.anchorState.seq) return;
    this.lastCheckpoint = now;
    this.anchorState = { ...this.anchorState, seq: this.seq, hash: this.committed.toString('hex') };
    try {
      this.anchor.save(this.anchorState);
    } catch {
      // the next checkpoint retries; the chain itself is already on disk
    }
  }
}

/** The anchor an existing journal was written with; a new journal takes the default. */
export function anchorFor(dataDir: string, recorded: string | undefined): JournalAnchor {
  if (recorded === 'keychain') return new KeychainAnchor(dataDir);
  if (recorded === 'file') return new FileAnchor(dataDir);
  return defaultAnchor(dataDir);
}
