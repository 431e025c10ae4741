// The journal writer. Appends records to the hash chain in one order. Durable
// kinds (orders, fills, trading-state changes...) are on disk before an order
// leaves for the venue, in one of two modes:
// - immediate (the default; the simulator, backtests and replays, where time is
//   simulated and the order of events must not depend on the disk): each durable
//   record is committed with synchronous=FULL (one WAL fsync, covering everything
//   pending before it) before `append` returns;
// - durable group commit (`durableGroupMs` > 0; the engine turns it on for
//   broker venues, on the wall clock): a durable record joins the open group,
//   which commits with ONE fsync when it holds `durableGroupRecords` durable
//   records, `durableGroupMs` after its first one, or as soon as the current
//   synchronous job ends (a microtask) when a sender waits on `whenDurable()` —
//   which every venue send does (the OMS's write-ahead gate), so no order leaves
//   before its record is on disk. The orders of one job share one fsync; a lone
//   order does not wait for the event loop's next phase.
// Other records are group-committed (synchronous=NORMAL: no fsync of their
// own; the next durable commit syncs them with it) when `groupCommitRecords`
// are pending or `groupCommitMs` after the first one. Files rotate by UTC day;
// the chain continues across them.
//
// Each record is serialized once (JSON.stringify), its HMAC taken over those
// bytes and the previous 32-byte hash, and inserted by a statement prepared
// for its kind (day-file.ts). A day file written by schema 1 (an upgrade during
// the day) is continued in schema 1, so no file ever mixes row formats.
import { mkdirSync } from 'node:fs';
import { defaultAnchor, FileAnchor, KeychainAnchor, newAnchorKey, type AnchorState, type JournalAnchor } from './anchor.js';
import { ChainHasher, hashBytes, hashLatin1, recordHash, recordHashV1 } from './chain.js';
import { DayFile, type Pending } from './day-file.js';
import { JournalCorruptError } from './errors.js';
import { createJournalFile, lastRecord, listJournalFiles, openJournalFile, utcDay } from './journal-file.js';
import { DURABLE_GROUP_RECORDS } from './settings.js';
import { DURABLE_KINDS, GENESIS_PREV, JOURNAL_SCHEMA_VERSION, type JournalKind } from './records.js';

const GROUP_COMMIT_MS = 25;
const GROUP_COMMIT_RECORDS = 500;
/** Records pending in an open durable group that close it at once (bounds memory in a flood of non-durable records). */
const DURABLE_GROUP_MAX_PENDING = 8_192;
const CHECKPOINT_MS = 1_000;
/** How long close() waits for an anchor write still in flight (a keychain that never answers must not hold up shutdown). */
const CLOSE_ANCHOR_WAIT_MS = 3_000;
const DAY_MS = 86_400_000;

export interface JournalOptions {
  anchor?: JournalAnchor;
  /** Wall-clock ms from the first pending non-durable record to its group commit. */
  groupCommitMs?: number;
  /** Pending records that trigger a group commit at once. */
  groupCommitRecords?: number;
  /**
   * Durable group commit: 0 (default) commits each durable record with its own
   * fsync before `append` returns; > 0 is the wall-clock ms an open durable group
   * waits at most for more records before its one fsync.
   */
  durableGroupMs?: number;
  /** Durable records that close the open durable group at once (default 256). */
  durableGroupRecords?: number;
}

export interface JournalStats {
  appended: number;
  /** Commits with an fsync (synchronous=FULL). */
  durableCommits: number;
  groupCommits: number;
}

/** The promise of the next durable commit, shared by every sender waiting on it. */
interface Waiting {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Journal {
  private out: DayFile | undefined;
  /** UTC day of the records now being appended (it ends at dayEnd), and the schema its file takes. */
  private day = '';
  private dayEnd = -Infinity;
  private dayVersion = JOURNAL_SCHEMA_VERSION;
  private seq: number;
  /** Hash of the last record appended, latin1 (ChainHasher's form). */
  private prev: string;
  /** Hash of the last committed record (the `prev` of a new file's first row), latin1. */
  private committed: string;
  /** Hash of the record at `synced` (the last one an fsync covers), latin1: the only head the anchor may name. */
  private syncedHash: string;
  private pending: Pending[] = [];
  /** Durable-kind records among `pending`. */
  private pendingDurable = 0;
  /** Seq of the last durable-kind record appended, and the last seq an fsync covers. */
  private lastDurableKind = 0;
  private synced: number;
  private timer: NodeJS.Timeout | undefined;
  private durableTimer: NodeJS.Timeout | undefined;
  /** A microtask will arm durableTimer (append in group mode). */
  private armQueued = false;
  /** A close of the open durable group is queued as a microtask (cleared when the group commits otherwise). */
  private closeQueued = false;
  private waiting: Waiting | undefined;
  private lastCheckpoint = 0;
  private checkpointQueued = false;
  /** The anchor write in flight (an anchor that saves asynchronously: the keychain's), until it settles. */
  private saving: Promise<void> | undefined;
  private closed = false;
  private readonly key: Buffer;
  private readonly hasher: ChainHasher;
  private readonly groupCommitRecords: number;
  private readonly durableGroupMs: number;
  private readonly durableGroupRecords: number;
  readonly stats: JournalStats = { appended: 0, durableCommits: 0, groupCommits: 0 };

