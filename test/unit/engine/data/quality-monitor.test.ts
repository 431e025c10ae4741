// QualityMonitor: every issue on crafted series, with its policy (drop vs
// flag), report counts, alerts naming symbol / time / issue / value, calendar
// gaps only inside sessions, staleness, and crypto cross-checks.
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/shared/domain.js';
import { QualityMonitor, type QualityAlert } from '../../../../src/engine/data/quality-monitor.js';

const MIN = 60_000;
const t = (s: string): number => Date.parse(s);
/** Wednesday 2025-03-12, New York on EDT: the session is 13:30Z-20:00Z. */
const OPEN = t('2025-03-12T13:30:00Z');

/** Deterministic noise in [-1, 1). */
function noise(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 31 - 1;
  };
}

/** `n` 1-minute bars from `start`, a random walk with ~0.05% steps, volume ~1000. */
function walk(symbol: string, n: number, start = OPEN, price = 100, seed = 7): Bar[] {
  const r = noise(seed);
  const out: Bar[] = [];
  let close = price;
  for (let k = 0; k < n; k++) {
    const open = close;
    close = open * (1 + r() * 0.0005);
    const high = Math.max(open, close) * (1 + Math.abs(r()) * 0.0002);
    const low = Math.min(open, close) * (1 - Math.abs(r()) * 0.0002);
    out.push({ symbol, ts: start + k * MIN, open, high, low, close, volume: 1_000 + Math.round(r() * 100) });
  }
  return out;
}

/** A bar at `ts` whose open, high, low and close are all around `close` (consistent OHLC). */
function barAt(symbol: string, ts: number, close: number, volume = 1_000): Bar {
  return { symbol, ts, open: close, high: close * 1.0001, low: close * 0.9999, close, volume };
}

function monitor(opts: ConstructorParameters<typeof QualityMonitor>[0] = {}): { m: QualityMonitor; alerts: QualityAlert[] } {
  const alerts: QualityAlert[] = [];
  const m = new QualityMonitor({ now: () => OPEN, ...opts, onAlert: (a) => alerts.push(a) });
  return { m, alerts };
}

