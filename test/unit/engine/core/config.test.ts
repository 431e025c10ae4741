import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/engine/core/errors.js';
import { defaultConfig, loadConfig } from '../../../../src/engine/core/config.js';

describe('config', () => {
  it('fills every field from the profile and applies overrides', () => {
    const c = loadConfig({ profile: 'conservative', sim: { seed: 9 } });
    expect(c.profile).toBe('conservative');
    expect(c.sim.seed).toBe(9);
    expect(c.sim.speed).toBe(defaultConfig().sim.speed);
    expect(c.risk.maxOrderNotional).toBeLessThan(loadConfig({ profile: 'aggressive' }).risk.maxOrderNotional);
  });

  it('names the field and the allowed values for a bad enum', () => {
    expect(() => loadConfig({ mode: 'yolo' as never })).toThrow(ConfigError);
    try {
      loadConfig({ mode: 'yolo' as never });
    } catch (e) {
      expect((e as Error).message).toMatch(/field 'mode'/);
      expect((e as Error).message).toMatch(/backtest.*paper.*live/);
    }
    expect(() => loadConfig({ profile: 'reckless' as never })).toThrow(/field 'profile'.*conservative.*balanced.*aggressive/);
  });

  it('names nested fields with bad values', () => {
    expect(() => loadConfig({ sim: { speed: -3 } })).toThrow(/field 'sim\.speed'/);
    expect(() => loadConfig({ risk: { maxOrderNotional: Number.NaN } })).toThrow(/field 'risk\.maxOrderNotional'/);
    expect(() => loadConfig({ strategy: { fastPeriod: 30, slowPeriod: 20 } })).toThrow(/fastPeriod must be below slowPeriod/);
  });

  it('refuses unknown fields instead of ignoring a typo', () => {
    expect(() => loadConfig({ sim: { sede: 1 } as never })).toThrow(/unknown field\(s\) 'sim\.sede'/);
  });

  it("accepts speed 'max'", () => {
    expect(loadConfig({ sim: { speed: 'max' } }).sim.speed).toBe('max');
  });

  it('gates live mode behind an explicit confirmation', () => {
    expect(() => loadConfig({ mode: 'live', venue: 'alpaca-live' })).toThrow(/liveConfirmed/);
    expect(loadConfig({ mode: 'live', liveConfirmed: true, venue: 'alpaca-live' }).mode).toBe('live');
    // a live venue is never reached in paper mode, and live mode never runs on paper venues
    expect(() => loadConfig({ venue: 'alpaca-live' })).toThrow(/field 'mode'/);
    expect(() => loadConfig({ venue: 'ccxt:kraken', ccxtSandbox: false })).toThrow(/field 'mode'/);
    expect(() => loadConfig({ mode: 'live', liveConfirmed: true })).toThrow(/needs a live venue/);
    expect(() => loadConfig({ venue: 'nasdaq' })).toThrow(/field 'venue'/);
  });
});
