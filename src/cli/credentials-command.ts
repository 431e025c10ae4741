// `tradedesk credentials set|status|delete --venue VENUE [--json]`: venue API
// keys in the OS keychain. Secrets come from stdin only: on a terminal each
// field is prompted for with echo off (raw mode, '*' per character); piped,
// one line per field in the documented order. A secret on the command line is
// refused (exit 2) and never echoed: usage errors show option names only.
// Exit codes: 0 ok, 1 failure (no keychain), 2 usage or invalid input, 130 aborted (Ctrl-C).
import { StringDecoder } from 'node:string_decoder';
import {
  CCXT_CREDENTIAL_FIELDS,
  ALPACA_CREDENTIAL_FIELDS,
  CredentialsError,
  credentialFields,
  defaultCredentialStore,
  parseVenueId,
  type CredentialField,
  type CredentialStatus,
  type CredentialStore,
  type VenueId,
} from '../engine/secrets/credentials.js';
import { KeychainUnavailableError, keychainService } from '../engine/secrets/keychain.js';
import { redact } from '../engine/secrets/secret.js';
import { UsageError } from './usage.js';

const fieldList = (fields: readonly CredentialField[]) => fields.map((f) => (f.required ? f.name : `[${f.name}]`)).join(', ');

export const CREDENTIALS_USAGE = `Usage: tradedesk credentials set|status|delete [--venue VENUE] [--json]

Venue API keys, kept in the OS keychain (macOS Keychain, Windows Credential
Manager, the Secret Service / gnome-keyring on Linux). Secrets are read from
stdin only, never from the command line.

  set     --venue VENUE [--json]    store (or replace) the credentials of VENUE
  status  [--venue VENUE] [--json]  which fields are stored, never their values;
                                    without --venue: every venue that has some
  delete  --venue VENUE [--json]    remove the credentials of VENUE

Venues, and the fields \`set\` reads in this order:
  alpaca            ${fieldList(ALPACA_CREDENTIAL_FIELDS).padEnd(27)}Alpaca paper-trading keys
  alpaca-live       ${fieldList(ALPACA_CREDENTIAL_FIELDS).padEnd(27)}Alpaca live-trading keys
  ccxt:<exchange>   ${fieldList(CCXT_CREDENTIAL_FIELDS).padEnd(27)}a ccxt exchange id, e.g. ccxt:kraken;
                    password (the API passphrase) is optional

On a terminal, \`set\` prompts for each field without echoing it (Enter ends a
field, Ctrl-C aborts). Piped, it reads one line per field in the order above;
an empty or missing last line leaves out an optional field, e.g.
  printf '%s\\n%s\\n' "$KEY_ID" "$SECRET_KEY" | tradedesk credentials set --venue alpaca

Exit codes: 0 ok, 1 failure (e.g. no keychain), 2 usage or invalid input,
130 aborted (Ctrl-C).
`;

const SECRETS_FROM_STDIN = 'secrets are read from stdin only, never from the command line';

/** The stdin `set` reads: a TTY (with setRawMode) gets masked prompts, anything else is read line by line. */
export type CredentialsStdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

export interface CredentialsIo {
  stdin: CredentialsStdin;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Default: the OS keychain store (service TRADEDESK_KEYCHAIN_SERVICE or 'tradedesk'). */
  store?: CredentialStore;
}

export interface CredentialsArgs {
  action: 'set' | 'status' | 'delete' | 'help';
  venue?: VenueId;
  json: boolean;
}

const ACTIONS = new Set(['set', 'status', 'delete']);
/** Option names that are safe to repeat in an error message (a secret is unlikely to look like this). */
const SHOWABLE_OPTION = /^--?[a-z][a-z-]{0,30}$/;

/**
 * Parses `credentials` arguments. Throws UsageError; the message names a bad
 * option but never repeats an argument's value (it may be a secret).
 */
