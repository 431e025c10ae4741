// The engine with a data dir: everything journaled, state rebuilt after a
// restart and reconciled with the simulator's own account file, and a replay
// that reproduces every decision and order from the recorded inputs.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/engine.js';
import { listJournalFiles } from '../../../src/engine/journal/journal-file.js';
import { readJournal } from '../../../src/engine/journal/reader.js';
import { verifyJournal } from '../../../src/engine/journal/verify.js';
import { engineBuild } from '../../../src/engine/core/build-info.js';
import { replayJournal } from '../../../src/engine/replay.js';
import { runSliced } from '../../support/run-sliced.js';

process.env.TRADEDESK_JOURNAL_ANCHOR = 'file';
const MIN = 60_000;
const dirs: string[] = [];
function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'td-restart-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function session(dir: string, minutes: number, during?: (e: Engine) => Promise<void> | void): Promise<Engine> {
  const e = await createEngine({ sim: { seed: 11, speed: 'max' } }, { dataDir: dir });
  await e.prepare();
  // durable journal writes make simulated time slow: ten-minute slices keep the test worker responsive
  await runSliced(e, e.now() + minutes * MIN, 10 * MIN);
  if (during) await during(e);
  e.runUntil(e.now() + 5 * MIN);
  return e;
}

/** A stopped 60-minute session's journal, its day file open for a test to edit (close it before replaying). */
async function recordedDayFile(): Promise<{ dir: string; db: Database.Database }> {
  const dir = tmp();
  const a = await session(dir, 60);
  await a.stop();
  return { dir, db: new Database(listJournalFiles(dir)[0]!) };
}

