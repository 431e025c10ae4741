// The engine's thread while the keychain does not answer: a
// gnome-keyring-daemon of the test's own (its own D-Bus session and keyring
// directory; never the user's) is stopped with SIGSTOP, as a stalled or
// prompting keychain behaves.
// - The journal's anchor checkpoints go off the event loop: the engine's thread
//   keeps turning and committing records while one waits (a synchronous write
//   held it for the Secret Service's 2 s D-Bus timeout at each checkpoint). Once
//   the keychain answers again, closing the journal records its last head and
//   the chain verifies against it; a close while it still does not answer
//   returns after a bounded wait, the anchor on an earlier head of the chain.
// - Settings' credential commands run on a worker thread: the engine's thread
//   turns while one waits, and it fails with KEYCHAIN_UNAVAILABLE when the
//   keychain does not answer in time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CHILD = new URL('./keychain-stall-child.ts', import.meta.url).pathname;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
interface Anchored {
  sawSaving: boolean;
  stillSaving: boolean;
  closedWhileStalled: boolean;
  turnsWhileSaving: number;
  appended: number;
  anchorSeq: number | null;
}

const secretService = process.platform === 'linux' && ['dbus-run-session', 'gnome-keyring-daemon', 'dbus-send'].every(has);

describe('the engine thread on a stalled keychain', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const run = <T = Anchored>(mode: 'answer' | 'stalled' | 'credentials'): T => {
    const dir = mkdtempSync(join(tmpdir(), 'tradedesk-keychain-stall-'));
    const keyrings = mkdtempSync(join(tmpdir(), 'tradedesk-keychain-stall-keyring-'));
    dirs.push(dir, keyrings);
    const inner = `echo -n stall-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "${process.execPath}" --import tsx "${CHILD}" "${join(dir, 'data')}" ${mode}`;
    const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, XDG_DATA_HOME: keyrings, DBUS_SESSION_BUS_ADDRESS: '' } });
    expect(r.status, `${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
  };

  it.skipIf(!secretService)('the journal keeps committing while a checkpoint waits on the keychain, and anchors the last head at close (Linux Secret Service)', () => {
    const out = run('answer');
    // 20 turns of the event loop, each committing a record, while the write was out
    expect(out.sawSaving).toBe(true);
    expect(out.turnsWhileSaving).toBe(20);
    // the records committed meanwhile are all in the chain the anchor names
    expect(out.appended).toBe(2 + out.turnsWhileSaving);
    expect(out.anchorSeq).toBe(out.appended);
  });

  it.skipIf(!secretService)('closing while the keychain still does not answer returns (no hung shutdown); the chain verifies against the anchor after', () => {
    const out = run('stalled');
    expect(out.sawSaving).toBe(true);
    expect(out.stillSaving).toBe(true);
    expect(out.closedWhileStalled).toBe(true);
    // the anchor names an earlier head of the chain (the first checkpoint's, or the one in flight at the
    // close if it landed once the keychain answered); the records after it are on disk and verified on reopening
    expect(out.appended).toBe(22);
    expect([1, 2]).toContain(out.anchorSeq);
  });

  it.skipIf(!secretService)('a credential command waits on its worker thread, the engine thread turning meanwhile; it names the keychain as unavailable (Linux Secret Service)', () => {
    const out = run<{ turnsWhilePending: number; failure?: { code?: string; message: string }; after?: { present: boolean; fields: string[] } }>('credentials');
    // ~1.5 s of 5 ms turns: the worker's synchronous call waited on the keychain, not the engine's thread
    expect(out.turnsWhilePending).toBeGreaterThan(20);
    expect(out.turnsWhilePending).toBeLessThan(4_000);
    expect(out.failure).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/did not answer within 1\.5 s/) as unknown });
    // once the keychain answers, the same command reads the stored entry
    expect(out.after).toMatchObject({ present: true, fields: ['keyId', 'secretKey'] });
  });
});
