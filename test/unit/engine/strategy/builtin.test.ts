// Each built-in strategy checked by hand on a constructed series: the signal's
// direction, that it names its reason, and that it stays silent when the
// condition is absent (or on daily bars, for the intraday ones).
import { describe, expect, it } from 'vitest';
import type { Bar, Instrument } from '../../../../src/shared/domain.js';
import { defaultConfig } from '../../../../src/engine/core/config.js';
import { FeatureSet } from '../../../../src/engine/features/feature-set.js';
import { RegimeDetector } from '../../../../src/engine/features/regime.js';
import { buildStrategies, defaultStrategies } from '../../../../src/engine/strategy/builtin/index.js';
import type { SignalContext, SignalStrategy } from '../../../../src/engine/strategy/signal-strategy.js';
import { minutesToClose } from '../../../../src/engine/strategy/runner.js';

const MIN = 60_000;
const OPEN = Date.parse('2026-01-05T14:30:00Z'); // a Monday's NYSE open

function inst(symbol: string, assetClass: 'us_equity' | 'crypto' = 'us_equity', sector = 'Technology'): Instrument {
  return { symbol, name: symbol, assetClass, sector, tickSize: 0.01, lotSize: 1, minNotional: 1, shortable: assetClass !== 'crypto', calendar: assetClass === 'crypto' ? '24x7' : 'nyse' };
}

class World {
  readonly fs = new Map<string, FeatureSet>();
  readonly insts = new Map<string, Instrument>();
  readonly last = new Map<string, Bar>();
  interval = MIN;
  add(i: Instrument, closes: number[], opts: { start?: number; step?: number; volume?: (k: number) => number } = {}): Bar {
    this.insts.set(i.symbol, i);
    const fs = new FeatureSet();
    this.fs.set(i.symbol, fs);
    const step = opts.step ?? MIN;
    const start = opts.start ?? OPEN + 40 * MIN - closes.length * step;
    let prev = closes[0]!;
    let bar: Bar | undefined;
    closes.forEach((c, k) => {
      bar = { symbol: i.symbol, ts: start + k * step, open: prev, high: Math.max(prev, c) * 1.0002, low: Math.min(prev, c) * 0.9998, close: c, volume: opts.volume ? opts.volume(k) : 1000 };
      fs.update(bar);
      prev = c;
    });
    this.last.set(i.symbol, bar!);
    return bar!;
  }
  ctx(): SignalContext {
    return {
      features: (s) => this.fs.get(s),
      regime: () => new RegimeDetector(defaultConfig().regime),
      instrument: (s) => this.insts.get(s),
      symbols: () => [...this.fs.keys()],
      barIntervalMs: () => this.interval,
      sessionMinute: (s, ts) => (this.insts.get(s)?.calendar === 'nyse' ? (ts - OPEN) / MIN : (ts % 86_400_000) / MIN),
      minutesToClose: (s, ts) => minutesToClose(this.insts.get(s)?.calendar, ts),
      missing: (st, what) => this.missing.push(`${st}:${what}`),
      ...(this.spread === undefined ? {} : { quote: (s: string) => ({ symbol: s, ts: this.last.get(s)!.ts, bid: 100 - this.spread! / 2, ask: 100 + this.spread! / 2, bidSize: 1, askSize: 1 }) }),
    };
  }
  missing: string[] = [];
  /** With a value: every symbol quotes around 100 with this spread. */
  spread: number | undefined;
}

/** A quiet series (alternating ±0.05 %) of n closes around `p`. */
const quiet = (n: number, p = 100) => Array.from({ length: n }, (_, k) => p * (1 + (k % 2 ? 0.0005 : -0.0005)));
/** A steady move of `pct` per bar over n closes from p. */
const drift = (n: number, p: number, pct: number) => Array.from({ length: n }, (_, k) => p * (1 + pct) ** (k + 1));

const strategies = buildStrategies(defaultStrategies());
const S = (id: string): SignalStrategy => strategies.find((s) => s.id === id)!;

