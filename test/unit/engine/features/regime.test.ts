// Regimes: the rule on hand-set measures, and the streaming detector on
// constructed price series, one per regime, with the mode and size multiplier
// taken from the settings.
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig, type Regime } from '../../../../src/engine/core/config.js';
import { classifyRegime, RegimeDetector, type RegimeInputs } from '../../../../src/engine/features/index.js';

const cfg = defaultConfig().regime;

describe('classifyRegime', () => {
  const base: RegimeInputs = { close: 100, smaFast: 100, smaSlow: 100, smaFastSlope: 0, adx: 20, volRatio: 1 };
  const cases: [Regime, Partial<RegimeInputs>][] = [
    ['strong_uptrend', { close: 110, smaFast: 105, smaSlow: 100, smaFastSlope: 1, adx: 30 }],
    ['uptrend', { close: 110, smaFast: 105, smaSlow: 100, smaFastSlope: 1, adx: 20 }],
    ['uptrend', { close: 103, smaFast: 105, smaSlow: 100, smaFastSlope: 1, adx: 40 }], // strong ADX but close under the fast SMA
    ['neutral', {}],
    ['neutral', { close: 110, smaFast: 105, smaSlow: 100, smaFastSlope: -1, adx: 40 }], // above the SMAs but the fast one is falling
    ['downtrend', { close: 90, smaFast: 95, smaSlow: 100, smaFastSlope: -1, adx: 20 }],
    ['strong_downtrend', { close: 90, smaFast: 95, smaSlow: 100, smaFastSlope: -1, adx: 30 }],
    ['high_volatility', { close: 110, smaFast: 105, smaSlow: 100, smaFastSlope: 1, adx: 30, volRatio: 1.6 }],
    ['low_volatility', { volRatio: 0.5 }],
    ['uptrend', { close: 110, smaFast: 105, smaSlow: 100, smaFastSlope: 1, volRatio: 0.5 }], // a trend outranks low volatility
  ];
  it.each(cases)('%s from %j', (regime, over) => {
    expect(classifyRegime({ ...base, ...over }, cfg)).toBe(regime);
  });
});

/** Bars around a close path: high and low 1% either side of the close. */
function detect(closes: number[], settings = cfg): RegimeDetector {
  const d = new RegimeDetector(settings);
  for (const c of closes) d.update({ high: c * 1.01, low: c * 0.99, close: c });
  return d;
}

const N = 320;
function walk(step: (i: number) => number): number[] {
  let p = 100;
  return Array.from({ length: N }, (_, i) => (p *= step(i)));
}
/** 100, 101, 100, ... (exact in binary, so the SMAs are exactly equal and flat), then `tail` for the last bars. */
function alternating(tailFrom: number, lo: number, hi: number): number[] {
  return Array.from({ length: N }, (_, i) => (i < tailFrom ? (i % 2 ? 101 : 100) : i % 2 ? hi : lo));
}

describe('RegimeDetector on constructed series', () => {
  const series: [Regime, number[]][] = [
    ['strong_uptrend', walk((i) => (i % 3 === 2 ? 0.997 : 1.006))],
    ['uptrend', walk((i) => (i % 2 ? 0.99 : 1.014))], // zigzag up: both DMs large, ADX low
    ['neutral', alternating(N, 0, 0)],
    ['downtrend', walk((i) => 1 / (i % 2 ? 0.99 : 1.014))],
    ['strong_downtrend', walk((i) => 1 / (i % 3 === 2 ? 0.997 : 1.006))],
    ['high_volatility', alternating(295, 97, 104)],
    ['low_volatility', alternating(280, 100.25, 100.75)],
  ];
  it.each(series)('%s', (regime, closes) => {
    const d = detect(closes);
    expect(d.ready).toBe(true);
    expect(d.regime, JSON.stringify(d.inputs)).toBe(regime);
    expect(d.mode).toBe(cfg.modes[regime]);
    expect(d.sizeMultiplier).toBe(cfg.sizeMultiplier[regime]);
  });
  it('is neutral and not ready until the long volatility window has filled', () => {
    const d = detect(walk((i) => (i % 3 === 2 ? 0.997 : 1.006)).slice(0, 252));
    expect([d.ready, d.regime]).toEqual([false, 'neutral']);
    expect(d.sizeMultiplier).toBe(1);
  });
});

describe('regime settings', () => {
  it('defaults: high volatility sizes ×0.8, strong trends ×1.2, others ×1; a mode for every regime', () => {
    expect(cfg.sizeMultiplier).toEqual({ strong_uptrend: 1.2, uptrend: 1, neutral: 1, downtrend: 1, strong_downtrend: 1.2, high_volatility: 0.8, low_volatility: 1 });
    expect(Object.values(cfg.modes).sort()).toEqual(['hybrid', 'hybrid', 'hybrid', 'intraday', 'intraday', 'position', 'position']);
  });
  it('are overridable and validated in the engine config', () => {
    const c = loadConfig({ regime: { sizeMultiplier: { ...cfg.sizeMultiplier, high_volatility: 0.5 }, modes: { ...cfg.modes, neutral: 'position' } } });
    expect(c.regime.sizeMultiplier.high_volatility).toBe(0.5);
    expect(c.regime.modes.neutral).toBe('position');
    expect(detect(alternating(N, 0, 0), c.regime).mode).toBe('position');
    expect(() => loadConfig({ regime: { modes: { ...cfg.modes, neutral: 'scalping' as never } } })).toThrow(/regime\.modes\.neutral/);
    expect(() => loadConfig({ regime: { smaFast: 300 } })).toThrow(/smaFast must be below smaSlow/);
  });
});
