// journal.append_events_per_s: records appended per second through the Journal
// (JSON, HMAC chain, group commit in WAL) for a mix like a live session's (mostly
// quotes, some orders and fills that commit durably). Peer: a bare better-sqlite3
// loop inserting the same rows (same JSON text) in one transaction per 500 rows,
// with no hashing and no durable commits. ratio = ours / peer.
// journal.durable_commit_ms_p99: one durable record (an order) appended and
// fsynced, p99 over 1,000 (peer: a bare better-sqlite3 insert with
// synchronous=FULL, autocommit). Also reports the file size per million records.
// Details: CPU time per record (process.cpuUsage) of ours and the peer, the
// durable commits the mix forces (one fsync each: 1 record in 50 is an order)
// and the same mix with the order rows journaled as a non-durable kind, which
// separates our per-record cost from the disk's fsync latency.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileAnchor } from '../src/engine/journal/anchor.js';
import { Journal } from '../src/engine/journal/journal.js';
import { listJournalFiles } from '../src/engine/journal/journal-file.js';
import type { BenchOptions, BenchResult } from './index.js';

const T0 = Date.parse('2026-01-05T14:30:00Z');

function payload(i: number): { kind: 'input.quote' | 'order'; data: unknown } {
  if (i % 50 === 0) {
    return { kind: 'order', data: { clientOrderId: `td-bench-x-${i}`, symbol: 'SPY', side: 'buy', type: 'limit', qty: 10, limitPrice: 680.12, timeInForce: 'day', status: 'pending_new', filledQty: 0, avgFillPrice: 0, source: 'ma_cross', reason: 'SMA5 crossed above SMA20', createdAt: T0 + i, updatedAt: T0 + i } };
  }
  return { kind: 'input.quote', data: { symbol: 'SPY', ts: T0 + i, bid: 680.11 + (i % 7) / 100, ask: 680.13 + (i % 7) / 100, bidSize: 300, askSize: 200 } };
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const p99 = (xs: number[]): number => pct(xs, 0.99);

/** Appends the mix through a Journal; `durable` false journals the order rows as 'decision' (same payload, not durable). */
function appendMix(dir: string, n: number, durable: boolean): { perS: number; cpuUs: number; durableCommits: number } {
  const j = Journal.open(dir, { anchor: new FileAnchor(dir), groupCommitMs: 1_000_000 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const p = payload(i);
    j.append(T0 + i, durable || p.kind !== 'order' ? p.kind : 'decision', p.data);
  }
  j.flush();
  const perS = n / ((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  j.close();
  return { perS, cpuUs: (c.user + c.system) / n, durableCommits: j.stats.durableCommits };
}

function dirSize(dir: string): number {
  return listJournalFiles(dir).reduce((a, f) => a + statSync(f).size + (statSync(`${f}-wal`, { throwIfNoEntry: false })?.size ?? 0), 0);
}

export async function journalBenchmarks(opts: BenchOptions): Promise<BenchResult[]> {
  const n = opts.quick ? 5_000 : 200_000;
  const durableN = opts.quick ? 50 : 1_000;
  const root = mkdtempSync(join(tmpdir(), 'td-bench-journal-'));
  try {
    // ours
    const dir = join(root, 'ours');
    const mix = appendMix(dir, n, true);
    const ours = mix.perS;
    const bytesPerMillion = (dirSize(dir) / n) * 1_000_000;
    const group = appendMix(join(root, 'ours-group'), n, false);

    // peer: the same rows through a bare better-sqlite3 loop
    const db = new Database(join(root, 'bare.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE records (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO records (seq, ts, kind, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?)');
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const p = payload(i);
        ins.run(i + 1, T0 + i, p.kind, JSON.stringify(p.data), '', '');
      }
    });
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    for (let i = 0; i < n; i += 500) batch(i, Math.min(n, i + 500));
    const peer = n / ((performance.now() - t1) / 1000);
    const pc = process.cpuUsage(c1);
    const peerCpuUs = (pc.user + pc.system) / n;
    db.close();

    // durable commits: one order record each, fsynced before append returns
    const ddir = join(root, 'durable');
    const dj = Journal.open(ddir, { anchor: new FileAnchor(ddir) });
    const lat: number[] = [];
    for (let i = 0; i < durableN; i++) {
      const t = performance.now();
      dj.append(T0 + i, 'order', payload(0).data);
      lat.push(performance.now() - t);
    }
    dj.close();
    const bare = new Database(join(root, 'bare-durable.sqlite'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE r (seq INTEGER PRIMARY KEY, data TEXT)');
    const bi = bare.prepare('INSERT INTO r (seq, data) VALUES (?, ?)');
    const blat: number[] = [];
    const text = JSON.stringify(payload(0).data);
    for (let i = 0; i < durableN; i++) {
      const t = performance.now();
      bi.run(i + 1, text);
      blat.push(performance.now() - t);
    }
    bare.close();
    const d99 = p99(lat);
    const b99 = p99(blat);
    const b50 = pct(blat, 0.5);
    opts.log(`journal: ${Math.round(ours)} records/s (bare insert loop ${Math.round(peer)}/s); ${(bytesPerMillion / 1e6).toFixed(1)} MB per million records; durable p99 ${d99.toFixed(3)} ms (bare fsync insert ${b99.toFixed(3)} ms)`);
    opts.log(
      `journal: CPU ${mix.cpuUs.toFixed(2)} µs/record (bare ${peerCpuUs.toFixed(2)}); ${mix.durableCommits} durable commits (bare fsync p50 ${b50.toFixed(3)} ms: ~${((mix.durableCommits * b50) / 1000).toFixed(2)} s of fsync); ` +
        `with no durable kind ${Math.round(group.perS)} records/s (ratio ${(group.perS / peer).toFixed(3)}), CPU ${group.cpuUs.toFixed(2)} µs/record`,
    );
    return [
      {
        name: 'journal.append_events_per_s',
        value: ours,
        unit: 'records/s',
        peer: 'bare better-sqlite3 insert loop of the same rows, 500 per transaction',
        peer_value: peer,
        ratio: ours / peer,
        detail: {
          cpu_us_per_record: mix.cpuUs,
          peer_cpu_us_per_record: peerCpuUs,
          durable_commits: mix.durableCommits,
          bare_fsync_ms_p50: b50,
          no_durable_records_per_s: group.perS,
          no_durable_ratio: group.perS / peer,
          no_durable_cpu_us_per_record: group.cpuUs,
        },
      },
      { name: 'journal.durable_commit_ms_p99', value: d99, unit: 'ms', peer: 'bare better-sqlite3 insert, synchronous=FULL, autocommit (p99)', peer_value: b99, ratio: d99 / b99, detail: { p50_ms: pct(lat, 0.5), peer_p50_ms: b50 } },
      { name: 'journal.bytes_per_million_records', value: bytesPerMillion, unit: 'bytes', peer: 'bare better-sqlite3 file of the same rows', peer_value: (statSync(join(root, 'bare.sqlite')).size / n) * 1_000_000, ratio: bytesPerMillion / ((statSync(join(root, 'bare.sqlite')).size / n) * 1_000_000) },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
