// Crash safety: `tradedesk serve` is killed with SIGKILL (8 trials, 3 of them
// while HALTED). The kill moments are stratified over the window a random kill
// was drawn from (0.3-2.5 s after the UI line): each trial takes its own eighth
// of it, at a random point inside, so the first moments after start-up, the
// whole of the trading window (durable order commits, group commits, the broker's
// own writes) and a HALT just journaled are each hit, not left to chance. After
// each crash the journal verifies, every order that reached the simulated broker
// is in the journal, and a restart restores open orders, positions and the
// trading state, reconciled with the broker's own account file. Two more trials
// run the engine with durable group commit forced on (group-commit-child.ts):
// there an order waits in memory for its group's commit, so a kill before the
// commit must leave it neither in the journal nor at the broker.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';
import { readJournal } from '../../../src/engine/journal/reader.js';
import { recoverFromJournal } from '../../../src/engine/journal/recovery.js';
import { verifyJournal } from '../../../src/engine/journal/verify.js';
import { simStateFile } from '../../../src/engine/venues/create-venue.js';
import { WsEngineClient } from '../../../src/cli/ws-client.js';

const REPO = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const BIN = join(REPO, 'bin', 'tradedesk.js');
const GROUP_CHILD = join(REPO, 'test', 'integration', 'journal', 'group-commit-child.ts');
const TRIALS = 8;
/** The window of kill moments after the UI line, ms. */
const KILL_FROM = 300;
const KILL_SPAN = 2_200;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A small deterministic PRNG so each trial's kill moment is reproducible. */
function rand(seed: number): () => number {
  let s = seed * 2654435761;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

/** `group`: the engine runs with durable group commit forced on (group-commit-child.ts) instead of `serve`, and is never halted. */
async function crashTrial(trial: number, group = false): Promise<{ dir: string; halted: boolean }> {
  const r = rand(trial + 1);
  const dir = mkdtempSync(join(tmpdir(), `td-kill-${trial}-`));
  dirs.push(dir);
  const args = group ? ['--import', 'tsx', GROUP_CHILD, dir, String(trial)] : [BIN, 'serve', '--port', '0', '--speed', '3000', '--seed', String(trial), '--data-dir', dir];
  const proc = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`no UI line; stderr: ${stderr}`)), 120_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /UI: (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        res(m[1]!);
      }
    });
  });
  // a group-commit trial is about orders waiting for their group: on a loaded machine the first
  // order can come after the whole window, so its window starts at the venue's first order
  if (group) await firstVenueOrder(dir, () => stderr);
  // let it trade for a while (a random point of this trial's slice of the window); every third trial halts first
  await new Promise((res) => setTimeout(res, KILL_FROM + ((trial + r()) / TRIALS) * KILL_SPAN));
  const halted = !group && trial % 3 === 0;
  if (halted) {
    const client = await WsEngineClient.connect(url);
    await client.call('halt', { reason: `trial ${trial}` });
    client.close();
    await new Promise((res) => setTimeout(res, r() * 500));
  }
  proc.kill('SIGKILL');
  await exited;
  return { dir, halted };
}

async function firstVenueOrder(dir: string, stderr: () => string): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < 90_000; await new Promise((res) => setTimeout(res, 100))) {
    try {
      if (venueOrderIds(dir).length > 0) return;
    } catch {
      // the venue's file is not written yet
    }
  }
  throw new Error(`no order reached the venue in 90 s; stderr: ${stderr()}`);
}

function journalOrderIds(dir: string): Set<string> {
  const ids = new Set<string>();
  for (const rec of readJournal(dir, new Set(['order']))) ids.add((JSON.parse(rec.data) as { clientOrderId: string }).clientOrderId);
  return ids;
}

function venueOrderIds(dir: string): string[] {
  const db = new Database(simStateFile(dir), { readonly: true });
  const rows = db.prepare('SELECT client_order_id id FROM orders').all() as Array<{ id: string }>;
  db.close();
  return rows.map((x) => x.id);
}

describe('SIGKILL trials', () => {
  it(`survives ${TRIALS} crashes at moments spread over the trading window, some just after a HALT, and 2 with durable group commit`, { timeout: 600_000 }, async () => {
    let ordersSeen = 0;
    let groupOrdersSeen = 0;
    // the last pair runs with durable group commit (orders wait for their group's fsync before they are sent)
    for (let base = 0; base < TRIALS + 2; base += 2) {
      // two crashes at a time to keep the suite fast on two cores
      const group = base >= TRIALS;
      const trials = await Promise.all([crashTrial(base, group), crashTrial(base + 1, group)]);
      for (const { dir, halted } of trials) {
        const v = verifyJournal(dir);
        expect(v.problem, dir).toBeUndefined();
        expect(v.ok).toBe(true);
        // write-ahead: nothing reached the broker that the journal does not have
        const journaled = journalOrderIds(dir);
        const atVenue = venueOrderIds(dir);
        for (const id of atVenue) expect(journaled.has(id), `order ${id} reached the venue but is not journaled`).toBe(true);
        ordersSeen += atVenue.length;
        if (group) groupOrdersSeen += atVenue.length;

        const recovered = recoverFromJournal(dir).snapshot;
        const e = await createEngine({ sim: { speed: 'max' } }, { dataDir: dir });
        if (halted) expect(e.risk.tradingState).toBe('HALTED');
        expect(e.risk.tradingState).toBe(recovered.tradingState);
        await e.prepare();
        // after reconciliation the engine agrees with the broker's own file
        const venueOpen = (await e.venue.getOpenOrders()).map((o) => o.clientOrderId).sort();
        const ours = e.oms.openOrders().map((o) => o.clientOrderId).sort();
        if (JSON.stringify(ours) !== JSON.stringify(venueOpen)) {
          const extra = ours.filter((id) => !venueOpen.includes(id)).concat(venueOpen.filter((id) => !ours.includes(id)));
          const details = await Promise.all(extra.map(async (id) => ({ id, ours: e.oms.get(id), venue: await e.venue.getOrder?.(id), fills: await e.venue.getFills?.(id) })));
          expect.fail(`open orders differ after reconciliation in ${dir}: ${JSON.stringify(details)}`);
        }
        const venuePos = new Map((await e.venue.getPositions()).map((p) => [p.symbol, p.qty]));
        for (const p of e.portfolio.positions()) expect(venuePos.get(p.symbol) ?? 0).toBeCloseTo(p.qty, 8);
        expect(e.portfolio.positions().length).toBe([...venuePos.values()].filter((q) => q !== 0).length);
        expect(e.alerts.recent().some((a) => a.code === 'RECONCILED')).toBe(true);
        await e.stop();
        expect(verifyJournal(dir).ok).toBe(true);
      }
    }
    // the trials exercised real trading, not idle engines
    expect(ordersSeen).toBeGreaterThan(TRIALS);
    expect(groupOrdersSeen, 'the group-commit trials traded').toBeGreaterThan(0);
  });
});
