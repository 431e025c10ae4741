// In-app confirmation dialog (never window.confirm): an optional reason field
// (required unless told otherwise), busy state while the command runs, and the
// command's error if it fails.
import { useEffect, useRef, useState, type ReactNode } from 'react';

interface ConfirmModalProps {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  tone: 'danger' | 'warning' | 'primary';
  /** When set, the dialog asks for a reason and disables confirm while it is empty. */
  reasonLabel?: string;
  /** With reasonLabel: false lets the reason stay empty. */
  reasonRequired?: boolean;
  /** Test ids of the confirm button and the reason field. */
  confirmTestId?: string;
  reasonTestId?: string;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
}

export function ConfirmModal({ title, body, confirmLabel, tone, reasonLabel, reasonRequired = true, confirmTestId = 'modal-confirm', reasonTestId = 'resume-reason', onConfirm, onClose }: ConfirmModalProps) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const needsReason = reasonLabel !== undefined;
  const canConfirm = !busy && (!needsReason || !reasonRequired || reason.trim().length > 0);

  useEffect(() => {
    (needsReason ? inputRef.current : confirmRef.current)?.focus();
  }, [needsReason]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);

  const submit = async () => {
    if (!canConfirm) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className={`modal modal-${tone}`} role="dialog" aria-modal="true" aria-labelledby="modal-title" data-testid="modal">
        <h3 id="modal-title" className="modal-title">
          {title}
        </h3>
        <div className="modal-body">{body}</div>
        {needsReason && (
          <label className="modal-field">
            <span>{reasonLabel}</span>
            <input
              ref={inputRef}
              type="text"
              value={reason}
              maxLength={500}
              placeholder={reasonRequired ? 'Required' : 'Optional'}
              data-testid={reasonTestId}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && void submit()}
            />
          </label>
        )}
        {error && (
          <div className="modal-error" role="alert" data-testid="modal-error">
            {error}
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="btn btn-ghost" data-testid="modal-cancel" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="button"
            className={`btn btn-${tone}`}
            data-testid={confirmTestId}
            disabled={!canConfirm}
            onClick={() => void submit()}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
