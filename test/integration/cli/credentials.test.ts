// `tradedesk credentials set|status|delete` against a REAL OS keychain (npm test
// runs the suite inside a throwaway dbus + gnome-keyring session when none
// answers). A keychain service unique to this run (TRADEDESK_KEYCHAIN_SERVICE)
// keeps the tests away from a user's own entries; everything is removed after.
//
// The command runs as a child process: through bin/tradedesk.js once
// src/cli/main.ts dispatches `credentials`, else through a one-line runner that
// calls runCredentials(argv) under tsx (the same module either way).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CREDENTIALS_USAGE,
  MaskedPrompter,
  PromptAbortedError,
  parseCredentialsArgs,
  readMaskedLine,
  readPipedLines,
  runCredentials,
} from '../../../src/cli/credentials-command.js';
import { UsageError } from '../../../src/cli/usage.js';
import { CredentialStore } from '../../../src/engine/secrets/credentials.js';
import { Keychain } from '../../../src/engine/secrets/keychain.js';
import { BIN, REPO } from './helpers.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

const SERVICE = `tradedesk-test-cli-${process.pid}-${randomUUID().slice(0, 8)}`;
const keychain = new Keychain(SERVICE, { linuxStore: 'secret-service' });
const previousService = process.env.TRADEDESK_KEYCHAIN_SERVICE;

// Recognisable secrets: the grep tests assert they appear in no output.
const KEY_ID = 'PKGREPKEYID4Z8QW';
const SECRET_KEY = 'GREPSECRETkey-d41d8cd98f00b204';
const CCXT_KEY = 'ccxtGREPapikey-77aa';
const CCXT_SECRET = 'ccxtGREPsecret-e3b0c442';
const CCXT_PASS = 'ccxtGREPpass-98fc1c14';

/** Tests that spawn several commands one after another (each loads TypeScript through tsx). */
const SPAWNS_TIMEOUT = 240_000;

const WIRED_IN_MAIN = readFileSync(join(REPO, 'src/cli/main.ts'), 'utf8').includes('credentials-command.js');
const RUNNER =
  `import(${JSON.stringify(pathToFileURL(join(REPO, 'src/cli/credentials-command.ts')).href)})` +
  '.then(async (m) => { const code = await m.runCredentials(process.argv.slice(1)); process.exitCode = code; setTimeout(() => process.exit(code), 200).unref(); })';

