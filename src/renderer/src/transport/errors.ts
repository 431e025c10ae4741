// Turns anything a command may throw into a short message for the UI.
import { ApiFailure } from '../../../shared/api/protocol.js';

export function errorMessage(e: unknown): string {
  if (e instanceof ApiFailure) return `${e.message} (${e.code})`;
  if (e instanceof Error) {
    // Electron wraps errors thrown in the main process: strip its prefix.
    return e.message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '');
  }
  return String(e);
}
