// Venue credentials (API keys) in the OS keychain: one keychain entry per venue
// id, account `credentials:<venue>`, holding JSON {v, venue, updatedAt, fields}.
//
// Venue ids:  'alpaca'          Alpaca paper-trading keys   keyId, secretKey
//             'alpaca-live'     Alpaca live-trading keys    keyId, secretKey
//             'ccxt:<exchange>' a ccxt exchange (ccxt id)   apiKey, secret, [password]
//
// Only getCredentials() hands out secret values (for the engine, to build a
// venue client). Status, listings and change events carry field names only.
// On Linux the entries are pinned to the Secret Service (gnome-keyring,
// KWallet): the kernel-keyring fallback would lose them at logout.
import { inspect } from 'node:util';
import { z } from 'zod';
import { TradedeskError } from '../core/errors.js';
import { Keychain, keychainService, type SecretStore } from './keychain.js';
import { REDACTED, Secret } from './secret.js';

export type AlpacaVenueId = 'alpaca' | 'alpaca-live';
export type CcxtVenueId = `ccxt:${string}`;
export type VenueId = AlpacaVenueId | CcxtVenueId;

export interface AlpacaCredentials {
  keyId: string;
  secretKey: string;
}

export interface CcxtCredentials {
  apiKey: string;
  secret: string;
  /** Passphrase, for exchanges that issue one (ccxt's `password`). */
  password?: string;
}

export type VenueCredentials = AlpacaCredentials | CcxtCredentials;

/** The credentials type of a venue id: Alpaca keys for 'alpaca'/'alpaca-live', ccxt keys for 'ccxt:*'. */
export type CredentialsFor<V extends string> = V extends AlpacaVenueId ? AlpacaCredentials : V extends CcxtVenueId ? CcxtCredentials : VenueCredentials;

/** Input to setCredentials: the same fields, each a string or a Secret. */
export type CredentialsInput<V extends string> = { [K in keyof CredentialsFor<V>]: CredentialsFor<V>[K] | Secret };

export interface CredentialField {
  name: string;
  required: boolean;
  description: string;
}

export const ALPACA_CREDENTIAL_FIELDS: readonly CredentialField[] = Object.freeze([
  { name: 'keyId', required: true, description: 'API key ID' },
  { name: 'secretKey', required: true, description: 'API secret key' },
]);

export const CCXT_CREDENTIAL_FIELDS: readonly CredentialField[] = Object.freeze([
  { name: 'apiKey', required: true, description: 'API key' },
  { name: 'secret', required: true, description: 'API secret' },
  { name: 'password', required: false, description: 'API passphrase, only for exchanges that issue one' },
]);

/** What a change to the stored credentials looks like to the engine (for a 'credential' journal record). No secrets. */
export interface CredentialChange {
  venue: VenueId;
  action: 'set' | 'delete';
  /** Names of the fields stored (set) or removed (delete). */
  fields: string[];
  /** ms since the epoch. */
  ts: number;
}

export type CredentialChangeListener = (change: CredentialChange) => void;

/** What is stored for a venue, without any value. */
export interface CredentialStatus {
  venue: VenueId;
  present: boolean;
  /** Names of the stored fields (empty when not present). */
  fields: string[];
  /** When the credentials were last set, ms since the epoch; null when not present. */
  updatedAt: number | null;
}

/** Bad venue id or bad credentials; `field` names what is wrong ('venue', 'secretKey', ...). Never carries a value. */
export class CredentialsError extends TradedeskError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('CREDENTIALS_INVALID', message);
    this.name = 'CredentialsError';
  }
}

export const CREDENTIALS_ACCOUNT_PREFIX = 'credentials:';
export const VENUE_ID_HELP = "alpaca, alpaca-live or ccxt:<exchange id> (e.g. ccxt:kraken)";

const MAX_SECRET_LENGTH = 4096;
const CCXT_VENUE_ID = /^ccxt:[a-z][a-z0-9_]{0,63}$/;

const VenueIdSchema = z.union([z.enum(['alpaca', 'alpaca-live']), z.string().regex(CCXT_VENUE_ID)]);

/** The venue id, or a CredentialsError (field 'venue') that says which ids exist. */
export function parseVenueId(venue: unknown): VenueId {
  const r = VenueIdSchema.safeParse(venue);
  if (r.success) return r.data as VenueId;
  if (typeof venue !== 'string' || venue === '') throw new CredentialsError('venue', `a venue id is required: ${VENUE_ID_HELP}`);
  if (venue.startsWith('ccxt:')) {
    throw new CredentialsError('venue', `venue ${JSON.stringify(venue)}: the ccxt exchange id after 'ccxt:' must be a ccxt id in lower case (letters, digits, _), e.g. ccxt:kraken`);
  }
  throw new CredentialsError('venue', `unknown venue ${JSON.stringify(venue)}: use ${VENUE_ID_HELP}`);
}

