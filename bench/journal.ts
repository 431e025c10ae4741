// journal.append_events_per_s: records appended per second through the Journal
// (JSON, HMAC chain, group commit in WAL) for a mix like a live session's (mostly
// quotes; 1 record in 50 an order, which is durable) with durable group commit
// on (the mode of a broker venue: 256 durable records or 2 ms per fsync). Peer:
// a bare better-sqlite3 loop inserting the same rows (same JSON text) in one
// transaction per 500 rows, with no hashing and no durable commits; each side
// first runs a tenth of the records as a warm-up. ratio = ours / peer. Details: the same mix in immediate mode (one fsync per durable
// record before append returns: the simulator's mode), the same mix with the
// order rows journaled as a non-durable kind (our per-record cost without any
// fsync), CPU time per record of each, and the append-to-durable latency of
// the mix's orders in group mode (appended in one synchronous loop, so no timer
// fires and groups close by count).
// journal.durable_commit_ms_p99: append-to-durable latency of an order whose
// sender waits for it (as the OMS does before the venue call), group commit on,
// p99 over 2,000 orders arriving 1 and 8 per event-loop turn; today's immediate
// mode (one fsync per record before append returns) is measured in the same run,
// turn by turn interleaved with it (detail), and the peer is a bare better-sqlite3 insert with
// synchronous=FULL, autocommit. Also reports the file size per million records.
// journal.durable_commit_vs_before_p99: the same latency for a lone order against
// the journal writer as it was before issue 10 (journal-before-after.ts; needs
// the repository's git history, else skipped with the reason).
// Read the 8-per-turn figures together: an order's own append-to-durable time
// flatters immediate mode (its order 8 is not even appended until orders 1-7
// have each had their fsync), so the time until all 8 are durable, from the
// turn's start (p50 and p99), is reported beside it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileAnchor } from '../src/engine/journal/anchor.js';
import { Journal } from '../src/engine/journal/journal.js';
import { DURABLE_GROUP_MS, DURABLE_GROUP_RECORDS } from '../src/engine/journal/settings.js';
import { listJournalFiles } from '../src/engine/journal/journal-file.js';
import type { BenchOptions, BenchResult } from './index.js';
import { HistoryUnavailable, journalBeforeAfter } from './journal-before-after.js';
import { pct } from './percentile.js';

const T0 = Date.parse('2026-01-05T14:30:00Z');

function payload(i: number): { kind: 'input.quote' | 'order'; data: unknown } {
  if (i % 50 === 0) {
    return { kind: 'order', data: { clientOrderId: `td-bench-x-${i}`, symbol: 'SPY', side: 'buy', type: 'limit', qty: 10, limitPrice: 680.12, timeInForce: 'day', status: 'pending_new', filledQty: 0, avgFillPrice: 0, source: 'ma_cross', reason: 'SMA5 crossed above SMA20', createdAt: T0 + i, updatedAt: T0 + i } };
  }
  return { kind: 'input.quote', data: { symbol: 'SPY', ts: T0 + i, bid: 680.11 + (i % 7) / 100, ask: 680.13 + (i % 7) / 100, bidSize: 300, askSize: 200 } };
}

const p99 = (xs: number[]): number => pct(xs, 0.99);

type Mode = 'group' | 'immediate' | 'no-durable';

/**
 * Appends the mix through a Journal in one synchronous loop. 'no-durable'
 * journals the order rows as 'decision' (same payload, not durable). In group
 * mode the latency from each order's append to the commit that made it durable is kept.
 */
