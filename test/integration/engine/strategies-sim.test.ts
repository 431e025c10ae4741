// The default strategy set on the simulator for one simulated day (default
// seed, simulated time at full speed): several strategies place orders through
// the ensemble, none is halted by the risk monitor, every order carries the
// ensemble's provenance, and the health counters show the evaluation interval
// and the quote cache (shared by strategies, ensemble and cost model) at work.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';
import { runSliced } from '../../support/run-sliced.js';

const DAY = 86_400_000;

describe('default strategies on the simulator', () => {
  it('trade for a simulated day on the default seed through several strategies, none halted', async () => {
    const e = await createEngine({ sim: { speed: 'max' } });
    await e.prepare();
    await runSliced(e, e.now() + DAY);
    const sources = new Map<string, number>();
    for (const o of e.oms.recent(100_000)) if (o.status !== 'denied') sources.set(o.source, (sources.get(o.source) ?? 0) + 1);
    // several strategies, both intraday and position kinds, placed orders; the benefit/cost filter skipped the entries
    // whose expected edge does not pay for the round trip (on this seed most intraday ones: 4 strategies place orders)
    expect(sources.size).toBeGreaterThanOrEqual(4);
    expect(['intraday_momentum', 'vwap_reversion', 'orb', 'quick_mr', 'intraday_rs', 'volume_spike', 'crypto_momentum'].filter((s) => sources.has(s)).length).toBeGreaterThanOrEqual(1);
    expect(['cs_momentum', 'ts_momentum', 'mean_reversion_ls', 'etf_trend', 'etf_carry', 'etf_macro'].filter((s) => sources.has(s)).length).toBeGreaterThanOrEqual(2);
    expect(e.signals.ensemble.skippedCost).toBeGreaterThan(0);
    expect(e.stats.fills).toBeGreaterThan(20);
    // no strategy halted itself (the risk monitor's consecutive-loss trigger), the account is still trading
    expect(e.risk.scopedStates().filter((s) => s.scope.startsWith('strategy:'))).toEqual([]);
    expect(e.alerts.recent(1000).filter((a) => a.code === 'CONSECUTIVE_LOSSES' || a.code === 'STRATEGY_ERROR')).toEqual([]);
    expect(e.risk.tradingState).toBe('ACTIVE');
    // every strategy order's decision carries the ensemble's provenance
    const list = e.decisions.list({ limit: 50 });
    expect(list.length).toBeGreaterThan(0);
    let named = 0;
    for (const s of list) {
      const d = e.decisions.get(s.id)!;
      expect(d.mode).toMatch(/intraday|position|hybrid/);
      expect(d.weights).toBeDefined();
      for (const x of d.signals) expect(x.reasons!.length).toBeGreaterThan(0);
      // an order is named after the strategy that opened the position (a closing one may come when its signal has expired)
      if (d.signals.some((x) => x.strategy === s.strategy)) named++;
    }
    expect(named).toBeGreaterThan(list.length / 2);
    // health: evaluations ran, low-volatility bars were skipped, the quote cache was used
    const h = await e.handlers.venueHealth({});
    expect(h.counters['evaluation.runs']).toBeGreaterThan(1000);
    expect(h.counters['evaluation.skippedLowVol']).toBeGreaterThan(0);
    expect(h.counters['quoteCache.misses']).toBeGreaterThan(0);
    // the strategies, the ensemble and the cost model share a bar's quote read
    expect(h.counters['quoteCache.hits']).toBeGreaterThan(0);
    expect(h.counters['strategies.signals']).toBeGreaterThan(1000);
    await e.stop();
  }, 60_000);
});
