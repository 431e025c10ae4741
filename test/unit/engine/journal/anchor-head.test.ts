// The anchor names only a durable head: a commit without an fsync (a group of
// non-durable records) can be lost with the power, and an anchor naming a head
// the files no longer hold would make verification report tampering. The
// anchor's throttle runs on Date, faked here (no timed assertions).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileAnchor, type AnchorState } from '../../../../src/engine/journal/anchor.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import { listJournalFiles } from '../../../../src/engine/journal/journal-file.js';
import { verifyJournal } from '../../../../src/engine/journal/verify.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const T0 = Date.parse('2026-01-05T14:30:00Z');
const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A file anchor that keeps every head it was asked to save, with the journal's durable seq at that moment. */
class WatchedAnchor extends FileAnchor {
  readonly saves: Array<{ state: AnchorState; durableSeq: number }> = [];
  journal: Journal | undefined;
  override save(state: AnchorState): void {
    this.saves.push({ state, durableSeq: this.journal?.durableSeq ?? 0 });
    super.save(state);
  }
}

function hashAt(dir: string, seq: number): string {
  const db = new Database(listJournalFiles(dir)[0]!, { readonly: true });
  const row = db.prepare('SELECT hash FROM records WHERE seq = ?').get(seq) as { hash: Buffer };
  db.close();
  return row.hash.toString('hex');
}

describe('journal anchor head', () => {
  it('is saved only for a head an fsync covers, with that record’s hash, after the commit’s job', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const dir = mkdtempSync(join(tmpdir(), 'td-anchor-head-'));
    dirs.push(dir);
    const anchor = new WatchedAnchor(dir);
    const j = Journal.open(dir, { anchor, groupCommitRecords: 3 });
    anchor.journal = j;
    j.append(T0, 'order', { id: 'a' }); // durable: committed with an fsync before append returns
    // the anchor is written after the job that committed (never on the waiting sender's time)
    expect(anchor.saves.map((s) => s.state.seq)).toEqual([0]);
    await nextTurn();
    expect(anchor.saves.map((s) => s.state.seq)).toEqual([0, 1]);
    vi.setSystemTime(T0 + 5_000); // past the anchor's throttle
    for (let i = 1; i <= 3; i++) j.append(T0 + i, 'input.quote', { i }); // a group commit by count, no fsync
    expect(j.stats.groupCommits).toBe(1);
    expect(j.durableSeq).toBe(1);
    await nextTurn();
    vi.setSystemTime(T0 + 10_000);
    j.append(T0 + 4, 'fill', { id: 'a' }); // durable again: seq 5 and everything before it synced
    expect(j.durableSeq).toBe(5);
    await nextTurn();
    for (const { state, durableSeq } of anchor.saves) {
      expect(state.seq, `anchor saved seq ${state.seq} while seq ${durableSeq} was durable`).toBeLessThanOrEqual(durableSeq);
    }
    // the new anchor (seq 0, at open), then the durable heads, each with its record's hash
    expect(anchor.saves.map((s) => s.state.seq)).toEqual([0, 1, 5]);
    expect(anchor.saves[1]!.state.hash).toBe(hashAt(dir, 1));
    expect(anchor.saves[2]!.state.hash).toBe(hashAt(dir, 5));
    j.close();
    expect(verifyJournal(dir)).toMatchObject({ ok: true, records: 5 });
  });
});