describe('QualityMonitor bars', () => {
  it('a clean session raises nothing', () => {
    const { m, alerts } = monitor();
    const bars = walk('AAPL', 300);
    expect(m.filterBars(bars)).toEqual(bars);
    expect(alerts).toEqual([]);
    expect(m.report('AAPL')).toMatchObject({ symbol: 'AAPL', bars: 300, dropped: 0, flagged: 0, lastTs: bars.at(-1)!.ts, stale: false });
  });

  it('bad prices, high below low and open/close outside [low, high] are dropped by default; flagged when told', () => {
    const { m, alerts } = monitor();
    const [a, b, c, d, e, f] = walk('AAPL', 6);
    const bad: Bar[] = [
      { ...a!, close: NaN },
      { ...b!, open: 0 },
      { ...c!, low: -1 },
      { ...d!, high: d!.low - 0.5 },
      { ...e!, open: e!.high + 1 },
      { ...f!, volume: -5 },
    ];
    for (const x of bad) expect(m.onBar(x).accepted).toBe(false);
    expect(alerts.map((x) => x.issue)).toEqual(['bad_price', 'bad_price', 'bad_price', 'high_below_low', 'ohlc_range', 'bad_price']);
    expect(alerts[0]).toMatchObject({ symbol: 'AAPL', ts: a!.ts, issue: 'bad_price', action: 'drop' });
    expect(alerts[0]!.value).toBeNaN();
    expect(alerts[2]!.value).toBe(-1);
    expect(alerts[4]).toMatchObject({ ts: e!.ts, value: e!.high + 1 });
    expect(alerts[0]!.message).toContain('2025-03-12T13:30:00.000Z');
    const rep = m.report('AAPL');
    expect(rep).toMatchObject({ bars: 6, dropped: 6, flagged: 0 });
    expect(rep.byIssue).toMatchObject({ bad_price: 4, high_below_low: 1, ohlc_range: 1 });
    expect(rep.lastTs).toBeUndefined();

    const lenient = monitor({ policies: { ohlc_range: 'flag' } });
    const v = lenient.m.onBar({ ...e!, open: e!.high + 1 });
    expect(v).toMatchObject({ accepted: true, issues: [{ issue: 'ohlc_range', action: 'flag' }] });
    expect(lenient.m.report('AAPL')).toMatchObject({ dropped: 0, flagged: 1 });
  });

  it('duplicate and out-of-order timestamps are dropped', () => {
    const { m, alerts } = monitor();
    const bars = walk('AAPL', 5);
    for (const b of bars.slice(0, 3)) m.onBar(b);
    expect(m.onBar({ ...bars[2]!, close: bars[2]!.close }).accepted).toBe(false);
    expect(m.onBar(bars[1]!).accepted).toBe(false);
    expect(m.onBar(bars[3]!).accepted).toBe(true);
    expect(alerts.map((a) => [a.issue, a.ts])).toEqual([
      ['duplicate', bars[2]!.ts],
      ['out_of_order', bars[1]!.ts],
    ]);
    expect(m.report('AAPL')).toMatchObject({ bars: 6, dropped: 2, byIssue: { duplicate: 1, out_of_order: 1 } });
  });

  it('gaps count missing 1-minute bars inside NYSE sessions only; crypto is 24/7', () => {
    const { m, alerts } = monitor();
    const day = walk('AAPL', 390);
    // 13:30Z..19:59Z is the whole session; drop 13:50..13:54
    const withHole = day.filter((b) => b.ts < OPEN + 20 * MIN || b.ts >= OPEN + 25 * MIN);
    m.filterBars(withHole);
    expect(alerts.map((a) => [a.issue, a.value, a.ts])).toEqual([['gap', 5, OPEN + 25 * MIN]]);
    // overnight to Thursday's open: not a gap; Thursday 09:30 -> 09:33 is
    const thuOpen = t('2025-03-13T13:30:00Z');
    m.onBar(barAt('AAPL', thuOpen, day.at(-1)!.close));
    expect(alerts).toHaveLength(1);
    m.onBar(barAt('AAPL', thuOpen + 3 * MIN, day.at(-1)!.close));
    expect(alerts.at(-1)).toMatchObject({ issue: 'gap', value: 2, action: 'flag' });
    // Thursday 15:58 NY (19:58Z) -> Monday 09:31 (13:31Z): the close minute of Thursday, all of Friday, Monday's first
    const before = alerts.length;
    const px = day.at(-1)!.close;
    m.onBar(barAt('AAPL', t('2025-03-13T19:58:00Z'), px));
    const missingThu = (t('2025-03-13T19:58:00Z') - (thuOpen + 3 * MIN)) / MIN - 1;
    expect(alerts.at(-1)).toMatchObject({ issue: 'gap', value: missingThu });
    m.onBar(barAt('AAPL', t('2025-03-17T13:31:00Z'), px));
    expect(alerts.slice(before + 1).map((a) => [a.issue, a.value])).toEqual([['gap', 1 + 390 + 1]]);

    const c = monitor();
    c.m.onBar(barAt('BTC/USD', t('2025-03-15T03:00:00Z'), 80_000));
    c.m.onBar(barAt('BTC/USD', t('2025-03-15T03:10:00Z'), 80_000));
    expect(c.alerts.map((a) => [a.symbol, a.issue, a.value])).toEqual([['BTC/USD', 'gap', 9]]);
  });

  it('daily gaps skip weekends and holidays', () => {
    const { m, alerts } = monitor({ timeframe: '1Day' });
    // Fri 2025-02-14, Presidents' Day Mon 02-17 closed, Tue 02-18
    m.onBar(barAt('SPY', t('2025-02-14T00:00:00Z'), 600));
    m.onBar(barAt('SPY', t('2025-02-18T00:00:00Z'), 601));
    expect(alerts).toEqual([]);
    // Tue 02-18 -> Fri 02-21: Wed and Thu missing
    m.onBar(barAt('SPY', t('2025-02-21T00:00:00Z'), 602));
    expect(alerts.map((a) => [a.issue, a.value])).toEqual([['gap', 2]]);
  });

  it('outliers: a return beyond the z threshold is flagged (z as value), or dropped when told; not a spike if it holds', () => {
    const { m, alerts } = monitor();
    const bars = walk('AAPL', 80);
    m.filterBars(bars);
    const last = bars.at(-1)!;
    const jump = barAt('AAPL', last.ts + MIN, last.close * 1.03);
    const v = m.onBar(jump);
    expect(v.accepted).toBe(true);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ symbol: 'AAPL', ts: jump.ts, issue: 'outlier', action: 'flag' });
    expect(alerts[0]!.value).toBeGreaterThan(6);
    // the new level holds: no spike
    m.onBar(barAt('AAPL', jump.ts + MIN, jump.close * 1.0002));
    expect(alerts.map((a) => a.issue)).toEqual(['outlier']);
    expect(m.report('AAPL')).toMatchObject({ flagged: 1, byIssue: { outlier: 1, spike: 0 } });

    // a smaller move is no outlier; a tighter threshold makes it one
    const quiet = monitor();
    quiet.m.filterBars(bars);
    quiet.m.onBar(barAt('AAPL', last.ts + MIN, last.close * 1.001));
    expect(quiet.alerts).toEqual([]);
    const strict = monitor({ zThreshold: 2, window: 50 });
    strict.m.filterBars(bars);
    strict.m.onBar(barAt('AAPL', last.ts + MIN, last.close * 1.001));
    expect(strict.alerts.map((a) => a.issue)).toEqual(['outlier']);

    const dropping = monitor({ policies: { outlier: 'drop' } });
    dropping.m.filterBars(bars);
    expect(dropping.m.onBar(jump).accepted).toBe(false);
    expect(dropping.m.report('AAPL')).toMatchObject({ dropped: 1, flagged: 0 });
  });

  it('an overnight move at the open is not compared with 1-minute returns', () => {
    const bars = walk('AAPL', 390);
    const lastClose = bars.at(-1)!.close;
    const overnight = monitor();
    overnight.m.filterBars(bars);
    overnight.m.onBar(barAt('AAPL', t('2025-03-13T13:30:00Z'), lastClose * 1.02));
    expect(overnight.alerts).toEqual([]);
    // the same move inside the session is an outlier
    const intraday = monitor();
    intraday.m.filterBars(bars.slice(0, 389));
    intraday.m.onBar(barAt('AAPL', bars[389]!.ts, bars[388]!.close * 1.02));
    expect(intraday.alerts.map((a) => a.issue)).toEqual(['outlier']);
  });

  it('spikes: a jump that reverts on the next bar is named (at the jump) and, under drop, retracted', () => {
    const bars = walk('AAPL', 80);
    const last = bars.at(-1)!;
    const spike = barAt('AAPL', last.ts + MIN, last.close * 1.04);
    const back = barAt('AAPL', last.ts + 2 * MIN, last.close * 1.0001);

    const flagging = monitor();
    flagging.m.filterBars(bars);
    flagging.m.onBar(spike);
    const v = flagging.m.onBar(back);
    expect(v.accepted).toBe(true);
    expect(v.retracted).toBeUndefined();
    // the reverting bar is measured from before the spike: no second outlier
    expect(flagging.alerts.map((a) => [a.issue, a.ts])).toEqual([
      ['outlier', spike.ts],
      ['spike', spike.ts],
    ]);
    expect(flagging.alerts[1]!.value).toBe(spike.close);
    expect(flagging.m.report('AAPL')).toMatchObject({ dropped: 0, flagged: 1, byIssue: { spike: 1, outlier: 1 } });

    const dropping = monitor({ policies: { spike: 'drop' } });
    const clean = dropping.m.filterBars([...bars, spike, back, barAt('AAPL', back.ts + MIN, back.close)]);
    expect(clean).not.toContain(spike);
    expect(clean).toHaveLength(bars.length + 2);
    expect(dropping.m.report('AAPL')).toMatchObject({ dropped: 1, flagged: 0, byIssue: { spike: 1 } });

    // a jump that only partly comes back (less than half) is no spike
    const partial = monitor();
    partial.m.filterBars([...bars, spike, barAt('AAPL', last.ts + 2 * MIN, last.close * 1.03)]);
    expect(partial.alerts.map((a) => a.issue)).not.toContain('spike');
    expect(partial.alerts[0]).toMatchObject({ issue: 'outlier', ts: spike.ts });
  });

  it('volume anomalies by volume z-score', () => {
    const { m, alerts } = monitor();
    const bars = walk('AAPL', 60);
    m.filterBars(bars);
    const last = bars.at(-1)!;
    m.onBar(barAt('AAPL', last.ts + MIN, last.close, 1_200));
    expect(alerts).toEqual([]);
    m.onBar(barAt('AAPL', last.ts + 2 * MIN, last.close, 100_000));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ issue: 'volume_anomaly', ts: last.ts + 2 * MIN, action: 'flag' });
    expect(alerts[0]!.value).toBeGreaterThan(6);
  });

  it('the report sums bars, drops, flags and issues per symbol', () => {
    const { m } = monitor();
    const a = walk('AAPL', 30);
    m.filterBars([...a.slice(0, 10), { ...a[10]!, close: -1 }, ...a.slice(12)]);
    m.filterBars(walk('MSFT', 5, OPEN, 400));
    const reports = m.reports();
    expect(reports.map((r) => r.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(reports[0]).toMatchObject({ bars: 29, dropped: 1, flagged: 1, byIssue: { bad_price: 1, gap: 1 } });
    expect(reports[1]).toMatchObject({ bars: 5, dropped: 0, flagged: 0 });
  });
});

