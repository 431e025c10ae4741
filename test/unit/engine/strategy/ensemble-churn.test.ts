// The ensemble's guards against churn, on the real Ensemble, FeatureSet and
// RegimeDetector with a small in-memory account in place of the engine: the
// minimum holding period, hysteresis (exitNet), the opener owning its position
// until flat, and the cost-aware entry filter with the cost model's estimate.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENSEMBLE, DEFAULT_REGIME, type EnsembleConfig } from '../../../../src/engine/core/config.js';
import { FeatureSet } from '../../../../src/engine/features/feature-set.js';
import { RegimeDetector } from '../../../../src/engine/features/regime.js';
import { Ensemble, type EnsembleDeps, type LiveSignal, type StrategyRuntime } from '../../../../src/engine/strategy/ensemble/ensemble.js';
import { StrategyScorer } from '../../../../src/engine/strategy/ensemble/scorer.js';
import type { SignalStrategy } from '../../../../src/engine/strategy/signal-strategy.js';
import type { Instrument, Order, Quote } from '../../../../src/shared/domain.js';
import { randomBars } from '../../../support/bars.js';

const T0 = Date.parse('2026-01-05T15:00:00Z');
const INST: Instrument = { symbol: 'AAA', name: 'AAA', assetClass: 'us_equity', sector: 'Tech', calendar: '24x7', tickSize: 0.01, lotSize: 1, minNotional: 0, shortable: true } as Instrument;

function strategy(id: string, kind: 'intraday' | 'position'): StrategyRuntime {
  const s: SignalStrategy = { id, name: id, kind, style: 'trend', warmupBars: 0, onBar: () => [] };
  return { strategy: s, enabled: true, baseWeight: 0.5 };
}

function setup(over: Partial<EnsembleConfig> = {}, costBps = 0) {
  let now = T0;
  let pos = 0;
  const sent: Array<Parameters<EnsembleDeps['submit']>[0]> = [];
  let reads = 0;
  const quote = (): Quote => (reads++, { symbol: 'AAA', ts: now, bid: 99.99, ask: 100.01, bidSize: 100, askSize: 100 });
  const deps: EnsembleDeps = {
    now: () => now,
    instrument: () => INST,
    quote,
    position: () => pos,
    openOrders: () => [],
    equity: () => 100_000,
    sectorGross: () => Math.abs(pos) * 100,
    marketOpen: () => true,
    minutesToClose: () => Infinity,
    halted: () => false,
    estimateCost: (o, cache) => (!cache.get(o.symbol, now) ? undefined : { tier: 1, spreadSource: 'quote', halfSpreadBps: 0, slippageBps: 0, impactBps: 0, feeBps: costBps, totalBps: costBps, total: (costBps / 1e4) * o.qty * o.limitPrice, notional: o.qty * o.limitPrice }),
    benefitCostRatio: () => 1.5,
    assetClassGross: () => Math.abs(pos) * 100,
    maxConcentrationPct: () => 1,
    maxOrdersPerSecond: () => 100,
    submit: (o) => {
      sent.push(o);
      // fills at once, in full
      pos += o.side === 'buy' ? o.qty : -o.qty;
      return { ...o, clientOrderId: `c${sent.length}`, status: 'filled' } as unknown as Order;
    },
    cancel: () => {},
  };
  const cfg = { ...DEFAULT_ENSEMBLE, minHoldBars: { intraday: 10, position: 30 }, ...over };
  const ens = new Ensemble({ ensemble: cfg, passiveBps: 2, orderTtlBars: 3, modes: { ...DEFAULT_REGIME.modes, neutral: 'hybrid', low_volatility: 'hybrid', high_volatility: 'hybrid', uptrend: 'hybrid', downtrend: 'hybrid', strong_uptrend: 'hybrid', strong_downtrend: 'hybrid' } }, deps, new StrategyScorer(cfg));
  const fs = new FeatureSet();
  const rd = new RegimeDetector(DEFAULT_REGIME);
  for (const b of randomBars({ symbols: ['AAA'], n: 300, seed: 7, start: T0 - 300 * 60_000, vol: 0.0002 })) {
    fs.update(b);
    rd.update(b);
  }
  const runtimes = [strategy('fast', 'intraday'), strategy('slow', 'position')];
  // by runtime index, as the runner keeps them
  const live: Array<LiveSignal | undefined> = runtimes.map(() => undefined);
  const say = (id: string, score: number, horizonBars = 60) => {
    live[runtimes.findIndex((r) => r.strategy.id === id)] = { signal: { strategy: id, symbol: 'AAA', ts: now, score, confidence: 1, horizonBars, reasons: ['test'], features: {} }, age: 0 };
  };
  /** One bar of the symbol, then an evaluation. */
  const bar = () => {
    now += 60_000;
    ens.newRebalance(now);
    ens.ageOrders('AAA');
    return ens.evaluate('AAA', live, runtimes, fs, rd);
  };
  return { ens, live, say, bar, sent, pos: () => pos, reads: () => reads };
}

