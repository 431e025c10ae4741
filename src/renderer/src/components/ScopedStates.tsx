// Trading states below the account: one chip per strategy or instrument that
// is HALTED or REDUCING (from EngineStatus.scopedStates), each with a RESUME
// that asks for a reason, and a HALT for the instrument selected in the
// watchlist (scoped: the rest of the account keeps trading).
import { useState } from 'react';
import type { StateScope } from '../../../shared/api/contract.js';
import type { TradingState } from '../../../shared/domain.js';
import { applyStatus, notify, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';

/** 'strategy:ma_cross' -> {strategy}, 'instrument:SPY' -> {symbol}; the account has no scope. */
export function parseScope(scope: string): { kind: 'strategy' | 'instrument'; name: string; arg: StateScope } | null {
  const i = scope.indexOf(':');
  if (i < 0) return null;
  const kind = scope.slice(0, i);
  const name = scope.slice(i + 1);
  if (kind === 'strategy') return { kind, name, arg: { strategy: name } };
  if (kind === 'instrument') return { kind, name, arg: { symbol: name } };
  return null;
}

interface Scoped {
  scope: string;
  state: TradingState;
}

export function ScopedStates() {
  const client = useClient();
  const scoped = useDesk((s) => s.status?.scopedStates);
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const connected = useDesk((s) => s.connection === 'open' && s.synced);
  const selected = useDesk((s) => s.selected);
  const [resuming, setResuming] = useState<Scoped | null>(null);
  const [halting, setHalting] = useState(false);
  const rows = (scoped ?? []).filter((s) => s.scope !== 'account' && s.state !== 'ACTIVE');
  const ready = client !== null && connected && !readOnly;
  const selectedHalted = rows.some((r) => r.scope === `instrument:${selected}` && r.state === 'HALTED');

  const haltSelected = async () => {
    if (!client || !selected) return;
    setHalting(true);
    try {
      applyStatus(await client.call('halt', { reason: `Instrument halt from the UI`, scope: { symbol: selected } }));
      notify('info', `${selected} HALTED: its new orders are denied; the rest of the account keeps trading.`);
    } catch (e) {
      notify('error', `HALT ${selected} failed: ${errorMessage(e)}`);
    } finally {
      setHalting(false);
    }
  };

  const resume = async (row: Scoped, reason: string) => {
    const parsed = parseScope(row.scope);
    if (!client || !parsed) return;
    try {
      applyStatus(await client.call('resume', { reason, scope: parsed.arg }));
      notify('info', `${parsed.kind} ${parsed.name} resumed: ${reason}`);
    } catch (e) {
      throw new Error(`RESUME failed: ${errorMessage(e)}`);
    }
  };

  return (
    <section className="rsec" data-testid="scoped-states" data-count={rows.length}>
      <h3 className="rsec-title">
        Strategy &amp; instrument states
        <span className="rsec-extra">
          <button
            type="button"
            className="btn btn-xs btn-warning"
            data-testid="halt-instrument"
            disabled={!ready || !selected || halting || selectedHalted}
            onClick={() => void haltSelected()}
            title={readOnly ? 'Read-only: trading is off' : `Halt new orders in ${selected ?? 'the selected instrument'} only`}
          >
            Halt {selected ?? '—'}
          </button>
        </span>
      </h3>
      {rows.length === 0 ? (
        <div className="rsec-empty">All strategies and instruments active</div>
      ) : (
        <div className="scoped-list">
          {rows.map((row) => {
            const p = parseScope(row.scope);
            return (
              <div key={row.scope} className={`scoped-chip sc-${row.state.toLowerCase()}`} data-testid="scoped-state" data-scope={row.scope} data-state={row.state}>
                <span className="scoped-state">{row.state}</span>
                <span className="scoped-kind">{p?.kind ?? 'scope'}</span>
                <span className="scoped-name">{p?.name ?? row.scope}</span>
                <button
                  type="button"
                  className="btn btn-xs btn-primary"
                  data-testid="scoped-resume"
                  disabled={!ready || !p}
                  onClick={() => setResuming(row)}
                  title={`Resume ${row.scope} (asks for a reason)`}
                >
                  Resume
                </button>
              </div>
            );
          })}
        </div>
      )}
      {resuming && (
        <ConfirmModal
          title={`Resume ${parseScope(resuming.scope)?.kind ?? ''} ${parseScope(resuming.scope)?.name ?? resuming.scope}`}
          tone="primary"
          confirmLabel="Resume"
          reasonLabel="Reason (journaled with the state change)"
          body={
            <p>
              <strong>{resuming.scope}</strong> is <strong>{resuming.state}</strong>. Resuming lets its orders through again; the account&apos;s own state still applies.
            </p>
          }
          onConfirm={(reason) => resume(resuming, reason)}
          onClose={() => setResuming(null)}
        />
      )}
    </section>
  );
}
