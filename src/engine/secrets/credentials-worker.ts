// Worker-thread entry for one credential operation on the OS keychain. The
// keychain's calls are synchronous, and a keychain that stalls or asks the user
// to unlock it (macOS after an app update, a locked gnome-keyring) would hold
// the thread they run on: here that is this worker's, not the engine's. Posts
// exactly one reply.
import { parentPort, workerData } from 'node:worker_threads';
import type { CredentialJob, CredentialReply } from './credential-job.js';
import { credentialStatus, deleteCredentials, getCredentials, listCredentialVenues, setCredentials } from './credentials.js';

if (parentPort === null) throw new Error('credentials-worker.ts must be started as a worker thread (see credentials-off-thread.ts)');
const job = workerData as CredentialJob;

function run(j: CredentialJob): Extract<CredentialReply, { ok: true }>['value'] {
  switch (j.op) {
    case 'statusAll': {
      const venues = new Set<string>(['alpaca', 'alpaca-live', ...listCredentialVenues()]);
      return [...venues].map((v) => credentialStatus(v));
    }
    case 'set':
      return setCredentials(j.venue, j.fields);
    case 'delete': {
      const removed = deleteCredentials(j.venue);
      return { removed, status: credentialStatus(j.venue) };
    }
    case 'get': {
      const c = getCredentials(j.venue);
      return c ? { ...c } : null; // the plain fields (the seal does not cross threads; the engine seals its copy)
    }
  }
}

let reply: CredentialReply;
try {
  reply = { ok: true, value: run(job) };
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  const { code, field } = err as { code?: unknown; field?: unknown };
  reply = { ok: false, name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}), ...(typeof field === 'string' ? { field } : {}) };
}
parentPort.postMessage(reply);
