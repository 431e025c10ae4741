// The transaction cost model with numbers worked out by hand in the comments:
// liquidity tiers, quoted spread, square-root impact, fee schedules, rolling
// market statistics, the benefit/cost filter and the post-trade feedback.
import { describe, expect, it } from 'vitest';
import type { Bar, Quote } from '../../../../../src/shared/domain.js';
import { benefitCostVerdict } from '../../../../../src/engine/execution/costs/benefit-filter.js';
import { CostFeedback } from '../../../../../src/engine/execution/costs/cost-feedback.js';
import { estimateCost, quoteSpreadBps, sqrtImpactBps } from '../../../../../src/engine/execution/costs/cost-model.js';
import { feeModelFor } from '../../../../../src/engine/execution/costs/fees.js';
import { liquidityTier } from '../../../../../src/engine/execution/costs/liquidity.js';
import { MarketStats } from '../../../../../src/engine/execution/costs/market-stats.js';

const quote = (bid: number, ask: number): Quote => ({ symbol: 'X', ts: 0, bid, ask, bidSize: 100, askSize: 100 });
// ADV 1,000,000 shares at $100 = $100M a day: tier 2 (3 bps spread, 1 bp slippage); σ_daily 2%
const stats = { adv: 1_000_000, dollarAdv: 100_000_000, dailyVol: 0.02, price: 100 };
const sim = feeModelFor('sim');

describe('liquidity tiers', () => {
  it('are chosen by average daily dollar volume; unknown volume is the least liquid tier', () => {
    expect(liquidityTier(600e6)).toBe(1);
    expect(liquidityTier(100e6)).toBe(2);
    expect(liquidityTier(10e6)).toBe(3);
    expect(liquidityTier(1e6)).toBe(4);
    expect(liquidityTier(undefined)).toBe(4);
  });
});

describe('cost estimate', () => {
  it('the quoted spread of 99.95 / 100.05 is 10 bps', () => {
    expect(quoteSpreadBps(quote(99.95, 100.05))).toBeCloseTo(10, 10);
    expect(quoteSpreadBps(quote(0, 1))).toBeUndefined();
  });

  it('square-root impact: 10,000 of 1,000,000 ADV at 2% daily vol is 1e4 · 0.02 · √0.01 = 20 bps', () => {
    expect(sqrtImpactBps(10_000, stats, 1)).toBeCloseTo(20, 10);
    expect(sqrtImpactBps(40_000, stats, 0.5)).toBeCloseTo(20, 10); // 1e4 · 0.5 · 0.02 · 0.2
    expect(sqrtImpactBps(10_000, undefined, 1)).toBe(0);
  });

  it('a market buy pays half the quoted spread, the tier slippage, impact and the fee', () => {
    // 5 (half of 10) + 1 (tier 2 slippage) + 20 (impact) + 0 (sim stock fee) = 26 bps of $1,000,000 = $2,600
    const e = estimateCost({ side: 'buy', type: 'market', qty: 10_000, price: 100, assetClass: 'us_equity' }, quote(99.95, 100.05), stats, sim);
    expect(e).toMatchObject({ tier: 2, spreadSource: 'quote', feeBps: 0 });
    expect(e.halfSpreadBps).toBeCloseTo(5, 10);
    expect(e.totalBps).toBeCloseTo(26, 10);
    expect(e.total).toBeCloseTo(2_600, 6);
  });

  it('without a quote the spread comes from the liquidity tier', () => {
    // 1.5 (half of tier 2's 3 bps) + 1 + 20 = 22.5 bps
    const e = estimateCost({ side: 'sell', type: 'market', qty: 10_000, price: 100, assetClass: 'us_equity' }, undefined, stats, sim);
    expect(e.spreadSource).toBe('tier');
    expect(e.totalBps).toBeCloseTo(22.5, 10);
  });

  it('a passive limit pays only its fee; crypto on the simulator pays 10 bps', () => {
    // 2 BTC at 50,000 = 100,000 notional; 10 bps = 100
    const e = estimateCost({ side: 'buy', type: 'limit', qty: 2, price: 50_000, assetClass: 'crypto' }, quote(49_990, 50_010), stats, sim);
    expect(e.halfSpreadBps + e.slippageBps + e.impactBps).toBe(0);
    expect(e.feeBps).toBeCloseTo(10, 10);
    expect(e.total).toBeCloseTo(100, 8);
  });
});

