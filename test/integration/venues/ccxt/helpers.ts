// Shared setup for the ccxt venue integration tests: the real ccxt
// coinbaseexchange implementation, through CcxtVenue, against the loopback
// Coinbase Exchange server.
import { LiveClock, SimulatedClock, type TimerHandle } from '../../../../src/engine/core/clock.js';
import { CcxtVenue, type CcxtVenueOptions } from '../../../../src/engine/venues/ccxt/index.js';
import { CoinbaseExchangeLoopback, LOOPBACK_CREDENTIALS, LOOPBACK_EXCHANGE_ID, type LoopbackOptions } from '../../../support/loopback/exchange-server.js';

import { RecordingListener as Recorder } from '../../../support/recording-listener.js';

export { Recorder };

/** Polls `probe` until it returns something truthy; fails with `what` after a generous deadline. */
export async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Live time shifted by `offset` ms (timers included), to let a test move the venue's clock forward. */
export class OffsetClock extends LiveClock {
  offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override setTimer(at: number, fn: () => void): TimerHandle {
    return super.setTimer(at - this.offset, fn);
  }
}

/**
 * Virtual time for the venue: a SimulatedClock that moves only when the test
 * steps it, one timer at a time, after the loopback exchange has answered
 * everything the venue asked (ccxt itself runs in real time). Requests take
 * no virtual time, so durations measured on this clock are exact counts of
 * the venue's own waits (poll intervals, backoffs), never wall-clock timing.
 */
export class VirtualTime {
  readonly clock: SimulatedClock;
  private server: CoinbaseExchangeLoopback | undefined;

  constructor(start = Date.now()) {
    this.clock = new SimulatedClock(start);
  }

  attach(server: CoinbaseExchangeLoopback): void {
    this.server = server;
  }

  now(): number {
    return this.clock.now();
  }

  /** Waits (real time) until the exchange has answered every request and none arrived for a while. */
  async settle(quietMs = 130): Promise<void> {
    const s = this.server;
    const deadline = Date.now() + 15_000;
    let last = -1;
    let quietSince = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      const busy = s ? s.inFlight - s.heldCount : 0;
      const n = s ? s.requests.length : 0;
      if (busy > 0 || n !== last) {
        last = n;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
      if (Date.now() > deadline) return;
    }
  }

  /** Steps virtual time timer by timer until `probe` holds; returns the virtual time it first held at. Fails after `maxMs` of virtual time. */
  async until(probe: () => unknown, what: string, maxMs = 60_000): Promise<number> {
    const end = this.clock.now() + maxMs;
    for (;;) {
      await this.settle();
      if (probe()) return this.clock.now();
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > end) throw new Error(`${what}: not within ${maxMs} ms of virtual time`);
      this.clock.advanceTo(next, 1);
    }
  }

  /** Steps virtual time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    for (;;) {
      await this.settle();
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > end) break;
      this.clock.advanceTo(next, 1);
    }
    this.clock.advanceTo(end);
    await this.settle();
  }
}

export interface Harness {
  server: CoinbaseExchangeLoopback;
  venue: CcxtVenue;
  rec: Recorder;
  clock: OffsetClock;
  /** Another venue on the same server (e.g. a second session). */
  makeVenue(over?: Partial<CcxtVenueOptions>): CcxtVenue;
  close(): Promise<void>;
}

export const SYMBOLS = ['BTC/USD', 'ETH/USD'];

export async function startHarness(
  over: Partial<CcxtVenueOptions> = {},
  serverOpts: LoopbackOptions = {},
  connect = true,
): Promise<Harness> {
  const server = await CoinbaseExchangeLoopback.start(serverOpts);
  const clock = new OffsetClock();
  const venues: CcxtVenue[] = [];
  const makeVenue = (o: Partial<CcxtVenueOptions> = {}): CcxtVenue => {
    const v = new CcxtVenue({
      exchangeId: LOOPBACK_EXCHANGE_ID,
      apiKey: LOOPBACK_CREDENTIALS.apiKey,
      secret: LOOPBACK_CREDENTIALS.secret,
      password: LOOPBACK_CREDENTIALS.passphrase,
      sandbox: false,
      urls: server.urls,
      symbols: SYMBOLS,
      clock,
      pollIntervalMs: 100,
      barPollIntervalMs: 100,
      barGraceMs: 0,
      reconcileIntervalMs: 250,
      timeoutMs: 2_000,
      retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200 },
      ...over,
      ...o,
    });
    venues.push(v);
    return v;
  };
  const venue = makeVenue();
  const rec = new Recorder();
  if (connect) await venue.connect(rec);
  return {
    server,
    venue,
    rec,
    clock,
    makeVenue,
    async close() {
      for (const v of venues) await v.disconnect();
      await server.close();
    },
  };
}

let seq = 0;
/** A fresh engine-style client order id. */
export function cid(tag = 'test'): string {
  return `td-it${process.pid.toString(36)}-${tag}-${String(++seq).padStart(6, '0')}`;
}
