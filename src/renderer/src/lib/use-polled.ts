// Asks the engine for something now and every `intervalMs` while mounted and
// connected, with at most one call in flight (a slow answer never piles up).
// A change of `refreshKey` asks again at once (after a command changed what is shown).
import { useEffect, useState } from 'react';
import type { RendererClient } from '../transport/renderer-client.js';
import { useClient } from '../components/client-context.js';
import { useDesk } from '../store/desk-store.js';
import { errorCode, errorMessage } from '../transport/errors.js';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  /** The last error's stable code (UNKNOWN_COMMAND, ...), or null. */
  code: string | null;
  /** Wall-clock ms of the last answer. */
  at: number;
}

export function usePolled<T>(fetch: (client: RendererClient) => Promise<T>, intervalMs: number, refreshKey: unknown = 0): Polled<T> {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open');
  const [state, setState] = useState<Polled<T>>({ data: null, error: null, code: null, at: 0 });
  useEffect(() => {
    if (!client || !connected) return;
    let live = true;
    let busy = false;
    const load = () => {
      if (busy) return;
      busy = true;
      fetch(client)
        .then(
          (data) => live && setState({ data, error: null, code: null, at: Date.now() }),
          (e: unknown) => live && setState((s) => ({ ...s, error: errorMessage(e), code: errorCode(e) })),
        )
        .finally(() => {
          busy = false;
        });
    };
    load();
    const t = setInterval(load, intervalMs);
    return () => {
      live = false;
      clearInterval(t);
    };
    // `fetch` is a module-level function at every call site, so it never changes
  }, [client, connected, intervalMs, refreshKey]);
  return state;
}
