// Journals written in schema 1 (hex-text hashes, before schema 2's 32-byte
// BLOBs) stay readable and verifiable: test/fixtures/journal-v1 was written by
// the schema-1 writer (see test/fixtures/README.md). Verify, read, export,
// recovery and replay work on it; the writer continues today's schema-1 file
// in schema 1 and starts the next day in schema 2, one chain across both; a
// newer schema is refused naming the file.
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAnchor } from '../../../../src/engine/journal/anchor.js';
import { exportJournal } from '../../../../src/engine/journal/export.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import { listJournalFiles, openJournalFile } from '../../../../src/engine/journal/journal-file.js';
import { readJournal } from '../../../../src/engine/journal/reader.js';
import { recoverFromJournal } from '../../../../src/engine/journal/recovery.js';
import { verifyJournal } from '../../../../src/engine/journal/verify.js';
import { replayJournal } from '../../../../src/engine/replay.js';

const FIXTURE = resolve(fileURLToPath(new URL('../../../fixtures/journal-v1', import.meta.url)));
const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of one fixture data dir (the fixture itself is never written). */
function copy(name: 'session' | 'days'): string {
  const d = mkdtempSync(join(tmpdir(), 'td-journal-v1-'));
  dirs.push(d);
  cpSync(join(FIXTURE, name), d, { recursive: true });
  return d;
}

function versions(dir: string): number[] {
  return listJournalFiles(dir).map((f) => {
    const { db, meta } = openJournalFile(f, { readonly: true });
    db.close();
    return meta.version;
  });
}

describe('a schema-1 journal read by this version', () => {
  it('verifies, reads back and exports with its hex hashes', () => {
    const dir = copy('session');
    expect(versions(dir)).toEqual([1]);
    expect(verifyJournal(dir)).toMatchObject({ ok: true, files: 1, records: 2450 });
    const recs = [...readJournal(dir)];
    expect(recs).toHaveLength(2450);
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 2450 }, (_, i) => i + 1));
    expect(recs.filter((r) => r.kind === 'decision')).toHaveLength(13);
    let jl = '';
    exportJournal(dir, 'jsonl', 'orders', (s) => (jl += s));
    const first = JSON.parse(jl.split('\n')[0]!) as { kind: string; hash: string };
    expect(first.kind).toBe('order');
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyJournal(copy('days'))).toMatchObject({ ok: true, files: 3, records: 30 });
  });

  it('recovers the session state and replays it record for record', async () => {
    const dir = copy('session');
    const rec = recoverFromJournal(dir);
    expect(rec.records).toBe(2450);
    expect(rec.snapshot.orders.length).toBeGreaterThan(0);
    expect(rec.decisions).toBeDefined();
    const r = await replayJournal(dir);
    expect(r.divergence).toBeUndefined();
    expect(r).toMatchObject({ ok: true, sessions: 1 });
    expect(r.compared).toBeGreaterThan(40);
  }, 60_000);

  it('still names an altered schema-1 record', () => {
    const dir = copy('days');
    const db = new Database(listJournalFiles(dir)[1]!);
    db.exec(`UPDATE records SET data = '{"i":12,"symbol":"QQQ"}' WHERE seq = 13`);
    db.close();
    expect(verifyJournal(dir)).toMatchObject({ ok: false, badSeq: 13 });
    expect(verifyJournal(dir).problem).toMatch(/journal-2026-01-06\.sqlite: record seq 13 altered/);
  });

  it('continues the chain: the schema-1 day file in schema 1, the next day in schema 2', () => {
    const dir = copy('days');
    const last = Date.parse('2026-01-07T23:00:00Z');
    const j = Journal.open(dir, { anchor: new FileAnchor(dir) });
    expect(j.lastSeq).toBe(30);
    j.append(last, 'input.quote', { same: 'day' });
    j.append(last + 1, 'order', { durable: true });
    j.append(last + DAY, 'input.quote', { next: 'day' });
    j.append(last + DAY + 1, 'fill', { durable: true });
    j.close();
    expect(versions(dir)).toEqual([1, 1, 1, 2]);
    expect(verifyJournal(dir)).toMatchObject({ ok: true, files: 4, records: 34 });
    // and reopening continues from the schema-2 tail
    const again = Journal.open(dir, { anchor: new FileAnchor(dir) });
    again.append(last + DAY + 2, 'order', { again: true });
    again.close();
    expect(verifyJournal(dir)).toMatchObject({ ok: true, records: 35 });
    expect([...readJournal(dir)].map((r) => JSON.parse(r.data) as unknown).slice(-5)).toEqual([{ same: 'day' }, { durable: true }, { next: 'day' }, { durable: true }, { again: true }]);
  });

  it('refuses a file of a newer schema than this version reads, naming the file', () => {
    const dir = copy('days');
    const file = listJournalFiles(dir)[2]!;
    const db = new Database(file);
    db.exec("UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    db.close();
    expect(() => Journal.open(dir, { anchor: new FileAnchor(dir) })).toThrow(/journal-2026-01-07\.sqlite was written by a newer Tradedesk \(schema 3; this version reads up to 2\)/);
    expect(verifyJournal(dir).problem).toMatch(/journal-2026-01-07\.sqlite was written by a newer Tradedesk/);
  });
});
