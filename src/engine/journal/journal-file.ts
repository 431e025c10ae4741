// One journal file: a SQLite database (WAL) holding a contiguous run of the
// chain for one UTC day. Opening checks that it is a journal, that it is not
// damaged, and that it was not written by a newer version.
import Database from 'better-sqlite3';
import { openDatabase } from '../core/sqlite.js';
import { basename, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { JournalCorruptError, JournalVersionError } from './errors.js';
import { JOURNAL_APP_ID, JOURNAL_SCHEMA_VERSION, type JournalRecord } from './records.js';

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

export interface FileMeta {
  version: number;
  day: string;
  anchor: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_kind_ts ON records(kind, ts);
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
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    return { db, meta: { version, day: m.get('day') ?? '', anchor: m.get('anchor') ?? 'unknown' } };
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

/** Creates a new journal file for one day. */
export function createJournalFile(dataDir: string, day: string, anchor: string): { db: Database.Database; file: string } {
  const file = join(dataDir, journalFileName(day));
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    put.run('app', JOURNAL_APP_ID);
    put.run('schema_version', String(JOURNAL_SCHEMA_VERSION));
    put.run('day', day);
    put.run('anchor', anchor);
  })();
  return { db, file };
}

export function readRecords(db: Database.Database): IterableIterator<JournalRecord> {
  return db.prepare('SELECT seq, ts, kind, data, prev, hash FROM records ORDER BY seq').iterate() as IterableIterator<JournalRecord>;
}

export function lastRecord(db: Database.Database): JournalRecord | undefined {
  return db.prepare('SELECT seq, ts, kind, data, prev, hash FROM records ORDER BY seq DESC LIMIT 1').get() as JournalRecord | undefined;
}

export function fileLabel(file: string): string {
  return basename(file);
}
