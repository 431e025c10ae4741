// OS keychain access (macOS Keychain, Windows Credential Manager, Secret
// Service on Linux) through @napi-rs/keyring. Secrets go in and out of here
// only; they are never logged, journaled or sent to the renderer.
import { AsyncEntry, Entry, findCredentials, type EntryOptions } from '@napi-rs/keyring';
import { TradedeskError } from '../core/errors.js';

export const KEYCHAIN_SERVICE = 'tradedesk';

/**
 * A Secret Service daemon that went away while it served the call: the bus
 * starts it again on the next call. gnome-keyring 42 aborts when a client
 * disconnects during its session negotiation (concurrent clients provoke it).
 * Its in-flight callers fail with no reply, or are denied when the rest of
 * their call reaches the restarted daemon; an asynchronous entry made before
 * the restart holds a session the new daemon does not know. Every keychain
 * call here is idempotent (write, read or delete one entry, or list), so such
 * a failure is retried once, after a short pause. The same errors also end a
 * call to a daemon that does not answer, but only at the client's timeout
 * (2 s): a failure that late is not retried (a stalled or prompting keychain
 * would hold the caller twice as long), nor is any other.
 */
const DAEMON_GONE = /disconnected from message bus|NoReply|Did not receive a reply|AccessDenied|session wrapping the secret does not exist/;
const GONE_WITHIN_MS = 1_000;
const RETRY_PAUSE_MS = 200;

function daemonGone(e: unknown, startedAt: number): boolean {
  return process.platform === 'linux' && performance.now() - startedAt < GONE_WITHIN_MS && DAEMON_GONE.test((e as Error)?.message ?? '');
}

/** fn, run again once (after a pause) if the daemon went away during it. */
function retriedOnce<T>(fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } catch (first) {
    if (!daemonGone(first, t0)) throw first;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_PAUSE_MS); // a synchronous call's pause
    return fn();
  }
}

/** Writes and deletes a probe entry (a read can succeed without a keychain). */
function probe(entry: Entry): boolean {
  try {
    retriedOnce(() => {
      entry.setPassword('probe');
      entry.deletePassword();
    });
    return true;
  } catch {
    return false;
  }
}

/** The keychain service name: TRADEDESK_KEYCHAIN_SERVICE (tests use a unique one) or 'tradedesk'. */
export function keychainService(): string {
  return process.env.TRADEDESK_KEYCHAIN_SERVICE || KEYCHAIN_SERVICE;
}

/** What to do when no keychain answers, for this platform. */
export function keychainFixHint(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return 'Unlock the login keychain (Keychain Access, or `security unlock-keychain`) and allow tradedesk to use it.';
    case 'win32':
      return 'Make sure Windows Credential Manager is available to this user (the Credential Manager service, VaultSvc, is running).';
    default:
      return (
        'tradedesk keeps secrets in the Secret Service (gnome-keyring or KWallet). Install one ' +
        '(e.g. `sudo apt-get install gnome-keyring dbus`), run inside a desktop or D-Bus session ' +
        '(DBUS_SESSION_BUS_ADDRESS set; headless: `dbus-run-session -- sh`), and unlock the keyring ' +
        '(`gnome-keyring-daemon --unlock --components=secrets`, which reads the keyring password from stdin).'
      );
  }
}

export class KeychainUnavailableError extends TradedeskError {
  constructor(detail: string, hint: string = keychainFixHint()) {
    super('KEYCHAIN_UNAVAILABLE', `the OS keychain is not available: ${detail}${hint ? `. ${hint}` : ''}`);
    this.name = 'KeychainUnavailableError';
  }
}

export interface SecretStore {
  readonly kind: string;
  get(account: string): string | null;
  set(account: string, secret: string): void;
  delete(account: string): boolean;
  /** The accounts stored under this store's service, where the store can enumerate them. */
  list?(): string[];
  /**
   * set() off the calling thread, where the store can: for writes while the
   * engine runs (the journal's anchor checkpoints), which a slow, stalled or
   * prompting keychain must not hold up.
   */
  setAsync?(account: string, secret: string): Promise<void>;
  /** Prepares setAsync for an account now (finding its entry is itself a keychain call on this thread), so later writes never wait here. */
  readyAsync?(account: string): void;
}

export interface KeychainOptions {
  /**
   * Linux only: pin entries to one credential store. Unpinned, @napi-rs/keyring
   * falls back from the Secret Service to the kernel keyring (keyutils), which
   * does not survive a logout; credentials pin 'secret-service'.
   */
  linuxStore?: 'secret-service' | 'keyutils';
}

/** The OS keychain. Every call throws KeychainUnavailableError when no keychain answers. */
export class Keychain implements SecretStore {
  readonly kind = 'os-keychain';
  private readonly entryOptions: EntryOptions | undefined;
  private readonly asyncEntries = new Map<string, AsyncEntry>();

  constructor(
    private readonly service = keychainService(),
    options: KeychainOptions = {},
  ) {
    this.entryOptions = options.linuxStore ? { linux: { store: options.linuxStore } } : undefined;
  }

  get(account: string): string | null {
    return this.call(() => this.entry(account).getPassword() ?? null);
  }

  set(account: string, secret: string): void {
    this.call(() => this.entry(account).setPassword(secret));
  }

  delete(account: string): boolean {
    return this.call(() => this.entry(account).deletePassword());
  }

  /**
   * set() on libuv's thread pool: the event loop runs on however long the
   * keychain takes (a synchronous call waits out the Secret Service's 2 s D-Bus
   * timeout on this thread). The account's entry is made once (readyAsync, else
   * the first call), as making one asks the keychain on this thread.
   */
  async setAsync(account: string, secret: string): Promise<void> {
    try {
      this.readyAsync(account);
      const t0 = performance.now();
      try {
        await this.asyncEntries.get(account)!.setPassword(secret);
      } catch (first) {
        if (!daemonGone(first, t0)) throw first;
        // a new entry: the old one's session died with the daemon
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
        this.asyncEntries.delete(account);
        this.readyAsync(account);
        await this.asyncEntries.get(account)!.setPassword(secret);
      }
    } catch (err) {
      throw err instanceof KeychainUnavailableError ? err : new KeychainUnavailableError((err as Error).message);
    }
  }

  readyAsync(account: string): void {
    if (this.asyncEntries.has(account)) return;
    const e = this.call(() => (this.entryOptions ? new AsyncEntry(this.service, account, this.entryOptions) : new AsyncEntry(this.service, account)));
    this.asyncEntries.set(account, e);
  }

  /** Accounts stored under this service (names only). */
  list(): string[] {
    return this.call(() => findCredentials(this.service).map((c) => c.account));
  }

  /** True if this keychain answers (writes and deletes a probe entry). */
  isAvailable(): boolean {
    return probe(this.entry('__probe__'));
  }

  /** True if a keychain answers (a read can succeed without one, so this writes and deletes a probe). */
  static available(service = keychainService()): boolean {
    return probe(new Entry(service, '__probe__'));
  }

  private entry(account: string): Entry {
    return this.entryOptions ? new Entry(this.service, account, this.entryOptions) : new Entry(this.service, account);
  }

  /** fn, retried once when the daemon went away during it (DAEMON_GONE); any failure as KeychainUnavailableError. */
  private call<T>(fn: () => T): T {
    try {
      return retriedOnce(fn);
    } catch (e) {
      throw new KeychainUnavailableError((e as Error).message);
    }
  }
}
