// A real crash: a child process trades on a state file and dies by SIGKILL
// (nothing is closed or flushed); a new SimVenue on the file has the account,
// orders and fills the child reported, and carries on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../src/engine/core/clock.js';
import { defaultConfig } from '../../../../src/engine/core/config.js';
import { SimVenue } from '../../../../src/engine/venues/sim/sim-venue.js';
import type { VenueFill, VenueListener } from '../../../../src/engine/venues/venue.js';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SimVenue state file survives a killed process', () => {
  it('resumes what a SIGKILLed process wrote, and keeps filling its order', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tradedesk-sim-crash-'));
    const file = join(dir, 'sim-venue.sqlite');
    const run = spawnSync(process.execPath, ['--import', 'tsx', child, file], { encoding: 'utf8', timeout: 60_000 });
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const seen = JSON.parse(run.stdout);
    expect(seen.walk.status).toBe('partially_filled');
    expect(seen.btc.status).toBe('filled');

    // the engine starts its clock at the persisted time (the last step written: 15:01:15 had fills)
    const at = SimVenue.persistedTime(file)!;
    expect(at).toBe(Date.parse('2026-01-05T15:01:15.000Z'));
    const cfg = { ...defaultConfig().sim, start: '2026-01-05T15:00:00.000Z', historyMinutes: 30, startingCash: 1_000_000 };
    const clock = new SimulatedClock(at);
    const venue = new SimVenue(clock, cfg, { stateFile: file });
    expect((await venue.getAccount()).cash).toBe(seen.account.cash);
    expect(await venue.getPositions()).toEqual(seen.positions);
    expect(await venue.getOpenOrders()).toEqual(seen.openOrders);
    expect(await venue.getOrder('walk')).toEqual(seen.walk);
    expect(await venue.getOrder('btc')).toEqual(seen.btc);
    expect([...(await venue.getFills('walk')), ...(await venue.getFills('btc'))]).toEqual(
      [...seen.fills.filter((f: VenueFill) => f.clientOrderId === 'walk'), ...seen.fills.filter((f: VenueFill) => f.clientOrderId === 'btc')],
    );
    // bars completed before the last snapshot were written; the 15:01 one is still in progress
    expect(await venue.getBars('SPY', 10_000)).toEqual(seen.bars);

    const later: VenueFill[] = [];
    const listener: VenueListener = {
      onQuote: () => {},
      onTrade: () => {},
      onBar: () => {},
      onOrderUpdate: () => {},
      onFill: (f) => later.push(f),
      onConnection: () => {},
    };
    await venue.connect(listener);
    clock.advanceTo(at + 10 * 60_000);
    expect(later.length).toBeGreaterThan(0);
    expect(later[0]!.cumQty).toBeCloseTo(seen.walk.filledQty + later[0]!.qty, 9);
    expect(new Set([...seen.fills, ...later].map((f: VenueFill) => f.fillId)).size).toBe(seen.fills.length + later.length);
    expect(await venue.getOrder('walk')).toMatchObject({ status: 'filled', filledQty: 8_000 });
    venue.close();
  });
});
