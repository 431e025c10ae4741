// A feed that stalls without a disconnect, end to end: the real engine on the
// real Alpaca SDK against the loopback Alpaca server. The data stream stays
// open but carries nothing more; with a position held, the stale-data watch
// (risk/stale-watch.ts) notices within the limit although no quote arrives to
// trigger a check: the instrument goes REDUCING, the data-quality report flags
// it and an alert names it. The next quote ends it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/engine/core/config.js';
import { Engine } from '../../../../src/engine/engine.js';
import { AlpacaVenue } from '../../../../src/engine/venues/alpaca/alpaca-venue.js';
import { AlpacaLoopbackServer, loopbackVenueOptions, waitFor } from '../../../support/loopback/alpaca-server.js';

let server: AlpacaLoopbackServer;
let engine: Engine;

beforeEach(async () => {
  server = await AlpacaLoopbackServer.start();
  server.openAllDay(); // whatever the wall clock says
  server.setPrice('AAPL', 190);
  server.setBars('AAPL', AlpacaLoopbackServer.minuteBars(30, Math.floor(Date.now() / 60_000) * 60_000 - 120_000, 190));
  const config = loadConfig({ venue: 'alpaca-paper', symbols: ['AAPL'], strategy: { enabled: false }, risk: { priceCollarPct: 0.5 }, monitor: { staleDataSeconds: 2 } });
  engine = new Engine(config, { venue: () => new AlpacaVenue(loopbackVenueOptions(server, { reconcileIntervalMs: 100 })) });
  await engine.start();
  await waitFor(() => engine.reconciliation.state === 'complete', 'start-up reconciliation');
});

afterEach(async () => {
  await engine?.stop();
  await server?.close();
});

/** Pushes an AAPL quote stamped now; returns its time. */
const quote = (): number => {
  const t = Date.now();
  server.pushQuote({ S: 'AAPL', t, bp: 189.9, bs: 100, ap: 190.1, as: 100 });
  return t;
};
const stateOfAapl = (): string => engine.risk.stateOf('instrument:AAPL');

describe('a data feed that stalls without disconnecting (Alpaca, engine end to end)', () => {
  it('a held instrument with no quote for staleDataSeconds goes REDUCING and shows stale; the next quote restores it', async () => {
    quote();
    await waitFor(() => engine.referencePrice('AAPL'), 'a quote');
    const r = await engine.handlers.submitOrder({ symbol: 'AAPL', side: 'buy', type: 'limit', qty: 5, limitPrice: 189, timeInForce: 'day' });
    expect(r.accepted, r.reason).toBe(true);
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'accepted', 'accepted');
    server.fill(r.clientOrderId, 5, 189);
    await waitFor(() => engine.portfolio.qty('AAPL') === 5 || undefined, 'the fill');
    const lastQuoteAt = quote();
    expect(stateOfAapl()).toBe('ACTIVE');

    // nothing more arrives on the open stream: no quote is there to trigger a check
    await waitFor(() => stateOfAapl() === 'REDUCING' || undefined, 'AAPL REDUCING for stale quotes');
    // not before the limit (2 s), counted from the last quote's time (the engine's clock never runs ahead of the wall clock)
    expect(Date.now() - lastQuoteAt).toBeGreaterThanOrEqual(2_000);
    // no disconnect was reported (that would HALT the account): only the instrument is reduced
    expect(engine.status().tradingState).toBe('ACTIVE');
    expect(engine.alerts.recent().some((a) => /no quote for AAPL/.test(a.message))).toBe(true);
    const report = (await engine.handlers.dataQuality({})).find((q) => q.symbol === 'AAPL');
    expect(report?.stale).toBe(true);
    await waitFor(() => engine.alerts.recent().find((a) => a.code === 'DATA_QUALITY' && /no data for \d+ s on held instrument AAPL/.test(a.message)), 'the data-quality stale alert');
    // a new entry on the stale instrument is refused for its REDUCING state
    const w = await engine.handlers.whatIf({ symbol: 'AAPL', side: 'buy', type: 'limit', qty: 1, limitPrice: 190, timeInForce: 'day' });
    expect(w.approved).toBe(false);
    expect(w.checks.filter((c) => !c.passed)).toEqual([expect.objectContaining({ check: 'trading_state', value: 'REDUCING' })]);

    // quotes resume: the instrument is ACTIVE again and no longer stale
    quote();
    await waitFor(() => stateOfAapl() === 'ACTIVE' || undefined, 'AAPL ACTIVE again');
    expect((await engine.handlers.dataQuality({})).find((q) => q.symbol === 'AAPL')?.stale).toBe(false);
  });
});