describe('ensemble against churn', () => {
  it('does not close a position before the opener kind’s minimum holding period, then does', () => {
    const s = setup();
    s.say('fast', 0.8);
    expect(s.bar()?.side).toBe('buy');
    expect(s.sent[0]!.source).toBe('fast');
    s.live.fill(undefined); // the signal is gone: the vote says flat
    let closedAt = -1;
    for (let i = 1; i <= 12 && closedAt < 0; i++) if (s.bar()) closedAt = i;
    // the entry was seen held at the first evaluation after it; the close waits out 10 bars of holding
    expect(closedAt).toBe(11);
    expect(s.pos()).toBe(0);
    expect(s.ens.heldMin).toBeGreaterThan(0);
    // a position strategy's position is held longer
    const p = setup();
    p.say('slow', 0.8);
    p.bar();
    p.live.fill(undefined);
    let n = 0;
    while (!p.bar()) n++;
    expect(n).toBe(30);
  });

  it('keeps a held position while the vote still leans its way (exitNet), though below the entry threshold', () => {
    const s = setup({ minHoldBars: { intraday: 0, position: 0 } });
    s.say('fast', 0.8);
    s.bar();
    const held = s.pos();
    expect(held).toBeGreaterThan(0);
    // a weak opposite-leaning mix: net 0.2 long is below minNet 0.3 but above exitNet 0.1
    s.say('fast', 0.6);
    s.say('slow', -0.2);
    for (let i = 0; i < 5; i++) s.bar();
    // sized down to the weaker vote, not closed
    expect(s.pos()).toBeGreaterThan(0);
    expect(s.pos()).toBeLessThan(held);
    // with no hysteresis (exitNet = minNet) the same vote closes it
    const t = setup({ minHoldBars: { intraday: 0, position: 0 }, exitNet: 0.3 });
    t.say('fast', 0.8);
    t.bar();
    t.say('fast', 0.6);
    t.say('slow', -0.2);
    t.bar();
    expect(t.pos()).toBe(0);
  });

  it('the opener owns the position until flat: a stronger later voter does not take it over', () => {
    const s = setup({ minHoldBars: { intraday: 0, position: 0 }, rebalanceBand: 0 });
    s.say('fast', 0.4);
    s.bar();
    expect(s.sent.at(-1)!.source).toBe('fast');
    s.say('slow', 1);
    s.say('fast', 0.4, 200);
    s.bar(); // adds to the position, the slow strategy dominating the vote
    expect(s.sent).toHaveLength(2);
    expect(s.sent.at(-1)!.side).toBe('buy');
    expect(s.sent.at(-1)!.source).toBe('fast');
  });

  it('skips an entry whose expected edge does not cover the round trip’s estimated cost', () => {
    const costly = setup({}, 50); // 50 bp each way
    costly.say('fast', 0.8);
    expect(costly.bar()).toBeUndefined();
    expect(costly.ens.skippedCost).toBe(1);
    const cheap = setup({}, 0.01);
    cheap.say('fast', 0.8);
    const o = cheap.bar()!;
    expect(o.side).toBe('buy');
    expect(cheap.sent[0]!.provenance.target!.notes.join(' ')).toMatch(/expected benefit .* covers 1.5 x estimated cost/);
  });

  it('one evaluation reads the quote once: the cost model’s estimates share the ensemble’s cached read', () => {
    const s = setup();
    s.say('fast', 0.8);
    expect(s.bar()?.side).toBe('buy');
    // the ensemble's read, then the entry's and the exit's cost estimates from the cache
    expect(s.reads()).toBe(1);
    expect(s.ens.cache.counters()).toMatchObject({ misses: 1, hits: 2 });
  });
});