export function parseCredentialsArgs(argv: string[]): CredentialsArgs {
  let action: CredentialsArgs['action'] | undefined;
  let venue: string | undefined;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      help = true;
    } else if (a === '--json') {
      json = true;
    } else if (a === '--venue' || a.startsWith('--venue=')) {
      if (venue !== undefined) throw new UsageError('--venue given twice');
      const v = a === '--venue' ? argv[++i] : a.slice('--venue='.length);
      if (v === undefined || v === '' || v.startsWith('-')) throw new UsageError('--venue needs a value: alpaca, alpaca-live or ccxt:<exchange>');
      venue = v;
    } else if (a.startsWith('-')) {
      const name = a.split('=')[0]!;
      const shown = SHOWABLE_OPTION.test(name) ? `unknown option ${name}` : `unknown option (argument ${i + 1}, not shown)`;
      throw new UsageError(`${shown}: ${SECRETS_FROM_STDIN}`);
    } else if (action === undefined && ACTIONS.has(a)) {
      action = a as CredentialsArgs['action'];
    } else if (action === undefined && /^[a-z]{1,20}$/.test(a)) {
      throw new UsageError(`unknown action ${JSON.stringify(a)}: use set, status or delete`);
    } else {
      throw new UsageError(`unexpected argument (argument ${i + 1}, not shown): ${SECRETS_FROM_STDIN}`);
    }
  }
  if (help) return { action: 'help', json };
  if (action === undefined) throw new UsageError('credentials needs an action: set, status or delete');
  if (venue === undefined && action !== 'status') throw new UsageError(`credentials ${action} needs --venue alpaca|alpaca-live|ccxt:<exchange>`);
  let id: VenueId | undefined;
  if (venue !== undefined) {
    try {
      id = parseVenueId(venue);
    } catch (e) {
      if (e instanceof CredentialsError) throw new UsageError(`--venue: ${e.message}`);
      throw e;
    }
  }
  return id === undefined ? { action, json } : { action, venue: id, json };
}

/** Ctrl-C at a prompt, or the terminal went away: nothing is stored. */
export class PromptAbortedError extends Error {
  constructor(reason = 'aborted') {
    super(reason);
    this.name = 'PromptAbortedError';
  }
}

/** A TTY input that can be switched to raw mode (process.stdin on a terminal). */
export type RawTtyInput = NodeJS.ReadableStream & { setRawMode(mode: boolean): unknown };

/**
 * Reads lines from a terminal in raw mode without echoing them: each typed
 * character shows as the mask ('*'). Enter (CR, LF or CR LF) or Ctrl-D ends a
 * line; Backspace/DEL removes the last character; Ctrl-U clears the line;
 * escape sequences (arrow keys, bracketed-paste markers) and other control
 * characters are ignored; Ctrl-C rejects with PromptAbortedError. Input that
 * arrives before or past an Enter (a paste of several lines) is kept for the
 * next ask(). Raw mode stays on until close(), so nothing typed ahead echoes.
 */
