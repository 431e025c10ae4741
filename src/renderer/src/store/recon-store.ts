// The latest reconciliation with the venue (state, trigger, differences) for
// the Reconciliation tab, its badge and the REDUCING banner. Asked on every
// (re)connect, then again when status, orders or positions change, at most
// once per second, and after each acknowledge.
import { create } from 'zustand';
import type { ReconciliationView } from '../../../shared/api/contract.js';
import { throttle } from '../lib/throttle.js';
import type { RendererClient } from '../transport/renderer-client.js';
import { errorMessage } from '../transport/errors.js';
import { useDesk } from './desk-store.js';

export const RECON_REFRESH_MS = 1000;

export interface ReconState {
  view: ReconciliationView | null;
  error: string | null;
}

export const useRecon = create<ReconState>()(() => ({ view: null, error: null }));

export function setReconView(view: ReconciliationView): void {
  useRecon.setState({ view, error: null });
}

/** Differences the operator has not acknowledged yet. */
export function unacknowledged(view: ReconciliationView | null): number {
  return view ? view.differences.filter((d) => !d.acknowledged).length : 0;
}

let refresh: () => void = () => undefined;

/** Asks for the reconciliation again (throttled); a no-op before startReconSync. */
export function refreshReconciliation(): void {
  refresh();
}

export function startReconSync(client: RendererClient, ms = RECON_REFRESH_MS): () => void {
  let busy = false;
  let again = false;
  const load = (): void => {
    if (useDesk.getState().connection !== 'open') return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    client.call('reconciliation', {}).then(
      (view) => setReconView(view),
      (e: unknown) => useRecon.setState({ error: errorMessage(e) }),
    ).finally(() => {
      busy = false;
      if (again) {
        again = false;
        t.trigger();
      }
    });
  };
  const t = throttle(load, ms);
  refresh = () => t.trigger();
  const off = useDesk.subscribe((s, prev) => {
    if (s.connection === 'open' && prev.connection !== 'open') t.trigger();
    else if (s.status !== prev.status || s.orders !== prev.orders || s.positions !== prev.positions) t.trigger();
  });
  if (useDesk.getState().connection === 'open') t.trigger();
  return () => {
    off();
    t.cancel();
    refresh = () => undefined;
  };
}
