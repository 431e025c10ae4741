// The engine on the real simulator venue, in simulated time: orders flow from
// the built-in strategy, the risk engine and trading states hold, KILL leaves
// nothing open, and a seed reproduces the session exactly.
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/engine.js';

const MIN = 60_000;

async function engineAt(seed = 42) {
  const e = await createEngine({ sim: { seed, speed: 'max' } });
  await e.prepare();
  return e;
}

function orderTrace(e: Engine) {
  return e.oms.recent(10_000).map((o) => `${o.clientOrderId} ${o.symbol} ${o.side} ${o.qty} ${o.limitPrice} ${o.status} ${o.filledQty}`);
}

describe('engine on the simulator', () => {
  it('sends its first orders within 30 simulated minutes on the default seed (30 s at --speed 60)', async () => {
    const e = await engineAt();
    const start = e.now();
    let firstOrderAt: number | undefined;
    e.bus.subscribe('order', (o) => {
      if (firstOrderAt === undefined && o.status === 'pending_new') firstOrderAt = e.now();
    });
    e.runUntil(start + 30 * MIN);
    expect(firstOrderAt).toBeDefined();
    expect(firstOrderAt! - start).toBeLessThanOrEqual(30 * MIN);
    expect(e.stats.ordersSubmitted).toBeGreaterThan(0);
    e.runUntil(start + 120 * MIN);
    expect(e.stats.fills).toBeGreaterThan(0);
    expect(e.portfolio.positions().length > 0 || e.portfolio.account().realizedPnl !== 0).toBe(true);
    await e.stop();
  });

  it('keeps the portfolio in step with the venue account', async () => {
    const e = await engineAt();
    e.runUntil(e.now() + 180 * MIN);
    const venuePositions = await e.venue.getPositions();
    const ours = new Map(e.portfolio.positions().map((p) => [p.symbol, p.qty]));
    for (const vp of venuePositions) {
      if (vp.qty !== 0) expect(ours.get(vp.symbol) ?? 0).toBeCloseTo(vp.qty, 8);
    }
    expect(venuePositions.filter((p) => p.qty !== 0).length).toBe(ours.size);
    const acct = await e.venue.getAccount();
    expect(e.portfolio.account().cash).toBeCloseTo(acct.cash, 2);
    await e.stop();
  });

  it('when halted then the strategy orders are denied with a reason and none reaches the venue', async () => {
    const e = await engineAt();
    e.runUntil(e.now() + 30 * MIN);
    // orders made before the halt (possibly in the same simulated millisecond) are not judged
    const before = new Set(e.oms.recent(10_000).map((o) => o.clientOrderId));
    await e.handlers.halt({ reason: 'test' });
    const submittedBefore = e.stats.ordersSubmitted;
    e.runUntil(e.now() + 90 * MIN);
    expect(e.stats.ordersSubmitted).toBe(submittedBefore);
    expect(e.stats.ordersDenied).toBeGreaterThan(0);
    const denied = e.oms.recent(10_000).filter((o) => o.status === 'denied' && !before.has(o.clientOrderId));
    expect(denied.length).toBeGreaterThan(0);
    for (const o of denied) expect(o.reason).toMatch(/HALTED/);
    expect(e.alerts.recent().some((a) => a.code === 'RISK_DENIED')).toBe(true);
    const resumed = await e.handlers.resume({ reason: 'all clear' });
    expect(resumed.tradingState).toBe('ACTIVE');
    expect(resumed.lastStateChange).toMatchObject({ from: 'HALTED', to: 'ACTIVE', actor: 'operator', reason: 'all clear' });
    await e.stop();
  });

  it('KILL halts and leaves no open order at the venue', async () => {
    const e = await createEngine({ sim: { seed: 42, speed: 6000 } });
    await e.start();
    // wait (in real time, sim running fast) until there is something to kill
    const deadline = Date.now() + 20_000;
    while (e.oms.openCount === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(e.oms.openCount).toBeGreaterThan(0);
    const result = await e.handlers.kill({ reason: 'test' });
    expect(result.status.tradingState).toBe('HALTED');
    expect(result.stillOpen).toBe(0);
    expect(result.canceled + e.stats.fills).toBeGreaterThan(0);
    expect(await e.venue.getOpenOrders()).toEqual([]);
    await e.stop();
  });

  it('reproduces the same orders and fills for the same seed, and different ones for another', async () => {
    const a = await engineAt(7);
    const b = await engineAt(7);
    const c = await engineAt(8);
    for (const e of [a, b, c]) e.runUntil(e.now() + 120 * MIN);
    expect(orderTrace(a).length).toBeGreaterThan(0);
    expect(orderTrace(a)).toEqual(orderTrace(b));
    expect(a.portfolio.account()).toEqual(b.portfolio.account());
    expect(orderTrace(a)).not.toEqual(orderTrace(c));
    for (const e of [a, b, c]) await e.stop();
  });

  it('a failing strategy is isolated, reported, and the engine keeps running', async () => {
    const e = await engineAt();
    const bad = { id: 'broken', onBar: () => { throw new Error('kaboom'); } };
    (e as unknown as { strategies: unknown[] }).strategies.push(bad);
    e.runUntil(e.now() + 20 * MIN);
    const alerts = e.alerts.recent().filter((a) => a.code === 'STRATEGY_ERROR');
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.some((a) => /disabled after 5 errors/.test(a.message))).toBe(true);
    const before = e.stats.busMessages;
    e.runUntil(e.now() + 10 * MIN);
    expect(e.stats.busMessages).toBeGreaterThan(before);
    await e.stop();
  });

  it('drops a NaN, zero or negative quote with a data-quality alert and never trades on it', async () => {
    const e = await engineAt();
    e.runUntil(e.now() + 5 * MIN);
    const before = e.handlers.snapshot({}) as Awaited<ReturnType<typeof e.handlers.snapshot>>;
    for (const bad of [Number.NaN, 0, -1]) {
      e.bus.publish('quote', { symbol: 'SPY', ts: e.now(), bid: bad, ask: bad, bidSize: 1, askSize: 1 });
      e.bus.publish('quote', { symbol: 'QQQ', ts: e.now(), bid: bad, ask: 10, bidSize: 1, askSize: 1 });
    }
    const dq = e.alerts.recent().filter((a) => a.code === 'DATA_QUALITY');
    expect(dq.map((a) => a.message).join('\n')).toMatch(/bad quote for SPY/);
    const after = e.handlers.snapshot({}) as Awaited<ReturnType<typeof e.handlers.snapshot>>;
    expect(after.account.equity).toBe(before.account.equity);
    await e.stop();
  });

  it('checks every bar: an impossible bar is dropped, an outlier flagged, both reported per symbol', async () => {
    const e = await engineAt();
    e.runUntil(e.now() + 60 * MIN);
    const last = (await e.venue.getBars('SPY', 1))[0]!;
    const strategyBars: number[] = [];
    e.bus.subscribe('bar', (b) => {
      if (b.symbol === 'SPY') strategyBars.push(b.ts);
    });
    // high below low: never reaches a strategy
    e.bus.publish('bar', { ...last, ts: last.ts + 60_000, high: last.low - 1 });
    // a 20% jump in a minute: flagged (kept), named in an alert
    const jump = last.close * 1.2;
    e.bus.publish('bar', { symbol: 'SPY', ts: last.ts + 120_000, open: jump, high: jump, low: jump, close: jump, volume: 100 });
    const report = (await e.handlers.dataQuality({})).find((r) => r.symbol === 'SPY')!;
    expect(report.dropped).toBeGreaterThanOrEqual(1);
    expect(report.flagged).toBeGreaterThanOrEqual(1);
    expect(report.bars).toBeGreaterThan(50);
    const dq = e.alerts.recent().filter((a) => a.code === 'DATA_QUALITY').map((a) => a.message).join('\n');
    expect(dq).toMatch(/SPY/);
    expect(dq).toMatch(/flagged/);
    await e.stop();
  });
});
