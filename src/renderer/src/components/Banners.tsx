// The connection problem banner (bad token, engine unreachable) and the toast
// showing the outcome of the last command.
import { useEffect } from 'react';
import { clearNotice, useDesk } from '../store/desk-store.js';

export function ConnectionBanner({ bootError }: { bootError: string | null }) {
  const problem = useDesk((s) => s.problem);
  const connection = useDesk((s) => s.connection);
  const text = bootError ?? (connection === 'open' ? null : problem);
  if (!text) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="connection-error">
      <strong>Not connected to the engine.</strong> {text}
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
