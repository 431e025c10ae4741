// Child process for keychain-restart.test.ts, run on a D-Bus session bus of
// its own that starts an unlocked gnome-keyring whenever the Secret Service is
// asked for (scripts/keyring-bus.js). It kills the daemon while a write is
// being served: stopped (SIGSTOP) so the write is surely in flight, then
// SIGKILL, as gnome-keyring's own abort does. First an asynchronous write
// (setAsync, the journal anchor's), then a synchronous one (set, credentials').
// Prints one line of JSON: what each write returned, what was read after it,
// and the daemon's pid before and after.
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Keychain } from '../../../src/engine/secrets/keychain.js';

const keychain = new Keychain('tradedesk-keychain-restart', { linuxStore: 'secret-service' });

/** The process that owns the Secret Service name on this session's bus. */
function daemonPid(): number {
  const reply = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'], { encoding: 'utf8' });
  const pid = Number(/uint32 (\d+)/.exec(reply)?.[1]);
  if (!(pid > 1)) throw new Error(`no pid for org.freedesktop.secrets in: ${reply}`);
  return pid;
}

const failure = (e: unknown): string => (e as Error).message;

keychain.set('entry', 'v1'); // the bus starts the daemon
keychain.readyAsync('entry'); // as the journal's anchor does when it opens: no later write asks the keychain on this thread
const first = daemonPid();
process.kill(first, 'SIGSTOP');
const pending = keychain.setAsync('entry', 'v2').then(() => undefined, failure);
await sleep(300); // the write waits on the stopped daemon
process.kill(first, 'SIGKILL');
const asyncError = await pending;
const afterAsync = keychain.get('entry');
const second = daemonPid();

process.kill(second, 'SIGSTOP');
// the synchronous write holds this thread: another process kills the daemon while it waits
spawn('sh', ['-c', `sleep 0.3; kill -9 ${second}`], { stdio: 'ignore', detached: true }).unref();
let syncError: string | undefined;
try {
  keychain.set('entry', 'v3');
} catch (e) {
  syncError = failure(e);
}
const afterSync = keychain.get('entry');
const third = daemonPid();
keychain.delete('entry');
process.stdout.write(`${JSON.stringify({ asyncError, afterAsync, syncError, afterSync, pids: [first, second, third] })}\n`);
