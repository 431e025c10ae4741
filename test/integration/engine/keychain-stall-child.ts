// Child process for keychain-stall.test.ts, run in a D-Bus session of its own
// whose Secret Service is a gnome-keyring-daemon nobody else uses. It stops the
// daemon (SIGSTOP) so the keychain does not answer, and counts the event-loop
// turns the engine's thread gets while a keychain operation is outstanding:
// - 'answer': a journal on the keychain anchor commits records while a
//   checkpoint's anchor write waits; the daemon resumes after 20 turns and the
//   journal closes;
// - 'stalled': the same, but the journal closes while the daemon is still
//   stopped, then it resumes;
// - 'credentials': Settings' credential status runs (on its worker thread)
//   while the daemon is stopped, then again once it answers.
// Prints one line of JSON.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeychainAnchor } from '../../../src/engine/journal/anchor.js';
import { Journal } from '../../../src/engine/journal/journal.js';
import { Keychain } from '../../../src/engine/secrets/keychain.js';
import { credentialStatusAll, storeCredentials } from '../../../src/engine/secrets/credentials-off-thread.js';

const [dir, mode] = process.argv.slice(2) as [string, 'answer' | 'stalled' | 'credentials'];
process.env.TRADEDESK_KEYCHAIN_SERVICE = 'tradedesk-keychain-stall';
const keychain = new Keychain('tradedesk-keychain-stall', { linuxStore: 'secret-service' });
for (let i = 0; !keychain.isAvailable(); i++) {
  if (i > 50) throw new Error('the test keyring never answered');
  await sleep(100);
}
// the process that owns the Secret Service name on this session's bus
const reply = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'], { encoding: 'utf8' });
const pid = Number(/uint32 (\d+)/.exec(reply)?.[1]);
if (!(pid > 1)) throw new Error(`no pid for org.freedesktop.secrets in: ${reply}`);

if (mode === 'credentials') {
  await storeCredentials('alpaca', { keyId: 'PKTESTKEY0001', secretKey: 'test-secret-value-0001' });
  process.kill(pid, 'SIGSTOP');
  let turnsWhilePending = 0;
  let failure: { code?: string; message: string } | undefined;
  try {
    let settled = false;
    const pending = credentialStatusAll({ timeoutMs: 1_500 }).then(
      () => undefined,
      (e: { code?: string; message: string }) => void (failure = { code: e.code, message: e.message }),
    );
    void pending.finally(() => (settled = true));
    // the engine's thread turns while the worker waits on the keychain; the command gives up after 1.5 s
    while (!settled && turnsWhilePending < 4_000) {
      turnsWhilePending++;
      await sleep(5);
    }
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  const after = await credentialStatusAll();
  process.stdout.write(`${JSON.stringify({ turnsWhilePending, failure, after: after.find((x) => x.venue === 'alpaca') })}\n`);
  process.exit(0);
}

const anchor = new KeychainAnchor(dir, keychain);
const j = Journal.open(dir, { anchor });
const rec = (i: number): void => void j.append(Date.now(), 'config', { actor: 'test', changed: [`n -> ${i}`], reason: 'anchor stall' });
rec(0);
j.flush();
await sleep(1_100); // past the checkpoint interval: the next commit checkpoints
process.kill(pid, 'SIGSTOP');
let turnsWhileSaving = 0;
let sawSaving = false;
let stillSaving = false;
let closedWhileStalled = false;
try {
  rec(1);
  j.flush(); // queues the checkpoint after this job
  await new Promise((r) => setImmediate(r));
  // the anchor write is out; the event loop goes on: records are appended and committed meanwhile
  for (let i = 2; j.anchorSaving && turnsWhileSaving < 20; i++) {
    sawSaving = true;
    rec(i);
    j.flush();
    turnsWhileSaving++;
    await sleep(5);
  }
  stillSaving = j.anchorSaving;
  if (mode === 'stalled') {
    await j.close(); // gives up waiting for the keychain: shutdown is not held up
    closedWhileStalled = true;
  }
} finally {
  process.kill(pid, 'SIGCONT');
}
const appended = j.stats.appended;
await j.close();
// the in-flight write (stalled mode) lands once the keychain answers
for (let i = 0; j.anchorSaving && i < 100; i++) await sleep(50);
const stored = anchor.load();
// the chain verifies against the anchor on reopening (a head it does not hold is refused)
Journal.open(dir, { anchor }).close();
process.stdout.write(`${JSON.stringify({ sawSaving, stillSaving, closedWhileStalled, turnsWhileSaving, appended, anchorSeq: stored?.seq ?? null })}\n`);
