// The engine's credential commands (Settings > Brokers: status, store, delete,
// and the keys a connection test uses) run on a short-lived worker thread
// (credentials-worker.ts), so a keychain that stalls or prompts holds that
// worker, never the engine's thread with its quotes, risk checks and kill
// switch. Errors come back with their code and field (KEYCHAIN_UNAVAILABLE,
// CREDENTIALS_INVALID...), as thrown in the worker; a keychain that does not
// answer within KEYCHAIN_WAIT_MS fails the command as KEYCHAIN_UNAVAILABLE.
import { workerStart } from '../core/worker-entries.js';
import { runWorkerJob } from '../core/worker-job.js';
import type { CredentialJob, CredentialReply } from './credential-job.js';
import { sealCredentials, type CredentialStatus, type CredentialsFor } from './credentials.js';
import { KeychainUnavailableError } from './keychain.js';

/** The worker's TypeScript source (run through the tsx entry when no build is set). */
export const CREDENTIALS_WORKER_URL = new URL('./credentials-worker.ts', import.meta.url);

/** An error from the worker, rebuilt with its name, code and field. */
export class CredentialWorkerError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code: string | undefined,
    readonly field: string | undefined,
  ) {
    super(message);
    this.name = name;
  }
}

/** How long a credential command waits for the keychain (one waiting for its user to unlock it waits with them, up to this). */
export const KEYCHAIN_WAIT_MS = 60_000;

export interface OffThreadOptions {
  /** Default KEYCHAIN_WAIT_MS; then the command fails with KEYCHAIN_UNAVAILABLE and its worker is ended. */
  timeoutMs?: number;
}

function run<T>(job: CredentialJob, o: OffThreadOptions): Promise<T> {
  const ms = o.timeoutMs ?? KEYCHAIN_WAIT_MS;
  return runWorkerJob<T, CredentialReply>(workerStart('credentials', CREDENTIALS_WORKER_URL), {
    name: 'credentials worker',
    workerData: job,
    signal: AbortSignal.timeout(ms),
    abortError: () => new KeychainUnavailableError(`it did not answer within ${ms / 1000} s (is it waiting to be unlocked?)`),
    onMessage: (m, settle) => (m.ok ? settle.resolve(m.value as T) : settle.reject(new CredentialWorkerError(m.name, m.message, m.code, m.field))),
  });
}

/** The status of every venue with credentials, and of Alpaca paper and live always. */
export function credentialStatusAll(o: OffThreadOptions = {}): Promise<CredentialStatus[]> {
  return run({ op: 'statusAll' }, o);
}

/** Validates and stores a venue's credentials (the values travel to the worker in memory only). */
export function storeCredentials(venue: string, fields: unknown, o: OffThreadOptions = {}): Promise<CredentialStatus> {
  return run({ op: 'set', venue, fields }, o);
}

/** Deletes a venue's credentials; whether there were some, and its status after. */
export function removeCredentials(venue: string, o: OffThreadOptions = {}): Promise<{ removed: boolean; status: CredentialStatus }> {
  return run({ op: 'delete', venue }, o);
}

/** A venue's stored credentials (sealed: they never print), or null; for the engine only. */
export async function readCredentials<V extends string>(venue: V, o: OffThreadOptions = {}): Promise<CredentialsFor<V> | null> {
  const c = await run<CredentialsFor<V> | null>({ op: 'get', venue }, o);
  return c ? sealCredentials(c) : null;
}
