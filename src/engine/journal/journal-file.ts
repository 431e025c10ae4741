// One journal file: a SQLite database (WAL) holding a contiguous run of the
// chain for one UTC day. Opening checks that it is a journal, that it is not
// damaged, and that it was not written by a newer version.
//
// Schema 2 (written now): records (seq, ts, kind, data TEXT, hash BLOB(32)); a
// record's previous hash is the hash of the row before it, and for a file's
// first row `meta.prev` (hex), so it is not stored per row; a partial index on
// kind covers only the kinds recovery reads (not the recorded inputs).
// Schema 1 (read; continued when today's file holds it): records (seq, ts,
// kind, data, prev TEXT hex, hash TEXT hex) and an index on (kind, ts).
import Database from 'better-sqlite3';
import { openDatabase } from '../core/sqlite.js';
import { basename, join } from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import { JournalCorruptError, JournalVersionError } from './errors.js';
import { JOURNAL_APP_ID, JOURNAL_OLDEST_SCHEMA, JOURNAL_SCHEMA_VERSION, STATE_KINDS_SQL, type StoredRecord } from './records.js';

export const JOURNAL_FILE_RE = /^journal-(\d{4}-\d{2}-\d{2})\.sqlite$/;

export function journalFileName(day: string): string {
  return `journal-${day}.sqlite`;
}

export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Journal files of a data dir, oldest first. */
export function listJournalFiles(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  return names.filter((n) => JOURNAL_FILE_RE.test(n)).sort().map((n) => join(dataDir, n));
}

/** Bytes on disk of a data dir's journal files, their WAL and shared-memory files included. */
export function journalBytes(dataDir: string): number {
  let total = 0;
  for (const f of listJournalFiles(dataDir)) {
    for (const part of [f, `${f}-wal`, `${f}-shm`]) {
      try {
        total += statSync(part).size;
      } catch {
        // no WAL (checkpointed) or the file rotated away meanwhile
      }
    }
  }
  return total;
}

export interface FileMeta {
  version: number;
  day: string;
  anchor: string;
  /** Schema 2: hex of the chain hash before this file's first record. */
  prev?: string;
}

const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_state_kind ON records(kind) WHERE ${STATE_KINDS_SQL};
`;

/** Opens an existing journal file and checks it, or throws naming the file. */
export function openJournalFile(file: string, opts: { readonly: boolean }): { db: Database.Database; meta: FileMeta } {
  let db: Database.Database;
  try {
    db = openDatabase(file, { readonly: opts.readonly, fileMustExist: true });
  } catch (e) {
    throw new JournalCorruptError(file, (e as Error).message);
  }
  try {
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new Error(`integrity check: ${check}`);
    const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
    const m = new Map(rows.map((r) => [r.key, r.value]));
    if (m.get('app') !== JOURNAL_APP_ID) throw new Error('not a Tradedesk journal (meta.app missing)');
    const version = Number(m.get('schema_version'));
    if (version > JOURNAL_SCHEMA_VERSION) {
      db.close();
      throw new JournalVersionError(file, version, JOURNAL_SCHEMA_VERSION);
    }
    if (!(version >= JOURNAL_OLDEST_SCHEMA)) throw new Error(`unknown schema version ${m.get('schema_version')}`);
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    return { db, meta: { version, day: m.get('day') ?? '', anchor: m.get('anchor') ?? 'unknown', prev: m.get('prev') } };
  } catch (e) {
    if (e instanceof JournalVersionError) throw e;
    try {
      db.close();
    } catch {
      // already unusable
    }
    throw new JournalCorruptError(file, (e as Error).message);
  }
}

/** Creates a new (schema 2) journal file for one day; `prev` is the chain head (hex) before its first record. */
export function createJournalFile(dataDir: string, day: string, anchor: string, prev: string): { db: Database.Database; file: string } {
  const file = join(dataDir, journalFileName(day));
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA_V2);
  const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    put.run('app', JOURNAL_APP_ID);
    put.run('schema_version', String(JOURNAL_SCHEMA_VERSION));
    put.run('day', day);
    put.run('anchor', anchor);
    put.run('prev', prev);
  })();
  return { db, file };
}

function columns(version: number): string {
  return version === 1 ? 'seq, ts, kind, data, prev, hash' : 'seq, ts, kind, data, hash';
}

export function readRecords(db: Database.Database, version: number): IterableIterator<StoredRecord> {
  return db.prepare(`SELECT ${columns(version)} FROM records ORDER BY seq`).iterate() as IterableIterator<StoredRecord>;
}

/** Records of the given kinds (none of them an `input.*` kind), in chain order; uses the state-kinds index. */
export function readStateKinds(db: Database.Database, version: number, kinds: readonly string[]): IterableIterator<StoredRecord> {
  const q = db.prepare(`SELECT ${columns(version)} FROM records WHERE kind IN (${kinds.map(() => '?').join(',')}) AND ${STATE_KINDS_SQL} ORDER BY seq`);
  return q.iterate(...kinds) as IterableIterator<StoredRecord>;
}

/** The file's last record, with the hash before it (from the row before, or the file's meta.prev). */
export function lastRecord(db: Database.Database, meta: FileMeta): { rec: StoredRecord; prev: Buffer } | undefined {
  const rows = db.prepare(`SELECT ${columns(meta.version)} FROM records ORDER BY seq DESC LIMIT 2`).all() as StoredRecord[];
  const rec = rows[0];
  if (!rec) return undefined;
  if (meta.version === 1) return { rec, prev: Buffer.from(rec.prev ?? '', 'hex') };
  const before = rows[1]?.hash ?? Buffer.from(meta.prev ?? '', 'hex');
  return { rec, prev: Buffer.isBuffer(before) ? before : Buffer.from(before, 'hex') };
}

export function fileLabel(file: string): string {
  return basename(file);
}
