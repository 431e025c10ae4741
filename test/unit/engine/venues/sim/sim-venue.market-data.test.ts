import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../../src/engine/core/clock.js';
import { SimVenue } from '../../../../../src/engine/venues/sim/sim-venue.js';
import { Instrument } from '../../../../../src/shared/domain.js';
import { Recorder, advance, connectedVenue, iso, simConfig } from './helpers.js';

const MIN = 60_000;

describe('SimVenue market data', () => {
  it('lists the universe as valid instruments', async () => {
    const { venue } = await connectedVenue();
    const list = await venue.instruments();
    expect(venue.id).toBe('sim');
    expect(list.length).toBeGreaterThanOrEqual(30);
    for (const i of list) expect(() => Instrument.parse(i)).not.toThrow();
  });

  it('connects, streams one quote per instrument per step, and stops on disconnect', async () => {
    const { clock, venue, rec } = await connectedVenue({ start: '2026-01-05T15:00:00.000Z', quoteIntervalS: 5 });
    expect(rec.connection).toEqual(['connected']);
    advance(clock, 60_000);
    const n = (await venue.instruments()).length;
    // steps at +0s, +5s ... +60s: 13 steps, all instruments open on a Monday at 10:00 New York
    expect(rec.quotes.length).toBe(13 * n);
    expect(rec.trades.length).toBeGreaterThan(0);
    for (const q of rec.quotes) {
      expect(q.bid).toBeGreaterThan(0);
      expect(q.ask).toBeGreaterThan(q.bid);
      expect(q.bidSize).toBeGreaterThan(0);
      expect(q.askSize).toBeGreaterThan(0);
    }
    await venue.disconnect();
    expect(rec.connection).toEqual(['connected', 'disconnected']);
    const before = rec.quotes.length;
    advance(clock, 600_000);
    expect(rec.quotes.length).toBe(before);
    expect(clock.pending).toBe(0);
  });

  it('streams only crypto while the NYSE is closed (weekend)', async () => {
    const { clock, venue, rec } = await connectedVenue({ start: '2026-01-03T15:00:00.000Z' });
    advance(clock, 3_600_000);
    const symbols = new Set(rec.quotes.map((q) => q.symbol));
    expect(symbols.has('BTC/USD')).toBe(true);
    expect(symbols.has('SPY')).toBe(false);
    expect([...symbols].every((s) => s.endsWith('/USD'))).toBe(true);
    expect(rec.trades.every((t) => t.symbol.endsWith('/USD'))).toBe(true);
    expect(rec.bars.every((b) => b.symbol.endsWith('/USD'))).toBe(true);
    expect(rec.bars.length).toBeGreaterThan(0);
    expect(venue.isMarketOpen('SPY', clock.now())).toBe(false);
    expect(venue.isMarketOpen('BTC/USD', clock.now())).toBe(true);
    expect(venue.isMarketOpen('NOPE', clock.now())).toBe(false);
  });

  it('starts stock quotes at the open and stops them at the close', async () => {
    // Monday 2026-01-05: open 14:30Z, close 21:00Z
    const { clock, rec } = await connectedVenue({ start: '2026-01-05T14:00:00.000Z' });
    clock.advanceTo(iso('2026-01-05T21:30:00Z'));
    const spy = rec.quotes.filter((q) => q.symbol === 'SPY');
    expect(spy[0]!.ts).toBe(iso('2026-01-05T14:30:00Z'));
    expect(spy.at(-1)!.ts).toBe(iso('2026-01-05T20:59:55Z'));
    const spyBars = rec.bars.filter((b) => b.symbol === 'SPY');
    expect(spyBars.length).toBe(390);
    expect(spyBars[0]!.ts).toBe(iso('2026-01-05T14:30:00Z'));
    expect(spyBars.at(-1)!.ts).toBe(iso('2026-01-05T20:59:00Z'));
  });

  it('emits 1-minute bars aligned to minutes, after each minute completes, with consistent OHLC', async () => {
    const { clock, rec } = await connectedVenue({ start: '2026-01-05T15:00:00.000Z' });
    advance(clock, 45 * MIN);
    expect(rec.bars.length).toBeGreaterThan(40 * 30);
    const lastTs = new Map<string, number>();
    rec.bars.forEach((b, k) => {
      expect(b.ts % MIN).toBe(0);
      expect(rec.barEmittedAt[k]).toBeGreaterThanOrEqual(b.ts + MIN);
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.low).toBeGreaterThan(0);
      expect(b.volume).toBeGreaterThanOrEqual(0);
      const prev = lastTs.get(b.symbol);
      if (prev !== undefined) expect(b.ts).toBe(prev + MIN);
      lastTs.set(b.symbol, b.ts);
    });
    // every quote mid (rounded to the tick) of a minute lies inside that minute's bar
    const btcBars = new Map(rec.bars.filter((b) => b.symbol === 'BTC/USD').map((b) => [b.ts, b]));
    let checked = 0;
    for (const q of rec.quotes) {
      if (q.symbol !== 'BTC/USD') continue;
      const bar = btcBars.get(q.ts - (q.ts % MIN));
      if (!bar) continue;
      const mid = Math.round((Math.round(q.bid * 100) + Math.round(q.ask * 100)) / 2) / 100;
      expect(mid).toBeGreaterThanOrEqual(bar.low - 1e-9);
      expect(mid).toBeLessThanOrEqual(bar.high + 1e-9);
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('pre-generates history: the last N session minutes for stocks, the last N minutes for crypto', async () => {
    // default start 2026-01-05T14:30Z is Monday's open: stock history is Friday's last 120 minutes
    const cfg = simConfig({ historyMinutes: 120 });
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const venue = new SimVenue(clock, cfg);
    const spy = await venue.getBars('SPY', 1000);
    expect(spy.length).toBe(120);
    expect(spy[0]!.ts).toBe(iso('2026-01-02T19:00:00Z'));
    expect(spy.at(-1)!.ts).toBe(iso('2026-01-02T20:59:00Z'));
    const btc = await venue.getBars('BTC/USD', 120);
    expect(btc.length).toBe(120);
    expect(btc.at(-1)!.ts).toBe(Date.parse(cfg.start) - MIN);
    btc.forEach((b, k) => k > 0 && expect(b.ts).toBe(btc[k - 1]!.ts + MIN));
    expect((await venue.getBars('SPY', 10)).map((b) => b.ts)).toEqual(spy.slice(-10).map((b) => b.ts));
    expect(await venue.getBars('NOPE', 10)).toEqual([]);
  });

  it('spans sessions when the start is mid-session', async () => {
    const cfg = simConfig({ start: '2026-01-06T15:00:00.000Z', historyMinutes: 60 });
    const venue = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg);
    const spy = await venue.getBars('SPY', 60);
    expect(spy.length).toBe(60);
    expect(spy.slice(0, 30).every((b) => b.ts >= iso('2026-01-05T20:30:00Z') && b.ts < iso('2026-01-05T21:00:00Z'))).toBe(true);
    expect(spy[30]!.ts).toBe(iso('2026-01-06T14:30:00Z'));
    expect(spy.at(-1)!.ts).toBe(iso('2026-01-06T14:59:00Z'));
  });

  it('keeps live bars after the history, and history is the same for the same seed', async () => {
    const a = await connectedVenue({ historyMinutes: 30 });
    const b = await connectedVenue({ historyMinutes: 30 });
    expect(await a.venue.getBars('ETH/USD', 100)).toEqual(await b.venue.getBars('ETH/USD', 100));
    const before = await a.venue.getBars('ETH/USD', 100_000);
    expect(before.length).toBe(30);
    advance(a.clock, 10 * MIN);
    const eth = await a.venue.getBars('ETH/USD', 100_000);
    expect(eth.length).toBe(before.length + 10);
    expect(eth.slice(0, before.length)).toEqual(before);
    expect(eth.at(-1)).toEqual(a.rec.bars.filter((x) => x.symbol === 'ETH/USD').at(-1));
  });

  it('produces identical streams for the same seed and different ones for another seed', async () => {
    const runOnce = async (seed: number) => {
      const { clock, rec } = await connectedVenue({ seed, start: '2026-01-05T20:30:00.000Z' }, true);
      advance(clock, 45 * MIN); // crosses the close
      return rec.log;
    };
    const a = await runOnce(1);
    const b = await runOnce(1);
    const c = await runOnce(2);
    expect(a.length).toBeGreaterThan(1000);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('catches up silently after a disconnect', async () => {
    const { clock, venue, rec } = await connectedVenue();
    advance(clock, MIN);
    await venue.disconnect();
    advance(clock, 10 * MIN);
    const reconnected = new Recorder(clock);
    await venue.connect(reconnected);
    advance(clock, 5_000);
    expect(reconnected.quotes.length).toBeGreaterThan(0);
    expect(Math.min(...reconnected.quotes.map((q) => q.ts))).toBeGreaterThanOrEqual(clock.now() - 5_000);
    expect(rec.quotes.every((q) => q.ts <= Date.parse('2026-01-05T14:31:00Z'))).toBe(true);
  });

  it('never emits a NaN or non-positive price over a long run', async () => {
    const { clock, rec } = await connectedVenue({ start: '2026-01-09T20:00:00.000Z', quoteIntervalS: 30 });
    advance(clock, 4 * 86_400_000);
    const bad = (x: number) => !Number.isFinite(x) || x <= 0;
    expect(rec.quotes.length).toBeGreaterThan(10_000);
    expect(rec.quotes.some((q) => bad(q.bid) || bad(q.ask) || q.ask <= q.bid)).toBe(false);
    expect(rec.trades.some((t) => bad(t.price) || bad(t.size))).toBe(false);
    expect(rec.bars.some((b) => bad(b.open) || bad(b.high) || bad(b.low) || bad(b.close))).toBe(false);
  });
});

describe('SimVenue catch-up', () => {
  it('connecting long after the start skips ahead instead of simulating every step', async () => {
    const cfg = simConfig({ start: '2026-01-05T15:00:00.000Z' });
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const venue = new SimVenue(clock, cfg);
    const before = venue.stepCount;
    clock.advanceTo(Date.parse('2026-03-05T15:00:00.000Z')); // two months later, nothing scheduled yet
    const rec = new Recorder(clock);
    await venue.connect(rec);
    // at most ~3 days of 5-second steps were simulated
    expect(venue.stepCount - before).toBeLessThanOrEqual((3 * 86_400) / 5 + 2);
    advance(clock, 10_000);
    expect(rec.quotes.length).toBeGreaterThan(0);
    expect(rec.quotes.every((q) => q.ts >= Date.parse('2026-03-05T15:00:00.000Z'))).toBe(true);
  });
});
