// The connection problem banner (bad token, engine unreachable), the READ-ONLY
// banner (the engine shows a journal without trading), the reconciliation
// banner (differences hold trading at REDUCING) and the toast showing the
// outcome of the last command.
import { useEffect } from 'react';
import { setDockTab } from '../store/decision-store.js';
import { clearNotice, useDesk } from '../store/desk-store.js';
import { unacknowledged, useRecon } from '../store/recon-store.js';

export function ConnectionBanner({ bootError }: { bootError: string | null }) {
  const problem = useDesk((s) => s.problem);
  const connection = useDesk((s) => s.connection);
  const text = bootError ?? (connection === 'open' ? null : problem);
  if (!text) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="connection-error" data-state={connection}>
      <strong>Not connected to the engine.</strong> {text}
      {!bootError && <span className="muted"> Trading controls are off until the link is back; the layout and settings are kept, and the view reloads from the engine when it reconnects.</span>}
    </div>
  );
}

export function ReadOnlyBanner() {
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const journal = useDesk((s) => s.status?.journal ?? null);
  if (!readOnly) return null;
  return (
    <div className="banner banner-readonly" role="status" data-testid="read-only-banner">
      <span className="readonly-tag">READ-ONLY</span>
      {journal ? (
        <>
          Showing the journal in <code className="mono">{journal}</code> read-only; trading is off.
        </>
      ) : (
        'Showing the journal read-only; trading is off.'
      )}{' '}
      <span className="muted">HALT, RESUME, KILL and cancel are disabled.</span>
    </div>
  );
}

export function ReconciliationBanner() {
  const state = useRecon((s) => s.view?.state ?? null);
  const open = useRecon((s) => unacknowledged(s.view));
  if (state !== 'differences') return null;
  return (
    <div className="banner banner-recon" role="alert" data-testid="reconciliation-banner">
      <span className="recon-tag">RECONCILIATION</span>
      <span>
        Trading is <b>REDUCING</b> until every reconciliation difference is acknowledged.
      </span>
      <span className="muted">{open} still open.</span>
      <button type="button" className="link-btn banner-link" data-testid="reconciliation-banner-link" onClick={() => setDockTab('reconciliation')}>
        Review the differences →
      </button>
    </div>
  );
}

const INFO_MS = 6000;

export function NoticeToast() {
  const notice = useDesk((s) => s.notice);
  useEffect(() => {
    if (!notice || notice.kind !== 'info') return;
    const t = setTimeout(clearNotice, INFO_MS);
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`toast toast-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="command-notice" data-kind={notice.kind}>
      <span>{notice.text}</span>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={clearNotice}>
        ×
      </button>
    </div>
  );
}
