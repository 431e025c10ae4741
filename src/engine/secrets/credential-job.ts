// The messages between the engine and the credentials worker
// (credentials-worker.ts): one job in, exactly one reply out.
import type { CredentialStatus } from './credentials.js';

export type CredentialJob =
  /** The status of every venue with credentials, and of Alpaca paper and live always. */
  | { op: 'statusAll' }
  | { op: 'set'; venue: string; fields: unknown }
  /** Deletes, then reads the venue's status back. */
  | { op: 'delete'; venue: string };

export type CredentialReply =
  | { ok: true; value: CredentialStatus[] | CredentialStatus | { removed: boolean; status: CredentialStatus } }
  | { ok: false; name: string; code?: string; field?: string; message: string };