export function isVenueId(venue: unknown): venue is VenueId {
  return VenueIdSchema.safeParse(venue).success;
}

/** The fields a venue's credentials have, in the order `credentials set` reads them. */
export function credentialFields(venue: string): readonly CredentialField[] {
  const id = parseVenueId(venue);
  return id.startsWith('ccxt:') ? CCXT_CREDENTIAL_FIELDS : ALPACA_CREDENTIAL_FIELDS;
}

const field = (required: boolean) => {
  const s = z
    .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
    .min(1, required ? 'is required (it is empty)' : 'is empty (leave it out instead)')
    .max(MAX_SECRET_LENGTH, `is longer than ${MAX_SECRET_LENGTH} characters`)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'contains a control character (a newline, tab or escape)')
    .refine((v) => v.trim() === v, 'starts or ends with whitespace (check for a stray space)');
  return required ? s : s.optional();
};

const AlpacaSchema = z.strictObject({ keyId: field(true), secretKey: field(true) });
const CcxtSchema = z.strictObject({ apiKey: field(true), secret: field(true), password: field(false) });

function fieldNames(venue: VenueId): string {
  return credentialFields(venue)
    .map((f) => (f.required ? f.name : `[${f.name}]`))
    .join(', ');
}

/**
 * Checks credentials for a venue: every required field present, no unknown
 * field, values non-empty single-line strings without surrounding whitespace.
 * Secret values are revealed for the check. Errors name the field, never a value.
 */
export function validateCredentials<V extends string>(venue: V, creds: unknown): CredentialsFor<V> {
  const id = parseVenueId(venue);
  const takes = `${id} takes ${fieldNames(id)}`;
  if (typeof creds !== 'object' || creds === null || Array.isArray(creds)) {
    throw new CredentialsError('credentials', `${id} credentials must be an object (${takes})`);
  }
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(creds)) input[k] = v instanceof Secret ? v.reveal() : v;
  const r = (id.startsWith('ccxt:') ? CcxtSchema : AlpacaSchema).safeParse(input);
  if (r.success) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.data)) if (v !== undefined) out[k] = v;
    return out as unknown as CredentialsFor<V>;
  }
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const name = issue.keys[0] ?? '?';
    throw new CredentialsError(name, `${id} credentials: unknown field ${JSON.stringify(name)} (${takes})`);
  }
  const name = String(issue.path[0] ?? 'credentials');
  throw new CredentialsError(name, `${id} credentials: ${name} ${issue.message} (${takes})`);
}

export function credentialsAccount(venue: string): string {
  return `${CREDENTIALS_ACCOUNT_PREFIX}${parseVenueId(venue)}`;
}

const StoredSchema = z.object({
  v: z.literal(1),
  venue: z.string(),
  updatedAt: z.number(),
  fields: z.record(z.string(), z.string()),
});
type Stored = z.infer<typeof StoredSchema>;

/**
 * Hides the values of a credentials object from JSON.stringify, String(),
 * console.log and util.inspect (non-enumerable, so `{...creds}` copies the
 * plain fields only: pass that copy straight to the venue client).
 */
export function sealCredentials<T extends object>(creds: T): T {
  const masked = () => Object.fromEntries(Object.keys(creds).map((k) => [k, REDACTED]));
  const hidden = (value: unknown) => ({ value, enumerable: false, writable: false, configurable: false });
  Object.defineProperty(creds, 'toJSON', hidden(masked));
  Object.defineProperty(creds, 'toString', hidden(() => REDACTED));
  Object.defineProperty(creds, inspect.custom, hidden(() => masked()));
  return creds;
}

export interface CredentialStoreOptions {
  /**
   * Where the entries live. Default: the OS keychain under the service
   * TRADEDESK_KEYCHAIN_SERVICE (or 'tradedesk'), re-read on every call, pinned
   * to the Secret Service on Linux.
   */
  store?: SecretStore | (() => SecretStore);
  /** Clock for updatedAt and change events, ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** Reads the service name on each call, so a test can set TRADEDESK_KEYCHAIN_SERVICE before using the store. */
export function defaultCredentialKeychain(): SecretStore {
  return new Keychain(keychainService(), { linuxStore: 'secret-service' });
}

export class CredentialStore {
  private readonly storeOf: () => SecretStore;
  private readonly now: () => number;
  private readonly listeners = new Set<CredentialChangeListener>();

  constructor(opts: CredentialStoreOptions = {}) {
    const s = opts.store;
    this.storeOf = typeof s === 'function' ? s : s ? () => s : defaultCredentialKeychain;
    this.now = opts.now ?? Date.now;
  }