describe('fee schedules', () => {
  it('alpaca: buys free; sells pay SEC 27.80 per million plus FINRA TAF 0.000166 per share (max 8.30)', () => {
    const f = feeModelFor('alpaca-paper');
    expect(f.fee({ side: 'buy', qty: 1000, price: 50, liquidity: 'taker', assetClass: 'us_equity' })).toBe(0);
    // 50,000 × 27.8e-6 = 1.39; 1000 × 0.000166 = 0.166
    expect(f.fee({ side: 'sell', qty: 1000, price: 50, liquidity: 'taker', assetClass: 'us_equity' })).toBeCloseTo(1.556, 10);
    // 1,000,000 × 27.8e-6 = 27.8; TAF capped at 8.30
    expect(f.fee({ side: 'sell', qty: 100_000, price: 10, liquidity: 'taker', assetClass: 'us_equity' })).toBeCloseTo(36.1, 10);
  });
  it('ccxt: 10 bps; none: free', () => {
    expect(feeModelFor('ccxt:kraken').fee({ side: 'sell', qty: 1, price: 1000, liquidity: 'maker', assetClass: 'crypto' })).toBeCloseTo(1, 12);
    expect(feeModelFor('none').fee({ side: 'sell', qty: 1, price: 1000, liquidity: 'taker', assetClass: 'crypto' })).toBe(0);
  });
});

describe('MarketStats', () => {
  it('scales volume and volatility of 1-minute bars to a day', () => {
    const m = new MarketStats(100, () => 86_400_000, 20);
    // 20 one-minute bars, volume 1000 each, closes 100, 102, 100, 102, ...
    const bars: Bar[] = Array.from({ length: 20 }, (_, i) => ({ symbol: 'X', ts: i * 60_000, open: 1, high: 1, low: 1, close: i % 2 ? 102 : 100, volume: 1000 }));
    bars.slice(0, 19).forEach((b) => m.onBar(b));
    expect(m.get('X')).toBeUndefined(); // 19 bars < 20
    m.onBar(bars[19]!);
    const s = m.get('X')!;
    // 1440 minutes a day: ADV = 1000 · 1440; dollar ADV at the last close 102
    expect(s.adv).toBeCloseTo(1_440_000, 6);
    expect(s.dollarAdv).toBeCloseTo(1_440_000 * 102, 2);
    // 19 log returns: ten +a and nine -a (a = ln 1.02); sample var = 20a²/19; daily = √(var · 1440)
    const a = Math.log(1.02);
    expect(s.dailyVol).toBeCloseTo(Math.sqrt(((20 * a * a) / 19) * 1440), 10);
  });
});

describe('benefit/cost filter', () => {
  it('passes when the expected benefit covers 1.5 × the cost, skips otherwise', () => {
    // edge 20 bps on 10,000 = 20 of benefit
    expect(benefitCostVerdict(0.002, 10_000, 10, 1.5).pass).toBe(true); // 20 >= 15
    const v = benefitCostVerdict(0.002, 10_000, 15, 1.5); // 20 < 22.5
    expect(v.pass).toBe(false);
    expect(v.message).toBe('expected benefit 20.00 is below 1.5 x estimated cost 15.00');
  });
  it('never skips without an expected benefit or with the filter off', () => {
    expect(benefitCostVerdict(undefined, 10_000, 1e9, 1.5).pass).toBe(true);
    expect(benefitCostVerdict(0, 10_000, 1e9, 0).pass).toBe(true);
  });
});

