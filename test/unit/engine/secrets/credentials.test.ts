// Venue credentials in a REAL OS keychain (npm test runs the suite inside a
// throwaway dbus + gnome-keyring session when none answers). Every test uses a
// keychain service unique to this run, and all its entries are removed after.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialsError,
  CredentialStore,
  credentialFields,
  credentialStatus,
  credentialsAccount,
  deleteCredentials,
  getCredentials,
  listCredentialVenues,
  onCredentialChange,
  parseVenueId,
  setCredentials,
  validateCredentials,
  type CredentialChange,
} from '../../../../src/engine/secrets/credentials.js';
import { Keychain, KeychainUnavailableError, keychainFixHint } from '../../../../src/engine/secrets/keychain.js';
import { Secret } from '../../../../src/engine/secrets/secret.js';

const SERVICE = `tradedesk-test-unit-${process.pid}-${randomUUID().slice(0, 8)}`;
const keychain = new Keychain(SERVICE, { linuxStore: 'secret-service' });
const KEY_ID = 'PKUNITKEYID7Q2';
const SECRET_KEY = 'unit-SECRET-KEY-9b1e4d77';
const previousService = process.env.TRADEDESK_KEYCHAIN_SERVICE;

function wipe(): void {
  for (const account of keychain.list()) keychain.delete(account);
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

describe('venue ids and fields', () => {
  it('accepts alpaca, alpaca-live and ccxt:<exchange>', () => {
    expect(parseVenueId('alpaca')).toBe('alpaca');
    expect(parseVenueId('alpaca-live')).toBe('alpaca-live');
    expect(parseVenueId('ccxt:kraken')).toBe('ccxt:kraken');
    expect(parseVenueId('ccxt:binanceusdm')).toBe('ccxt:binanceusdm');
    expect(credentialFields('alpaca').map((f) => f.name)).toEqual(['keyId', 'secretKey']);
    expect(credentialFields('ccxt:okx').map((f) => [f.name, f.required])).toEqual([
      ['apiKey', true],
      ['secret', true],
      ['password', false],
    ]);
  });

  it.each(['binance', 'ALPACA', 'alpaca-paper', 'ccxt:', 'ccxt:Kraken', 'ccxt:kra ken', '', 'ccxt:../x'])('rejects %j naming the venue field', (v) => {
    let err: unknown;
    try {
      parseVenueId(v);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CredentialsError);
    expect((err as CredentialsError).field).toBe('venue');
    expect((err as CredentialsError).code).toBe('CREDENTIALS_INVALID');
    expect((err as Error).message).toMatch(/alpaca|ccxt/);
  });

  it('accounts are namespaced per venue', () => {
    expect(credentialsAccount('ccxt:kraken')).toBe('credentials:ccxt:kraken');
  });
});

describe('validateCredentials', () => {
  const fails = (venue: string, creds: unknown): CredentialsError => {
    try {
      validateCredentials(venue, creds);
    } catch (e) {
      expect(e).toBeInstanceOf(CredentialsError);
      return e as CredentialsError;
    }
    throw new Error('expected a CredentialsError');
  };

  it('names a missing field', () => {
    const e = fails('alpaca', { keyId: KEY_ID });
    expect(e.field).toBe('secretKey');
    expect(e.message).toMatch(/secretKey is required/);
    expect(e.message).not.toContain(KEY_ID);
  });

  it('names an empty field', () => {
    const e = fails('ccxt:kraken', { apiKey: 'a', secret: '' });
    expect(e.field).toBe('secret');
    expect(e.message).toMatch(/secret is required/);
  });

  it('names an unknown field (e.g. ccxt names on an alpaca venue)', () => {
    const e = fails('alpaca', { keyId: 'a', secretKey: 'b', apiKey: 'c' });
    expect(e.field).toBe('apiKey');
    expect(e.message).toMatch(/unknown field "apiKey".*keyId, secretKey/);
  });

  it('names a non-string field', () => {
    const e = fails('alpaca', { keyId: 12345, secretKey: 'b' });
    expect(e.field).toBe('keyId');
    expect(e.message).toMatch(/keyId must be a string/);
  });

  it('refuses surrounding whitespace and control characters without echoing the value', () => {
    const padded = fails('alpaca', { keyId: 'a', secretKey: `${SECRET_KEY} ` });
    expect(padded.field).toBe('secretKey');
    expect(padded.message).toMatch(/whitespace/);
    expect(padded.message).not.toContain(SECRET_KEY);
    const multi = fails('alpaca', { keyId: `${KEY_ID}\n${SECRET_KEY}`, secretKey: 'b' });
    expect(multi.field).toBe('keyId');
    expect(multi.message).toMatch(/control character/);
    expect(multi.message).not.toContain(SECRET_KEY);
  });

  it('refuses a non-object', () => {
    expect(fails('alpaca', 'just-a-string').field).toBe('credentials');
    expect(fails('alpaca', null).field).toBe('credentials');
  });

  it('accepts Secret values and an optional ccxt password', () => {
    expect(validateCredentials('alpaca', { keyId: new Secret('k'), secretKey: 's' })).toEqual({ keyId: 'k', secretKey: 's' });
    expect(validateCredentials('ccxt:kucoin', { apiKey: 'a', secret: 'b', password: 'p' })).toEqual({ apiKey: 'a', secret: 'b', password: 'p' });
    expect(validateCredentials('ccxt:kraken', { apiKey: 'a', secret: 'b' })).toEqual({ apiKey: 'a', secret: 'b' });
  });
});

describe('CredentialStore on the real keychain', () => {
  it('set, status, get, list and delete round-trip; status never holds a value', () => {
    let t = 1_700_000_000_000;
    const store = new CredentialStore({ store: keychain, now: () => t });
    expect(store.status('alpaca')).toEqual({ venue: 'alpaca', present: false, fields: [], updatedAt: null });
    expect(store.get('alpaca')).toBeNull();

    const st = store.set('alpaca', { keyId: KEY_ID, secretKey: SECRET_KEY });
    expect(st).toEqual({ venue: 'alpaca', present: true, fields: ['keyId', 'secretKey'], updatedAt: t });
    const status = store.status('alpaca');
    expect(status).toEqual(st);
    expect(JSON.stringify(status)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(status)).not.toContain(KEY_ID);

    const creds = store.get('alpaca');
    expect(creds).not.toBeNull();
    expect(creds!.keyId).toBe(KEY_ID);
    expect(creds!.secretKey).toBe(SECRET_KEY);
    expect({ ...creds }).toEqual({ keyId: KEY_ID, secretKey: SECRET_KEY });

    // paper and live are separate entries
    expect(store.status('alpaca-live').present).toBe(false);
    t += 1000;
    store.set('ccxt:kraken', { apiKey: 'ccxt-key', secret: 'ccxt-secret', password: 'ccxt-pass' });
    expect(store.list()).toEqual(['alpaca', 'ccxt:kraken']);
    expect(store.status('ccxt:kraken').fields).toEqual(['apiKey', 'secret', 'password']);

    expect(store.delete('alpaca')).toBe(true);
    expect(store.delete('alpaca')).toBe(false);
    expect(store.status('alpaca').present).toBe(false);
    expect(store.get('alpaca')).toBeNull();
    expect(store.list()).toEqual(['ccxt:kraken']);
  });

  it('set replaces earlier credentials', () => {
    const store = new CredentialStore({ store: keychain });
    store.set('ccxt:okx', { apiKey: 'a1', secret: 's1', password: 'p1' });
    store.set('ccxt:okx', { apiKey: 'a2', secret: 's2' });
    expect({ ...store.get('ccxt:okx') }).toEqual({ apiKey: 'a2', secret: 's2' });
    expect(store.status('ccxt:okx').fields).toEqual(['apiKey', 'secret']);
  });

  it('invalid credentials are refused before anything is stored', () => {
    const store = new CredentialStore({ store: keychain });
    expect(() => store.set('alpaca', { keyId: KEY_ID } as never)).toThrow(/secretKey is required/);
    expect(store.status('alpaca').present).toBe(false);
    expect(() => store.set('nasdaq', { keyId: 'a', secretKey: 'b' })).toThrow(CredentialsError);
  });

  it('the credentials it hands out do not serialize or print their values', () => {
    const store = new CredentialStore({ store: keychain });
    store.set('alpaca-live', { keyId: KEY_ID, secretKey: SECRET_KEY });
    const creds = store.get('alpaca-live')!;
    for (const text of [JSON.stringify(creds), JSON.stringify({ creds }), inspect(creds), inspect({ creds }, { depth: 5 }), String(creds), `${creds}`]) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(KEY_ID);
    }
    expect(JSON.parse(JSON.stringify(creds))).toEqual({ keyId: '[REDACTED]', secretKey: '[REDACTED]' });
    expect(Object.keys(creds)).toEqual(['keyId', 'secretKey']);
  });

  it('emits set/delete changes with field names and no secret', () => {
    const store = new CredentialStore({ store: keychain, now: () => 42 });
    const seen: CredentialChange[] = [];
    const off = store.onChange((c) => seen.push(c));
    store.set('ccxt:kraken', { apiKey: 'evt-key', secret: SECRET_KEY });
    store.delete('ccxt:kraken');
    store.delete('ccxt:kraken'); // nothing to delete: no event
    off();
    store.set('alpaca', { keyId: 'k', secretKey: 's' }); // unsubscribed
    expect(seen).toEqual([
      { venue: 'ccxt:kraken', action: 'set', fields: ['apiKey', 'secret'], ts: 42 },
      { venue: 'ccxt:kraken', action: 'delete', fields: ['apiKey', 'secret'], ts: 42 },
    ]);
    expect(JSON.stringify(seen)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(seen)).not.toContain('evt-key');
  });

  it('a failing listener does not undo the change and its error reaches the caller', () => {
    const store = new CredentialStore({ store: keychain });
    const calls: string[] = [];
    store.onChange(() => {
      throw new Error('journal full');
    });
    store.onChange((c) => calls.push(c.action));
    expect(() => store.set('alpaca', { keyId: 'k', secretKey: 's' })).toThrow('journal full');
    expect(calls).toEqual(['set']);
    expect(store.status('alpaca').present).toBe(true);
  });

  it('an entry not in its format is reported without its content, and can be deleted or overwritten', () => {
    const store = new CredentialStore({ store: keychain });
    keychain.set(credentialsAccount('alpaca'), 'RAW-UNPARSEABLE-CONTENT');
    for (const f of [() => store.status('alpaca'), () => store.get('alpaca')]) {
      let msg = '';
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CredentialsError);
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/credentials set --venue alpaca/);
      expect(msg).not.toContain('RAW-UNPARSEABLE');
    }
    store.set('alpaca', { keyId: 'k', secretKey: 's' });
    expect(store.status('alpaca').present).toBe(true);
    keychain.set(credentialsAccount('alpaca'), '{"broken"');
    expect(store.delete('alpaca')).toBe(true);
  });

  it('ignores other entries of the same service when listing', () => {
    keychain.set('journal-anchor:abc', 'not a credential');
    const store = new CredentialStore({ store: keychain });
    store.set('alpaca', { keyId: 'k', secretKey: 's' });
    expect(store.list()).toEqual(['alpaca']);
  });
});

