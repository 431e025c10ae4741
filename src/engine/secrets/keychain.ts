// OS keychain access (macOS Keychain, Windows Credential Manager, Secret
// Service on Linux) through @napi-rs/keyring. Secrets go in and out of here
// only; they are never logged, journaled or sent to the renderer.
import { Entry } from '@napi-rs/keyring';
import { TradedeskError } from '../core/errors.js';

export const KEYCHAIN_SERVICE = 'tradedesk';

export class KeychainUnavailableError extends TradedeskError {
  constructor(detail: string) {
    super('KEYCHAIN_UNAVAILABLE', `the OS keychain is not available: ${detail}`);
    this.name = 'KeychainUnavailableError';
  }
}

export interface SecretStore {
  readonly kind: string;
  get(account: string): string | null;
  set(account: string, secret: string): void;
  delete(account: string): boolean;
}

/** The OS keychain. Every call throws KeychainUnavailableError when no keychain answers. */
export class Keychain implements SecretStore {
  readonly kind = 'os-keychain';

  constructor(private readonly service = process.env.TRADEDESK_KEYCHAIN_SERVICE ?? KEYCHAIN_SERVICE) {}

  get(account: string): string | null {
    return this.call(() => new Entry(this.service, account).getPassword() ?? null);
  }

  set(account: string, secret: string): void {
    this.call(() => new Entry(this.service, account).setPassword(secret));
  }

  delete(account: string): boolean {
    return this.call(() => new Entry(this.service, account).deletePassword());
  }

  /** True if a keychain answers (a read can succeed without one, so this writes and deletes a probe). */
  static available(service = process.env.TRADEDESK_KEYCHAIN_SERVICE ?? KEYCHAIN_SERVICE): boolean {
    try {
      const e = new Entry(service, '__probe__');
      e.setPassword('probe');
      e.deletePassword();
      return true;
    } catch {
      return false;
    }
  }

  private call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw new KeychainUnavailableError((e as Error).message);
    }
  }
}
