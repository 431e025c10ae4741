// Turns anything a command may throw into a short message for the UI, and
// reads the stable error code (KEYCHAIN_UNAVAILABLE, ...) when there is one.
import { ApiFailure } from '../../../shared/api/protocol.js';

export function errorMessage(e: unknown): string {
  if (e instanceof ApiFailure) return `${e.message} (${e.code})`;
  if (e instanceof Error) {
    // Electron wraps errors thrown in the main process: strip its prefix.
    return e.message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '');
  }
  return String(e);
}

/** The error's stable code (ApiFailure.code), or null. */
export function errorCode(e: unknown): string | null {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : null;
}
