// Learned weights change the vote, end to end: a learning file is seeded with
// evidence that ts_momentum is right and cs_momentum wrong in every regime (and
// with smaller amounts of evidence for three others); the engine trades on the
// simulator with that learning (loaded from the file, fed every signal and bar)
// as its weights, and its decisions' provenance carries the learned weights and
// the influence of the evidence steps (0.2 below 10, 0.3 below 30, 0.5 below
// 100, 0.7 beyond). The same seed run without the evidence weighs the two alike.
// (No data dir: the engine's own learning would open the file there, but the
// journal and the per-bar learning writes make the run too slow for the suite.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Regime } from '../../../src/engine/core/regime-config.js';
import { createEngine, type Engine } from '../../../src/engine/engine.js';
import { Learning } from '../../../src/engine/strategy/learning/learning.js';
import { LearningStore, type StoredCell } from '../../../src/engine/strategy/learning/learning-store.js';
import type { DecisionDetail } from '../../../src/shared/api/contract.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const HOUR = 3_600_000;
const RIGHT = 'ts_momentum';
const WRONG = 'cs_momentum';
/** Seeded evidence per strategy, in every regime: one amount inside each influence step. */
const EVIDENCE: Record<string, { n: number; hitRate: number; ema: number }> = {
  [RIGHT]: { n: 150, hitRate: 0.95, ema: 0.95 },
  [WRONG]: { n: 150, hitRate: 0.05, ema: 0.05 },
  mean_reversion_ls: { n: 60, hitRate: 0.5, ema: 0.5 },
  orb: { n: 20, hitRate: 0.5, ema: 0.5 },
  intraday_momentum: { n: 5, hitRate: 0.5, ema: 0.5 },
};
/** The influence schedule, written out: what the settings promise. */
const step = (n: number) => (n < 10 ? 0.2 : n < 30 ? 0.3 : n < 100 ? 0.5 : 0.7);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Seen {
  d: DecisionDetail;
  /** Evidence of each strategy in the decision's regime when it was made. */
  evidence: Record<string, number>;
  /** Learning's weight of each strategy in that regime then. */
  learned: Record<string, number>;
}

async function run(seed: boolean): Promise<Seen[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tradedesk-learnvote-'));
  dirs.push(dir);
  if (seed) {
    const store = LearningStore.open(dir);
    const cells: StoredCell[] = [];
    for (const regime of Regime.options) {
      for (const [strategy, e] of Object.entries(EVIDENCE)) {
        const hits = Math.round(e.n * e.hitRate);
        cells.push({ strategy, regime, resolved: e.n, hits, sumReturn: 0, sumPayoff: 0, ema: e.ema });
      }
    }
    store.write({ pending: [], resolved: [], cells });
    store.close();
  }
  // the state as the store loads it, learning on in memory (a learning file is written once per bar, too slow here)
  const store = LearningStore.open(dir);
  // a slow EMA (a setting) so the seeded evidence still shows after the run's own random-walk outcomes
  const learning = new Learning({ snapshot: store.load(), settings: { emaAlpha: 0.01 } });
  store.close();
  const regimeOf = (sym: string) => e.signals.regimes.get(sym)?.regime;
  const e: Engine = await createEngine(
    { sim: { speed: 'max' } },
    { weights: learning, signalSink: { onSignal: (sig, price) => learning.onSignal(sig, price, regimeOf(sig.symbol)), onBar: (sym, ts, close) => learning.onBar(sym, ts, close) } },
  );
  await e.prepare();
  // the evidence in force at each decision, read from the engine's learning as the order is created
  const evidenceAt = new Map<string, Record<string, number>>();
  const learnedAt = new Map<string, Record<string, number>>();
  e.bus.subscribe('order', (o) => {
    if (evidenceAt.has(o.clientOrderId)) return;
    const regime = e.signals.regimes.get(o.symbol)?.regime ?? 'neutral';
    evidenceAt.set(o.clientOrderId, Object.fromEntries(Object.keys(EVIDENCE).map((s) => [s, learning.weights.evidence(s, regime)])));
    learnedAt.set(o.clientOrderId, Object.fromEntries(Object.keys(EVIDENCE).map((s) => [s, learning.weight(s, regime)])));
  });
  const end = e.now() + 2 * HOUR;
  while (e.now() < end) {
    e.runUntil(Math.min(end, e.now() + HOUR));
    await nextTurn();
  }
  const out: Seen[] = [];
  for (const s of e.decisions.list({ limit: 10_000 })) {
    const d = e.decisions.get(s.id)!;
    if (d.mode && evidenceAt.has(s.id)) out.push({ d, evidence: evidenceAt.get(s.id)!, learned: learnedAt.get(s.id)! });
  }
  await e.stop();
  return out;
}

