// The append-to-durable latency of a lone order whose sender waits for it (the
// OMS's write-ahead gate), for the journal as it was before issue 10's work and
// as it is now, in one process and on one disk:
//   - before: the journal writer of commit BEFORE (one fsync per durable record,
//     schema 1: hex hashes, one statement), checked out into a temporary git
//     worktree;
//   - now, immediate mode (the simulator's: one fsync per durable record);
//   - now, durable group commit (a broker venue's mode: the group closes when the
//     job ends, one fsync).
// The three take turns order by order, each going first in turn, so they see the
// same disk and load. It needs the repository's git history (a clone, not an
// installed package or a shallow clone): `tradedesk bench` reports it as
// journal.durable_commit_vs_before_p99, or skipped with the reason. Alone:
//   node --import tsx bench/journal-before-after.ts [orders per journal, default 8000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FileAnchor } from '../src/engine/journal/anchor.js';
import { Journal } from '../src/engine/journal/journal.js';
import { DURABLE_GROUP_MS, DURABLE_GROUP_RECORDS } from '../src/engine/journal/settings.js';
import { tsImport } from 'tsx/esm/api';
import { pct } from './percentile.js';
import { REPO_ROOT } from './paths.js';

/** The last commit before issue 10's journal work (schema 2, group commit). */
const BEFORE = 'ffaa64c^';
const REPO = REPO_ROOT;
const T0 = Date.parse('2026-01-05T14:30:00Z');
const ORDER = { clientOrderId: 'td-bench-x', symbol: 'SPY', side: 'buy', type: 'limit', qty: 10, limitPrice: 680.12, timeInForce: 'day', status: 'pending_new', filledQty: 0, avgFillPrice: 0, source: 'ma_cross', reason: 'SMA5 crossed above SMA20', createdAt: T0, updatedAt: T0 };

/** What the three writers have in common: append, and (now) the write-ahead gate. */
interface Writer {
  append(ts: number, kind: 'order', payload: unknown): number;
  whenDurable?(): Promise<void> | undefined;
  close(): void;
}

/** The old writer cannot be checked out here (no git, no history, a shallow clone). */
export class HistoryUnavailable extends Error {}

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new HistoryUnavailable(`git ${args.join(' ')}: ${(r.stderr ?? '').trim() || `exit ${r.status ?? r.error?.message}`} (this comparison needs the repository's history)`);
  return r.stdout.trim();
}

export interface BeforeAfter {
  /** The old writer's commit. */
  before: string;
  /** Append-to-durable latencies, ms, one per order. */
  old: number[];
  immediate: number[];
  group: number[];
}

/** `orders` lone waited-for orders through each of the three writers, taking turns. */
export async function journalBeforeAfter(orders: number): Promise<BeforeAfter> {
  if (!(Number.isInteger(orders) && orders > 0)) throw new Error(`orders per journal must be a positive integer, got '${orders}'`);
  const before = git(['rev-parse', '--verify', '--quiet', `${BEFORE}^{commit}`]);
  const tree = mkdtempSync(join(tmpdir(), 'td-journal-before-'));
  const root = mkdtempSync(join(tmpdir(), 'td-journal-before-after-'));
  let added = false;
  try {
    git(['worktree', 'add', '--detach', '--force', tree, before]);
    added = true;
    symlinkSync(join(REPO, 'node_modules'), join(tree, 'node_modules'));
    // the old writer's TypeScript through tsx, whether this module runs from source or built
    const old = (await tsImport(pathToFileURL(join(tree, 'src/engine/journal/journal.ts')).href, import.meta.url)) as { Journal: { open(dir: string, o: object): Writer } };
    const oldAnchor = (await tsImport(pathToFileURL(join(tree, 'src/engine/journal/anchor.ts')).href, import.meta.url)) as { FileAnchor: new (dir: string) => object };
    const dir = (name: string): string => join(root, name);
    const runs: Array<{ name: string; j: Writer; lat: number[] }> = [
      { name: `before (${before.slice(0, 7)})`, j: old.Journal.open(dir('before'), { anchor: new oldAnchor.FileAnchor(dir('before')) }), lat: [] },
      { name: 'now, immediate', j: Journal.open(dir('immediate'), { anchor: new FileAnchor(dir('immediate')) }), lat: [] },
      { name: 'now, group commit', j: Journal.open(dir('group'), { anchor: new FileAnchor(dir('group')), durableGroupMs: DURABLE_GROUP_MS, durableGroupRecords: DURABLE_GROUP_RECORDS }), lat: [] },
    ];
    for (let i = 0; i < orders; i++) {
      const k = i % runs.length;
      for (const r of [...runs.slice(k), ...runs.slice(0, k)]) {
        const t = performance.now();
        r.j.append(T0 + i, 'order', ORDER);
        const gate = r.j.whenDurable?.();
        if (gate) await gate;
        r.lat.push(performance.now() - t);
        await new Promise((res) => setImmediate(res));
      }
    }
    for (const r of runs) r.j.close();
    return { before, old: runs[0]!.lat, immediate: runs[1]!.lat, group: runs[2]!.lat };
  } finally {
    // the temporary directories go even when the checkout failed
    if (added) git(['worktree', 'remove', '--force', tree]);
    rmSync(tree, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const orders = Number(process.argv[2] ?? 8000);
  const r = await journalBeforeAfter(orders);
  console.log(`append-to-durable of a lone waited-for order, ${orders} orders per journal, taking turns (ms):`);
  for (const [name, lat] of [[`before (${r.before.slice(0, 7)})`, r.old], ['now, immediate', r.immediate], ['now, group commit', r.group]] as const) {
    const vs = lat === r.old ? '' : `   p99 vs before ${(pct(lat, 0.99) / pct(r.old, 0.99)).toFixed(3)}`;
    console.log(`  ${name.padEnd(22)} p50 ${pct(lat, 0.5).toFixed(3)}  p99 ${pct(lat, 0.99).toFixed(3)}  p99.9 ${pct(lat, 0.999).toFixed(3)}${vs}`);
  }
}