export class MaskedPrompter {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];
  private buffer: string[] = [];
  private skipLf = false;
  private esc: 0 | 1 | 2 | 3 = 0;
  private active: { resolve: (s: string) => void; reject: (e: Error) => void } | null = null;
  private started = false;
  private closed = false;
  private ended = false;

  constructor(
    private readonly input: RawTtyInput,
    private readonly output: { write(s: string): unknown },
    private readonly mask = '*',
  ) {}

  /** Writes `prompt`, then resolves with what is typed up to Enter. */
  ask(prompt: string): Promise<string> {
    if (this.closed) return Promise.reject(new PromptAbortedError('prompt closed'));
    if (this.active) return Promise.reject(new Error('MaskedPrompter: one ask() at a time'));
    this.start();
    this.output.write(prompt);
    return new Promise<string>((resolve, reject) => {
      this.active = { resolve, reject };
      this.pump();
      if (this.active && this.ended) this.fail(new PromptAbortedError('input ended'));
    });
  }

  /** Leaves raw mode and stops reading. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.started) return;
    this.input.removeListener('data', this.onData);
    this.input.removeListener('end', this.onEnd);
    this.input.setRawMode(false);
    this.input.pause();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.input.setRawMode(true);
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.resume();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (const ch of text) this.pending.push(ch);
    this.pump();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    if (this.active) this.fail(new PromptAbortedError('input ended'));
  };

  private pump(): void {
    while (this.active && this.pending.length > 0) this.feed(this.pending.shift()!);
  }

  private feed(ch: string): void {
    const code = ch.codePointAt(0)!;
    if (this.esc === 1) {
      this.esc = ch === '[' ? 2 : ch === 'O' ? 3 : 0;
      return;
    }
    if (this.esc === 3) {
      this.esc = 0;
      return;
    }
    if (this.esc === 2) {
      if (code >= 0x40 && code <= 0x7e) this.esc = 0;
      return;
    }
    const afterCr = this.skipLf;
    this.skipLf = false;
    switch (ch) {
      case '\n':
        if (!afterCr) this.finish();
        return;
      case '\r':
        this.skipLf = true;
        this.finish();
        return;
      case '\u0004': // Ctrl-D
        this.finish();
        return;
      case '\u0003': // Ctrl-C
        this.fail(new PromptAbortedError('aborted'));
        return;
      case '\u007f':
      case '\b':
        if (this.buffer.length > 0) {
          this.buffer.pop();
          this.output.write('\b \b');
        }
        return;
      case '\u0015': // Ctrl-U
      case '\u0017': // Ctrl-W
        this.output.write('\b \b'.repeat(this.buffer.length));
        this.buffer = [];
        return;
      case '\u001b':
        this.esc = 1;
        return;
    }
    if (code < 0x20 || (code >= 0x80 && code < 0xa0)) return;
    this.buffer.push(ch);
    this.output.write(this.mask);
  }

  private finish(): void {
    const a = this.active!;
    const line = this.buffer.join('');
    this.buffer = [];
    this.active = null;
    this.output.write('\n');
    a.resolve(line);
  }

  private fail(e: Error): void {
    const a = this.active!;
    this.buffer = [];
    this.active = null;
    this.output.write('\n');
    this.close();
    a.reject(e);
  }
}

/** One masked line from a terminal (see MaskedPrompter); leaves raw mode afterwards. */
export async function readMaskedLine(input: RawTtyInput, output: { write(s: string): unknown }, prompt: string): Promise<string> {
  const p = new MaskedPrompter(input, output);
  try {
    return await p.ask(prompt);
  } finally {
    p.close();
  }
}

/**
 * Up to `count` lines from a non-TTY stream (CR LF or LF; a UTF-8 BOM is
 * dropped); shorter when the stream ends first. Stops reading once it has them.
 */
export function readPipedLines(input: NodeJS.ReadableStream, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    const lines: string[] = [];
    let partial = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      input.pause();
      if (lines[0] !== undefined) lines[0] = lines[0].replace(/^\uFEFF/, '');
      resolve(lines.slice(0, count).map((l) => l.replace(/\r$/, '')));
    };
    const onData = (chunk: Buffer | string) => {
      partial += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0 && lines.length < count) {
        lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      if (lines.length >= count) finish();
    };
    const onEnd = () => {
      partial += decoder.end();
      if (partial !== '' && lines.length < count) lines.push(partial);
      finish();
    };
    const onError = (e: Error) => {
      if (done) return;
      done = true;
      reject(e);
    };
    if (count === 0) return resolve([]);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}

function isRawTty(stdin: CredentialsStdin): stdin is CredentialsStdin & RawTtyInput {
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function';
}