/** node + args that run `tradedesk credentials ...args`. */
function commandLine(args: string[]): string[] {
  return WIRED_IN_MAIN ? [BIN, 'credentials', ...args] : ['--import', 'tsx', '-e', RUNNER, ...args];
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tradedesk credentials ...args` with `input` piped to stdin (then closed). */
function creds(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandLine(args), {
      cwd: REPO,
      env: { ...process.env, TRADEDESK_KEYCHAIN_SERVICE: SERVICE, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // the command may exit before reading (usage errors)
    child.stdin.end(input);
  });
}

function wipe(): void {
  for (const account of keychain.list()) keychain.delete(account);
}

/** Every value stored under the test service, to prove a secret was not stored. */
function everythingStored(): string {
  return keychain
    .list()
    .map((a) => `${a}=${keychain.get(a) ?? ''}`)
    .join('\n');
}

beforeAll(() => {
  process.env.TRADEDESK_KEYCHAIN_SERVICE = SERVICE;
  if (!keychain.isAvailable()) {
    throw new Error('no OS keychain answers: run the tests with `npm test` (it starts a throwaway gnome-keyring) or see scripts/test.js');
  }
});

afterEach(() => wipe());

afterAll(() => {
  wipe();
  if (previousService === undefined) delete process.env.TRADEDESK_KEYCHAIN_SERVICE;
  else process.env.TRADEDESK_KEYCHAIN_SERVICE = previousService;
});

describe('tradedesk credentials (piped stdin, real keychain)', () => {
  it('set reads one line per field; status shows the fields, not the values; get returns them; delete removes them', async () => {
    const set = await creds(['set', '--venue', 'alpaca'], `${KEY_ID}\n${SECRET_KEY}\n`);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/stored the alpaca credentials .*keyId, secretKey/);

    const status = await creds(['status', '--venue', 'alpaca']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^alpaca: set \(keyId, secretKey\), updated \d{4}-\d\d-\d\dT/);
    const json = await creds(['status', '--venue', 'alpaca', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ venue: 'alpaca', present: true, fields: ['keyId', 'secretKey'] });
    for (const out of [status.stdout + status.stderr, json.stdout + json.stderr]) {
      expect(out).not.toContain(KEY_ID);
      expect(out).not.toContain(SECRET_KEY);
    }

    // the engine reads them back (same service, this process)
    const store = new CredentialStore({ store: keychain });
    expect({ ...store.get('alpaca') }).toEqual({ keyId: KEY_ID, secretKey: SECRET_KEY });
    expect(store.get('alpaca-live')).toBeNull();

    const del = await creds(['delete', '--venue', 'alpaca']);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(/deleted the alpaca credentials/);
    expect(store.get('alpaca')).toBeNull();
    const after = await creds(['status', '--venue', 'alpaca', '--json']);
    expect(JSON.parse(after.stdout)).toEqual({ venue: 'alpaca', present: false, fields: [], updatedAt: null });
    const again = await creds(['delete', '--venue', 'alpaca', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ venue: 'alpaca', deleted: false });
  }, SPAWNS_TIMEOUT);

  it('ccxt venues take apiKey, secret and an optional password (CRLF lines accepted)', async () => {
    const withPass = await creds(['set', '--venue', 'ccxt:kraken', '--json'], `${CCXT_KEY}\r\n${CCXT_SECRET}\r\n${CCXT_PASS}\r\n`);
    expect(withPass.code).toBe(0);
    expect(JSON.parse(withPass.stdout)).toMatchObject({ venue: 'ccxt:kraken', present: true, fields: ['apiKey', 'secret', 'password'] });
    const noPass = await creds(['set', '--venue', 'ccxt:binance'], `${CCXT_KEY}\n${CCXT_SECRET}\n`);
    expect(noPass.code).toBe(0);
    const store = new CredentialStore({ store: keychain });
    expect({ ...store.get('ccxt:kraken') }).toEqual({ apiKey: CCXT_KEY, secret: CCXT_SECRET, password: CCXT_PASS });
    expect({ ...store.get('ccxt:binance') }).toEqual({ apiKey: CCXT_KEY, secret: CCXT_SECRET });

    const all = await creds(['status', '--json']);
    expect(JSON.parse(all.stdout).venues.map((s: { venue: string }) => s.venue)).toEqual(['ccxt:binance', 'ccxt:kraken']);
  }, SPAWNS_TIMEOUT);

  it('a bad venue id is a usage error naming --venue and the ids that exist', async () => {
    const r = await creds(['set', '--venue', 'binance'], `${KEY_ID}\n${SECRET_KEY}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--venue: unknown venue "binance": use alpaca, alpaca-live or ccxt:<exchange id>/);
    expect(keychain.list()).toEqual([]);
  });

  it('a missing field is an error naming the field; nothing is stored', async () => {
    const r = await creds(['set', '--venue', 'alpaca-live'], `${KEY_ID}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secretKey/);
    expect(r.stderr).toMatch(/keyId, secretKey/);
    expect(r.stderr + r.stdout).not.toContain(KEY_ID);
    const empty = await creds(['set', '--venue', 'ccxt:kraken'], `${CCXT_KEY}\n\n`);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/ccxt:kraken credentials: secret is required/);
    expect(empty.stderr + empty.stdout).not.toContain(CCXT_KEY);
    expect(keychain.list()).toEqual([]);
  }, SPAWNS_TIMEOUT);

  it.each([
    [['set', '--venue', 'alpaca', `--secret=${SECRET_KEY}`]],
    [['set', '--venue', 'alpaca', '--secret-key', SECRET_KEY]],
    [['set', '--venue', 'alpaca', '--key-id', KEY_ID, '--secret-key', SECRET_KEY]],
    [['set', '--venue', 'alpaca', SECRET_KEY]],
    [['set', `--${SECRET_KEY}`, '--venue', 'alpaca']],
    [[SECRET_KEY, '--venue', 'alpaca']],
  ])('refuses a secret on the command line (exit 2), never echoes or stores it: %j', async (args) => {
    const r = await creds(args, `${KEY_ID}\n${SECRET_KEY}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secrets are read from stdin only/);
    expect(r.stderr).toContain('Usage: tradedesk credentials');
    expect(r.stdout + r.stderr).not.toContain(SECRET_KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY_ID);
    expect(everythingStored()).toBe('');
  });

  it('other usage errors exit 2', async () => {
    const cases = [[], ['set'], ['delete'], ['frobnicate', '--venue', 'alpaca'], ['set', '--venue'], ['status', '--venue', 'alpaca', '--venue', 'ccxt:kraken']];
    const results = await Promise.all(cases.map((args) => creds(args)));
    results.forEach((r, i) => {
      expect(r.code, JSON.stringify(cases[i])).toBe(2);
      expect(r.stderr).toContain('Usage: tradedesk credentials');
    });
  }, SPAWNS_TIMEOUT);

  it('grep: no secret appears in the output of set, status (text, json, all), replace or delete', async () => {
    const runs: Result[] = [];
    runs.push(await creds(['set', '--venue', 'alpaca'], `${KEY_ID}\n${SECRET_KEY}\n`));
    runs.push(await creds(['set', '--venue', 'ccxt:kucoin', '--json'], `${CCXT_KEY}\n${CCXT_SECRET}\n${CCXT_PASS}\n`));
    runs.push(await creds(['status', '--venue', 'alpaca']));
    runs.push(await creds(['status', '--venue', 'ccxt:kucoin', '--json']));
    runs.push(await creds(['status']));
    runs.push(await creds(['status', '--json']));
    runs.push(await creds(['set', '--venue', 'alpaca'], `${KEY_ID}\n${SECRET_KEY}\n`)); // replace
    runs.push(await creds(['set', '--venue', 'alpaca'], `${KEY_ID}\n${SECRET_KEY} \n`)); // refused: trailing space
    runs.push(await creds(['delete', '--venue', 'alpaca']));
    runs.push(await creds(['delete', '--venue', 'ccxt:kucoin', '--json']));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 2, 0, 0]);
    expect(runs[6]!.stdout).toMatch(/replaced the alpaca credentials/);
    expect(runs[7]!.stderr).toMatch(/secretKey starts or ends with whitespace/);
    const everything = runs.map((r) => r.stdout + r.stderr).join('\n');
    expect(everything).toMatch(/alpaca: set \(keyId, secretKey\)/);
    expect(everything).toMatch(/ccxt:kucoin: set \(apiKey, secret, password\)/);
    for (const s of [KEY_ID, SECRET_KEY, CCXT_KEY, CCXT_SECRET, CCXT_PASS]) expect(everything).not.toContain(s);
  }, SPAWNS_TIMEOUT);

  it.skipIf(process.platform !== 'linux')('no keychain: exit 1 with a message that says how to fix it, before reading any secret', async () => {
    const r = await creds(['set', '--venue', 'alpaca'], `${KEY_ID}\n${SECRET_KEY}\n`, {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tradedesk-test-bus',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/OS keychain is not available/);
    expect(r.stderr).toMatch(/gnome-keyring/);
    expect(r.stderr).toMatch(/unlock/);
    expect(r.stdout + r.stderr).not.toContain(SECRET_KEY);
    const s = await creds(['status'], '', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tradedesk-test-bus' });
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/OS keychain is not available/);
  }, SPAWNS_TIMEOUT);
});