  private constructor(
    readonly dataDir: string,
    readonly anchor: JournalAnchor,
    private anchorState: AnchorState,
    head: { seq: number; hash: Buffer },
    private readonly groupCommitMs: number,
    opts: JournalOptions,
  ) {
    this.key = Buffer.from(anchorState.key, 'base64');
    this.hasher = new ChainHasher(this.key);
    this.seq = head.seq;
    this.synced = head.seq;
    this.prev = hashLatin1(head.hash);
    this.committed = this.prev;
    this.syncedHash = this.prev;
    this.groupCommitRecords = opts.groupCommitRecords ?? GROUP_COMMIT_RECORDS;
    this.durableGroupMs = opts.durableGroupMs ?? 0;
    this.durableGroupRecords = opts.durableGroupRecords ?? DURABLE_GROUP_RECORDS;
    if (!(this.durableGroupMs >= 0) || !(this.durableGroupRecords >= 1)) {
      throw new Error(`journal durable group commit needs durableGroupMs >= 0 and durableGroupRecords >= 1 (got ${this.durableGroupMs}, ${this.durableGroupRecords})`);
    }
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
    return new Journal(dataDir, anchor, state, head, opts.groupCommitMs ?? GROUP_COMMIT_MS, opts);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The last seq an fsync covers: every record up to it survives a crash. */
  get durableSeq(): number {
    return this.synced;
  }

  /** True when durable records are group-committed (`durableGroupMs` > 0). */
  get groupsDurable(): boolean {
    return this.durableGroupMs > 0;
  }

  get currentFile(): string {
    return this.out?.file ?? '';
  }

  /**
   * The write-ahead gate: undefined when every durable-kind record appended so
   * far is on disk (always, in immediate mode), else the promise of the durable
   * commit that covers them, which is then made when the current synchronous
   * job ends (a microtask queued now). It rejects if that commit fails.
   */
  whenDurable(): Promise<void> | undefined {
    if (this.lastDurableKind <= this.synced) return undefined;
    if (!this.waiting) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiting = { promise, resolve, reject };
    }
    if (!this.closeQueued) {
      this.closeQueued = true;
      queueMicrotask(() => {
        // the group may have committed meanwhile (count, flush): then a new one waits for its own close
        if (this.closeQueued) this.commitGroup();
      });
    }
    return this.waiting.promise;
  }

