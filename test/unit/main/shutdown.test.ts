// The shutdown sequence: every step once and in order, whatever triggers it and
// however often; a failing step does not skip the rest; a hung step is cut off.
import { describe, expect, it } from 'vitest';
import { createShutdown } from '../../../src/main/shutdown.js';

describe('createShutdown', () => {
  it('runs the steps once, in order, for any number of triggers', async () => {
    const ran: string[] = [];
    const logs: string[] = [];
    const s = createShutdown(
      () => ['hotkeys', 'bridge', 'engine'].map((name) => ({ name, run: async () => void ran.push(name) })),
      (l) => logs.push(l),
    );
    expect(s.started).toBe(false);
    const a = s('SIGTERM');
    const b = s('quit');
    expect(b).toBe(a);
    await a;
    await s('system shutdown');
    expect(ran).toEqual(['hotkeys', 'bridge', 'engine']);
    expect(s.finished).toBe(true);
    expect(logs[0]).toBe('shutting down (SIGTERM)');
  });

  it('logs a failing step and still runs the next ones', async () => {
    const ran: string[] = [];
    const logs: string[] = [];
    const s = createShutdown(
      () => [
        { name: 'bridge', run: () => { throw new Error('boom'); } },
        { name: 'engine', run: () => void ran.push('engine') },
      ],
      (l) => logs.push(l),
    );
    await s('quit');
    expect(ran).toEqual(['engine']);
    expect(logs).toContain('shutdown: bridge failed: boom');
  });

  it('gives up on a hung step at the deadline', async () => {
    const logs: string[] = [];
    const s = createShutdown(() => [{ name: 'venue', run: () => new Promise(() => undefined) }], (l) => logs.push(l), 50);
    const t0 = Date.now();
    await s('quit');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(s.finished).toBe(true);
    expect(logs.at(-1)).toContain('still running after 50 ms');
  });
});
