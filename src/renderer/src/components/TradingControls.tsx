// Trading-state badge and the HALT / RESUME / KILL / FLATTEN controls. HALT
// acts at once; KILL and FLATTEN ask for confirmation (FLATTEN then shows its
// result); RESUME asks for confirmation and a reason. All are off while the
// engine shows a journal read-only. The keyboard shortcuts (shell/shortcuts.ts)
// post requests here, so they take the same confirmation flows; a refused
// command or shortcut shows its reason next to the buttons.
import { useEffect, useState } from 'react';
import type { TradingState } from '../../../shared/domain.js';
import { errorMessage } from '../transport/errors.js';
import { applyStatus, notify, useDesk } from '../store/desk-store.js';
import { useKillRequest } from '../shell/shortcuts.js';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';
import { FlattenDialog } from './FlattenDialog.js';

const STATE_CLASS: Record<TradingState, string> = { ACTIVE: 'state-active', REDUCING: 'state-reducing', HALTED: 'state-halted' };

export function TradingControls() {
  const client = useClient();
  const state = useDesk((s) => s.status?.tradingState ?? null);
  const connected = useDesk((s) => s.connection === 'open' && s.synced);
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const [dialog, setDialog] = useState<'kill' | 'resume' | 'flatten' | null>(null);
  const [halting, setHalting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = client !== null && connected && state !== null && !readOnly;
  const why = (title: string) => (readOnly ? 'Read-only: trading is off' : title);
  // A dialog closes only itself: KILL's answer can come after the trader has already opened RESUME from the keyboard.
  const closeDialog = (which: 'kill' | 'resume' | 'flatten') => () => setDialog((d) => (d === which ? null : d));
  const request = useKillRequest();

  const halt = async () => {
    if (!client) return;
    setHalting(true);
    setError(null);
    try {
      applyStatus(await client.call('halt', { reason: 'Manual halt from the UI' }));
      notify('info', 'Trading HALTED: new orders are denied.');
    } catch (e) {
      setError(`HALT refused: ${errorMessage(e)}`);
      notify('error', `HALT failed: ${errorMessage(e)}`);
    } finally {
      setHalting(false);
    }
  };

  const resume = async (reason: string) => {
    if (!client) return;
    try {
      applyStatus(await client.call('resume', { reason }));
      notify('info', `Trading resumed: ${reason}`);
    } catch (e) {
      throw new Error(`RESUME failed: ${errorMessage(e)}`);
    }
  };

  const kill = async () => {
    if (!client) return;
    try {
      const r = await client.call('kill', { reason: 'Kill switch from the UI' });
      applyStatus(r.status);
      notify(
        r.stillOpen > 0 ? 'error' : 'info',
        `KILL: ${r.canceled} open order${r.canceled === 1 ? '' : 's'} canceled${r.stillOpen > 0 ? `, ${r.stillOpen} still open` : ''}; trading ${r.status.tradingState}.`,
      );
    } catch (e) {
      throw new Error(`KILL failed: ${errorMessage(e)}`);
    }
  };

  // A keyboard shortcut: the same as pressing the button, or the reason it cannot act.
  useEffect(() => {
    const action = request.action;
    if (!action || request.seq === 0) return;
    const name = action.toUpperCase();
    if (!ready) {
      setError(`${name} unavailable: ${readOnly ? 'read-only, trading is off' : 'not connected to the engine'}`);
      return;
    }
    if (action === 'halt' && state === 'HALTED') setError('HALT: trading is already HALTED');
    else if (action === 'resume' && state === 'ACTIVE') setError('RESUME: trading is already ACTIVE');
    else if (action === 'halt') void halt();
    else {
      setError(null);
      setDialog(action);
    }
    // only a new request acts; the state it reads is the current render's
  }, [request.seq]);

  return (
    <div className="controls">
      <span
        className={`state-badge ${state ? STATE_CLASS[state] : 'state-unknown'}`}
        data-testid="trading-state"
        title="Trading state (risk engine)"
      >
        {state ?? '—'}
      </span>
      <button
        type="button"
        className="btn btn-warning"
        data-testid="halt-button"
        disabled={!ready || halting || state === 'HALTED'}
        onClick={() => void halt()}
        title={why('Stop all new orders now')}
      >
        {halting ? 'Halting…' : 'Halt'}
      </button>
      <button
        type="button"
        className="btn btn-primary"
        data-testid="resume-button"
        disabled={!ready || state === 'ACTIVE'}
        onClick={() => setDialog('resume')}
        title={why('Resume trading (asks for a reason)')}
      >
        Resume
      </button>
      <button
        type="button"
        className="btn btn-danger"
        data-testid="kill-button"
        disabled={!ready}
        onClick={() => setDialog('kill')}
        title={why('Cancel every open order and halt')}
      >
        Kill
      </button>
      <button
        type="button"
        className="btn btn-danger-outline"
        data-testid="flatten-button"
        disabled={!ready}
        onClick={() => setDialog('flatten')}
        title={why('Cancel every open order, halt, and close every position')}
      >
        Flatten
      </button>
      {error && (
        <span className="control-error" role="alert" data-testid="trading-controls-error">
          {error}
          <button type="button" className="control-error-close" aria-label="Dismiss this message" onClick={() => setError(null)}>
            ×
          </button>
        </span>
      )}
      {dialog === 'flatten' && <FlattenDialog onClose={closeDialog('flatten')} />}
      {dialog === 'kill' && (
        <ConfirmModal
          title="Kill switch"
          tone="danger"
          confirmLabel="Kill: cancel all & halt"
          body={<p>Cancel every open order and halt trading. New orders will be denied until trading is resumed.</p>}
          onConfirm={() => kill()}
          onClose={closeDialog('kill')}
        />
      )}
      {dialog === 'resume' && (
        <ConfirmModal
          title="Resume trading"
          tone="primary"
          confirmLabel="Resume trading"
          reasonLabel="Reason (journaled with the state change)"
          body={
            <p>
              Trading is <strong>{state}</strong>. Resuming lets strategies submit orders again.
            </p>
          }
          onConfirm={(reason) => resume(reason)}
          onClose={closeDialog('resume')}
        />
      )}
    </div>
  );
}
