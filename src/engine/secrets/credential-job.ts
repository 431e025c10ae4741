// The messages between the engine and the credentials worker
// (credentials-worker.ts): one job in, exactly one reply out.
import type { CredentialStatus, VenueCredentials } from './credentials.js';

export type CredentialJob =
  /** The status of every venue with credentials, and of Alpaca paper and live always. */
  | { op: 'statusAll' }
  | { op: 'set'; venue: string; fields: unknown }
  /** Deletes, then reads the venue's status back. */
  | { op: 'delete'; venue: string }
  /** The stored values (for a connection test), copied into the engine's memory only. */
  | { op: 'get'; venue: string };

export type CredentialReply =
  | { ok: true; value: CredentialStatus[] | CredentialStatus | { removed: boolean; status: CredentialStatus } | VenueCredentials | null }
  | { ok: false; name: string; code?: string; field?: string; message: string };