function appendMix(dir: string, n: number, mode: Mode): { perS: number; cpuUs: number; durableCommits: number; latency: number[] } {
  const j = Journal.open(dir, { anchor: new FileAnchor(dir), groupCommitMs: 1_000_000, ...(mode === 'group' ? { durableGroupMs: DURABLE_GROUP_MS, durableGroupRecords: DURABLE_GROUP_RECORDS } : {}) });
  const waiting: Array<[number, number]> = [];
  const latency: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const p = payload(i);
    const seq = j.append(T0 + i, mode !== 'no-durable' || p.kind !== 'order' ? p.kind : 'decision', p.data);
    if (mode !== 'group') continue;
    if (p.kind === 'order') waiting.push([seq, performance.now()]);
    if (waiting.length && j.durableSeq >= waiting[0]![0]) {
      const now = performance.now();
      for (const [, t] of waiting) latency.push(now - t);
      waiting.length = 0;
    }
  }
  j.flush();
  const end = performance.now();
  for (const [, t] of waiting) latency.push(end - t);
  const perS = n / ((end - t0) / 1000);
  const c = process.cpuUsage(c0);
  j.close();
  return { perS, cpuUs: (c.user + c.system) / n, durableCommits: j.stats.durableCommits, latency };
}

/**
 * Append-to-durable latency of orders whose sender waits for them (the OMS's
 * write-ahead gate), `perTurn` orders per event-loop turn, group commit and
 * immediate mode interleaved turn by turn (so both see the same disk and load),
 * taking turns going first.
 */
async function orderLatency(root: string, orders: number, perTurn: number): Promise<{ group: number[]; immediate: number[]; groupTurn: number[]; immediateTurn: number[] }> {
  const open = (name: string, group: boolean): Journal =>
    Journal.open(join(root, name), { anchor: new FileAnchor(join(root, name)), ...(group ? { durableGroupMs: DURABLE_GROUP_MS, durableGroupRecords: DURABLE_GROUP_RECORDS } : {}) });
  const runs = [
    { j: open(`latency-group-${perTurn}`, true), lat: [] as number[], turn: [] as number[] },
    { j: open(`latency-immediate-${perTurn}`, false), lat: [] as number[], turn: [] as number[] },
  ];
  for (let i = 0; i < orders; i += perTurn) {
    // the two modes take turns going first, so neither always follows the other's fsync
    for (const { j, lat, turn } of (i / perTurn) % 2 === 0 ? runs : [runs[1]!, runs[0]!]) {
      const sent: Array<Promise<void>> = [];
      const t0 = performance.now();
      for (let k = 0; k < perTurn; k++) {
        const t = performance.now();
        j.append(T0 + i + k, 'order', payload(0).data);
        const gate = j.whenDurable();
        if (!gate) lat.push(performance.now() - t);
        else sent.push(gate.then(() => void lat.push(performance.now() - t)));
      }
      await Promise.all(sent);
      turn.push(performance.now() - t0);
      await new Promise((r) => setImmediate(r));
    }
  }
  for (const { j } of runs) j.close();
  return { group: runs[0]!.lat, immediate: runs[1]!.lat, groupTurn: runs[0]!.turn, immediateTurn: runs[1]!.turn };
}

/** The peer: the same rows inserted by a bare better-sqlite3 loop, 500 per transaction, no hashing, no durable commits. */
function bareLoop(file: string, n: number): { perS: number; cpuUs: number } {
  const db = new Database(file);
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
  const perS = n / ((performance.now() - t1) / 1000);
  const pc = process.cpuUsage(c1);
  db.close();
  return { perS, cpuUs: (pc.user + pc.system) / n };
}

function dirSize(dir: string): number {
  return listJournalFiles(dir).reduce((a, f) => a + statSync(f).size + (statSync(`${f}-wal`, { throwIfNoEntry: false })?.size ?? 0), 0);
}

/**
 * journal.durable_commit_vs_before_p99: a lone waited-for order's append-to-durable
 * p99 in group commit (a broker venue's mode) against the journal writer before
 * this work, checked out of git history (journal-before-after.ts), the writers
 * taking turns order by order. Skipped, with the reason, without that history.
 */
