// The journal writer. Appends records to the hash chain in one order; orders,
// fills and trading-state changes are committed durably (synchronous=FULL,
// WAL fsync) before the caller goes on, so they are on disk before an order
// leaves for the venue; other records are group-committed every few ms or
// hundreds of records. Files rotate by UTC day; the chain continues across them.
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { defaultAnchor, FileAnchor, KeychainAnchor, newAnchorKey, type AnchorState, type JournalAnchor } from './anchor.js';
import { recordHash } from './chain.js';
import { JournalCorruptError } from './errors.js';
import { createJournalFile, lastRecord, listJournalFiles, openJournalFile, utcDay } from './journal-file.js';
import { DURABLE_KINDS, GENESIS_PREV, type JournalKind, type JournalRecord } from './records.js';

const GROUP_COMMIT_MS = 25;
const GROUP_COMMIT_RECORDS = 500;
const CHECKPOINT_MS = 1_000;

export interface JournalOptions {
  anchor?: JournalAnchor;
  /** Wall-clock ms between group commits of non-durable records. */
  groupCommitMs?: number;
}

export interface JournalStats {
  appended: number;
  durableCommits: number;
  groupCommits: number;
}

export class Journal {
  private db!: Database.Database;
  private insert!: Database.Statement;
  private day = '';
  private file = '';
  private seq: number;
  private prev: string;
  private pending: JournalRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastCheckpoint = 0;
  private closed = false;
  private readonly key: Buffer;
  readonly stats: JournalStats = { appended: 0, durableCommits: 0, groupCommits: 0 };

  private constructor(
    readonly dataDir: string,
    readonly anchor: JournalAnchor,
    private anchorState: AnchorState,
    last: JournalRecord | undefined,
    private readonly groupCommitMs: number,
  ) {
    this.key = Buffer.from(anchorState.key, 'base64');
    this.seq = last?.seq ?? 0;
    this.prev = last?.hash ?? GENESIS_PREV;
  }

  /**
   * Opens the journal of a data dir for appending, continuing its chain. Every
   * existing file is checked (a damaged one is refused, never overwritten); the
   * tail record must verify under the anchor's key.
   */
  static open(dataDir: string, opts: JournalOptions = {}): Journal {
    mkdirSync(dataDir, { recursive: true });
    const files = listJournalFiles(dataDir);
    let last: JournalRecord | undefined;
    let anchorKind: string | undefined;
    for (const f of files) {
      const { db, meta } = openJournalFile(f, { readonly: true });
      anchorKind = meta.anchor;
      last = lastRecord(db) ?? last;
      db.close();
    }
    const anchor = opts.anchor ?? anchorFor(dataDir, anchorKind);
    let state = anchor.load();
    if (!state) {
      if (last) {
        throw new JournalCorruptError(files[files.length - 1]!, `its anchor (${anchor.where}) is missing, so the chain cannot be trusted`);
      }
      state = { key: newAnchorKey(), seq: 0, hash: GENESIS_PREV };
      anchor.save(state);
    }
    if (last) {
      const key = Buffer.from(state.key, 'base64');
      if (recordHash(key, last.prev, last.seq, last.ts, last.kind, last.data) !== last.hash) {
        throw new JournalCorruptError(files[files.length - 1]!, `last record seq ${last.seq} does not verify`);
      }
      if (last.seq < state.seq) {
        throw new JournalCorruptError(files[files.length - 1]!, `records after seq ${last.seq} are missing (anchor has seq ${state.seq})`);
      }
    }
    return new Journal(dataDir, anchor, state, last, opts.groupCommitMs ?? GROUP_COMMIT_MS);
  }

  get lastSeq(): number {
    return this.seq;
  }

  get currentFile(): string {
    return this.file;
  }

  /** Appends a record; durable kinds are committed before this returns. */
  append(ts: number, kind: JournalKind, payload: unknown): JournalRecord {
    if (this.closed) throw new Error('journal is closed');
    const data = JSON.stringify(payload);
    const seq = ++this.seq;
    const hash = recordHash(this.key, this.prev, seq, ts, kind, data);
    const rec: JournalRecord = { seq, ts, kind, data, prev: this.prev, hash };
    this.prev = hash;
    this.pending.push(rec);
    this.stats.appended++;
    if (DURABLE_KINDS.has(kind)) {
      this.commit();
      this.stats.durableCommits++;
    } else if (this.pending.length >= GROUP_COMMIT_RECORDS) {
      this.commit();
      this.stats.groupCommits++;
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.closed) return;
        this.commit();
        this.stats.groupCommits++;
      }, this.groupCommitMs);
      this.timer.unref?.();
    }
    return rec;
  }

  /** Commits everything pending now. */
  flush(): void {
    if (!this.closed) this.commit();
  }

  close(): void {
    if (this.closed) return;
    this.commit();
    this.checkpoint(true);
    if (this.timer) clearTimeout(this.timer);
    this.closed = true;
    this.db?.close();
  }

  private commit(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let i = 0;
    while (i < batch.length) {
      const day = utcDay(batch[i]!.ts);
      if (day !== this.day) this.rotate(day);
      const start = i;
      while (i < batch.length && utcDay(batch[i]!.ts) === day) i++;
      const slice = batch.slice(start, i);
      this.db.transaction(() => {
        for (const r of slice) this.insert.run(r.seq, r.ts, r.kind, r.data, r.prev, r.hash);
      })();
    }
    this.checkpoint(false);
  }

  /** Records the committed head in the anchor (throttled; always on close). */
  private checkpoint(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastCheckpoint < CHECKPOINT_MS) return;
    if (this.seq === this.anchorState.seq) return;
    this.lastCheckpoint = now;
    this.anchorState = { ...this.anchorState, seq: this.seq, hash: this.prev };
    try {
      this.anchor.save(this.anchorState);
    } catch {
      // the next checkpoint retries; the chain itself is already on disk
    }
  }

  private rotate(day: string): void {
    // a record dated before the current file (clock moved back) stays in the current file
    if (this.day && day < this.day) return;
    this.db?.close();
    const existing = listJournalFiles(this.dataDir).find((f) => f.endsWith(`journal-${day}.sqlite`));
    if (existing) {
      this.db = openJournalFile(existing, { readonly: false }).db;
      this.file = existing;
    } else {
      const created = createJournalFile(this.dataDir, day, this.anchor instanceof KeychainAnchor ? 'keychain' : 'file');
      this.db = created.db;
      this.file = created.file;
    }
    this.db.pragma('synchronous = FULL');
    this.insert = this.db.prepare('INSERT INTO records (seq, ts, kind, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?)');
    this.day = day;
  }
}

/** The anchor an existing journal was written with; a new journal takes the default. */
export function anchorFor(dataDir: string, recorded: string | undefined): JournalAnchor {
  if (recorded === 'keychain') return new KeychainAnchor(dataDir);
  if (recorded === 'file') return new FileAnchor(dataDir);
  return defaultAnchor(dataDir);
}