describe('post-trade cost feedback', () => {
  it('compares each fill with its estimate and corrects later estimates by an EMA of the error', () => {
    const fb = new CostFeedback(0.5);
    fb.onSent('a', 'market', 100, 10); // model 10 bps, no correction yet: 10 used
    // buy 100 at 100.2 against an arrival mid of 100: realized 20 bps, error +10
    const r1 = fb.onFill({ clientOrderId: 'a', symbol: 'X', side: 'buy', qty: 100, price: 100.2, fee: 0, ts: 1, fillId: 'f1' })!;
    expect(r1.realizedBps).toBeCloseTo(20, 9);
    expect(r1.errorBps).toBeCloseTo(10, 9);
    // correction = 0 + 0.5 · (20 - 10 - 0) = 5
    expect(fb.corrected('market', 10)).toBeCloseTo(15, 9);
    expect(fb.corrected('limit_taker', 10)).toBe(10);
    expect(fb.corrected('limit_maker', 10)).toBe(10);
    fb.onSent('b', 'market', 100, 10); // 15 used
    // realized 10 bps: error -5; correction = 5 + 0.5 · (10 - 10 - 5) = 2.5
    const r2 = fb.onFill({ clientOrderId: 'b', symbol: 'X', side: 'buy', qty: 100, price: 100.1, fee: 0, ts: 2, fillId: 'f2' })!;
    expect(r2.estimatedBps).toBeCloseTo(15, 9);
    expect(r2.errorBps).toBeCloseTo(-5, 9);
    const s = fb.summary();
    expect(s.fills).toBe(2);
    expect(s.correctionBps.market).toBeCloseTo(2.5, 9);
    expect(s.meanErrorBps).toBeCloseTo(2.5, 9);
    expect(s.meanAbsErrorBps).toBeCloseTo(7.5, 9);
    // estimated 10 bps of 10,020 + 15 bps of 10,010; realized 20 bps of 10,020 + 10 bps of 10,010
    expect(s.estimated).toBeCloseTo(10.02 + 15.015, 9);
    expect(s.realized).toBeCloseTo(20.04 + 10.01, 9);
  });

  it('learns per execution kind; a resting limit\'s improvement on its limit is reported, not learned', () => {
    const fb = new CostFeedback(0.5);
    // a marketable limit (a taker) bought 10 bps above the arrival mid, its model said 4: error +6, learned by its kind only
    fb.onSent('t', 'limit_taker', 100, 4);
    expect(fb.onFill({ clientOrderId: 't', symbol: 'X', side: 'buy', qty: 10, price: 100.1, fee: 0, ts: 1, fillId: 'f1' })!.errorBps).toBeCloseTo(6, 9);
    const c = fb.summary().correctionBps;
    expect([c.market, c.limit_taker, c.limit_maker]).toEqual([0, expect.closeTo(3, 9), 0]);
    // a resting buy at 100 (its model: a 10 bps fee) filled at 99 (the bar opened there): realized -100 + 10 bps
    fb.onSent('m', 'limit_maker', 100, 10);
    const m = fb.onFill({ clientOrderId: 'm', symbol: 'X', side: 'buy', qty: 10, price: 99, fee: 0.99, ts: 2, fillId: 'f2' })!;
    expect(m.realizedBps).toBeCloseTo(-90, 9);
    expect(m.errorBps).toBeCloseTo(-100, 9);
    expect(m).toMatchObject({ kind: 'limit_maker', type: 'limit' });
    // the correction learns its fee, as modelled: 0 (learning the -100 bps would have made it -50)
    expect(fb.summary().correctionBps.limit_maker).toBeCloseTo(0, 9);
    // a fee above the model's is learned: filled at its limit, charged 15 bps against a model of 10
    fb.onSent('m2', 'limit_maker', 100, 10);
    fb.onFill({ clientOrderId: 'm2', symbol: 'X', side: 'buy', qty: 10, price: 100, fee: 1.5, ts: 3, fillId: 'f3' });
    expect(fb.summary().correctionBps.limit_maker).toBeCloseTo(2.5, 9);
    expect(fb.corrected('limit_maker', 10)).toBeCloseTo(12.5, 9);
  });
  it('a sell filled below the mid, with a fee, costs both', () => {
    const fb = new CostFeedback();
    fb.onSent('s', 'market', 50, 0);
    // sell 10 at 49.95 (10 bps below the mid) paying 0.5 on 499.5 notional (≈10.01 bps)
    const r = fb.onFill({ clientOrderId: 's', symbol: 'X', side: 'sell', qty: 10, price: 49.95, fee: 0.5, ts: 1, fillId: 'f' })!;
    expect(r.realizedBps).toBeCloseTo(10 + (0.5 / 499.5) * 10_000, 9);
  });
});