async function durableVsBefore(opts: BenchOptions): Promise<BenchResult> {
  const name = 'journal.durable_commit_vs_before_p99';
  const orders = opts.quick ? 300 : 8_000;
  let r;
  try {
    r = await journalBeforeAfter(orders);
  } catch (e) {
    if (!(e instanceof HistoryUnavailable)) throw e;
    opts.log(`${name}: skipped: ${e.message}`);
    return { name, value: NaN, unit: 'ms', skipped: e.message };
  }
  const [g, old, imm] = [p99(r.group), p99(r.old), p99(r.immediate)];
  const ms = (x: number): string => x.toFixed(3);
  opts.log(
    `journal: lone waited-for order append-to-durable p50/p99/p99.9, ${orders} orders each, taking turns: writer before this work (${r.before.slice(0, 7)}) ` +
      `${ms(pct(r.old, 0.5))}/${ms(old)}/${ms(pct(r.old, 0.999))} ms; group commit ${ms(pct(r.group, 0.5))}/${ms(g)}/${ms(pct(r.group, 0.999))} ms (p99 ratio ${(g / old).toFixed(3)}); ` +
      `immediate ${ms(pct(r.immediate, 0.5))}/${ms(imm)}/${ms(pct(r.immediate, 0.999))} ms (p99 ratio ${(imm / old).toFixed(3)})`,
  );
  return {
    name,
    value: g,
    unit: 'ms',
    peer: `the journal writer before issue 10 (commit ${r.before.slice(0, 7)}, from git history): the same lone waited-for orders, taking turns (p99)`,
    peer_value: old,
    ratio: g / old,
    detail: {
      orders,
      p50_ms: pct(r.group, 0.5),
      p99_9_ms: pct(r.group, 0.999),
      before_p50_ms: pct(r.old, 0.5),
      before_p99_9_ms: pct(r.old, 0.999),
      immediate_p50_ms: pct(r.immediate, 0.5),
      immediate_p99_ms: imm,
      immediate_ratio: imm / old,
    },
  };
}