describe('QualityMonitor ticks', () => {
  it('bad and crossed quotes, bad trades and out-of-order ticks are dropped', () => {
    const { m, alerts } = monitor();
    const q = { symbol: 'AAPL', ts: OPEN, bid: 100, ask: 100.02, bidSize: 1, askSize: 2 };
    expect(m.onQuote(q).accepted).toBe(true);
    expect(m.onQuote({ ...q, ts: OPEN + 1, ask: 99.9 }).accepted).toBe(false);
    expect(m.onQuote({ ...q, ts: OPEN + 2, bid: NaN }).accepted).toBe(false);
    expect(m.onTrade({ symbol: 'AAPL', ts: OPEN + 3, price: 0, size: 10 }).accepted).toBe(false);
    expect(m.onTrade({ symbol: 'AAPL', ts: OPEN + 4, price: 100.01, size: 10 }).accepted).toBe(true);
    expect(m.onTrade({ symbol: 'AAPL', ts: OPEN + 1, price: 100.01, size: 10 }).accepted).toBe(false);
    expect(alerts.map((a) => [a.issue, a.ts])).toEqual([
      ['crossed_quote', OPEN + 1],
      ['bad_price', OPEN + 2],
      ['bad_price', OPEN + 3],
      ['out_of_order', OPEN + 1],
    ]);
    expect(m.report('AAPL')).toMatchObject({ ticks: 6, dropped: 4, lastTs: OPEN + 4 });
  });
});