/** The blended weight of a provenance row: (1 - influence) x base + influence x learned. */
const blended = (r: DecisionDetail['signals'][number]) => (1 - r.influence!) * r.baseWeight! + r.influence! * (r.learnedWeight ?? r.baseWeight!);
/** A row's normalized vote weight divided by its non-learning factors (score total, confidence, decay, debate): proportional to its blended weight. */
const implied = (r: DecisionDetail['signals'][number]) => r.weight / (r.scores!.total * r.confidence! * Math.max(0, 1 - r.ageBars! / r.horizonBars!) * r.debateMultiplier!);

describe('learned weights in the vote', () => {
  it('evidence that one strategy is right and another wrong moves their weights in the decisions, with influence by evidence step', async () => {
    const seeded = await run(true);
    const plain = await run(false);
    const both = (xs: Seen[]) => xs.filter((x) => x.d.signals.some((r) => r.strategy === RIGHT && r.weight > 0) && x.d.signals.some((r) => r.strategy === WRONG && r.weight > 0));
    const sb = both(seeded);
    const pb = both(plain);
    expect(sb.length).toBeGreaterThan(3);
    expect(pb.length).toBeGreaterThan(3);
    const row = (x: Seen, s: string) => x.d.signals.find((r) => r.strategy === s)!;

    for (const x of sb) {
      const right = row(x, RIGHT);
      const wrong = row(x, WRONG);
      // the decision carries learning's weights at that moment, at the influence of 150+ resolved predictions
      expect(right.learnedWeight).toBeCloseTo(x.learned[RIGHT]!, 5);
      expect(wrong.learnedWeight).toBeCloseTo(x.learned[WRONG]!, 5);
      expect(right.influence).toBe(0.7);
      expect(wrong.influence).toBe(0.7);
      // the seeded evidence: the right one weighs clearly more than the wrong one
      expect(right.learnedWeight! - wrong.learnedWeight!).toBeGreaterThan(0.3);
      expect(blended(right) / blended(wrong)).toBeGreaterThan(1.8);
      // and the vote used them: the normalized weights stand in the ratio of the blended weights
      expect(implied(right) / implied(wrong)).toBeCloseTo(blended(right) / blended(wrong), 3);
    }
    for (const x of pb) {
      const right = row(x, RIGHT);
      const wrong = row(x, WRONG);
      // without the evidence the two count about alike
      expect(implied(right) / implied(wrong)).toBeCloseTo(blended(right) / blended(wrong), 3);
      expect(blended(right) / blended(wrong)).toBeLessThan(1.5);
      expect(blended(right) / blended(wrong)).toBeGreaterThan(1 / 1.5);
    }

    // influence follows the evidence steps, for every signal of every decision (seeded run and plain run)
    const stepsSeen = new Set<number>();
    for (const x of [...seeded, ...plain]) {
      for (const r of x.d.signals) {
        if (!(r.strategy in x.evidence)) continue;
        expect(r.influence, `${r.strategy} with ${x.evidence[r.strategy]} resolved predictions`).toBe(step(x.evidence[r.strategy]!));
        expect(x.d.influence![r.strategy]).toBe(r.influence);
        stepsSeen.add(r.influence!);
      }
    }
    expect([...stepsSeen].sort()).toEqual([0.2, 0.3, 0.5, 0.7]);
  }, 120_000);
});