  /** Validates and stores (replaces) a venue's credentials; emits a 'set' change. Throws CredentialsError or KeychainUnavailableError. */
  set<V extends string>(venue: V, creds: CredentialsInput<V>): CredentialStatus;
  set(venue: string, creds: unknown): CredentialStatus;
  set(venue: string, creds: unknown): CredentialStatus {
    const id = parseVenueId(venue);
    const fields = validateCredentials(id, creds) as unknown as Record<string, string>;
    const updatedAt = this.now();
    const stored: Stored = { v: 1, venue: id, updatedAt, fields };
    this.storeOf().set(credentialsAccount(id), JSON.stringify(stored));
    const names = Object.keys(fields);
    this.emit({ venue: id, action: 'set', fields: names, ts: updatedAt });
    return { venue: id, present: true, fields: names, updatedAt };
  }

  /** The stored credentials of a venue, or null. For the engine only: the values are secret. */
  get<V extends string>(venue: V): CredentialsFor<V> | null {
    const id = parseVenueId(venue);
    const stored = this.read(id);
    if (!stored) return null;
    let creds: CredentialsFor<V>;
    try {
      creds = validateCredentials(id, stored.fields) as CredentialsFor<V>;
    } catch (e) {
      if (!(e instanceof CredentialsError)) throw e;
      throw new CredentialsError(e.field, `the stored ${e.message}; store them again with \`tradedesk credentials set --venue ${id}\``);
    }
    return sealCredentials(creds);
  }

  /** Removes a venue's credentials; true if there were some. Emits a 'delete' change only then. */
  delete(venue: string): boolean {
    const id = parseVenueId(venue);
    const store = this.storeOf();
    let fields: string[] = [];
    try {
      fields = Object.keys(this.read(id, store)?.fields ?? {});
    } catch (e) {
      // an unreadable entry can still be deleted
      if (!(e instanceof CredentialsError)) throw e;
    }
    const deleted = store.delete(credentialsAccount(id));
    if (deleted) this.emit({ venue: id, action: 'delete', fields, ts: this.now() });
    return deleted;
  }

  /** Which fields are stored for a venue, and since when. Never a value. */
  status(venue: string): CredentialStatus {
    const id = parseVenueId(venue);
    const stored = this.read(id);
    if (!stored) return { venue: id, present: false, fields: [], updatedAt: null };
    return { venue: id, present: true, fields: Object.keys(stored.fields), updatedAt: stored.updatedAt };
  }

  /** Venues that have credentials stored, sorted. */
  list(): VenueId[] {
    const store = this.storeOf();
    if (!store.list) throw new TradedeskError('NOT_SUPPORTED', `the ${store.kind} secret store cannot list its entries`);
    const venues = new Set<VenueId>();
    for (const account of store.list()) {
      if (!account.startsWith(CREDENTIALS_ACCOUNT_PREFIX)) continue;
      const v = account.slice(CREDENTIALS_ACCOUNT_PREFIX.length);
      if (isVenueId(v)) venues.add(v);
    }
    return [...venues].sort();
  }

  /** Calls `listener` after every successful set or delete. Returns the unsubscribe function. */
  onChange(listener: CredentialChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private read(id: VenueId, store = this.storeOf()): Stored | null {
    const raw = store.get(credentialsAccount(id));
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const r = StoredSchema.safeParse(parsed);
    if (!r.success) {
      throw new CredentialsError('credentials', `the keychain entry for ${id} is not in tradedesk's format; store the credentials again with \`tradedesk credentials set --venue ${id}\``);
    }
    return r.data;
  }

  private emit(change: CredentialChange): void {
    let failure: unknown;
    for (const l of [...this.listeners]) {
      try {
        l({ ...change, fields: [...change.fields] });
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

let defaultStore: CredentialStore | undefined;

/** The process-wide store the functions below use (the OS keychain). */
export function defaultCredentialStore(): CredentialStore {
  defaultStore ??= new CredentialStore();
  return defaultStore;
}

export function setCredentials<V extends string>(venue: V, creds: CredentialsInput<V>): CredentialStatus;
export function setCredentials(venue: string, creds: unknown): CredentialStatus;
export function setCredentials(venue: string, creds: unknown): CredentialStatus {
  return defaultCredentialStore().set(venue, creds);
}

/** For the engine only: the secret values, or null when none are stored. */
export function getCredentials<V extends string>(venue: V): CredentialsFor<V> | null {
  return defaultCredentialStore().get(venue);
}

export function deleteCredentials(venue: string): boolean {
  return defaultCredentialStore().delete(venue);
}

export function credentialStatus(venue: string): CredentialStatus {
  return defaultCredentialStore().status(venue);
}

export function listCredentialVenues(): VenueId[] {
  return defaultCredentialStore().list();
}

/** Subscribes to set/delete changes made through this process's default store. */
export function onCredentialChange(listener: CredentialChangeListener): () => void {
  return defaultCredentialStore().onChange(listener);
}