export async function journalBenchmarks(opts: BenchOptions): Promise<BenchResult[]> {
  const n = opts.quick ? 5_000 : 200_000;
  const durableN = opts.quick ? 50 : 2_000;
  // first, while the process is fresh: today's writers against the one before this work
  const vsBefore = await durableVsBefore(opts);
  const root = mkdtempSync(join(tmpdir(), 'td-bench-journal-'));
  try {
    // warm-up of both sides (JIT, SQLite and file system paths), so neither pays its first-use costs in the figure
    appendMix(join(root, 'warm-ours'), n / 10, 'group');
    bareLoop(join(root, 'warm-bare.sqlite'), n / 10);
    // ours: group commit (a broker venue's mode), immediate (the simulator's), no durable kind
    const dir = join(root, 'ours');
    const mix = appendMix(dir, n, 'group');
    const ours = mix.perS;
    const bytesPerMillion = (dirSize(dir) / n) * 1_000_000;
    const immediate = appendMix(join(root, 'ours-immediate'), n, 'immediate');
    const group = appendMix(join(root, 'ours-no-durable'), n, 'no-durable');

    // peer: the same rows through a bare better-sqlite3 loop
    const { perS: peer, cpuUs: peerCpuUs } = bareLoop(join(root, 'bare.sqlite'), n);

    // durable commits: orders whose sender waits, 1 and 8 per event-loop turn, group commit and immediate
    const one = await orderLatency(root, durableN, 1);
    const eight = await orderLatency(root, durableN, 8);
    const [lat, latImm, lat8, latImm8] = [one.group, one.immediate, eight.group, eight.immediate];
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
    const pooled = [...lat, ...lat8];
    const d99 = p99(pooled);
    const b99 = p99(blat);
    const b50 = pct(blat, 0.5);
    const ms = (x: number): string => x.toFixed(3);
    opts.log(
      `journal: group commit ${Math.round(ours)} records/s (ratio ${(ours / peer).toFixed(3)}; bare insert loop ${Math.round(peer)}/s), ${mix.durableCommits} fsyncs; ` +
        `immediate ${Math.round(immediate.perS)} records/s (ratio ${(immediate.perS / peer).toFixed(3)}), ${immediate.durableCommits} fsyncs; no durable kind ${Math.round(group.perS)} records/s (ratio ${(group.perS / peer).toFixed(3)})`,
    );
    opts.log(
      `journal: CPU µs/record group ${mix.cpuUs.toFixed(2)}, immediate ${immediate.cpuUs.toFixed(2)}, no durable ${group.cpuUs.toFixed(2)}, bare ${peerCpuUs.toFixed(2)}; ${(bytesPerMillion / 1e6).toFixed(1)} MB per million records; ` +
        `mix orders append-to-durable p50/p99 ${ms(pct(mix.latency, 0.5))}/${ms(p99(mix.latency))} ms (one synchronous loop: groups close by count)`,
    );
    opts.log(
      `journal: waited-for order append-to-durable p50/p99, group commit: 1 per turn ${ms(pct(lat, 0.5))}/${ms(p99(lat))} ms, 8 per turn ${ms(pct(lat8, 0.5))}/${ms(p99(lat8))} ms; ` +
        `immediate (one fsync each): 1 per turn ${ms(pct(latImm, 0.5))}/${ms(p99(latImm))} ms, 8 per turn ${ms(pct(latImm8, 0.5))}/${ms(p99(latImm8))} ms; bare fsync insert ${ms(b50)}/${ms(b99)} ms; ` +
        `8 orders all durable from the turn's start p50/p99: group ${ms(pct(eight.groupTurn, 0.5))}/${ms(p99(eight.groupTurn))} ms, immediate ${ms(pct(eight.immediateTurn, 0.5))}/${ms(p99(eight.immediateTurn))} ms`,
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
          immediate_records_per_s: immediate.perS,
          immediate_ratio: immediate.perS / peer,
          immediate_cpu_us_per_record: immediate.cpuUs,
          immediate_durable_commits: immediate.durableCommits,
          mix_order_durable_ms_p50: pct(mix.latency, 0.5),
          mix_order_durable_ms_p99: p99(mix.latency),
          bare_fsync_ms_p50: b50,
          no_durable_records_per_s: group.perS,
          no_durable_ratio: group.perS / peer,
          no_durable_cpu_us_per_record: group.cpuUs,
        },
      },
      {
        name: 'journal.durable_commit_ms_p99',
        value: d99,
        unit: 'ms',
        peer: 'bare better-sqlite3 insert, synchronous=FULL, autocommit (p99)', peer_value: b99, ratio: d99 / b99,
        detail: {
          p50_ms: pct(pooled, 0.5),
          peer_p50_ms: b50,
          group_1_per_turn_p50_ms: pct(lat, 0.5),
          group_1_per_turn_p99_ms: p99(lat),
          group_8_per_turn_p50_ms: pct(lat8, 0.5),
          group_8_per_turn_p99_ms: p99(lat8),
          immediate_1_per_turn_p50_ms: pct(latImm, 0.5),
          immediate_1_per_turn_p99_ms: p99(latImm),
          immediate_8_per_turn_p50_ms: pct(latImm8, 0.5),
          immediate_8_per_turn_p99_ms: p99(latImm8),
          group_8_per_turn_all_durable_p50_ms: pct(eight.groupTurn, 0.5),
          immediate_8_per_turn_all_durable_p50_ms: pct(eight.immediateTurn, 0.5),
          group_8_per_turn_all_durable_p99_ms: p99(eight.groupTurn),
          immediate_8_per_turn_all_durable_p99_ms: p99(eight.immediateTurn),
        },
      },
      vsBefore,
      { name: 'journal.bytes_per_million_records', value: bytesPerMillion, unit: 'bytes', peer: 'bare better-sqlite3 file of the same rows', peer_value: (statSync(join(root, 'bare.sqlite')).size / n) * 1_000_000, ratio: bytesPerMillion / ((statSync(join(root, 'bare.sqlite')).size / n) * 1_000_000) },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
