// The keychain when its daemon dies during a call: gnome-keyring 42 aborts
// when a client disconnects during its session negotiation, and the bus starts
// it again on the next call. A write in flight then fails with NoReply; the
// Keychain retries it once (its calls are idempotent), so a journal anchor
// checkpoint or a credential write is not lost to a daemon restart. The child
// runs on a bus of its own that starts an unlocked daemon on demand, as the
// test suite's (scripts/keyring-bus.js), with a keyring directory of its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyringBusConfig } from '../../../scripts/keyring-bus.js';

const CHILD = new URL('./keychain-restart-child.ts', import.meta.url).pathname;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const secretService = process.platform === 'linux' && ['dbus-run-session', 'gnome-keyring-daemon', 'dbus-send'].every(has);

interface Outcome {
  asyncError?: string;
  afterAsync: string | null;
  syncError?: string;
  afterSync: string | null;
  pids: [number, number, number];
}

describe('the keychain when its daemon dies during a call', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(!secretService)('a write in flight is retried on the restarted daemon, asynchronous and synchronous (Linux Secret Service)', () => {
    const bus = mkdtempSync(join(tmpdir(), 'tradedesk-keychain-restart-bus-'));
    const keyrings = mkdtempSync(join(tmpdir(), 'tradedesk-keychain-restart-keyring-'));
    dirs.push(bus, keyrings);
    const r = spawnSync('dbus-run-session', [`--config-file=${keyringBusConfig(bus)}`, '--', process.execPath, '--import', 'tsx', CHILD], {
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, XDG_DATA_HOME: keyrings, DBUS_SESSION_BUS_ADDRESS: '' },
    });
    expect(r.status, `${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Outcome;
    // each kill ended the daemon, and the bus started a new one (unlocked: the writes after it succeed)
    expect(new Set(out.pids).size).toBe(3);
    // neither write failed: each reached the new daemon, and is what a read finds
    expect(out.asyncError).toBeUndefined();
    expect(out.afterAsync).toBe('v2');
    expect(out.syncError).toBeUndefined();
    expect(out.afterSync).toBe('v3');
  });
});
