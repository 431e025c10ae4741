// Helpers for the simulator's state-file tests: temp dirs, file copies that
// include the WAL, and one reference trading session that is then abandoned
// (no close, no disconnect) like a crashed app.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from '../../../../../src/engine/core/clock.js';
import type { SimConfig } from '../../../../../src/engine/core/config.js';
import { SimVenue } from '../../../../../src/engine/venues/sim/sim-venue.js';
import type { VenueFill, VenueOrderRequest, VenueOrderState } from '../../../../../src/engine/venues/venue.js';
import type { Bar, Quote } from '../../../../../src/shared/domain.js';
import { Recorder, iso, simConfig } from './helpers.js';

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tradedesk-sim-state-'));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Copies a state file as it is on disk now (the main file and its WAL). */
export function copyState(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}

/** A read-only look into a state file (a separate connection). */
export function readDb(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

export const START = '2026-01-05T15:00:00.000Z'; // Monday, NYSE open
export const DROP_AT = iso('2026-01-05T15:01:00.500Z'); // just after the 15:01:00 step (a minute boundary)
export const LAST_STEP = iso('2026-01-05T15:01:00.000Z');

export function stateConfig(over: Partial<SimConfig> = {}): SimConfig {
  return simConfig({ start: START, historyMinutes: 30, startingCash: 1_000_000, latencyMs: 50, quoteIntervalS: 5, ...over });
}

export const IDS = ['big', 'rest', 'far', 'mkt', 'bad', 'day'] as const;

export interface Observed {
  account: Awaited<ReturnType<SimVenue['getAccount']>>;
  positions: Awaited<ReturnType<SimVenue['getPositions']>>;
  openOrders: Awaited<ReturnType<SimVenue['getOpenOrders']>>;
  orders: Record<string, VenueOrderState | undefined>;
  fills: Record<string, VenueFill[]>;
  bars: Record<string, Bar[]>;
  quotes: Record<string, Quote | undefined>;
  steps: number;
}

export async function observe(venue: SimVenue, ids: readonly string[] = IDS): Promise<Observed> {
  const symbols = (await venue.instruments()).map((i) => i.symbol);
  const orders: Observed['orders'] = {};
  const fills: Observed['fills'] = {};
  for (const id of ids) {
    orders[id] = await venue.getOrder(id);
    fills[id] = await venue.getFills(id);
  }
  const bars: Observed['bars'] = {};
  const quotes: Observed['quotes'] = {};
  for (const s of symbols) {
    bars[s] = await venue.getBars(s, 10_000);
    quotes[s] = venue.lastQuote(s);
  }
  const openOrders = (await venue.getOpenOrders()).sort((a, b) => a.clientOrderId.localeCompare(b.clientOrderId));
  return { account: await venue.getAccount(), positions: await venue.getPositions(), openOrders, orders, fills, bars, quotes, steps: venue.stepCount };
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The reference session: from START, a large marketable DIS limit that fills
 * over many quotes, a passive SPY bid that has not filled yet, a far SPY bid
 * canceled later, a filled AAPL market order, a rejected order, a duplicate id
 * and a far MSFT day order; then the app "crashes" at DROP_AT (the venue object
 * is dropped without close or disconnect).
 */
export async function tradeThenCrash(file: string, cfg: SimConfig = stateConfig()) {
  const clock = new SimulatedClock(Date.parse(cfg.start));
  const venue = new SimVenue(clock, cfg, { stateFile: file });
  const rec = new Recorder(clock, true);
  await venue.connect(rec);
  clock.advanceTo(clock.now() + 1_000);
  const dis = venue.lastQuote('DIS')!;
  const spy = venue.lastQuote('SPY')!;
  const msft = venue.lastQuote('MSFT')!;
  const send = (r: Omit<VenueOrderRequest, 'timeInForce'> & Partial<VenueOrderRequest>) => venue.submitOrder({ timeInForce: 'gtc', ...r });
  await send({ clientOrderId: 'big', symbol: 'DIS', side: 'buy', type: 'limit', qty: 8_000, limitPrice: cents(dis.ask * 1.01) });
  await send({ clientOrderId: 'rest', symbol: 'SPY', side: 'buy', type: 'limit', qty: 5, limitPrice: cents(spy.bid - 0.3) });
  await send({ clientOrderId: 'far', symbol: 'SPY', side: 'buy', type: 'limit', qty: 5, limitPrice: cents(spy.bid * 0.9) });
  await send({ clientOrderId: 'mkt', symbol: 'AAPL', side: 'buy', type: 'market', qty: 50, timeInForce: 'day' });
  await send({ clientOrderId: 'bad', symbol: 'NOPE', side: 'buy', type: 'market', qty: 1 });
  await send({ clientOrderId: 'mkt', symbol: 'KO', side: 'buy', type: 'market', qty: 1 }); // duplicate id
  await send({ clientOrderId: 'day', symbol: 'MSFT', side: 'buy', type: 'limit', qty: 3, limitPrice: cents(msft.bid * 0.9), timeInForce: 'day' });
  clock.advanceTo(iso('2026-01-05T15:00:30.000Z'));
  await venue.cancelOrder('far');
  await venue.cancelOrder('nope'); // cancel_rejected: unknown order
  clock.advanceTo(DROP_AT);
  const seen = await observe(venue);
  return { cfg, clock, venue, rec, seen };
}

/** A venue resumed from `file` on a new clock at `at` (a restarted app). */
export function resumeAt(file: string, at: number, cfg: SimConfig = stateConfig()) {
  const clock = new SimulatedClock(at);
  const venue = new SimVenue(clock, cfg, { stateFile: file });
  const rec = new Recorder(clock, true);
  return { clock, venue, rec };
}