// ---------------------------------------------------------------------------
// The TTY path through a real pseudo-terminal (util-linux `script`)

/** util-linux `script` is installed and can open a pseudo-terminal here. */
const HAS_SCRIPT = process.platform === 'linux' && spawnSync('script', ['-qec', 'test -t 0', '/dev/null'], { stdio: ['pipe', 'ignore', 'ignore'], input: '' }).status === 0;

interface PtySession {
  transcript: () => string;
  /** Resolves once the transcript contains `text` (no deadline of its own: the test timeout bounds it). */
  waitFor: (text: string) => Promise<void>;
  type: (keys: string) => void;
  exit: Promise<number | null>;
}

/** Runs `tradedesk credentials ...args` on a pseudo-terminal: stdin, stdout and stderr are all the pty. */
function onPty(args: string[]): PtySession {
  const quoted = commandLine(args).map((a) => `'${a.replace(/'/g, `'\\''`)}'`);
  const cmd = `exec '${process.execPath}' ${quoted.join(' ')}`;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    cwd: REPO,
    env: { ...process.env, TRADEDESK_KEYCHAIN_SERVICE: SERVICE, TERM: 'dumb' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (out.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  child.stdin.on('error', () => {});
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    transcript: () => out,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exit.then(() => {
          if (!out.includes(text)) reject(new Error(`exited before printing ${JSON.stringify(text)}; transcript:\n${out}`));
        });
      }),
    type: (keys) => child.stdin.write(keys),
    exit,
  };
}

describe.skipIf(!HAS_SCRIPT)('tradedesk credentials set on a terminal (pseudo-terminal via script)', () => {
  it('prompts per field without echo, masks input, handles backspace, stores the values', async () => {
    const pty = onPty(['set', '--venue', 'alpaca']);
    // type only once the prompt is up: raw mode (no echo) is on by then
    await pty.waitFor('keyId (');
    pty.type(`${KEY_ID}X\x7f\r`); // a typo, erased with Backspace (DEL)
    await pty.waitFor('secretKey (');
    pty.type(`${SECRET_KEY}\r`);
    expect(await pty.exit).toBe(0);
    const t = pty.transcript();
    expect(t).toMatch(/stored the alpaca credentials/);
    expect(t).toContain('*'.repeat(KEY_ID.length + 1) + '\b \b');
    expect(t).toContain('*'.repeat(SECRET_KEY.length));
    expect(t).not.toContain(KEY_ID);
    expect(t).not.toContain(SECRET_KEY);
    expect({ ...new CredentialStore({ store: keychain }).get('alpaca') }).toEqual({ keyId: KEY_ID, secretKey: SECRET_KEY });
  });

  it('Ctrl-C aborts with exit 130 and stores nothing', async () => {
    const pty = onPty(['set', '--venue', 'ccxt:kraken']);
    await pty.waitFor('apiKey (');
    pty.type(`${CCXT_KEY}\r`);
    await pty.waitFor('secret (');
    pty.type('partial\x03');
    expect(await pty.exit).toBe(130);
    const t = pty.transcript();
    expect(t).toMatch(/aborted; nothing was stored/);
    expect(t).not.toContain(CCXT_KEY);
    expect(everythingStored()).toBe('');
  });
});

// ---------------------------------------------------------------------------
// The masking reader and the TTY path in-process, on a fake TTY stream

/** FAKE TTY stdin for in-process tests: a PassThrough that claims isTTY and records setRawMode. Not a terminal. */
class FakeTtyInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  readonly rawModeCalls: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.rawModeCalls.push(mode);
    return this;
  }
}

class Capture {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

/** Resolves when cond() holds, checking after each turn of the event loop (bounded by the test timeout). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await nextTurn();
}

describe('MaskedPrompter (FakeTtyInput)', () => {
  it('masks each character, ends a field on Enter, and leaves raw mode on close', async () => {
    const input = new FakeTtyInput();
    const out = new Capture();
    const p = readMaskedLine(input, out, 'Secret: ');
    input.write('hunter2\r');
    expect(await p).toBe('hunter2');
    expect(out.text).toBe('Secret: *******\n');
    expect(input.rawModeCalls).toEqual([true, false]);
    expect(input.isRaw).toBe(false);
  });

  it('handles Backspace/DEL, Ctrl-U, arrow keys and bracketed paste markers', async () => {
    const input = new FakeTtyInput();
    const out = new Capture();
    const p = new MaskedPrompter(input, out);
    const a = p.ask('a: ');
    input.write('abx\x7fc\bd\r'); // DEL erases x, BS erases c
    expect(await a).toBe('abd');
    const b = p.ask('b: ');
    input.write('junk\x15ok\x1b[D\x1b[C\x1bOA\x1b[200~PASTE\x1b[201~\x01\r'); // Ctrl-U clears, escapes ignored, Ctrl-A ignored
    expect(await b).toBe('okPASTE');
    p.close();
    expect(out.text).toContain('***\b \b*\b \b*\n');
    expect(out.text).not.toMatch(/junk|PASTE|abd/);
    expect(input.isRaw).toBe(false);
  });

  it('keeps a multi-line paste for the next fields; CR LF is one Enter', async () => {
    const input = new FakeTtyInput();
    const out = new Capture();
    const p = new MaskedPrompter(input, out);
    input.write('first\r\nsecond\rthird\n');
    expect(await p.ask('1: ')).toBe('first');
    expect(await p.ask('2: ')).toBe('second');
    expect(await p.ask('3: ')).toBe('third');
    p.close();
  });

  it('decodes UTF-8 split across chunks and backspaces whole characters', async () => {
    const input = new FakeTtyInput();
    const out = new Capture();
    const p = readMaskedLine(input, out, '> ');
    const bytes = Buffer.from('pä€ß', 'utf8');
    input.write(bytes.subarray(0, 2));
    input.write(bytes.subarray(2, 5));
    input.write(Buffer.concat([bytes.subarray(5), Buffer.from('\x7f\r')]));
    expect(await p).toBe('pä€');
    expect(out.text).toBe('> ****\b \b\n');
  });

  it('Ctrl-C rejects with PromptAbortedError and restores the terminal', async () => {
    const input = new FakeTtyInput();
    const p = readMaskedLine(input, new Capture(), '> ');
    input.write('abc\x03');
    await expect(p).rejects.toBeInstanceOf(PromptAbortedError);
    expect(input.isRaw).toBe(false);
  });

  it('the input ending mid-field aborts', async () => {
    const input = new FakeTtyInput();
    const p = readMaskedLine(input, new Capture(), '> ');
    input.end('abc');
    await expect(p).rejects.toThrow(/input ended/);
  });
});

describe('runCredentials in-process on a FakeTtyInput (real keychain)', () => {
  const store = () => new CredentialStore({ store: keychain });

  it('prompts for each field on stderr, re-asks an empty required field, stores the values', async () => {
    const stdin = new FakeTtyInput();
    const stdout = new Capture();
    const stderr = new Capture();
    const run = runCredentials(['set', '--venue', 'ccxt:okx'], { stdin, stdout, stderr, store: store() });
    await until(() => stderr.text.includes('apiKey ('));
    stdin.write('\r'); // empty: required, asked again
    await until(() => stderr.text.includes('apiKey is required'));
    stdin.write(`${CCXT_KEY}\r`);
    await until(() => stderr.text.includes('secret ('));
    stdin.write(`${CCXT_SECRET}\r`);
    await until(() => stderr.text.includes('password ('));
    stdin.write('\r'); // optional: skipped
    expect(await run).toBe(0);
    expect(stdout.text).toMatch(/stored the ccxt:okx credentials .*: apiKey, secret\n$/);
    expect(stderr.text).toMatch(/input is hidden/);
    expect(stdout.text + stderr.text).not.toContain(CCXT_KEY);
    expect(stdout.text + stderr.text).not.toContain(CCXT_SECRET);
    expect(stdin.isRaw).toBe(false);
    expect({ ...store().get('ccxt:okx') }).toEqual({ apiKey: CCXT_KEY, secret: CCXT_SECRET });
  });

  it('Ctrl-C returns 130 and stores nothing', async () => {
    const stdin = new FakeTtyInput();
    const stderr = new Capture();
    const run = runCredentials(['set', '--venue', 'alpaca'], { stdin, stdout: new Capture(), stderr, store: store() });
    stdin.write(`${KEY_ID}\r${SECRET_KEY.slice(0, 5)}\x03`);
    expect(await run).toBe(130);
    expect(stderr.text).toMatch(/aborted; nothing was stored/);
    expect(stdin.isRaw).toBe(false);
    expect(everythingStored()).toBe('');
  });

  it('an invalid value typed at the prompt is refused without echoing it', async () => {
    const stdin = new FakeTtyInput();
    const stdout = new Capture();
    const stderr = new Capture();
    const run = runCredentials(['set', '--venue', 'alpaca'], { stdin, stdout, stderr, store: store() });
    stdin.write(` ${KEY_ID}\r${SECRET_KEY}\r`);
    expect(await run).toBe(2);
    expect(stderr.text).toMatch(/keyId starts or ends with whitespace/);
    expect(stdout.text + stderr.text).not.toContain(KEY_ID);
    expect(everythingStored()).toBe('');
  });

  it('--help prints the usage to stdout', async () => {
    const stdout = new Capture();
    expect(await runCredentials(['--help'], { stdin: new PassThrough(), stdout, stderr: new Capture() })).toBe(0);
    expect(stdout.text).toBe(CREDENTIALS_USAGE);
  });
});

describe('credentials argument parsing and piped reading', () => {
  it('parses actions, --venue and --json', () => {
    expect(parseCredentialsArgs(['set', '--venue', 'alpaca'])).toEqual({ action: 'set', venue: 'alpaca', json: false });
    expect(parseCredentialsArgs(['status', '--json'])).toEqual({ action: 'status', json: true });
    expect(parseCredentialsArgs(['delete', '--venue=ccxt:kraken', '--json'])).toEqual({ action: 'delete', venue: 'ccxt:kraken', json: true });
  });

  it('never repeats an unknown argument that could be a secret', () => {
    const msg = (args: string[]) => {
      try {
        parseCredentialsArgs(args);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('expected a UsageError');
    };
    expect(msg(['set', '--venue', 'alpaca', '--secret=abc'])).toMatch(/^unknown option --secret: secrets are read from stdin only/);
    expect(msg(['set', '--venue', 'alpaca', '--Xy9_Secret'])).not.toContain('Xy9_Secret');
    expect(msg(['set', '--venue', 'alpaca', 'Xy9Secret'])).not.toContain('Xy9Secret');
    expect(msg(['Xy9Secret'])).not.toContain('Xy9Secret');
  });

  it('documents the field order in the usage', () => {
    expect(CREDENTIALS_USAGE).toMatch(/alpaca\s+keyId, secretKey/);
    expect(CREDENTIALS_USAGE).toMatch(/ccxt:<exchange>\s+apiKey, secret, \[password\]/);
    expect(CREDENTIALS_USAGE).toMatch(/stdin only/);
  });

  it('readPipedLines stops after the lines it needs and handles CRLF, a BOM and a missing final newline', async () => {
    const a = new PassThrough();
    const p = readPipedLines(a, 2);
    a.write('\uFEFFone\r\ntwo\nthree\n');
    expect(await p).toEqual(['one', 'two']);
    const b = new PassThrough();
    const q = readPipedLines(b, 3);
    b.end('x\ny');
    expect(await q).toEqual(['x', 'y']);
  });
});
