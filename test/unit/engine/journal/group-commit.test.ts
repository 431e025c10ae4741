// Durable group commit on real SQLite files, with fake timers (no timed
// assertions): a group of durable records commits with one fsync when it holds
// `durableGroupRecords` of them, `durableGroupMs` after its first one, or when
// the current synchronous job ends (a microtask, no timer) if a sender waits on
// `whenDurable()`; a failed
// commit rejects the waiting senders and loses nothing; immediate mode (the
// default) commits each durable record before `append` returns.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileAnchor } from '../../../../src/engine/journal/anchor.js';
import { Journal, type JournalOptions } from '../../../../src/engine/journal/journal.js';
import { listJournalFiles } from '../../../../src/engine/journal/journal-file.js';
import { verifyJournal } from '../../../../src/engine/journal/verify.js';
import { durableCommitOptions, DEFAULT_JOURNAL_SETTINGS } from '../../../../src/engine/journal/settings.js';

const T0 = Date.parse('2026-01-05T14:30:00Z');
const dirs: string[] = [];
function open(opts: JournalOptions): { j: Journal; dir: string; rows: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'td-group-'));
  dirs.push(dir);
  const j = Journal.open(dir, { anchor: new FileAnchor(dir), ...opts });
  const rows = (): number => {
    const file = listJournalFiles(dir)[0];
    if (!file) return 0;
    const db = new Database(file, { readonly: true });
    const n = (db.prepare('SELECT count(*) n FROM records').get() as { n: number }).n;
    db.close();
    return n;
  };
  return { j, dir, rows };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
});
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('durable group commit', () => {
  it('commits a group by count: one fsync when it holds durableGroupRecords durable records, the records between them included', () => {
    const { j, rows } = open({ durableGroupMs: 60_000, durableGroupRecords: 3 });
    j.append(T0, 'order', { id: 'a' });
    j.append(T0 + 1, 'input.quote', { q: 1 });
    j.append(T0 + 2, 'fill', { id: 'a' });
    expect(j.durableSeq).toBe(0);
    expect(rows()).toBe(0);
    expect(j.whenDurable()).toBeInstanceOf(Promise);
    j.append(T0 + 3, 'trading_state', { to: 'HALTED' });
    expect(j.durableSeq).toBe(4);
    expect(rows()).toBe(4);
    expect(j.stats.durableCommits).toBe(1);
    expect(j.whenDurable()).toBeUndefined();
    j.close();
  });

  it('commits a group by time: durableGroupMs after its first durable record (the timer is armed when its job ends)', async () => {
    const { j, rows } = open({ durableGroupMs: 2, durableGroupRecords: 256 });
    j.append(T0, 'input.quote', { q: 1 });
    j.append(T0 + 1, 'order', { id: 'a' });
    await Promise.resolve(); // the job ends
    vi.advanceTimersByTime(1);
    j.append(T0 + 2, 'order', { id: 'b' });
    expect(j.durableSeq).toBe(0);
    vi.advanceTimersByTime(1);
    // 2 ms after the first order: both orders (and the quote before them) in one commit
    expect(j.durableSeq).toBe(3);
    expect(rows()).toBe(3);
    expect(j.stats.durableCommits).toBe(1);
    // a new group starts its own window
    j.append(T0 + 3, 'fill', { id: 'a' });
    await Promise.resolve();
    vi.advanceTimersByTime(1);
    expect(j.durableSeq).toBe(3);
    vi.advanceTimersByTime(1);
    expect(j.durableSeq).toBe(4);
    j.close();
  });

  it('a waiting sender closes the group when the synchronous job ends: every durable record appended in it shares one fsync, and no timer is needed', async () => {
    const { j } = open({ durableGroupMs: 60_000, durableGroupRecords: 256 });
    j.append(T0, 'order', { id: 'a' });
    const first = j.whenDurable()!;
    j.append(T0 + 1, 'decision', { id: 'b' });
    j.append(T0 + 2, 'order', { id: 'b' });
    const second = j.whenDurable()!;
    // one shared promise, not yet durable within the job
    expect(second).toBe(first);
    expect(j.durableSeq).toBe(0);
    // the close was queued as a microtask before this await's continuation: no timer or immediate has run
    await Promise.resolve();
    expect(j.durableSeq).toBe(3);
    expect(j.stats.durableCommits).toBe(1);
    await first;
    // a lone order of a later job gets its own commit, again without a timer
    j.append(T0 + 3, 'order', { id: 'c' });
    const third = j.whenDurable()!;
    expect(third).not.toBe(first);
    await Promise.resolve();
    expect(j.durableSeq).toBe(4);
    expect(j.stats.durableCommits).toBe(2);
    // non-durable records alone need no durable commit
    j.append(T0 + 4, 'input.quote', { q: 1 });
    expect(j.whenDurable()).toBeUndefined();
    j.close();
  });

  it('a group committed by count before the queued close leaves nothing for the close to commit', async () => {
    const { j } = open({ durableGroupMs: 60_000, durableGroupRecords: 2 });
    j.append(T0, 'order', { id: 'a' });
    const waiting = j.whenDurable()!;
    j.append(T0 + 1, 'fill', { id: 'a' });
    // the count closed the group at once; the records after it are not durable kinds
    expect(j.durableSeq).toBe(2);
    j.append(T0 + 2, 'input.quote', { q: 1 });
    await waiting;
    await Promise.resolve();
    // the queued close found no open group: the quote waits for its ordinary group commit, no extra fsync
    expect(j.stats.durableCommits).toBe(1);
    expect(j.durableSeq).toBe(2);
    j.close();
  });

  it('a failed commit rejects the waiting senders naming the file, keeps the records pending, and a later commit writes them all', async () => {
    const { j, dir, rows } = open({ durableGroupMs: 60_000, durableGroupRecords: 256 });
    j.append(T0, 'input.quote', { q: 1 });
    j.append(T0 + 1, 'order', { id: 'a' });
    // the day's file cannot be opened: a directory stands in its place
    const blocker = join(dir, 'journal-2026-01-05.sqlite');
    mkdirSync(blocker);
    const waiting = j.whenDurable()!;
    const outcome = waiting.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    expect(await outcome).toMatch(/journal-2026-01-05\.sqlite/);
    expect(j.durableSeq).toBe(0);
    rmSync(blocker, { recursive: true });
    j.append(T0 + 2, 'fill', { id: 'a' });
    j.flush();
    expect(j.durableSeq).toBe(3);
    expect(rows()).toBe(3);
    j.close();
    expect(verifyJournal(dir)).toMatchObject({ ok: true, records: 3 });
  });

  it('immediate mode (the default) commits each durable record before append returns; whenDurable never waits', () => {
    const { j, rows } = open({});
    j.append(T0, 'input.quote', { q: 1 });
    expect(rows()).toBe(0);
    j.append(T0 + 1, 'order', { id: 'a' });
    expect(j.durableSeq).toBe(2);
    expect(rows()).toBe(2);
    expect(j.whenDurable()).toBeUndefined();
    expect(j.groupsDurable).toBe(false);
    j.close();
  });

  it("'auto' groups durable records only on the wall clock (a broker venue); 'on' and 'off' force it", () => {
    expect(durableCommitOptions(DEFAULT_JOURNAL_SETTINGS, false)).toEqual({ durableGroupMs: 0 });
    expect(durableCommitOptions(DEFAULT_JOURNAL_SETTINGS, true)).toEqual({ durableGroupMs: 2, durableGroupRecords: 256 });
    expect(durableCommitOptions({ ...DEFAULT_JOURNAL_SETTINGS, groupCommit: 'on' }, false).durableGroupMs).toBe(2);
    expect(durableCommitOptions({ ...DEFAULT_JOURNAL_SETTINGS, groupCommit: 'off' }, true).durableGroupMs).toBe(0);
  });

  it('refuses bad group settings, naming them', () => {
    expect(() => open({ durableGroupMs: -1 })).toThrow(/durableGroupMs >= 0.*-1/);
    expect(() => open({ durableGroupMs: 2, durableGroupRecords: 0 })).toThrow(/durableGroupRecords >= 1/);
  });
});
