// FLATTEN confirmation and result: cancel every open order, halt, then send
// closing orders for every position. The dialog stays open to show what
// happened (orders canceled, closing orders sent, positions left) and turns
// into an error naming the positions still held if any are left.
import { useEffect, useRef, useState } from 'react';
import type { CommandResult } from '../../../shared/api/contract.js';
import { applyStatus, notify, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';

type FlattenResult = CommandResult<'flatten'>;

export function FlattenDialog({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const positions = useDesk((s) => s.positions);
  const openOrders = useDesk((s) => s.status?.openOrders ?? 0);
  const instruments = useDesk((s) => s.instruments);
  const [phase, setPhase] = useState<'confirm' | 'running' | 'done'>('confirm');
  const [result, setResult] = useState<FlattenResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    (phase === 'done' ? closeRef.current : confirmRef.current)?.focus();
  }, [phase]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && phase !== 'running') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phase, onClose]);

  const run = async () => {
    if (!client) return;
    setPhase('running');
    setError(null);
    try {
      const r = await client.call('flatten', { reason: 'Flatten from the UI' });
      applyStatus(r.status);
      setResult(r);
      setPhase('done');
      const bad = r.positionsLeft > 0 || r.stillOpen > 0;
      notify(
        bad ? 'error' : 'info',
        `FLATTEN: ${r.canceled} canceled, ${r.flattenOrders} closing order${r.flattenOrders === 1 ? '' : 's'} sent, ${r.positionsLeft} position${r.positionsLeft === 1 ? '' : 's'} left; trading ${r.status.tradingState}.`,
      );
    } catch (e) {
      setError(`FLATTEN failed: ${errorMessage(e)}`);
      setPhase('confirm');
    }
  };

  const calendar = new Map(instruments.map((i) => [i.symbol, i.calendar]));
  const left = positions.filter((p) => p.qty !== 0);
  const bad = result !== null && (result.positionsLeft > 0 || result.stillOpen > 0);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && phase !== 'running' && onClose()}>
      <div className={`modal modal-${bad ? 'danger' : phase === 'done' ? 'primary' : 'danger'}`} role="dialog" aria-modal="true" aria-labelledby="flatten-title" data-testid="modal">
        <h3 id="flatten-title" className="modal-title">
          {phase === 'done' ? (bad ? 'Flatten incomplete' : 'Flattened') : 'Flatten all positions'}
        </h3>
        {phase !== 'done' && (
          <div className="modal-body">
            <p>
              Cancel every open order, <strong>halt trading</strong>, then send closing orders for every position. Trading stays HALTED until it is resumed.
            </p>
            <div className="flatten-now">
              <span>
                <b>{openOrders}</b> open order{openOrders === 1 ? '' : 's'}
              </span>
              <span>
                <b>{left.length}</b> position{left.length === 1 ? '' : 's'}
              </span>
            </div>
          </div>
        )}
        {phase === 'done' && result && (
          <div
            className={`flatten-result ${bad ? 'bad' : 'ok'}`}
            data-testid="flatten-result"
            data-canceled={result.canceled}
            data-flatten-orders={result.flattenOrders}
            data-positions-left={result.positionsLeft}
            data-still-open={result.stillOpen}
          >
            <div className="fr-grid">
              <div className="fr-cell">
                <div className="stat-label">Orders canceled</div>
                <div className="fr-num">{result.canceled}</div>
              </div>
              <div className="fr-cell">
                <div className="stat-label">Closing orders</div>
                <div className="fr-num">{result.flattenOrders}</div>
              </div>
              <div className={`fr-cell ${result.positionsLeft > 0 ? 'bad' : ''}`}>
                <div className="stat-label">Positions left</div>
                <div className="fr-num" data-testid="flatten-positions-left">
                  {result.positionsLeft}
                </div>
              </div>
            </div>
            {bad ? (
              <div className="modal-error" role="alert" data-testid="flatten-error">
                {result.positionsLeft > 0 && (
                  <>
                    {result.positionsLeft} position{result.positionsLeft === 1 ? ' is' : 's are'} still open
                    {left.length > 0 && (
                      <>
                        :{' '}
                        {left.map((p, i) => (
                          <span key={p.symbol}>
                            {i > 0 ? ', ' : ''}
                            <b>{p.symbol}</b>
                            {calendar.get(p.symbol) === 'nyse' ? ' (NYSE: market may be closed)' : ''}
                          </span>
                        ))}
                      </>
                    )}
                    . Closing orders cannot fill while a market is closed; close them when it opens.{' '}
                  </>
                )}
                {result.stillOpen > 0 && `${result.stillOpen} order${result.stillOpen === 1 ? '' : 's'} still open at the venue.`}
              </div>
            ) : (
              <p className="fr-ok">Every position is closed and no order is open. Trading is {result.status.tradingState}.</p>
            )}
          </div>
        )}
        {error && (
          <div className="modal-error" role="alert" data-testid="modal-error">
            {error}
          </div>
        )}
        <div className="modal-actions">
          {phase === 'done' ? (
            <button ref={closeRef} type="button" className="btn btn-primary" data-testid="modal-close" onClick={onClose}>
              Close
            </button>
          ) : (
            <>
              <button type="button" className="btn btn-ghost" data-testid="modal-cancel" disabled={phase === 'running'} onClick={onClose}>
                Cancel
              </button>
              <button
                ref={confirmRef}
                type="button"
                className="btn btn-danger"
                data-testid="modal-confirm"
                disabled={phase === 'running' || !client}
                onClick={() => void run()}
              >
                {phase === 'running' ? 'Flattening…' : 'Flatten: cancel, halt & close'}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
