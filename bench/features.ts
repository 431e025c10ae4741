// features.update_ns_per_bar: the indicator set of `tradedesk features`' required
// columns (SMA 20/50/200, EMA 20, RSI 14, MACD 12/26/9, Bollinger 20/2, ATR 14,
// returns over 1/5/21 bars, 21-bar realized vol) over 1,000,000 synthetic bars,
// in ns per bar (wall time, best of two interleaved passes). Ours is the whole FeatureSet (all ~40 columns, a superset).
// Peers: the same indicators through the streaming APIs of the npm packages
// `technicalindicators` (nextValue) and `trading-signals` (add), measured in the
// same run; the peer is the faster of the two. ratio = peer ns / our ns (above 1
// means ours is faster; the goal is at least 5). Before timing, each peer's last
// values are checked against ours so a broken peer cannot look fast.
import * as ti from 'technicalindicators';
import * as tsig from 'trading-signals';
import { FeatureSet, type FeatureBar } from '../src/engine/features/index.js';
import type { BenchOptions, BenchResult } from './index.js';

const FULL_BARS = 1_000_000;
const QUICK_BARS = 5_000;

/** A seeded random walk of 1-minute bars (same bars for every contender). */
function syntheticBars(n: number): FeatureBar[] {
  let s = 12345;
  const r = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  let p = 100;
  const out: FeatureBar[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const open = p;
    p *= Math.exp((r() - 0.5) * 0.004);
    out[i] = {
      ts: Date.UTC(2024, 0, 2, 14, 30) + i * 60_000,
      open,
      high: Math.max(open, p) * (1 + r() * 0.001),
      low: Math.min(open, p) * (1 - r() * 0.001),
      close: p,
      volume: 1000 + Math.floor(r() * 9000),
    };
  }
  return out;
}

/** The last values a contender produced, for the cross-check. */
interface Last {
  sma_200: number;
  ema_20: number;
  macd: number;
  bb_upper: number;
  ret_21: number;
}

type Contender = (bars: FeatureBar[]) => Last;

const ours: Contender = (bars) => {
  const fs = new FeatureSet();
  for (let i = 0; i < bars.length; i++) fs.update(bars[i]!);
  return { sma_200: fs.get('sma_200'), ema_20: fs.get('ema_20'), macd: fs.get('macd'), bb_upper: fs.get('bb_upper'), ret_21: fs.get('ret_21') };
};

const technicalIndicators: Contender = (bars) => {
  const sma20 = new ti.SMA({ period: 20, values: [] });
  const sma50 = new ti.SMA({ period: 50, values: [] });
  const sma200 = new ti.SMA({ period: 200, values: [] });
  const ema20 = new ti.EMA({ period: 20, values: [] });
  const rsi = new ti.RSI({ period: 14, values: [] });
  const macd = new ti.MACD({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false, values: [] });
  const bb = new ti.BollingerBands({ period: 20, stdDev: 2, values: [] });
  const atr = new ti.ATR({ period: 14, high: [], low: [], close: [] });
  const roc1 = new ti.ROC({ period: 1, values: [] });
  const roc5 = new ti.ROC({ period: 5, values: [] });
  const roc21 = new ti.ROC({ period: 21, values: [] });
  const sd21 = new ti.SD({ period: 21, values: [] });
  const last = { sma_200: NaN, ema_20: NaN, macd: NaN, bb_upper: NaN, ret_21: NaN };
  let prev = NaN;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const c = b.close;
    sma20.nextValue(c);
    sma50.nextValue(c);
    last.sma_200 = sma200.nextValue(c) ?? NaN;
    last.ema_20 = ema20.nextValue(c) ?? NaN;
    rsi.nextValue(c);
    last.macd = macd.nextValue(c)?.MACD ?? NaN;
    last.bb_upper = bb.nextValue(c)?.upper ?? NaN;
    atr.nextValue({ high: b.high, low: b.low, close: c } as never);
    roc1.nextValue(c);
    roc5.nextValue(c);
    last.ret_21 = (roc21.nextValue(c) ?? NaN) / 100; // technicalindicators' ROC is in percent
    if (prev === prev) sd21.nextValue(Math.log(c / prev));
    prev = c;
  }
  return last;
};

