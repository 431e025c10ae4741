// A signal's reason texts are written when first read, not on every bar: the
// texts are the same as written at once, read as often as wanted, carried by
// JSON (and by the Strategies view: strategy-commands.test.ts), and they describe the signal's own bar even when read after
// later bars have moved the strategy's state (ma_cross's averages).
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/shared/domain.js';
import { FeatureSet } from '../../../../src/engine/features/feature-set.js';
import { RegimeDetector } from '../../../../src/engine/features/regime.js';
import { defaultConfig } from '../../../../src/engine/core/config.js';
import { MA_CROSS_DEFAULTS, MaCross } from '../../../../src/engine/strategy/builtin/ma-cross.js';
import { makeSignal, type SignalContext } from '../../../../src/engine/strategy/signal-strategy.js';
import type { Signal } from '../../../../src/engine/strategy/signal.js';

describe('signal reasons', () => {
  it('are written once, when first read, and JSON carries them', () => {
    let writes = 0;
    const s = makeSignal('x', { symbol: 'SPY', ts: 1 }, 0.5, 0.5, 3, () => [`written ${++writes}`], { z: 1 });
    expect(writes).toBe(0);
    expect(s.reasons).toEqual(['written 1']);
    expect(s.reasons).toEqual(['written 1']);
    expect(writes).toBe(1);
    expect(JSON.parse(JSON.stringify(s))).toEqual({ strategy: 'x', symbol: 'SPY', ts: 1, score: 0.5, confidence: 0.5, horizonBars: 3, reasons: ['written 1'], features: { z: 1 } });
    // what an IPC message would do with the signal itself: no function goes with it
    expect(() => structuredClone(s)).not.toThrow();
    // a list given at once is kept as given
    const eager = makeSignal('x', { symbol: 'SPY', ts: 1 }, 0.5, 0.5, 3, ['now'], {});
    expect(Object.getOwnPropertyDescriptor(eager, 'reasons')?.value).toEqual(['now']);
  });

  it('a text that fails to write is a text naming the failure, not a throw where it is read', () => {
    const s = makeSignal('x', { symbol: 'SPY', ts: 1 }, 0.5, 0.5, 3, () => [(undefined as unknown as number).toFixed(2)], {});
    expect(s.reasons).toHaveLength(1);
    expect(s.reasons[0]).toMatch(/^strategy x: its reason text failed \(.*toFixed/);
    expect(JSON.parse(JSON.stringify(s)).reasons).toEqual(s.reasons);
  });

  it("ma_cross's reasons name the averages of the signal's bar, read after later bars", () => {
    const strat = new MaCross({ ...MA_CROSS_DEFAULTS, enabled: true, zEnter: 0.5 });
    const fs = new FeatureSet();
    const ctx = {
      features: () => fs,
      regime: () => new RegimeDetector(defaultConfig().regime),
      instrument: () => undefined,
      symbols: () => ['SPY'],
      barIntervalMs: () => 60_000,
      sessionMinute: () => 100,
      minutesToClose: () => Infinity,
      missing: () => {},
    } satisfies SignalContext;
    const signals: Signal[] = [];
    for (let k = 0; k < 120; k++) {
      // flat, then a steady climb: the fast average pulls away from the slow one
      const close = k < 80 ? 100 + (k % 2 ? 0.05 : -0.05) : 100 + (k - 79) * 0.4;
      const bar: Bar = { symbol: 'SPY', ts: k * 60_000, open: close, high: close + 0.1, low: close - 0.1, close, volume: 1000 };
      fs.update(bar);
      signals.push(...strat.onBar(bar, ctx));
    }
    expect(signals.length).toBeGreaterThan(5);
    const first = signals[0]!;
    // read only now, 30-odd bars later: the texts still carry that bar's averages
    expect(first.reasons[0]).toContain(`SMA5 ${first.features.smaFast!.toFixed(4)}`);
    expect(first.reasons[0]).toContain(`SMA20 ${first.features.smaSlow!.toFixed(4)}`);
    expect(first.features.smaFast).not.toBeCloseTo(signals.at(-1)!.features.smaFast!, 2);
  });
});