/** Reads the fields of `venue` from stdin: masked prompts on a TTY, else one line per field. Optional empty fields are left out. */
async function readCredentialFields(venue: VenueId, io: CredentialsIo, seen: string[]): Promise<Record<string, string>> {
  const fields = credentialFields(venue);
  const out: Record<string, string> = {};
  if (isRawTty(io.stdin)) {
    io.stderr.write(`Enter the ${venue} credentials (input is hidden; Ctrl-C aborts).\n`);
    const prompter = new MaskedPrompter(io.stdin, io.stderr);
    try {
      for (const f of fields) {
        const prompt = `${f.name} (${f.description}${f.required ? '' : ', optional: Enter to skip'}): `;
        for (;;) {
          const v = await prompter.ask(prompt);
          if (v !== '') seen.push(v);
          if (v !== '' || !f.required) {
            if (v !== '') out[f.name] = v;
            break;
          }
          io.stderr.write(`${f.name} is required\n`);
        }
      }
    } finally {
      prompter.close();
    }
    return out;
  }
  const lines = await readPipedLines(io.stdin, fields.length);
  for (const l of lines) if (l !== '') seen.push(l);
  fields.forEach((f, i) => {
    const line = lines[i];
    if (line === undefined && f.required) {
      throw new CredentialsError(
        f.name,
        `stdin ended before ${f.name} (line ${i + 1}): for ${venue}, set reads one line per field in this order: ${fieldList(fields)}`,
      );
    }
    if (line === undefined || (line === '' && !f.required)) return;
    out[f.name] = line;
  });
  return out;
}

function describeStatus(s: CredentialStatus): string {
  if (!s.present) return `${s.venue}: not set`;
  const when = s.updatedAt === null ? '' : `, updated ${new Date(s.updatedAt).toISOString()}`;
  return `${s.venue}: set (${s.fields.join(', ')})${when}`;
}

function processIo(): CredentialsIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** `tradedesk credentials ...`; returns the exit code (0 ok, 1 failure, 2 usage or invalid input, 130 aborted). */
export async function runCredentials(argv: string[], io: CredentialsIo = processIo()): Promise<number> {
  const seen: string[] = [];
  const err = (msg: string) => io.stderr.write(`tradedesk credentials: ${redact(msg, seen)}\n`);
  try {
    const args = parseCredentialsArgs(argv);
    if (args.action === 'help') {
      io.stdout.write(CREDENTIALS_USAGE);
      return 0;
    }
    const store = io.store ?? defaultCredentialStore();
    const out = (text: string, json: unknown) => io.stdout.write(args.json ? `${JSON.stringify(json)}\n` : `${text}\n`);

    if (args.action === 'status') {
      if (args.venue) {
        const s = store.status(args.venue);
        out(describeStatus(s), s);
        return 0;
      }
      const all = store.list().map((v) => store.status(v));
      out(all.length ? all.map(describeStatus).join('\n') : 'no venue credentials stored', { venues: all });
      return 0;
    }

    const venue = args.venue!;
    if (args.action === 'delete') {
      const deleted = store.delete(venue);
      out(deleted ? `deleted the ${venue} credentials` : `no ${venue} credentials were stored`, { venue, deleted });
      return 0;
    }

    // set: a keychain that does not answer fails here, before anyone types a secret
    let replacing: boolean;
    try {
      replacing = store.status(venue).present;
    } catch (e) {
      if (!(e instanceof CredentialsError)) throw e;
      replacing = true; // an unreadable entry: set overwrites it
    }
    const creds = await readCredentialFields(venue, io, seen);
    const s = store.set(venue, creds);
    // read back: a keychain that silently dropped the entry must not look like success
    const back = store.get(venue) as Record<string, string> | null;
    if (!back || Object.keys(creds).some((k) => back[k] !== creds[k])) {
      err(`the keychain did not keep the ${venue} credentials (read-back differs)`);
      return 1;
    }
    const where = `the OS keychain (service ${JSON.stringify(keychainService())})`;
    out(`${replacing ? 'replaced' : 'stored'} the ${venue} credentials in ${where}: ${s.fields.join(', ')}`, s);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${CREDENTIALS_USAGE}`);
      return 2;
    }
    if (e instanceof CredentialsError) {
      err(e.message);
      return 2;
    }
    if (e instanceof PromptAbortedError) {
      err(`${e.message}; nothing was stored`);
      return 130;
    }
    if (e instanceof KeychainUnavailableError) {
      err(e.message);
      return 1;
    }
    err((e as Error)?.message ?? String(e));
    return 1;
  }
}
