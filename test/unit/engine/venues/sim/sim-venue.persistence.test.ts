// The simulator as a broker that outlives the app: with a state file, a venue
// dropped without any close call is resumed by a new SimVenue on the same file
// with the same account, orders, fills, bars and market, and continues from there.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../../../src/engine/core/clock.js';
import { SimVenue } from '../../../../../src/engine/venues/sim/sim-venue.js';
import { SimStore } from '../../../../../src/engine/venues/sim/store.js';
import type { VenueFill, VenueOrderUpdate } from '../../../../../src/engine/venues/venue.js';
import type { Bar, Quote } from '../../../../../src/shared/domain.js';
import { Recorder, iso } from './helpers.js';
import { DROP_AT, IDS, LAST_STEP, copyState, observe, readDb, removeTempDirs, resumeAt, stateConfig, tempDir, tradeThenCrash } from './state-helpers.js';

const MIN = 60_000;

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

const mid = (q: Quote) => (q.bid + q.ask) / 2;

describe('SimVenue state file: restart after a crash', () => {
  it('the reference session did what the restart tests rely on', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const { seen, rec } = await tradeThenCrash(file);
    expect(seen.orders.big).toMatchObject({ status: 'partially_filled' });
    expect(seen.orders.big!.filledQty).toBeGreaterThan(0);
    expect(seen.orders.big!.filledQty).toBeLessThan(8_000);
    expect(seen.orders.rest).toMatchObject({ status: 'accepted', filledQty: 0 });
    expect(seen.orders.far).toMatchObject({ status: 'canceled' });
    expect(seen.orders.mkt).toMatchObject({ status: 'filled', filledQty: 50, symbol: 'AAPL' });
    expect(seen.orders.bad).toMatchObject({ status: 'rejected', symbol: 'NOPE', filledQty: 0 });
    expect(seen.orders.day).toMatchObject({ status: 'accepted', timeInForce: 'day' });
    expect(rec.updatesFor('mkt').map((u) => u.kind)).toEqual(['accepted', 'rejected']);
    expect(rec.updatesFor('nope')).toMatchObject([{ kind: 'cancel_rejected' }]);
    expect(seen.fills.big!.length).toBeGreaterThan(3);
  });

  it('a new venue on the same file has the same cash, positions, orders, fills and quotes; persistedTime is the last step', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const a = await tradeThenCrash(file);
    // the first venue is dropped as is: no close(), no disconnect()
    expect(SimVenue.persistedTime(file)).toBe(LAST_STEP);
    const b = resumeAt(file, DROP_AT);
    const seen = await observe(b.venue);
    expect(seen.account).toEqual(a.seen.account);
    expect(seen.positions).toEqual(a.seen.positions);
    expect(seen.openOrders).toEqual(a.seen.openOrders);
    expect(seen.openOrders.map((o) => o.clientOrderId)).toEqual(['big', 'day', 'rest']);
    for (const id of IDS) {
      expect(seen.orders[id], id).toEqual(a.seen.orders[id]);
      expect(seen.fills[id], id).toEqual(a.seen.fills[id]);
    }
    expect(await b.venue.getOrder('never-sent')).toBeUndefined();
    expect(await b.venue.getFills('never-sent')).toEqual([]);
    // the market is where it was: same quotes, no history re-generated
    expect(seen.quotes).toEqual(a.seen.quotes);
    expect(seen.steps).toBe(a.seen.steps);
    expect(seen.bars).toEqual(a.seen.bars);
    b.venue.close();
  });

  it('keeps trading after the restart: open orders fill, ids stay unique, bars continue without overlap', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const a = await tradeThenCrash(file);
    const b = resumeAt(file, DROP_AT);
    await b.venue.connect(b.rec);
    b.clock.advanceTo(b.clock.now() + 1_000);
    await b.venue.submitOrder({ clientOrderId: 'after', symbol: 'KO', side: 'buy', type: 'market', qty: 10, timeInForce: 'gtc' });
    await b.venue.submitOrder({ clientOrderId: 'big', symbol: 'KO', side: 'buy', type: 'market', qty: 10, timeInForce: 'gtc' });
    b.clock.advanceTo(DROP_AT + 10 * MIN);

    // the duplicate of an id used before the restart is still refused
    expect(b.rec.updatesFor('big')[0]).toMatchObject({ kind: 'rejected', code: 'DUPLICATE_CLIENT_ORDER_ID' });
    // the partially filled taker order went on filling, from where it was
    const bigAfter = b.rec.fillsFor('big');
    expect(bigAfter.length).toBeGreaterThan(0);
    expect(bigAfter[0]!.cumQty).toBeCloseTo(a.seen.orders.big!.filledQty + bigAfter[0]!.qty, 9);
    expect(await b.venue.getOrder('big')).toMatchObject({ status: 'filled', filledQty: 8_000 });
    const allBig = await b.venue.getFills('big');
    expect(allBig).toEqual([...a.seen.fills.big!, ...bigAfter]);
    expect(allBig.reduce((s, f) => s + f.qty, 0)).toBe(8_000);
    // the passive order placed before the restart filled on a later quote
    expect(b.rec.fillsFor('rest').length).toBeGreaterThan(0);
    expect(await b.venue.getOrder('rest')).toMatchObject({ status: 'filled', filledQty: 5 });
    // the far day order is still working
    expect(await b.venue.getOrder('day')).toMatchObject({ status: 'accepted' });

    // ids never collide with those issued before the restart
    const fillIds = [...a.rec.fills, ...b.rec.fills].map((f) => f.fillId);
    expect(new Set(fillIds).size).toBe(fillIds.length);
    const venueIds = (u: VenueOrderUpdate[]) => u.flatMap((x) => (x.kind === 'accepted' ? [x.venueOrderId] : []));
    const before = venueIds(a.rec.updates);
    const after = venueIds(b.rec.updates);
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0]);
    expect(await b.venue.getOrder('after')).toMatchObject({ venueOrderId: after[0], status: 'filled' });

    // bars: those from before the restart, then new ones, strictly later
    for (const symbol of ['SPY', 'DIS', 'BTC/USD']) {
      const old = a.seen.bars[symbol]!;
      const all = await b.venue.getBars(symbol, 10_000);
      expect(all.slice(0, old.length)).toEqual(old);
      const fresh = all.slice(old.length);
      expect(fresh.length).toBe(10); // 15:01 .. 15:10 completed since
      expect(fresh[0]!.ts).toBe(old[old.length - 1]!.ts + MIN);
      for (let k = 1; k < all.length; k++) expect(all[k]!.ts).toBe(all[k - 1]!.ts + MIN);
      expect(b.rec.bars.filter((x) => x.symbol === symbol)).toEqual(fresh);
      // the 15:01 bar was in progress at the crash: it opens at the mid of the 15:01:00 quote
      const q = a.seen.quotes[symbol]!;
      expect(q.ts).toBe(LAST_STEP);
      expect(fresh[0]!.ts).toBe(LAST_STEP);
      expect(fresh[0]!.open).toBeCloseTo(Math.round(mid(q) / (symbol === 'BTC/USD' ? 0.01 : 0.01)) * 0.01, 6);
    }

    // the market continues near the last price
    for (const symbol of Object.keys(a.seen.quotes)) {
      const last = a.seen.quotes[symbol]!;
      const first = b.rec.quotes.find((q) => q.symbol === symbol)!;
      expect(first.ts).toBe(LAST_STEP + 5_000);
      expect(Math.abs(mid(first) / mid(last) - 1), symbol).toBeLessThan(0.01);
    }
    b.venue.close();
  });

  it('continues from the saved market, not from cfg.start: a second restart picks up the first restart\'s prices', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    await tradeThenCrash(file);
    const until = DROP_AT + 2 * MIN;
    const b = resumeAt(file, DROP_AT);
    await b.venue.connect(b.rec);
    b.clock.advanceTo(until);
    const bQuotes = (await observe(b.venue, [])).quotes;
    // b is abandoned too; c resumes from what b left
    expect(SimVenue.persistedTime(file)).toBe(iso('2026-01-05T15:03:00.000Z'));
    const c = resumeAt(file, until);
    expect((await observe(c.venue, [])).quotes).toEqual(bQuotes);
    // a venue that never restarted has different prices by now (the resumed market runs on a stream of its own),
    // so c's equality with b is not a re-run from cfg.start
    const cfg = stateConfig();
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const never = new SimVenue(clock, cfg);
    await never.connect(new Recorder(clock));
    clock.advanceTo(until);
    const neverQuotes = (await observe(never, [])).quotes;
    const differing = Object.keys(bQuotes).filter((s) => bQuotes[s]!.bid !== neverQuotes[s]!.bid);
    expect(differing.length).toBeGreaterThan(Object.keys(bQuotes).length / 2);
    for (const s of Object.keys(bQuotes)) expect(Math.abs(mid(bQuotes[s]!) / mid(neverQuotes[s]!) - 1), s).toBeLessThan(0.02);
    // each resume draws from a stream of its own (seed, resume time): c does not replay b's shocks
    await c.venue.connect(c.rec);
    c.clock.advanceTo(until + 2 * MIN);
    const moves = (quotes: Quote[], symbol: string) => {
      const mids = quotes.filter((q) => q.symbol === symbol).map(mid);
      return mids.slice(1, 21).map((m, k) => Math.sign(m - mids[k]!));
    };
    for (const symbol of ['BTC/USD', 'ETH/USD', 'SPY']) {
      expect(moves(b.rec.quotes, symbol)).toHaveLength(20);
      expect(moves(c.rec.quotes, symbol)).not.toEqual(moves(b.rec.quotes, symbol));
    }
    c.venue.close();
  });

  it('the same file and seed continue identically; another seed continues differently', async () => {
    const dir = tempDir();
    const file = join(dir, 'sim-venue.sqlite');
    await tradeThenCrash(file);
    const copies = ['one', 'two', 'three'].map((n) => join(dir, `${n}.sqlite`));
    for (const c of copies) copyState(file, c);
    const run = async (copy: string, seed?: number) => {
      const r = resumeAt(copy, DROP_AT + 30_000, stateConfig(seed === undefined ? {} : { seed }));
      await r.venue.connect(r.rec);
      r.clock.advanceTo(r.clock.now() + 1_000);
      await r.venue.submitOrder({ clientOrderId: 'x', symbol: 'ETH/USD', side: 'buy', type: 'market', qty: 1, timeInForce: 'gtc' });
      await r.venue.cancelOrder('rest');
      r.clock.advanceTo(r.clock.now() + 3 * MIN);
      const seen = await observe(r.venue, [...IDS, 'x']);
      r.venue.close();
      return { log: r.rec.log, seen };
    };
    const one = await run(copies[0]!);
    const two = await run(copies[1]!);
    expect(one.log.length).toBeGreaterThan(1000);
    expect(two.log).toEqual(one.log);
    expect(two.seen).toEqual(one.seen);
    expect(SimVenue.persistedTime(copies[0]!)).toBe(SimVenue.persistedTime(copies[1]!));
    const other = await run(copies[2]!, stateConfig().seed + 1);
    const quotes = (log: unknown[]) => log.filter((e) => (e as [string])[0] === 'q');
    expect(quotes(other.log)).not.toEqual(quotes(one.log));
  });

  it('catches up the time between the persisted time and a later start: day orders expire at the close, bars have no gap', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const a = await tradeThenCrash(file);
    const later = iso('2026-01-05T21:30:00.200Z'); // after the NYSE close
    const b = resumeAt(file, later);
    expect(await b.venue.getOrder('day')).toMatchObject({ status: 'expired', filledQty: 0 });
    expect((await b.venue.getOpenOrders()).map((o) => o.clientOrderId)).not.toContain('day');
    expect(await b.venue.getOrder('big')).toMatchObject({ status: 'filled' });
    // the catch-up is on file too
    expect(SimVenue.persistedTime(file)).toBe(iso('2026-01-05T21:30:00.000Z'));
    const db = readDb(file);
    expect(db.prepare("SELECT status FROM orders WHERE client_order_id = 'day'").get()).toEqual({ status: 'expired' });
    db.close();
    const btc = await b.venue.getBars('BTC/USD', 10_000);
    const old = a.seen.bars['BTC/USD']!;
    expect(btc.slice(0, old.length)).toEqual(old);
    expect(btc[btc.length - 1]!.ts).toBe(iso('2026-01-05T21:29:00.000Z'));
    for (let k = 1; k < btc.length; k++) expect(btc[k]!.ts - btc[k - 1]!.ts).toBe(MIN);
    const spy = await b.venue.getBars('SPY', 10_000);
    expect(spy[spy.length - 1]!.ts).toBe(iso('2026-01-05T20:59:00.000Z'));
    // nothing reaches a listener for what happened while the app was away; a later event does
    await b.venue.connect(b.rec);
    b.clock.advanceTo(later + MIN);
    expect(b.rec.updates).toEqual([]);
    expect(b.rec.bars.filter((x) => x.symbol === 'BTC/USD').map((x) => x.ts)).toEqual([iso('2026-01-05T21:30:00.000Z')]);
    b.venue.close();
  });

  it('skips what lies beyond the catch-up limit and resumes with prices held over the gap', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const a = await tradeThenCrash(file);
    const later = iso('2026-01-12T15:00:00.000Z'); // a week later
    const b = resumeAt(file, later);
    const btc = await b.venue.getBars('BTC/USD', 10_000);
    const old = a.seen.bars['BTC/USD']!;
    expect(btc.slice(0, old.length)).toEqual(old);
    const resumed = btc.slice(old.length);
    // the in-progress 15:01 bar, then only the last three days
    expect(resumed[0]!.ts).toBe(LAST_STEP);
    expect(resumed[1]!.ts).toBeGreaterThanOrEqual(later - 3 * 86_400_000);
    // prices held still over the skipped days: the next bar opens within a step's move of the last close
    expect(Math.abs(resumed[1]!.open / resumed[0]!.close - 1)).toBeLessThan(0.003);
    expect(b.venue.lastQuote('BTC/USD')!.ts).toBe(later - 5_000);
    b.venue.close();
  });

  it('writes every order, status change and fill to the file before the listener hears of it', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const cfg = stateConfig();
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const venue = new SimVenue(clock, cfg, { stateFile: file });
    const db = readDb(file);
    const orderRow = db.prepare('SELECT * FROM orders WHERE client_order_id = ?');
    const lastRequest = db.prepare('SELECT * FROM requests WHERE client_order_id = ? ORDER BY seq DESC LIMIT 1');
    const fillRow = db.prepare('SELECT * FROM fills WHERE fill_id = ?');
    const position = db.prepare('SELECT qty FROM positions WHERE symbol = ?');
    const cash = db.prepare('SELECT cash FROM account');
    const checked: string[] = [];
    const problems: string[] = [];
    const held = new Map<string, number>();
    let expectedCash = cfg.startingCash;
    const expectStatus: Record<string, string[]> = {
      accepted: ['accepted'],
      canceled: ['canceled'],
      expired: ['expired'],
      replaced: ['accepted', 'partially_filled'],
      rejected: ['rejected'],
    };
    class Checking extends Recorder {
      override onOrderUpdate(u: VenueOrderUpdate): void {
        super.onOrderUpdate(u);
        const req = lastRequest.get(u.clientOrderId) as { outcome: string } | undefined;
        const venueInitiated = u.kind === 'expired' || (u.kind === 'canceled' && u.reason === 'IOC remainder canceled');
        if (!venueInitiated && req?.outcome !== u.kind) problems.push(`${u.kind} ${u.clientOrderId}: request row ${req?.outcome}`);
        if (u.kind !== 'cancel_rejected' && !(u.kind === 'rejected' && u.code === 'DUPLICATE_CLIENT_ORDER_ID')) {
          const row = orderRow.get(u.clientOrderId) as { status: string } | undefined;
          if (!row || !expectStatus[u.kind]!.includes(row.status)) problems.push(`${u.kind} ${u.clientOrderId}: order row ${row?.status}`);
        }
        checked.push(u.kind);
      }
      override onFill(f: VenueFill): void {
        super.onFill(f);
        const sign = f.side === 'buy' ? 1 : -1;
        held.set(f.symbol, (held.get(f.symbol) ?? 0) + sign * f.qty);
        expectedCash -= sign * f.qty * f.price + f.fee;
        const row = fillRow.get(f.fillId) as { qty: number; price: number } | undefined;
        if (!row || row.qty !== f.qty || row.price !== f.price) problems.push(`fill ${f.fillId} not on file`);
        const o = orderRow.get(f.clientOrderId) as { filled_qty: number; status: string };
        if (Math.abs(o.filled_qty - f.cumQty) > 1e-9) problems.push(`fill ${f.fillId}: order filled_qty ${o.filled_qty} != ${f.cumQty}`);
        if (f.leavesQty === 0 && o.status !== 'filled') problems.push(`fill ${f.fillId}: order status ${o.status}`);
        const p = position.get(f.symbol) as { qty: number } | undefined;
        if (!p || Math.abs(p.qty - held.get(f.symbol)!) > 1e-9) problems.push(`fill ${f.fillId}: position ${p?.qty}`);
        if (Math.abs((cash.get() as { cash: number }).cash - expectedCash) > 1e-6) problems.push(`fill ${f.fillId}: cash`);
        checked.push('fill');
      }
    }
    const rec = new Checking(clock);
    await venue.connect(rec);
    clock.advanceTo(clock.now() + 1_000);
    const spy = venue.lastQuote('SPY')!;
    await venue.submitOrder({ clientOrderId: 'm', symbol: 'BTC/USD', side: 'buy', type: 'market', qty: 0.5, timeInForce: 'gtc' });
    await venue.submitOrder({ clientOrderId: 'l', symbol: 'SPY', side: 'buy', type: 'limit', qty: 2_000, limitPrice: Math.round(spy.ask * 101) / 100, timeInForce: 'gtc' });
    await venue.submitOrder({ clientOrderId: 'p', symbol: 'SPY', side: 'sell', type: 'limit', qty: 5, limitPrice: Math.round(spy.ask * 105) / 100, timeInForce: 'day' });
    const eth = venue.lastQuote('ETH/USD')!;
    await venue.submitOrder({ clientOrderId: 'i', symbol: 'ETH/USD', side: 'buy', type: 'limit', qty: 100, limitPrice: Math.round(eth.ask * 101) / 100, timeInForce: 'ioc' });
    await venue.submitOrder({ clientOrderId: 'r', symbol: 'SPY', side: 'buy', type: 'limit', qty: 0.5, limitPrice: 1, timeInForce: 'gtc' });
    await venue.submitOrder({ clientOrderId: 'm', symbol: 'SPY', side: 'buy', type: 'market', qty: 1, timeInForce: 'gtc' });
    clock.advanceTo(clock.now() + 10_000);
    await venue.replaceOrder('p', { limitPrice: Math.round(spy.ask * 106) / 100 });
    await venue.cancelOrder('l');
    await venue.cancelOrder('l');
    clock.advanceTo(iso('2026-01-05T21:00:10.000Z')); // 'p' expires at the close
    db.close();
    expect(problems).toEqual([]);
    for (const kind of ['accepted', 'rejected', 'replaced', 'canceled', 'cancel_rejected', 'expired', 'fill']) expect(checked).toContain(kind);
    expect(rec.fillsFor('l').length).toBeGreaterThan(1);
    expect(rec.updatesFor('i').map((u) => u.kind)).toEqual(['accepted', 'canceled']);
    venue.close();
  });

  it('keeps every request, with its body and outcome', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    await tradeThenCrash(file);
    const db = readDb(file);
    const rows = db.prepare('SELECT action, client_order_id AS id, outcome, code, body FROM requests ORDER BY seq').all() as Array<{ action: string; id: string; outcome: string; code: string | null; body: string }>;
    db.close();
    expect(rows.map((r) => `${r.action} ${r.id} ${r.outcome}`)).toEqual([
      'submit big accepted',
      'submit rest accepted',
      'submit far accepted',
      'submit mkt accepted',
      'submit bad rejected',
      'submit mkt rejected',
      'submit day accepted',
      'cancel far canceled',
      'cancel nope cancel_rejected',
    ]);
    expect(JSON.parse(rows[5]!.body)).toMatchObject({ clientOrderId: 'mkt', symbol: 'KO', qty: 1 });
    expect(rows[5]!.code).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(rows[4]!.code).toBe('UNKNOWN_SYMBOL');
  });

  it('writes market state once per simulated minute (plus after account changes), never per quote step', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const cfg = stateConfig({ quoteIntervalS: 1 });
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const venue = new SimVenue(clock, cfg, { stateFile: file });
    const snapshots = vi.spyOn(SimStore.prototype, 'snapshot');
    const records = vi.spyOn(SimStore.prototype, 'record');
    const rec = new Recorder(clock);
    await venue.connect(rec);
    clock.advanceTo(clock.now() + 10 * MIN - 1);
    const steps = rec.quotes.filter((q) => q.symbol === 'BTC/USD').length;
    expect(steps).toBe(600);
    expect(records).not.toHaveBeenCalled();
    expect(snapshots).toHaveBeenCalledTimes(10);
    // the completed bars are in the file, as the venue has them
    const db = readDb(file);
    const onFile = db.prepare("SELECT symbol, ts, open, high, low, close, volume FROM bars WHERE symbol = 'BTC/USD' ORDER BY ts").all() as Bar[];
    db.close();
    expect(onFile).toEqual(await venue.getBars('BTC/USD', 10_000));
    expect(onFile.length).toBe(30 + 9);
    venue.close();
  });

  it('persistedTime covers an order event between quote steps; the resumed venue steps on from there', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const cfg = stateConfig();
    const start = Date.parse(cfg.start);
    const clock = new SimulatedClock(start);
    const venue = new SimVenue(clock, cfg, { stateFile: file });
    await venue.connect(new Recorder(clock));
    clock.advanceTo(start + 12_000); // steps at +0, +5, +10 s ran
    const spy = venue.lastQuote('SPY')!;
    await venue.submitOrder({ clientOrderId: 'o', symbol: 'SPY', side: 'buy', type: 'limit', qty: 1, limitPrice: Math.round(spy.bid * 90) / 100, timeInForce: 'gtc' });
    clock.advanceTo(start + 12_060); // the order arrived at +12.05 s
    expect(SimVenue.persistedTime(file)).toBe(start + 12_050);
    const b = resumeAt(file, start + 12_060);
    expect(b.venue.nextStepTime).toBe(start + 15_000);
    expect(b.venue.stepCount).toBe(venue.stepCount);
    expect(await b.venue.getOrder('o')).toMatchObject({ status: 'accepted', qty: 1 });
    b.venue.close();
  });

  it('close() writes a last snapshot and ends the venue; the file then resumes at the close time', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    const cfg = stateConfig();
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const venue = new SimVenue(clock, cfg, { stateFile: file });
    const rec = new Recorder(clock);
    await venue.connect(rec);
    clock.advanceTo(clock.now() + 37_000);
    venue.close();
    expect(rec.connection).toEqual(['connected', 'disconnected']);
    expect(SimVenue.persistedTime(file)).toBe(Date.parse(cfg.start) + 35_000);
    await expect(venue.submitOrder({ clientOrderId: 'z', symbol: 'SPY', side: 'buy', type: 'market', qty: 1, timeInForce: 'gtc' })).rejects.toThrow(/closed/);
    const quotes = (await observe(venue, [])).quotes;
    const b = resumeAt(file, clock.now());
    expect((await observe(b.venue, [])).quotes).toEqual(quotes);
    b.venue.close();
  });
});
