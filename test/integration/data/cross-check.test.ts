// Crypto prices compared across two exchanges: our venue's mid against a second
// exchange's public ticker (the real ccxt against a loopback Coinbase Exchange),
// flagged above 0.5%.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';
import { CoinbaseExchangeLoopback } from '../../support/loopback/exchange-server.js';

describe('cross-exchange price check', () => {
  let ex: CoinbaseExchangeLoopback;
  beforeAll(async () => {
    ex = await CoinbaseExchangeLoopback.start();
  });
  afterAll(async () => {
    await ex?.close();
  });

  it('flags BTC/USD only when the other exchange differs by more than 0.5%', async () => {
    const e = await createEngine({ sim: { speed: 60 }, crossCheck: { venue: 'ccxt:coinbaseexchange', url: ex.urls.public, thresholdPct: 0.005 } });
    await e.start();
    try {
      const deadline = Date.now() + 20_000;
      while ((!e.referencePrice('BTC/USD') || e.crossCheck!.checks === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const book = (mid: number) => ({ bids: [{ price: Math.round(mid * 0.9999 * 100) / 100, size: 1 }], asks: [{ price: Math.round(mid * 1.0001 * 100) / 100, size: 1 }] });
      const check = e.crossCheck!;
      // the engine polls it every 30 simulated seconds; take manual control for exact counts
      expect(check.checks).toBeGreaterThan(0);
      check.stop();
      await new Promise((r) => setTimeout(r, 500));
      // within 0.1%: no flag
      ex.setBook('BTC-USD', book(e.referencePrice('BTC/USD')! * 1.001));
      const btcFlags = () => e.quality.report('BTC/USD').byIssue.cross_venue;
      const d0 = btcFlags();
      await check.checkOnce();
      expect(btcFlags()).toBe(d0);
      // 2% away: flagged with both exchanges named
      ex.setBook('BTC-USD', book(e.referencePrice('BTC/USD')! * 1.02));
      await check.checkOnce();
      expect(btcFlags()).toBe(d0 + 1);
      const alert = e.alerts.recent().find((a) => a.code === 'DATA_QUALITY' && /BTC\/USD/.test(a.message) && /coinbaseexchange/.test(a.message));
      expect(alert?.message).toMatch(/sim/);
    } finally {
      await e.stop();
    }
  });
});
