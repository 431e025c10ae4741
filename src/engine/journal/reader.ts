// Reads journal records across every file of a data dir, in chain order.
import { listJournalFiles, openJournalFile, readRecords } from './journal-file.js';
import type { JournalKind, JournalRecord } from './records.js';

export function* readJournal(dataDir: string, kinds?: ReadonlySet<JournalKind>): Generator<JournalRecord> {
  for (const file of listJournalFiles(dataDir)) {
    const { db, meta } = openJournalFile(file, { readonly: true });
    try {
      for (const r of readRecords(db, meta.version)) if (!kinds || kinds.has(r.kind)) yield r;
    } finally {
      db.close();
    }
  }
}

export function parseData<T>(r: JournalRecord): T {
  return JSON.parse(r.data) as T;
}