describe('module functions (default store: TRADEDESK_KEYCHAIN_SERVICE)', () => {
  it('work against the service named in the environment', () => {
    const seen: CredentialChange[] = [];
    const off = onCredentialChange((c) => seen.push(c));
    try {
      setCredentials('alpaca', { keyId: KEY_ID, secretKey: new Secret(SECRET_KEY) });
      expect(credentialStatus('alpaca')).toMatchObject({ venue: 'alpaca', present: true, fields: ['keyId', 'secretKey'] });
      expect(getCredentials('alpaca')?.secretKey).toBe(SECRET_KEY);
      expect(listCredentialVenues()).toEqual(['alpaca']);
      // it really is in the keychain under the test service
      expect(keychain.get('credentials:alpaca')).toContain(SECRET_KEY);
      expect(deleteCredentials('alpaca')).toBe(true);
      expect(getCredentials('alpaca')).toBeNull();
      expect(seen.map((c) => c.action)).toEqual(['set', 'delete']);
      expect(JSON.stringify(seen)).not.toContain(SECRET_KEY);
    } finally {
      off();
    }
  });
});

describe('KeychainUnavailableError', () => {
  it('says how to fix it', () => {
    const e = new KeychainUnavailableError('no D-Bus');
    expect(e.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(e.message).toContain('no D-Bus');
    expect(keychainFixHint('linux')).toMatch(/gnome-keyring/);
    expect(keychainFixHint('linux')).toMatch(/unlock/);
    expect(keychainFixHint('darwin')).toMatch(/keychain/i);
    expect(keychainFixHint('win32')).toMatch(/Credential Manager/);
  });
});