  /** Appends a record and returns its seq; in immediate mode durable kinds are committed before this returns. */
  append(ts: number, kind: JournalKind, payload: unknown): number {
    if (this.closed) throw new Error('journal is closed');
    // a record dated before the current day (clock moved back) stays in the current file
    if (!(ts < this.dayEnd)) this.enterDay(ts);
    const data = JSON.stringify(payload);
    const seq = ++this.seq;
    let rec: Pending;
    if (this.dayVersion === 1) {
      const prevHex = hashBytes(this.prev).toString('hex');
      const hashHex = recordHashV1(this.key, prevHex, seq, ts, kind, data);
      rec = { seq, ts, kind, data, hash: hashLatin1(Buffer.from(hashHex, 'hex')), prevHex, hashHex };
    } else {
      rec = { seq, ts, kind, data, hash: this.hasher.hash(this.prev, seq, ts, kind, data) };
    }
    this.prev = rec.hash;
    this.pending.push(rec);
    this.stats.appended++;
    if (DURABLE_KINDS.has(kind)) {
      this.lastDurableKind = seq;
      this.pendingDurable++;
      if (this.durableGroupMs === 0 || this.pendingDurable >= this.durableGroupRecords) this.commit(true);
      else if (!this.durableTimer && !this.armQueued) {
        // the group's timer, armed after this job unless a sender closes the group first
        // (whenDurable): a waited-for order then never creates and clears a timer
        this.armQueued = true;
        queueMicrotask(() => {
          this.armQueued = false;
          if (this.pendingDurable > 0 && !this.closeQueued && !this.durableTimer && !this.closed) {
            this.durableTimer = setTimeout(() => this.commitGroup(), this.durableGroupMs);
            this.durableTimer.unref?.();
          }
        });
      }
    } else if (this.pendingDurable > 0) {
      // an open durable group takes the records after its first one along
      if (this.pending.length >= DURABLE_GROUP_MAX_PENDING) this.commit(true);
    } else if (this.pending.length >= this.groupCommitRecords) {
      this.commit(false);
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.closed) this.commitOrReport(false);
      }, this.groupCommitMs);
      this.timer.unref?.();
    }
    return seq;
  }

  /** Commits everything pending now (durably). */
  flush(): void {
    if (!this.closed) this.commit(true);
  }

  /**
   * Commits what is pending, records the final head in the anchor and closes.
   * Synchronous unless a checkpoint's anchor write is still in flight: then the
   * final write follows it (never racing it: the older head must not land
   * last), and the promise returned settles once it has, or after
   * CLOSE_ANCHOR_WAIT_MS with the anchor left on an earlier head of the chain
   * (still verifiable; the records after it are on disk).
   */
  close(): void | Promise<void> {
    if (this.closed) return;
    this.commit(true);
    if (this.timer) clearTimeout(this.timer);
    this.clearGroupTimers();
    this.closed = true;
    this.out?.close();
    const inFlight = this.saving;
    if (!inFlight) return this.checkpoint(true);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((r) => (timer = setTimeout(r, CLOSE_ANCHOR_WAIT_MS)));
    return Promise.race([inFlight, gaveUp]).then(() => {
      clearTimeout(timer);
      if (!this.saving) this.checkpoint(true);
    });
  }

  /** The open durable group's commit from its timer or a waiting sender's microtask. */
  private commitGroup(): void {
    this.clearGroupTimers();
    if (!this.closed) this.commitOrReport(true);
  }

  /** A commit outside any caller (a timer): a failure rejects the waiting senders instead of throwing into the event loop. */
  private commitOrReport(durable: boolean): void {
    try {
      this.commit(durable);
    } catch {
      // the records stay pending (commit put them back) and the waiting senders were told
    }
  }

  private clearGroupTimers(): void {
    if (this.durableTimer) clearTimeout(this.durableTimer);
    this.durableTimer = undefined;
    this.closeQueued = false;
  }

  /**
   * Writes everything pending in one transaction, with an fsync when asked or
   * when a durable-kind record is among it. On failure the records stay pending
   * (the transaction rolled back) and senders waiting on the durable commit are rejected.
   */
  private commit(durable: boolean): void {
    if (this.pending.length === 0) return;
    const full = durable || this.pendingDurable > 0;
    const batch = this.pending;
    this.pending = [];
    const pendingDurable = this.pendingDurable;
    this.pendingDurable = 0;
    try {
      this.open().commit(batch, full);
    } catch (e) {
      this.pending = batch.concat(this.pending);
      this.pendingDurable += pendingDurable;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(e as Error);
      throw e;
    }
    this.committed = batch[batch.length - 1]!.hash;
    if (full) {
      this.stats.durableCommits++;
      this.synced = batch[batch.length - 1]!.seq;
      this.syncedHash = this.committed;
      if (this.pendingDurable === 0) this.clearGroupTimers();
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve();
    } else this.stats.groupCommits++;
    this.checkpointSoon();
  }

  /**
   * The throttled anchor checkpoint, after the current job: its own writes (a
   * keychain call, or the file anchor's two fsyncs) never hold up the sender
   * waiting on this commit (an order about to leave).
   */
  private checkpointSoon(): void {
    if (this.checkpointQueued || Date.now() - this.lastCheckpoint < CHECKPOINT_MS || this.synced === this.anchorState.seq) return;
    this.checkpointQueued = true;
    setImmediate(() => {
      this.checkpointQueued = false;
      if (!this.closed) this.checkpoint(false);
    }).unref();
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
      const created = createJournalFile(this.dataDir, this.day, anchorKind, hashBytes(this.committed).toString('hex'));
      this.out = new DayFile(created.db, created.file, JOURNAL_SCHEMA_VERSION);
    }
    return this.out;
  }

  /**
   * Records the durable head in the anchor (throttled; always on close). Only
   * a head an fsync covers: a commit without one can be lost with the power,
   * and an anchor naming a head the files no longer hold reads as tampering.
   */
  private checkpoint(force: boolean): void {
    const now = Date.now();
    if (!force && (now - this.lastCheckpoint < CHECKPOINT_MS || this.saving)) return;
    if (this.synced === this.anchorState.seq) return;
    this.lastCheckpoint = now;
    const next = { ...this.anchorState, seq: this.synced, hash: hashBytes(this.syncedHash).toString('hex') };
    // A failed write leaves anchorState as it was: the next checkpoint (or the close) writes the head
    // again; the chain itself is already on disk. While the journal runs, the write goes off the event
    // loop where the anchor can (a keychain that is slow, stalled or asking the user to unlock it must
    // not stop the engine); at close, before the process may end.
    if (!force && this.anchor.saveAsync) {
      this.saving = this.anchor
        .saveAsync(next)
        .then(
          () => void (this.anchorState = next),
          () => undefined,
        )
        .finally(() => (this.saving = undefined));
      return;
    }
    try {
      this.anchor.save(next);
      this.anchorState = next;
    } catch {
      // as above
    }
  }

  /** An anchor write is in flight (for tests). */
  get anchorSaving(): boolean {
    return this.saving !== undefined;
  }
}

/** The anchor an existing journal was written with; a new journal takes the default. */
export function anchorFor(dataDir: string, recorded: string | undefined): JournalAnchor {
  if (recorded === 'keychain') return new KeychainAnchor(dataDir);
  if (recorded === 'file') return new FileAnchor(dataDir);
  return defaultAnchor(dataDir);
}
