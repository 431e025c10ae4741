// Child process for crash-restart.test.ts: trades on a SimVenue with a state
// file, prints what the venue reported, then kills itself with SIGKILL - no
// close, no disconnect, no exit handlers, no garbage collection.
import { SimulatedClock } from '../../../../src/engine/core/clock.js';
import { defaultConfig } from '../../../../src/engine/core/config.js';
import { SimVenue } from '../../../../src/engine/venues/sim/sim-venue.js';
import type { VenueFill, VenueListener } from '../../../../src/engine/venues/venue.js';

const file = process.argv[2]!;
const cfg = { ...defaultConfig().sim, start: '2026-01-05T15:00:00.000Z', historyMinutes: 30, startingCash: 1_000_000 };
const clock = new SimulatedClock(Date.parse(cfg.start));
const venue = new SimVenue(clock, cfg, { stateFile: file });
const fills: VenueFill[] = [];
const listener: VenueListener = {
  onQuote: () => {},
  onTrade: () => {},
  onBar: () => {},
  onOrderUpdate: () => {},
  onFill: (f) => fills.push(f),
  onConnection: () => {},
};
await venue.connect(listener);
clock.advanceTo(clock.now() + 1_000);
const dis = venue.lastQuote('DIS')!;
await venue.submitOrder({ clientOrderId: 'walk', symbol: 'DIS', side: 'buy', type: 'limit', qty: 8_000, limitPrice: Math.round(dis.ask * 101) / 100, timeInForce: 'gtc' });
await venue.submitOrder({ clientOrderId: 'btc', symbol: 'BTC/USD', side: 'buy', type: 'market', qty: 0.25, timeInForce: 'gtc' });
// stop mid-minute, a few quotes after the last per-minute snapshot
clock.advanceTo(Date.parse('2026-01-05T15:01:17.000Z'));
const out = {
  now: clock.now(),
  account: await venue.getAccount(),
  positions: await venue.getPositions(),
  openOrders: await venue.getOpenOrders(),
  walk: await venue.getOrder('walk'),
  btc: await venue.getOrder('btc'),
  fills,
  bars: await venue.getBars('SPY', 10_000),
};
process.stdout.write(JSON.stringify(out), () => process.kill(process.pid, 'SIGKILL'));
