// Learning persisted in <data-dir>/learning.sqlite: pending and resolved
// predictions and the accuracy/EMA cells survive a reopen (a pending
// prediction resumes counting bars where it stopped); a damaged, foreign or
// newer file is refused with an error naming it and left byte-for-byte
// unchanged; a failing write is reported, never thrown into the caller;
// changes are written at most once per WRITE_INTERVAL_MS, each prediction's
// latest state once, and a timer writes the rest without further calls.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Learning, WRITE_INTERVAL_MS } from '../../../../../src/engine/strategy/learning/learning.js';
import { LEARNING_FILE, LearningFileError, LearningStore, LearningVersionError } from '../../../../../src/engine/strategy/learning/learning-store.js';
import { removeTempDirs, sig, tempDir } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  removeTempDirs();
});

function expectRefused(dir: string, code: string, detail: RegExp): void {
  const file = join(dir, LEARNING_FILE);
  const before = readFileSync(file);
  let err: unknown;
  try {
    new Learning({ dataDir: dir });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(code === 'LEARNING_FILE_TOO_NEW' ? LearningVersionError : LearningFileError);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toContain(file);
  expect((err as Error).message).toMatch(detail);
  expect((err as Error).message).toContain('it was not changed');
  expect(readFileSync(file).equals(before)).toBe(true);
}

describe('LearningStore', () => {
  it('round trip: predictions, accuracy and weights survive a reopen, and a pending one resumes its bar count', () => {
    const dir = tempDir();
    const a = new Learning({ dataDir: dir });
    a.onSignal(sig({ strategy: 'mom', horizonBars: 1, score: 0.5 }), 100, 'uptrend');
    a.onSignal(sig({ strategy: 'rev', horizonBars: 3, score: -0.5 }), 100, 'uptrend');
    expect(a.onBar('SPY', 2_000, 101).map((r) => r.strategy)).toEqual(['mom']); // rev: 1 of 3 bars
    a.onSignal(sig({ strategy: 'mom', symbol: 'QQQ', ts: 2_000, horizonBars: 1 }), 400, 'neutral'); // queued, written at close
    const statsBefore = a.stats();
    const weightBefore = a.weight('mom', 'uptrend');
    a.close();

    const b = new Learning({ dataDir: dir });
    expect(b.stats()).toEqual(statsBefore);
    expect(b.weight('mom', 'uptrend')).toBe(weightBefore);
    expect(b.weight('mom', 'uptrend')).toBeCloseTo(0.55, 12); // one hit: 0.5 + 0.1 × 0.5, no bonus at N = n = 1
    expect(b.tracker.pending().map((p) => [p.strategy, p.symbol, p.barsSeen])).toEqual([
      ['rev', 'SPY', 1],
      ['mom', 'QQQ', 0],
    ]);
    const mom = b.strategyStats('mom');
    expect(mom).toMatchObject({ resolved: 1, hits: 1, accuracy: 1, pending: 1, regime: 'neutral' });
    expect(mom.byRegime).toEqual([{ regime: 'uptrend', resolved: 1, hits: 1, accuracy: 1, meanPayoff: expect.closeTo(0.005, 12), weight: expect.closeTo(0.55, 12), influence: 0.2 }]);

    // rev resolves after two more SPY bars, not three
    expect(b.onBar('SPY', 3_000, 99)).toEqual([]);
    const [rev] = b.onBar('SPY', 4_000, 98);
    expect(rev).toMatchObject({ strategy: 'rev', hit: true, exitPrice: 98 });
    expect(rev!.ret).toBeCloseTo(-0.02, 12);
    // a signal older than what the file holds is still refused after the reopen
    expect(b.onSignal(sig({ strategy: 'mom', ts: 500 }), 100).ok).toBe(false);
    b.close();

    const store = LearningStore.open(dir);
    expect(store.resolved().map((r) => [r.strategy, r.symbol, r.resolvedTs, r.hit])).toEqual([
      ['mom', 'SPY', 2_000, true],
      ['rev', 'SPY', 4_000, true],
    ]);
    expect(store.load().cells.map((c) => [c.strategy, c.regime, c.resolved, c.hits])).toEqual([
      ['mom', 'uptrend', 1, 1],
      ['rev', 'uptrend', 1, 1],
    ]);
    store.close();
  });

  it('writes in WAL mode', () => {
    const dir = tempDir();
    const l = new Learning({ dataDir: dir });
    l.onSignal(sig(), 100);
    l.flush();
    const db = new Database(join(dir, LEARNING_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect((db.prepare('SELECT COUNT(*) AS n FROM predictions').get() as { n: number }).n).toBe(1);
    db.close();
    l.close();
  });

  it('refuses a damaged file, naming it, without changing it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LEARNING_FILE), Buffer.from('definitely not sqlite\n'.repeat(500)));
    expectRefused(dir, 'LEARNING_FILE_UNUSABLE', /not a database|file is not/);
  });

  it("refuses another application's SQLite file", () => {
    const dir = tempDir();
    const db = new Database(join(dir, LEARNING_FILE));
    db.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
    db.close();
    expectRefused(dir, 'LEARNING_FILE_UNUSABLE', /not a Tradedesk learning file/);
  });

  it('refuses a file from a newer version', () => {
    const dir = tempDir();
    new Learning({ dataDir: dir }).close();
    const db = new Database(join(dir, LEARNING_FILE));
    db.prepare("UPDATE meta SET value = '2' WHERE key = 'schema_version'").run();
    db.close();
    expectRefused(dir, 'LEARNING_FILE_TOO_NEW', /schema 2; this version reads up to 1/);
  });

  it('a failing write is reported once and learning continues in memory', () => {
    const dir = tempDir();
    const errors: string[] = [];
    const l = new Learning({ dataDir: dir, onError: (e) => errors.push(e.message) });
    (l as unknown as { store: LearningStore }).store.close(); // the file goes away under it
    l.onSignal(sig({ horizonBars: 1 }), 100);
    expect(() => l.onBar('SPY', 2_000, 101)).not.toThrow();
    l.onSignal(sig({ ts: 2_000, horizonBars: 1 }), 101);
    l.onBar('SPY', 3_000, 102);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(join(dir, LEARNING_FILE));
    expect(l.strategyStats('mom').resolved).toBe(2);
  });

  it('writes at most once per interval, each prediction once with its latest count, and the rest by timer without another call', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const dir = tempDir();
    const writes = vi.spyOn(LearningStore.prototype, 'write');
    const l = new Learning({ dataDir: dir });
    const barsSeen = (): number[] => {
      const db = new Database(join(dir, LEARNING_FILE), { readonly: true });
      try {
        return (db.prepare("SELECT bars_seen AS n FROM predictions WHERE status = 'pending' ORDER BY seq").all() as Array<{ n: number }>).map((r) => r.n);
      } finally {
        db.close();
      }
    };
    l.onSignal(sig({ strategy: 'mom', horizonBars: 100 }), 100);
    l.onSignal(sig({ strategy: 'rev', horizonBars: 100, score: -0.5 }), 100);
    l.onBar('SPY', 2_000, 101); // the first change is written at once
    expect(writes).toHaveBeenCalledTimes(1);
    expect(barsSeen()).toEqual([1, 1]);
    // fifty more bars inside the interval: nothing written yet, learning moves on in memory
    for (let i = 1; i <= 50; i++) l.onBar('SPY', 2_000 + i * 1_000, 101);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(l.tracker.pending().map((p) => p.barsSeen)).toEqual([51, 51]);
    expect(barsSeen()).toEqual([1, 1]);
    // the interval passes with no further call: the timer writes both predictions once, at their latest count
    vi.advanceTimersByTime(WRITE_INTERVAL_MS);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(writes.mock.calls[1]![0].pending.map((p) => p.barsSeen)).toEqual([51, 51]);
    expect(barsSeen()).toEqual([51, 51]);
    // a change after the interval is written at once again; close writes what is left
    vi.advanceTimersByTime(WRITE_INTERVAL_MS);
    l.onBar('SPY', 60_000, 101);
    expect(writes).toHaveBeenCalledTimes(3);
    l.onBar('SPY', 61_000, 101);
    l.close();
    expect(writes).toHaveBeenCalledTimes(4);
    expect(barsSeen()).toEqual([53, 53]);
  });
});
