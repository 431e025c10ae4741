// Shared test helpers for the simulated venue: a config builder and a listener
// that records every event it receives.
import { SimulatedClock } from '../../../../../src/engine/core/clock.js';
import { defaultConfig, type SimConfig } from '../../../../../src/engine/core/config.js';
import { SimVenue } from '../../../../../src/engine/venues/sim/sim-venue.js';
import type { VenueFill, VenueListener, VenueOrderUpdate } from '../../../../../src/engine/venues/venue.js';
import type { Bar, Quote, Trade } from '../../../../../src/shared/domain.js';

export function simConfig(over: Partial<SimConfig> = {}): SimConfig {
  return { ...defaultConfig().sim, historyMinutes: 5, ...over };
}

export class Recorder implements VenueListener {
  quotes: Quote[] = [];
  trades: Trade[] = [];
  bars: Bar[] = [];
  updates: VenueOrderUpdate[] = [];
  fills: VenueFill[] = [];
  connection: string[] = [];
  /** Every event in arrival order, tagged, with the clock time it arrived at. */
  log: unknown[] = [];
  barEmittedAt: number[] = [];
  constructor(private readonly clock: SimulatedClock, private readonly keepLog = false) {}
  onQuote(q: Quote): void {
    this.quotes.push(q);
    if (this.keepLog) this.log.push(['q', q]);
  }
  onTrade(t: Trade): void {
    this.trades.push(t);
    if (this.keepLog) this.log.push(['t', t]);
  }
  onBar(b: Bar): void {
    this.bars.push(b);
    this.barEmittedAt.push(this.clock.now());
    if (this.keepLog) this.log.push(['b', b]);
  }
  onOrderUpdate(u: VenueOrderUpdate): void {
    this.updates.push(u);
    if (this.keepLog) this.log.push(['u', u]);
  }
  onFill(f: VenueFill): void {
    this.fills.push(f);
    if (this.keepLog) this.log.push(['f', f]);
  }
  onConnection(state: 'connected' | 'disconnected'): void {
    this.connection.push(state);
  }
  updatesFor(id: string): VenueOrderUpdate[] {
    return this.updates.filter((u) => u.clientOrderId === id);
  }
  fillsFor(id: string): VenueFill[] {
    return this.fills.filter((f) => f.clientOrderId === id);
  }
  lastQuote(symbol: string): Quote | undefined {
    for (let k = this.quotes.length - 1; k >= 0; k--) if (this.quotes[k]!.symbol === symbol) return this.quotes[k];
    return undefined;
  }
}

export async function connectedVenue(over: Partial<SimConfig> = {}, keepLog = false) {
  const cfg = simConfig(over);
  const clock = new SimulatedClock(Date.parse(cfg.start));
  const venue = new SimVenue(clock, cfg);
  const rec = new Recorder(clock, keepLog);
  await venue.connect(rec);
  return { cfg, clock, venue, rec };
}

/** Advances the clock by `ms`. */
export function advance(clock: SimulatedClock, ms: number): void {
  clock.advanceTo(clock.now() + ms);
}

export const iso = (s: string): number => Date.parse(s);