const tradingSignals: Contender = (bars) => {
  const sma20 = new tsig.SMA(20);
  const sma50 = new tsig.SMA(50);
  const sma200 = new tsig.SMA(200);
  const ema20 = new tsig.EMA(20);
  const rsi = new tsig.RSI(14);
  const macd = new tsig.MACD(new tsig.EMA(12), new tsig.EMA(26), new tsig.EMA(9));
  const bb = new tsig.BollingerBands(20, 2);
  const atr = new tsig.ATR(14);
  const roc1 = new tsig.ROC(1);
  const roc5 = new tsig.ROC(5);
  const roc21 = new tsig.ROC(21);
  // no streaming standard deviation in trading-signals: its Bollinger bands over the log returns compute one
  const sd21 = new tsig.BollingerBands(21, 1);
  const last = { sma_200: NaN, ema_20: NaN, macd: NaN, bb_upper: NaN, ret_21: NaN };
  let prev = NaN;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const c = b.close;
    sma20.add(c);
    sma50.add(c);
    last.sma_200 = sma200.add(c) ?? NaN;
    last.ema_20 = ema20.add(c) ?? NaN;
    rsi.add(c);
    last.macd = macd.add(c)?.macd ?? NaN;
    last.bb_upper = bb.add(c)?.upper ?? NaN;
    atr.add({ high: b.high, low: b.low, close: c });
    roc1.add(c);
    roc5.add(c);
    last.ret_21 = roc21.add(c) ?? NaN;
    if (prev === prev) sd21.add(Math.log(c / prev));
    prev = c;
  }
  return last;
};

/** Refuses to time a peer whose results differ from ours (a broken or misconfigured peer). */
function crossCheck(name: string, got: Last, want: Last): void {
  for (const k of Object.keys(want) as (keyof Last)[]) {
    const tol = 1e-6 * Math.max(1e-12, Math.abs(want[k]));
    if (!(Math.abs(got[k] - want[k]) <= tol)) throw new Error(`bench setup broken: ${name} ${k} = ${got[k]}, ours ${want[k]}`);
  }
}

/** Wall time of one pass, in ns per bar. */
function timeOnce(run: Contender, bars: FeatureBar[]): number {
  const t0 = process.hrtime.bigint();
  run(bars);
  return Number(process.hrtime.bigint() - t0) / bars.length;
}

export async function featuresUpdate(opts: BenchOptions): Promise<BenchResult[]> {
  const n = opts.quick ? QUICK_BARS : FULL_BARS;
  const bars = syntheticBars(n);
  const check = bars.slice(0, 5_000);
  const want = ours(check);
  crossCheck('technicalindicators', technicalIndicators(check), want);
  crossCheck('trading-signals', tradingSignals(check), want);
  // passes interleaved, best of each: a burst of other load on the machine hits every contender alike
  const runs = opts.quick ? 1 : 2;
  const contenders = [
    { name: 'ours', run: ours, ns: Infinity },
    { name: 'technicalindicators', run: technicalIndicators, ns: Infinity },
    { name: 'trading-signals', run: tradingSignals, ns: Infinity },
  ];
  for (let r = 0; r < runs; r++) for (const c of contenders) c.ns = Math.min(c.ns, timeOnce(c.run, bars));
  const oursNs = contenders[0]!.ns;
  const peers = contenders.slice(1);
  for (const p of peers) opts.log(`features: ${p.name} ${p.ns.toFixed(0)} ns/bar, ours ${oursNs.toFixed(0)} ns/bar (${n.toLocaleString('en-US')} bars)`);
  const fastest = peers.reduce((a, b) => (b.ns < a.ns ? b : a));
  return [
    {
      name: 'features.update_ns_per_bar',
      value: oursNs,
      unit: 'ns/bar',
      peer: `${fastest.name} (same indicators, streaming API)`,
      peer_value: fastest.ns,
      ratio: fastest.ns / oursNs,
    },
  ];
}
