import { describe, expect, it } from 'vitest';
import { Instrument } from '../../../../../src/shared/domain.js';
import { FACTORS, LIQUIDITY_TIERS, SIM_UNIVERSE } from '../../../../../src/engine/venues/sim/universe.js';

describe('simulated universe', () => {
  it('has at least 30 valid instruments with unique symbols', () => {
    expect(SIM_UNIVERSE.length).toBeGreaterThanOrEqual(30);
    const symbols = SIM_UNIVERSE.map((s) => s.instrument.symbol);
    expect(new Set(symbols).size).toBe(symbols.length);
    for (const s of SIM_UNIVERSE) expect(() => Instrument.parse(s.instrument)).not.toThrow();
  });

  it('includes the required ETFs, large caps and crypto pairs', () => {
    const symbols = new Set(SIM_UNIVERSE.map((s) => s.instrument.symbol));
    const required = ['SPY', 'QQQ', 'IWM', 'TLT', 'IEF', 'GLD', 'USO', 'DBC', 'AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'JPM', 'XOM', 'JNJ', 'PG', 'KO', 'WMT', 'UNH', 'BAC', 'CVX', 'HD'];
    const crypto = ['BTC/USD', 'ETH/USD', 'SOL/USD', 'ADA/USD', 'DOGE/USD', 'AVAX/USD', 'LINK/USD', 'LTC/USD'];
    for (const s of [...required, ...crypto]) expect(symbols.has(s), s).toBe(true);
  });

  it('sets stock and crypto trading attributes', () => {
    for (const { instrument: i } of SIM_UNIVERSE) {
      if (i.assetClass === 'us_equity') {
        expect(i).toMatchObject({ calendar: 'nyse', tickSize: 0.01, lotSize: 1, minNotional: 1, shortable: true });
      } else {
        expect(i).toMatchObject({ calendar: '24x7', shortable: false, assetClass: 'crypto' });
      }
    }
    const btc = SIM_UNIVERSE.find((s) => s.instrument.symbol === 'BTC/USD')!;
    expect(btc.instrument.lotSize).toBe(0.0001);
    expect(SIM_UNIVERSE.find((s) => s.instrument.symbol === 'ETH/USD')!.instrument.lotSize).toBe(0.001);
  });

  it('gives every instrument sane model parameters', () => {
    const factorIds = new Set<string>(FACTORS.map((f) => f.id));
    for (const s of SIM_UNIVERSE) {
      expect(s.price, s.instrument.symbol).toBeGreaterThan(0);
      expect(s.annualVol).toBeGreaterThan(0.03);
      expect(s.annualVol).toBeLessThan(2);
      expect(LIQUIDITY_TIERS[s.tier]).toBeDefined();
      for (const f of Object.keys(s.betas)) expect(factorIds.has(f)).toBe(true);
      // the tick is small relative to the price (< 1%)
      expect(s.price / s.instrument.tickSize).toBeGreaterThan(100);
    }
    const beta = (sym: string, f: string) => (SIM_UNIVERSE.find((s) => s.instrument.symbol === sym)!.betas as Record<string, number>)[f] ?? 0;
    expect(beta('TLT', 'rates')).toBeGreaterThan(1);
    expect(beta('IEF', 'rates')).toBeGreaterThan(0);
    for (const c of ['GLD', 'USO', 'DBC']) expect(beta(c, 'commodity')).toBeGreaterThan(0);
    expect(beta('ETH/USD', 'crypto')).toBeGreaterThan(0);
  });
});