describe('built-in strategies on constructed series', () => {
  it('intraday momentum follows a large 30-minute move, and is silent on daily bars', () => {
    const w = new World();
    const bar = w.add(inst('AAA'), [...quiet(100), ...drift(30, 100, 0.001)]);
    const [sig] = S('intraday_momentum').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/30-minute return/);
    w.interval = 86_400_000;
    expect(S('intraday_momentum').onBar(bar, w.ctx())).toEqual([]);
  });

  it('VWAP reversion fades a close stretched above the session VWAP', () => {
    const w = new World();
    const bar = w.add(inst('AAA'), [...quiet(60), ...drift(5, 100, 0.004)], { start: OPEN });
    const [sig] = S('vwap_reversion').onBar(bar, w.ctx());
    expect(sig!.score).toBeLessThan(0);
    expect(sig!.reasons.join(' ')).toMatch(/above session VWAP/);
    expect(sig!.reasons.join(' ')).toMatch(/no live quote: the spread was not checked/);
    // a live quote: a tight spread is recorded, a spread eating the move back silences it
    w.spread = 0.01;
    expect(S('vwap_reversion').onBar(bar, w.ctx())[0]!.reasons.at(-1)).toMatch(/quoted spread 1\.0 bp is \d+% of the \d+\.\d bp move back/);
    w.spread = 1;
    expect(S('vwap_reversion').onBar(bar, w.ctx())).toEqual([]);
  });

  it('volume spike follows a bar with 5x volume and a clear move; no spike, no signal', () => {
    const w = new World();
    const closes = [...quiet(80), 100.4];
    const bar = w.add(inst('AAA'), closes, { volume: (k) => (k === closes.length - 1 ? 5000 : 1000) });
    const [sig] = S('volume_spike').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/5\.0x/);
    const w2 = new World();
    expect(S('volume_spike').onBar(w2.add(inst('AAA'), closes), w2.ctx())).toEqual([]);
  });

  it('intraday relative strength goes long the stock outrunning SPY, and reports a missing benchmark', () => {
    const w = new World();
    w.add(inst('SPY', 'us_equity', 'Index ETF'), quiet(130));
    const bar = w.add(inst('AAA'), [...quiet(100), ...drift(30, 100, 0.001)]);
    const [sig] = S('intraday_rs').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/vs SPY/);
    const w2 = new World();
    expect(S('intraday_rs').onBar(w2.add(inst('AAA'), quiet(130)), w2.ctx())).toEqual([]);
    expect(w2.missing).toEqual(['intraday_rs:benchmark SPY']);
  });

  it('opening-range breakout follows a close above the first 30 minutes high', () => {
    const w = new World();
    const bar = w.add(inst('AAA'), [...quiet(40), 101.5], { start: OPEN });
    const [sig] = S('orb').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/above the opening-range high/);
  });

  it('quick mean reversion buys a sharp drop with RSI oversold', () => {
    const w = new World();
    const bar = w.add(inst('AAA'), [...quiet(40), ...drift(4, 100, -0.004)]);
    const [sig] = S('quick_mr').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/RSI/);
    w.spread = 0.01;
    expect(S('quick_mr').onBar(bar, w.ctx())[0]!.reasons.at(-1)).toMatch(/quoted spread 1\.0 bp/);
    w.spread = 1;
    expect(S('quick_mr').onBar(bar, w.ctx())).toEqual([]);
  });

  it('cross-sectional momentum longs the leaders and shorts the laggards at a rebalance', () => {
    const w = new World();
    const pcts = [0.001, 0.0006, 0.0003, 0, -0.0003, -0.0006, -0.001];
    pcts.forEach((p, i) => w.add(inst(`S${i}`), [...quiet(40), ...drift(70, 100, p)].map((c, k) => c * (1 + (k % 3 ? 0.0004 : -0.0004)))));
    const st = S('cs_momentum');
    st.rebalance!(OPEN + 60 * MIN, w.ctx());
    expect(st.onBar(w.last.get('S0')!, w.ctx())[0]!.score).toBeGreaterThan(0);
    expect(st.onBar(w.last.get('S6')!, w.ctx())[0]!.score).toBeLessThan(0);
    expect(st.onBar(w.last.get('S3')!, w.ctx())).toEqual([]);
  });

  it('time-series momentum follows a steady 126-bar trend', () => {
    const w = new World();
    const bar = w.add(inst('AAA'), drift(200, 100, 0.0004).map((c, k) => c * (1 + (k % 2 ? 0.0006 : -0.0006))));
    const [sig] = S('ts_momentum').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/126-bar return/);
  });

  it('mean reversion L/S longs the most stretched below and shorts the most stretched above', () => {
    const w = new World();
    w.add(inst('UP'), [...quiet(40), ...drift(3, 100, 0.004)]);
    w.add(inst('DN'), [...quiet(40), ...drift(3, 100, -0.004)]);
    w.add(inst('FLAT'), quiet(43));
    const st = S('mean_reversion_ls');
    st.rebalance!(OPEN + 30 * MIN, w.ctx());
    expect(st.onBar(w.last.get('DN')!, w.ctx())[0]!.score).toBeGreaterThan(0);
    expect(st.onBar(w.last.get('UP')!, w.ctx())[0]!.score).toBeLessThan(0);
    expect(st.onBar(w.last.get('FLAT')!, w.ctx())).toEqual([]);
  });

  it('ETF trend goes long an ETF whose EMA20 is above its EMA50 with MACD agreeing, and reports missing ETFs', () => {
    const w = new World();
    const bar = w.add(inst('SPY', 'us_equity', 'Index ETF'), [...quiet(60), ...drift(40, 100, 0.0008)]);
    const [sig] = S('etf_trend').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[0]).toMatch(/EMA20/);
    expect(w.missing).toContain('etf_trend:ETF TLT');
  });

  it('ETF carry longs positive carry (TLT) and shorts negative carry (USO)', () => {
    const w = new World();
    w.add(inst('TLT', 'us_equity', 'Rates ETF'), quiet(70));
    w.add(inst('USO', 'us_equity', 'Commodity ETF'), quiet(70));
    const st = S('etf_carry');
    st.rebalance!(OPEN + 120 * MIN, w.ctx());
    expect(st.onBar(w.last.get('TLT')!, w.ctx())[0]!.score).toBeGreaterThan(0);
    expect(st.onBar(w.last.get('USO')!, w.ctx())[0]!.score).toBeLessThan(0);
  });

  it('ETF macro: equities up and havens down is risk-on: long SPY, short TLT', () => {
    const w = new World();
    for (const s of ['SPY', 'QQQ', 'IWM']) w.add(inst(s, 'us_equity', 'Index ETF'), drift(70, 100, 0.0005).map((c, k) => c * (1 + (k % 2 ? 0.0005 : -0.0005))));
    for (const s of ['TLT', 'IEF', 'GLD']) w.add(inst(s, 'us_equity', 'Rates ETF'), drift(70, 100, -0.0005).map((c, k) => c * (1 + (k % 2 ? 0.0005 : -0.0005))));
    const st = S('etf_macro');
    st.rebalance!(OPEN + 60 * MIN, w.ctx());
    expect(st.onBar(w.last.get('SPY')!, w.ctx())[0]!.score).toBeGreaterThan(0);
    expect(st.onBar(w.last.get('TLT')!, w.ctx())[0]!.reasons[0]).toMatch(/risk-on/);
    expect(st.onBar(w.last.get('TLT')!, w.ctx())[0]!.score).toBeLessThan(0);
  });

  it('crypto momentum needs at least twice the average volume to confirm a move', () => {
    const closes = [...quiet(80, 90_000), ...drift(15, 90_000, 0.001)];
    const w = new World();
    const bar = w.add(inst('BTC/USD', 'crypto', 'Crypto'), closes, { volume: (k) => (k === closes.length - 1 ? 2500 : 1000) });
    const [sig] = S('crypto_momentum').onBar(bar, w.ctx());
    expect(sig!.score).toBeGreaterThan(0);
    expect(sig!.reasons[1]).toMatch(/volume 2\.5x/);
    const w2 = new World();
    const thin = w2.add(inst('BTC/USD', 'crypto', 'Crypto'), closes, { volume: (k) => (k === closes.length - 1 ? 1500 : 1000) });
    expect(S('crypto_momentum').onBar(thin, w2.ctx())).toEqual([]);
  });

  it('buy-and-hold is always long SPY and a benchmark', () => {
    const w = new World();
    const bar = w.add(inst('SPY', 'us_equity', 'Index ETF'), quiet(5));
    expect(S('buy_and_hold').onBar(bar, w.ctx())[0]).toMatchObject({ score: 1, strategy: 'buy_and_hold' });
    expect(S('buy_and_hold').kind).toBe('benchmark');
  });
});
