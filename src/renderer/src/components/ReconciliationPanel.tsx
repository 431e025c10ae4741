// The dock's Reconciliation tab: the last reconciliation with the venue
// (state, what triggered it, when) and its differences, each with an
// Acknowledge button; plus the tab's badge (unacknowledged differences) and
// the dock summary. The data comes from the reconciliation store.
import { useState } from 'react';
import type { ReconciliationView } from '../../../shared/api/contract.js';
import { DASH, fmtDateTime } from '../lib/format.js';
import { useDesk } from '../store/desk-store.js';
import { refreshReconciliation, setReconView, unacknowledged, useRecon } from '../store/recon-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';

type State = ReconciliationView['state'];

const STATE_LABEL: Record<State, string> = {
  none: 'NOT RUN',
  running: 'RUNNING',
  complete: 'COMPLETE',
  differences: 'DIFFERENCES',
  failed: 'FAILED',
};

function explain(view: ReconciliationView, venue: string, tradingState: string | null): string {
  const open = unacknowledged(view);
  switch (view.state) {
    case 'none':
      return venue === 'sim' ? 'The simulator keeps its own book: there is no broker to reconcile with.' : `No reconciliation with ${venue} has run yet.`;
    case 'running':
      return `Comparing orders, fills and positions with ${venue}…`;
    case 'complete':
      return view.differences.length ? `Every difference has been acknowledged; ${venue} and Tradedesk agree.` : `Orders, fills and positions match ${venue}.`;
    case 'differences':
      return `${open} difference${open === 1 ? '' : 's'} with ${venue} to acknowledge: trading is REDUCING until every one is.`;
    case 'failed':
      return `Reconciliation with ${venue} failed${view.error ? `: ${view.error}` : ''}. Trading stays ${tradingState ?? DASH}.`;
  }
}

export function ReconTabBadge() {
  const n = useRecon((s) => unacknowledged(s.view));
  if (n === 0) return null;
  return (
    <span className="tab-badge" data-testid="reconciliation-badge" title={`${n} unacknowledged reconciliation difference${n === 1 ? '' : 's'}`}>
      {n}
    </span>
  );
}

export function ReconSummary() {
  const view = useRecon((s) => s.view);
  if (!view) return <span className="muted">Loading…</span>;
  const open = unacknowledged(view);
  return (
    <span className="muted">
      {view.differences.length} difference{view.differences.length === 1 ? '' : 's'}
      {open > 0 && (
        <>
          {' · '}
          <b className="down">{open} unacknowledged</b>
        </>
      )}
    </span>
  );
}

export function ReconciliationPanel() {
  const client = useClient();
  const view = useRecon((s) => s.view);
  const loadError = useRecon((s) => s.error);
  const venue = useDesk((s) => s.status?.venue ?? 'the venue');
  const tradingState = useDesk((s) => s.status?.tradingState ?? null);
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const [acking, setAcking] = useState<string | null>(null);
  const [ackError, setAckError] = useState<string | null>(null);

  const ack = async (id: string) => {
    if (!client) return;
    setAcking(id);
    setAckError(null);
    try {
      setReconView(await client.call('acknowledgeDifference', { id }));
    } catch (e) {
      setAckError(`Not acknowledged: ${errorMessage(e)}`);
    } finally {
      setAcking(null);
      refreshReconciliation();
    }
  };

  if (!view) {
    return <div className="empty">{loadError ? `Could not load the reconciliation: ${loadError}` : 'Loading the reconciliation…'}</div>;
  }
  return (
    <div className="recon" data-testid="reconciliation-view">
      <div className={`recon-head rs-${view.state}`}>
        <span className="recon-state" data-testid="reconciliation-state" data-state={view.state}>
          {STATE_LABEL[view.state]}
        </span>
        <span className="recon-meta">
          <span className="meta-key">Trigger</span> {view.state === 'none' ? DASH : view.trigger === 'start' ? 'engine start' : 'reconnect'}
        </span>
        <span className="recon-meta" data-testid="reconciliation-started" data-ts={view.startedAt}>
          <span className="meta-key">Started</span> {view.startedAt > 0 ? fmtDateTime(view.startedAt) : 'never'}
        </span>
        <span className="recon-explain">{explain(view, venue, tradingState)}</span>
      </div>
      {(ackError ?? loadError) && (
        <div className="inline-error" role="alert">
          {ackError ?? `Could not refresh: ${loadError}`}
        </div>
      )}
      {view.differences.length === 0 ? (
        <div className="empty">No differences.</div>
      ) : (
        <table className="grid-table recon-table">
          <thead>
            <tr>
              <th className="l">Kind</th>
              <th className="l">Symbol</th>
              <th className="l">Detail</th>
              <th className="l">Status</th>
            </tr>
          </thead>
          <tbody>
            {view.differences.map((d) => (
              <tr key={d.id} className={d.acknowledged ? 'recon-acked' : 'recon-open'} data-testid="reconciliation-diff" data-id={d.id} data-acknowledged={String(d.acknowledged)}>
                <td className="l">
                  <span className={`chip recon-kind rk-${d.kind}`}>{d.kind}</span>
                </td>
                <td className="l sym">{d.symbol}</td>
                <td className="l recon-detail" title={d.detail}>
                  {d.detail}
                </td>
                <td className="l action-col">
                  {d.acknowledged ? (
                    <span className="muted">✓ acknowledged</span>
                  ) : (
                    <button type="button" className="btn btn-xs btn-warning" data-testid="reconciliation-ack" disabled={!client || readOnly || acking !== null} onClick={() => void ack(d.id)}>
                      {acking === d.id ? 'Working…' : 'Acknowledge'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
