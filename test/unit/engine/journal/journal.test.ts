// The journal on real SQLite files: chain, durability classes, rotation,
// tamper detection (altered, deleted, inserted, reordered, truncated,
// rewritten), damaged and too-new files.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAnchor } from '../../../../src/engine/journal/anchor.js';
import { recordHash } from '../../../../src/engine/journal/chain.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import { journalBytes, listJournalFiles } from '../../../../src/engine/journal/journal-file.js';
import { readJournal } from '../../../../src/engine/journal/reader.js';
import { verifyJournal } from '../../../../src/engine/journal/verify.js';
import { exportJournal } from '../../../../src/engine/journal/export.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T14:30:00Z');
const dirs: string[] = [];
function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'td-journal-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function write(dir: string, n: number, startTs = T0, step = 60_000) {
  const j = Journal.open(dir, { anchor: new FileAnchor(dir) });
  for (let i = 0; i < n; i++) j.append(startTs + i * step, i % 5 === 0 ? 'order' : 'input.quote', { i, symbol: 'SPY' });
  j.close();
}

function exec(dir: string, sql: string, file = listJournalFiles(dir)[0]!) {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

describe('Journal', () => {
  it('appends a contiguous chain that verifies and reads back in order', () => {
    const dir = tmp();
    write(dir, 50);
    const v = verifyJournal(dir);
    expect(v).toMatchObject({ ok: true, records: 50, files: 1 });
    const recs = [...readJournal(dir)];
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(JSON.parse(recs[7]!.data)).toEqual({ i: 7, symbol: 'SPY' });
  });

  it('continues the chain after reopening', () => {
    const dir = tmp();
    write(dir, 10);
    write(dir, 10, T0 + 3_600_000);
    expect(verifyJournal(dir)).toMatchObject({ ok: true, records: 20 });
  });

  it('commits durable kinds at once and group-commits the rest', () => {
    const dir = tmp();
    const j = Journal.open(dir, { anchor: new FileAnchor(dir), groupCommitMs: 60_000 });
    j.append(T0, 'input.quote', { a: 1 });
    const count = () => {
      const db = new Database(j.currentFile || listJournalFiles(dir)[0]!, { readonly: true });
      const n = (db.prepare('SELECT count(*) n FROM records').get() as { n: number }).n;
      db.close();
      return n;
    };
    expect(listJournalFiles(dir)).toEqual([]);
    j.append(T0 + 1, 'order', { id: 'o1' });
    // the order and the quote before it are on disk; nothing is left pending
    expect(count()).toBe(2);
    j.append(T0 + 2, 'input.quote', { a: 2 });
    expect(count()).toBe(2);
    j.close();
    expect(count()).toBe(3);
  });

  it('reports its size on disk across day files (the Health view), 0 for an empty dir', () => {
    const dir = tmp();
    expect(journalBytes(dir)).toBe(0);
    write(dir, 50);
    // every file with its WAL and shared memory, when present
    const onDisk = () => listJournalFiles(dir).flatMap((f) => [f, `${f}-wal`, `${f}-shm`]).reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
    const one = journalBytes(dir);
    expect(one).toBeGreaterThan(0);
    expect(one).toBe(onDisk());
    write(dir, 50, T0 + DAY);
    expect(listJournalFiles(dir)).toHaveLength(2);
    expect(journalBytes(dir)).toBe(onDisk());
    expect(journalBytes(dir)).toBeGreaterThan(one);
  });

  it('rotates by UTC day and keeps one chain across files', () => {
    const dir = tmp();
    write(dir, 30, Date.parse('2026-01-05T00:00:00Z'), DAY / 10);
    const files = listJournalFiles(dir);
    expect(files.length).toBe(3);
    expect(verifyJournal(dir)).toMatchObject({ ok: true, records: 30, files: 3 });
    // a record deleted in the middle file is found, naming that file
    exec(dir, 'DELETE FROM records WHERE seq = (SELECT min(seq) + 2 FROM records)', files[1]);
    const v = verifyJournal(dir);
    expect(v.ok).toBe(false);
    expect(v.problem).toMatch(/journal-2026-01-06\.sqlite: record seq 13 deleted/);
  });

  it('names an altered record', () => {
    const dir = tmp();
    write(dir, 20);
    exec(dir, `UPDATE records SET data = '{"i":7,"symbol":"QQQ"}' WHERE seq = 8`);
    expect(verifyJournal(dir)).toMatchObject({ ok: false, badSeq: 8 });
    expect(verifyJournal(dir).problem).toMatch(/record seq 8 altered/);
  });

  it('names a deleted, an inserted and a reordered record', () => {
    const del = tmp();
    write(del, 20);
    exec(del, 'DELETE FROM records WHERE seq = 5');
    expect(verifyJournal(del).problem).toMatch(/record seq 5 deleted/);

    const ins = tmp();
    write(ins, 20);
    // shift seq 10.. up by one and insert a forged record at 10 that links to 9 without the key
    exec(ins, 'UPDATE records SET seq = seq + 1000 WHERE seq >= 10; UPDATE records SET seq = seq - 999 WHERE seq >= 1000;');
    exec(ins, `INSERT INTO records (seq, ts, kind, data, hash) SELECT 10, ts, 'order', '{"forged":true}', randomblob(32) FROM records WHERE seq = 9`);
    const vi = verifyJournal(ins);
    expect(vi.ok).toBe(false);
    expect(vi.badSeq).toBe(10);

    const re = tmp();
    write(re, 20);
    // swap the contents of 6 and 7
    exec(re, `UPDATE records SET seq = -1 WHERE seq = 6; UPDATE records SET seq = 6 WHERE seq = 7; UPDATE records SET seq = 7 WHERE seq = -1;`);
    const vr = verifyJournal(re);
    expect(vr.ok).toBe(false);
    expect(vr.badSeq).toBe(6);
    expect(vr.problem).toMatch(/inserted or reordered|altered/);
  });

  it('detects a tail cut off after the anchored head', () => {
    const dir = tmp();
    write(dir, 20);
    exec(dir, 'DELETE FROM records WHERE seq > 15');
    const v = verifyJournal(dir);
    expect(v.ok).toBe(false);
    expect(v.problem).toMatch(/records seq 16\.\.20 deleted from the end/);
    // and the writer refuses to continue on it
    expect(() => Journal.open(dir, { anchor: new FileAnchor(dir) })).toThrow(/missing/);
  });

  it('detects a whole chain rewritten without the anchor key', () => {
    const dir = tmp();
    write(dir, 10);
    const db = new Database(listJournalFiles(dir)[0]!);
    const rows = db.prepare('SELECT * FROM records ORDER BY seq').all() as Array<{ seq: number; ts: number; kind: string; data: string }>;
    const fakeKey = Buffer.alloc(32, 7);
    let prev: Buffer = Buffer.alloc(32);
    const upd = db.prepare('UPDATE records SET data = ?, hash = ? WHERE seq = ?');
    for (const r of rows) {
      const data = r.data.replace('SPY', 'TSLA');
      const hash = recordHash(fakeKey, prev, r.seq, r.ts, r.kind, data);
      upd.run(data, hash, r.seq);
      prev = hash;
    }
    db.close();
    const v = verifyJournal(dir);
    expect(v.ok).toBe(false);
    expect(v.badSeq).toBe(1);
  });

  it('refuses a damaged file by name and never overwrites it', () => {
    const dir = tmp();
    write(dir, 200);
    const file = listJournalFiles(dir)[0]!;
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const before = readFileSync(file);
    expect(() => Journal.open(dir, { anchor: new FileAnchor(dir) })).toThrow(/journal-2026-01-05\.sqlite is damaged.*read-only/);
    expect(verifyJournal(dir).ok).toBe(false);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'journal-2026-01-05.sqlite'), 'hello, not sqlite');
    expect(() => Journal.open(dir, { anchor: new FileAnchor(dir) })).toThrow(/journal-2026-01-05\.sqlite is damaged/);
  });

  it('refuses a journal written by a newer version without changing it', () => {
    const dir = tmp();
    write(dir, 5);
    exec(dir, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    expect(() => Journal.open(dir, { anchor: new FileAnchor(dir) })).toThrow(/newer Tradedesk \(schema 99/);
    expect(verifyJournal(dir).problem).toMatch(/newer Tradedesk/);
  });

  it('exports CSV and JSON lines filtered by kind', () => {
    const dir = tmp();
    write(dir, 20);
    let out = '';
    const n = exportJournal(dir, 'csv', 'orders', (s) => (out += s));
    expect(n).toBe(4);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('seq,ts,time,kind,i,symbol');
    expect(lines[1]).toBe(`1,${T0},2026-01-05T14:30:00.000Z,order,0,SPY`);
    let jl = '';
    expect(exportJournal(dir, 'jsonl', 'all', (s) => (jl += s))).toBe(20);
    expect(JSON.parse(jl.split('\n')[1]!)).toMatchObject({ seq: 2, kind: 'input.quote', data: { i: 1 } });
  });
});
