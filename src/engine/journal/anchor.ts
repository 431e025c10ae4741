// The journal's anchor outside its files: the HMAC key of the chain and the
// last checkpointed head (seq, hash). In the OS keychain when one answers, so
// neither a rewritten chain nor a cut-off tail can pass verification; else in
// a key file beside the journal, which `journal verify` reports as weaker.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../core/durable-file.js';
import { Keychain, type SecretStore } from '../secrets/keychain.js';

export interface AnchorState {
  key: string;
  /** Last checkpointed head; the chain must contain it. */
  seq: number;
  hash: string;
}

export interface JournalAnchor {
  /** Where the anchor lives, for messages ("OS keychain", "file ..."). */
  readonly where: string;
  load(): AnchorState | null;
  save(state: AnchorState): void;
  /** save() without holding up the event loop, where the anchor can (the keychain's); the journal's checkpoints while it runs use it. */
  saveAsync?(state: AnchorState): Promise<void>;
}

function accountFor(dataDir: string): string {
  const real = existsSync(dataDir) ? realpathSync(dataDir) : dataDir;
  return `journal-anchor:${createHash('sha256').update(real).digest('hex').slice(0, 24)}`;
}

export class KeychainAnchor implements JournalAnchor {
  readonly where = 'OS keychain';
  private readonly account: string;

  constructor(
    dataDir: string,
    private readonly store: SecretStore = new Keychain(),
  ) {
    this.account = accountFor(dataDir);
  }

  /** Also readies the store's asynchronous writes for this anchor (at the journal's opening, so no checkpoint asks the keychain on the engine's thread). */
  load(): AnchorState | null {
    const v = this.store.get(this.account);
    this.store.readyAsync?.(this.account);
    return v ? (JSON.parse(v) as AnchorState) : null;
  }

  save(state: AnchorState): void {
    this.store.set(this.account, JSON.stringify(state));
  }

  /** Off the event loop where the store can (the OS keychain); a store without setAsync writes at once. */
  async saveAsync(state: AnchorState): Promise<void> {
    const json = JSON.stringify(state);
    if (this.store.setAsync) await this.store.setAsync(this.account, json);
    else this.store.set(this.account, json);
  }
}

export class FileAnchor implements JournalAnchor {
  readonly where: string;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'journal-anchor.json');
    this.where = `file ${this.file} (no OS keychain: weaker, anyone who can read it can rewrite the chain)`;
  }

  load(): AnchorState | null {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as AnchorState) : null;
  }

  /** fsynced (the key in it is what every later record is checked with: losing it to a power cut would leave a journal that cannot be trusted). */
  save(state: AnchorState): void {
    writeFileDurably(this.file, JSON.stringify(state));
  }
}

/** The keychain anchor when a keychain answers, else the file anchor. */
export function defaultAnchor(dataDir: string): JournalAnchor {
  if (process.env.TRADEDESK_JOURNAL_ANCHOR === 'file') return new FileAnchor(dataDir);
  return Keychain.available() ? new KeychainAnchor(dataDir) : new FileAnchor(dataDir);
}

export function newAnchorKey(): string {
  return randomBytes(32).toString('base64');
}