describe('journal, restart and replay', () => {
  it('journals a session that verifies, with decisions carrying their provenance and checks', async () => {
    const dir = tmp();
    const e = await session(dir, 90);
    const submitted = e.stats.ordersSubmitted;
    await e.stop();
    expect(submitted).toBeGreaterThan(0);
    expect(verifyJournal(dir)).toMatchObject({ ok: true });
    const kinds = new Map<string, number>();
    let decision: Record<string, unknown> | undefined;
    for (const r of readJournal(dir)) {
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      if (r.kind === 'decision' && !decision) decision = JSON.parse(r.data);
    }
    for (const k of ['session.start', 'input.warmup', 'input.quote', 'input.bar', 'decision', 'order', 'input.venue_update', 'session.stop']) {
      expect(kinds.get(k), k).toBeGreaterThan(0);
    }
    // an ensemble decision: regime and mode, each strategy's signal with reasons and scores, the debate, weights and influence
    expect(decision).toMatchObject({ approved: true, provenance: { mode: expect.any(String), net: expect.any(Number) } });
    const d = decision as {
      source: string;
      provenance: { strategy: string; regime: string; features: Record<string, number>; signals: Array<{ strategy: string; reasons: string[]; scores: { total: number } }>; debate: unknown[]; weights: Record<string, number>; influence: Record<string, number> };
      checks: Array<{ check: string; value: unknown; limit: unknown }>;
    };
    expect(d.provenance.strategy).toBe(d.source);
    expect(d.provenance.regime).toMatch(/trend|neutral|volatility/);
    expect(d.provenance.signals.length).toBeGreaterThan(0);
    for (const s of d.provenance.signals) {
      expect(s.reasons.length).toBeGreaterThan(0);
      expect(d.provenance.weights[s.strategy]).toBeGreaterThanOrEqual(0);
      // learning's influence at the start of its evidence schedule (fewer than 10 resolved predictions)
      expect(d.provenance.influence[s.strategy]).toBe(0.2);
    }
    expect(Array.isArray(d.provenance.debate)).toBe(true);
    expect(Object.keys(d.provenance.features)).toEqual(expect.arrayContaining(['rsi_14', 'vwap', 'bid', 'ask']));
    expect(d.checks.find((c) => c.check === 'max_order_notional')).toMatchObject({ limit: 20_000 });
  });

  it('restores positions, open orders and a HALTED state after a restart, reconciled with the venue', async () => {
    const dir = tmp();
    const a = await session(dir, 120, async (e) => {
      await e.handlers.halt({ reason: 'before restart' });
    });
    const positions = a.portfolio.positions().map((p) => [p.symbol, p.qty]);
    const open = a.oms.openOrders().map((o) => o.clientOrderId).sort();
    const cash = a.portfolio.account().cash;
    const lastTs = a.now();
    await a.stop();

    const b = await createEngine({ sim: { seed: 11, speed: 'max' } }, { dataDir: dir });
    expect(b.now()).toBeGreaterThan(lastTs);
    expect(b.risk.tradingState).toBe('HALTED');
    expect(b.portfolio.positions().map((p) => [p.symbol, p.qty])).toEqual(positions);
    expect(b.oms.openOrders().map((o) => o.clientOrderId).sort()).toEqual(open);
    expect(b.portfolio.account().cash).toBeCloseTo(cash, 6);
    await b.prepare();
    // reconciled against the simulator's own account file
    const venuePos = new Map((await b.venue.getPositions()).map((p) => [p.symbol, p.qty]));
    for (const [s, q] of positions) expect(venuePos.get(s as string)).toBeCloseTo(q as number, 8);
    expect(b.alerts.recent().some((x) => x.code === 'RECONCILED')).toBe(true);
    // the halt holds across the restart: the strategy is still denied
    await runSliced(b, b.now() + 60 * MIN, 10 * MIN);
    expect(b.stats.ordersSubmitted).toBe(0);
    // ids of the new session never collide with the old one
    const ids = new Set(open);
    for (const o of b.oms.recent(1000)) if (o.createdAt > lastTs) expect(ids.has(o.clientOrderId)).toBe(false);
    await b.stop();
    expect(verifyJournal(dir)).toMatchObject({ ok: true });
  });

  it('replays every session of the journal to the same decisions and orders', async () => {
    const dir = tmp();
    const a = await session(dir, 60, async (e) => {
      await e.handlers.halt({ reason: 'test' });
      e.runUntil(e.now() + 10 * MIN);
      await e.handlers.resume({ reason: 'go on' });
      const q = e.quotes.get('SPY')!;
      await e.handlers.submitOrder({ symbol: 'SPY', side: 'buy', type: 'limit', qty: 3, limitPrice: q.bid, timeInForce: 'day' });
    });
    await a.stop();
    const b = await session(dir, 30);
    await b.stop();
    const r = await replayJournal(dir);
    expect(r.divergence).toBeUndefined();
    expect(r).toMatchObject({ ok: true, sessions: 2 });
    expect(r.compared).toBeGreaterThan(20);
    expect(r.inputs).toBeGreaterThan(1000);
  });

  it('replay names the first divergence when a recorded input was changed', async () => {
    // move every SPY bar close far away: the strategy would decide differently
    const { dir, db } = await recordedDayFile();
    const first = db.prepare(`SELECT min(seq) s FROM records WHERE kind = 'decision'`).get() as { s: number };
    const rows = db.prepare(`SELECT seq, data FROM records WHERE kind = 'input.quote' AND seq < ?`).all(first.s) as Array<{ seq: number; data: string }>;
    const upd = db.prepare('UPDATE records SET data = ? WHERE seq = ?');
    for (const r of rows.slice(-200)) {
      const q = JSON.parse(r.data);
      upd.run(JSON.stringify({ ...q, bid: q.bid * 3, ask: q.ask * 3 }), r.seq);
    }
    db.close();
    const r = await replayJournal(dir);
    expect(r.ok).toBe(false);
    expect(r.divergence).toMatch(/^record seq \d+: recorded (decision|order)/);
    // recorded and replayed by this same build: no word about builds
    expect(r.divergence).not.toMatch(/recorded by/);
    // and the chain check catches the same edit
    expect(verifyJournal(dir).ok).toBe(false);
  });

  it('a fill recorded before fills carried their span still replays; any other change to it is still a divergence', async () => {
    const { dir, db } = await recordedDayFile();
    const fill = db.prepare(`SELECT seq, data FROM records WHERE kind = 'fill' ORDER BY seq LIMIT 1`).get() as { seq: number; data: string } | undefined;
    expect(fill, 'the session filled an order').toBeDefined();
    const { span, ...older } = JSON.parse(fill!.data) as Record<string, unknown>;
    expect(span).toEqual([expect.any(Number), expect.any(Number)]);
    // as an engine before the field wrote it
    db.prepare('UPDATE records SET data = ? WHERE seq = ?').run(JSON.stringify(older), fill!.seq);
    db.close();
    expect(await replayJournal(dir)).toMatchObject({ ok: true });
    // the field's absence excuses only the field
    const again = new Database(listJournalFiles(dir)[0]!);
    again.prepare('UPDATE records SET data = ? WHERE seq = ?').run(JSON.stringify({ ...older, price: (older.price as number) + 1 }), fill!.seq);
    again.close();
    const r = await replayJournal(dir);
    expect(r.ok).toBe(false);
    expect(r.divergence).toMatch(new RegExp(`^record seq ${fill!.seq}: recorded fill `));
  });

  it('a divergence in a session recorded by another build (or one that did not record its build) names both builds', async () => {
    const { dir, db } = await recordedDayFile();
    const start = db.prepare(`SELECT seq, data FROM records WHERE kind = 'session.start'`).get() as { seq: number; data: string };
    const recorded = JSON.parse(start.data) as { build?: { version: string; commit: string | null } };
    expect(recorded.build).toEqual(engineBuild());
    // a journal from before engines recorded their build, with a decision that this engine would not make
    delete recorded.build;
    db.prepare('UPDATE records SET data = ? WHERE seq = ?').run(JSON.stringify(recorded), start.seq);
    const first = db.prepare(`SELECT seq, data FROM records WHERE kind = 'decision' ORDER BY seq LIMIT 1`).get() as { seq: number; data: string };
    db.prepare('UPDATE records SET data = ? WHERE seq = ?').run(JSON.stringify({ ...(JSON.parse(first.data) as object), reason: 'an older rule' }), first.seq);
    db.close();
    const r = await replayJournal(dir);
    expect(r.ok).toBe(false);
    expect(r.divergence).toMatch(new RegExp(`^record seq ${first.seq}: `));
    expect(r.divergence).toMatch(/\(recorded by an engine that did not record its build, replayed by Tradedesk \d+\.\d+\.\d+ \(commit ([0-9a-f]{7}|unknown)\): a change of the engine's rules since the recording can explain a difference\)$/);
  });

  it('opens an intact journal read-only with the settings it was written with, and never writes to it', async () => {
    const dir = tmp();
    const a = await session(dir, 30);
    const positions = a.portfolio.positions().length;
    await a.stop();
    const before = verifyJournal(dir).records;
    const ro = await createEngine({}, { dataDir: dir, readOnly: true });
    await ro.prepare();
    expect(ro.status()).toMatchObject({ readOnly: true, seed: 11, positions });
    await expect(Promise.resolve().then(() => ro.handlers.submitOrder({ symbol: 'SPY', side: 'buy', type: 'market', qty: 1, timeInForce: 'day' }))).rejects.toThrow(/read-only/);
    await ro.stop();
    expect(verifyJournal(dir)).toMatchObject({ ok: true, records: before });
  });

  it('refuses to trade on a damaged journal, names the file, and opens it read-only', async () => {
    const dir = tmp();
    const a = await session(dir, 30);
    await a.stop();
    const file = listJournalFiles(dir)[0]!;
    truncateSync(file, Math.floor(statSync(file).size / 3));
    await expect(createEngine({}, { dataDir: dir })).rejects.toThrow(/journal-\d{4}-\d{2}-\d{2}\.sqlite is damaged.*read-only/);
    const ro = await createEngine({}, { dataDir: dir, readOnly: true });
    await ro.prepare();
    expect(ro.status()).toMatchObject({ readOnly: true, running: false });
    expect(ro.alerts.recent().some((x) => x.code === 'JOURNAL_DAMAGED')).toBe(true);
    await expect(Promise.resolve().then(() => ro.handlers.halt({}))).rejects.toThrow(/read-only/);
    await ro.stop();
    expect(statSync(file).size).toBeGreaterThan(0);
  });
});
