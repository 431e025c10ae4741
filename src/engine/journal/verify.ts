// `journal verify`: walks the whole chain across every file of a data dir and
// names the first record that was altered, deleted, inserted or reordered.
// The anchor (kept outside the files) catches a rewritten chain and a cut tail.
import { GENESIS, recordHash, recordHashV1 } from './chain.js';
import { JournalCorruptError, JournalVersionError } from './errors.js';
import { anchorFor } from './journal.js';
import { fileLabel, listJournalFiles, openJournalFile, readRecords } from './journal-file.js';
import type { JournalAnchor } from './anchor.js';

export interface VerifyResult {
  ok: boolean;
  files: number;
  records: number;
  anchor: string;
  /** First problem found, naming file and record. */
  problem?: string;
  /** seq of the first bad record (or of the first missing one). */
  badSeq?: number;
}

export function verifyJournal(dataDir: string, anchorOverride?: JournalAnchor): VerifyResult {
  const files = listJournalFiles(dataDir);
  if (files.length === 0) return { ok: false, files: 0, records: 0, anchor: 'none', problem: `no journal files in ${dataDir}` };
  let anchor: JournalAnchor | undefined = anchorOverride;
  let expectedSeq = 1;
  let prev: Buffer = GENESIS;
  let records = 0;
  let key: Buffer | undefined;
  let anchorSeq = 0;
  let anchorHash = '';
  const fail = (problem: string, badSeq?: number): VerifyResult => ({ ok: false, files: files.length, records, anchor: anchor?.where ?? 'unknown', problem, badSeq });

  for (const file of files) {
    let opened;
    try {
      opened = openJournalFile(file, { readonly: true });
    } catch (e) {
      if (e instanceof JournalCorruptError || e instanceof JournalVersionError) return fail(e.message);
      throw e;
    }
    const { db, meta } = opened;
    try {
      if (!anchor) anchor = anchorFor(dataDir, meta.anchor);
      if (!key) {
        let state;
        try {
          state = anchor.load();
        } catch (e) {
          return fail(`cannot read the journal anchor from ${anchor.where}: ${(e as Error).message}`);
        }
        if (!state) return fail(`the journal anchor is missing from ${anchor.where}: the chain cannot be trusted`);
        key = Buffer.from(state.key, 'base64');
        anchorSeq = state.seq;
        anchorHash = state.hash;
      }
      const name = fileLabel(file);
      const v1 = meta.version === 1;
      for (const r of readRecords(db, meta.version)) {
        if (r.seq > expectedSeq) {
          return fail(`${name}: record seq ${expectedSeq}${r.seq - 1 > expectedSeq ? `..${r.seq - 1}` : ''} deleted (next present is seq ${r.seq})`, expectedSeq);
        }
        if (r.seq < expectedSeq) return fail(`${name}: record seq ${r.seq} out of order (inserted or reordered)`, r.seq);
        let hash: Buffer;
        if (v1) {
          // schema 1 stores the link: a record that verifies on its own but links elsewhere was moved
          const selfConsistent = recordHashV1(key, r.prev ?? '', r.seq, r.ts, r.kind, r.data) === r.hash;
          if (r.prev !== prev.toString('hex')) {
            return fail(
              selfConsistent
                ? `${name}: record seq ${r.seq} does not follow the previous record (inserted or reordered)`
                : `${name}: record seq ${r.seq} altered (its link and hash do not verify)`,
              r.seq,
            );
          }
          if (!selfConsistent) return fail(`${name}: record seq ${r.seq} altered (hash does not verify)`, r.seq);
          hash = Buffer.from(r.hash as string, 'hex');
        } else {
          // schema 2: the link is the row before; an altered, inserted or moved record fails the same way
          hash = recordHash(key, prev, r.seq, r.ts, r.kind, r.data);
          if (!Buffer.isBuffer(r.hash) || !hash.equals(r.hash)) {
            return fail(`${name}: record seq ${r.seq} altered, inserted or reordered (its hash does not verify against the record before it)`, r.seq);
          }
        }
        if (r.seq === anchorSeq && hash.toString('hex') !== anchorHash) return fail(`${name}: record seq ${r.seq} differs from the anchored head`, r.seq);
        prev = hash;
        expectedSeq++;
        records++;
      }
    } finally {
      db.close();
    }
  }
  if (expectedSeq - 1 < anchorSeq) {
    return fail(`records seq ${expectedSeq}..${anchorSeq} deleted from the end (the anchor in ${anchor!.where} has seq ${anchorSeq})`, expectedSeq);
  }
  return { ok: true, files: files.length, records, anchor: anchor!.where };
}