describe('QualityMonitor staleness', () => {
  it('a held instrument with no data for staleAfterMs while its market is open is stale (one alert per episode)', () => {
    let now = OPEN + 60 * MIN;
    const { m, alerts } = monitor({ now: () => now, staleAfterMs: 120_000 });
    m.setHeld(['AAPL', 'BTC/USD']);
    m.onBar(barAt('AAPL', now - MIN, 100));
    m.onTrade({ symbol: 'BTC/USD', ts: now, price: 80_000, size: 0.1 });
    now += 119_000;
    expect(m.checkStale()).toEqual([]);
    now += 2_000;
    expect(m.checkStale().sort()).toEqual(['AAPL', 'BTC/USD']);
    expect(alerts.map((a) => [a.symbol, a.issue])).toEqual([
      ['AAPL', 'stale'],
      ['BTC/USD', 'stale'],
    ]);
    expect(alerts[0]!.value).toBeCloseTo(121, 6);
    expect(alerts[0]!.ts).toBe(now);
    expect(m.report('AAPL').stale).toBe(true);
    now += 60_000;
    m.checkStale();
    expect(alerts).toHaveLength(2);
    m.onBar(barAt('AAPL', now - MIN, 100));
    expect(m.report('AAPL').stale).toBe(false);
    // an instrument not held is never stale
    m.onBar(barAt('MSFT', now - MIN, 400));
    now += 10 * 60_000;
    expect(m.checkStale()).not.toContain('MSFT');
    // Saturday: the stock market is closed, crypto is not
    now = t('2025-03-15T16:00:00Z');
    expect(m.checkStale()).toEqual(['BTC/USD']);
    expect(m.report('AAPL').stale).toBe(false);
    // after the open, silence counts from the open
    now = t('2025-03-17T13:31:00Z');
    expect(m.checkStale()).not.toContain('AAPL');
    now = t('2025-03-17T13:32:01Z');
    expect(m.checkStale()).toContain('AAPL');
  });

  it("with the venue's market hours (marketOpen): open when the venue says so, silence counted from the NYSE open when there is one", () => {
    let now = t('2025-03-15T16:00:00Z'); // a Saturday: no NYSE session, but the venue trades
    let open = true;
    const { m, alerts } = monitor({ now: () => now, staleAfterMs: 120_000, marketOpen: () => open });
    m.setHeld(['AAPL']);
    m.onBar(barAt('AAPL', now - MIN, 100));
    now += 121_000;
    expect(m.checkStale()).toEqual(['AAPL']);
    expect(alerts.map((a) => [a.symbol, a.issue])).toEqual([['AAPL', 'stale']]);
    // the venue closed: not stale, whatever the silence
    open = false;
    expect(m.checkStale()).toEqual([]);
    expect(m.report('AAPL').stale).toBe(false);
    // Monday, the venue open: the weekend's silence counts only from the 13:30 UTC open
    open = true;
    now = t('2025-03-17T13:31:00Z');
    expect(m.checkStale()).toEqual([]);
    now = t('2025-03-17T13:32:01Z');
    expect(m.checkStale()).toEqual(['AAPL']);
  });

  it("with the venue's market hours: open before the day's NYSE session (its early hours), silence counts from the last data", () => {
    let now = t('2025-03-17T09:00:00Z'); // Monday, 05:00 in New York: the day's session opens at 13:30 UTC
    const { m, alerts } = monitor({ now: () => now, staleAfterMs: 120_000, marketOpen: () => true });
    m.setHeld(['AAPL']);
    m.onBar(barAt('AAPL', now - MIN, 100));
    now += 60_000;
    expect(m.checkStale()).toEqual([]);
    now += 61_000;
    expect(m.checkStale()).toEqual(['AAPL']);
    expect(alerts.map((a) => [a.symbol, a.issue])).toEqual([['AAPL', 'stale']]);
    expect(alerts[0]!.value).toBeCloseTo(121, 6);
  });
});

describe('QualityMonitor.crossCheck', () => {
  it('flags one symbol priced more than 0.5% apart on two exchanges', () => {
    const { m, alerts } = monitor();
    expect(m.crossCheck('BTC/USD', 80_000, 80_320, 'kraken', 'coinbase').divergent).toBe(false); // 0.4%
    expect(alerts).toEqual([]);
    const r = m.crossCheck('BTC/USD', 80_000, 80_480, 'kraken', 'coinbase'); // 0.6%
    expect(r.divergent).toBe(true);
    expect(r.diff).toBeCloseTo(480 / 80_240, 9);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ symbol: 'BTC/USD', issue: 'cross_venue', ts: OPEN });
    expect(alerts[0]!.value).toBeCloseTo(r.diff, 12);
    expect(alerts[0]!.message).toMatch(/kraken.*coinbase/);
    expect(m.crossCheck('BTC/USD', 80_000, 80_480, 'kraken', 'coinbase', 0.01).divergent).toBe(false);
    expect(m.crossCheck('ETH/USD', 3_000, NaN, 'kraken', 'coinbase').divergent).toBe(true);
    expect(m.report('BTC/USD').byIssue.cross_venue).toBe(1);
  });
});
