// The dock's Strategies tab: one row per strategy with its enabled toggle,
// base weight (editable), what learning has learned of it (weight, influence,
// accuracy overall and per regime), its last signal with the reasons, and its
// error and the symbols it still waits for warm-up history on, if any (under its name). listStrategies is asked on open, then every 2 s while shown,
// and at once after a change. Every change asks for a reason (journaled with
// it) before setStrategyEnabled / setStrategyWeight is sent.
import { useState } from 'react';
import type { CommandResult, StrategyRow } from '../../../shared/api/contract.js';
import { fmtStamp } from '../lib/format.js';
import { usePolled } from '../lib/use-polled.js';
import { notify, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import type { RendererClient } from '../transport/renderer-client.js';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';

export const STRATEGIES_REFRESH_MS = 2000;

export interface StrategiesQuery {
  rows: CommandResult<'listStrategies'> | null;
  error: string | null;
  code: string | null;
  at: number;
  refresh: () => void;
}

const fetchStrategies = (client: RendererClient) => client.call('listStrategies', {});

export function useStrategies(): StrategiesQuery {
  const [key, setKey] = useState(0);
  const q = usePolled(fetchStrategies, STRATEGIES_REFRESH_MS, key);
  return { rows: q.data, error: q.error, code: q.code, at: q.at, refresh: () => setKey((k) => k + 1) };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);
const w2 = (x: number) => x.toFixed(2);
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(2)}`;
const readableRegime = (r: string) => r.replace(/_/g, ' ');

/** The typed base weight, or null when it is not a number in [0, 1]. */
function parseWeight(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

export function StrategiesSummary({ q }: { q: StrategiesQuery }) {
  if (!q.rows) return <span className="muted">{q.code === 'UNKNOWN_COMMAND' ? 'Not available' : 'Loading…'}</span>;
  const enabled = q.rows.filter((r) => r.enabled).length;
  const resolved = q.rows.reduce((n, r) => n + r.learning.resolved, 0);
  const failing = q.rows.filter((r) => r.error).length;
  const waiting = new Set(q.rows.flatMap((r) => r.waitingFor)).size;
  return (
    <span className="muted">
      {q.rows.length} strategies · {enabled} enabled · {resolved} resolved
      {waiting > 0 && (
        <>
          {' · '}
          <b className="warn-text">{waiting} symbol{waiting === 1 ? '' : 's'} waiting for history</b>
        </>
      )}
      {failing > 0 && (
        <>
          {' · '}
          <b className="warn-text">{failing} failing</b>
        </>
      )}
    </span>
  );
}

type Pending = { kind: 'enable'; row: StrategyRow; enabled: boolean } | { kind: 'weight'; row: StrategyRow; weight: number };

export function StrategiesView({ q }: { q: StrategiesQuery }) {
  const client = useClient();
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<Pending | null>(null);

  if (q.code === 'UNKNOWN_COMMAND') {
    return (
      <div className="strategies-empty" data-testid="strategies-view" data-state="unavailable" data-error-code={q.code}>
        This engine does not offer strategy controls yet: {q.error}
      </div>
    );
  }

  const draftOf = (r: StrategyRow) => drafts[r.id] ?? String(r.baseWeight);
  const clearDraft = (id: string) =>
    setDrafts((d) => {
      const next = { ...d };
      delete next[id];
      return next;
    });
  const askWeight = (r: StrategyRow) => {
    const w = parseWeight(draftOf(r));
    if (w !== null && w !== r.baseWeight) setPending({ kind: 'weight', row: r, weight: w });
  };

  const apply = async (reason: string) => {
    if (!client || !pending) return;
    try {
      if (pending.kind === 'enable') {
        await client.call('setStrategyEnabled', { id: pending.row.id, enabled: pending.enabled, reason });
        notify('info', `${pending.row.name} ${pending.enabled ? 'enabled' : 'disabled'}.`);
      } else {
        await client.call('setStrategyWeight', { id: pending.row.id, weight: pending.weight, reason });
        clearDraft(pending.row.id);
        notify('info', `${pending.row.name}: base weight ${w2(pending.row.baseWeight)} → ${w2(pending.weight)}.`);
      }
    } catch (e) {
      throw new Error(`Not changed: ${errorMessage(e)}`);
    } finally {
      q.refresh();
    }
  };

  return (
    <div className="strategies" data-testid="strategies-view" data-state={q.rows ? 'loaded' : 'loading'} data-updated={q.at}>
      {q.error && (
        <div className="inline-error" role="alert">
          {q.error}
        </div>
      )}
      <table className="grid-table strategies-table">
        <thead>
          <tr>
            <th className="l">Strategy</th>
            <th className="c">Enabled</th>
            <th>Base weight</th>
            <th title="Learned weight in the regime of the latest signal: EMA of performance plus a UCB1 exploration bonus">Learned</th>
            <th title="How much the learned weight counts against the base weight; grows with evidence">Influence</th>
            <th title="Share of resolved predictions whose direction was right">Accuracy</th>
            <th className="l">By regime</th>
            <th className="l">Last signal</th>
            <th className="l">Reasons</th>
          </tr>
        </thead>
        <tbody>
          {(q.rows ?? []).length === 0 && (
            <tr>
              <td colSpan={9} className="empty">
                {q.rows ? 'No strategies.' : 'Loading…'}
              </td>
            </tr>
          )}
          {(q.rows ?? []).map((r) => {
            const draft = draftOf(r);
            const parsed = parseWeight(draft);
            const changed = parsed !== null && parsed !== r.baseWeight;
            const bad = draft.trim() !== '' && parsed === null;
            const l = r.learning;
            const s = r.lastSignal;
            return (
              <tr key={r.id} className={r.enabled ? '' : 'strategy-off'} data-testid="strategy-row" data-id={r.id} data-enabled={String(r.enabled)} data-base-weight={r.baseWeight}>
                <td className="l">
                  <span className="strategy-name">{r.name}</span> <span className="chip">{r.kind}</span>
                  {r.name !== r.id && <span className="muted mono strategy-id">{r.id}</span>}
                  {r.waitingFor.length > 0 && (
                    <div className="strategy-error" data-testid="strategy-waiting" data-symbols={r.waitingFor.join(',')}>
                      <span className="chip chip-warn" title="Their warm-up history is still loading: this strategy gets none of their bars until it arrives (the others trade meanwhile)">
                        waiting for history: {r.waitingFor.length > 4 ? `${r.waitingFor.slice(0, 4).join(', ')} +${r.waitingFor.length - 4}` : r.waitingFor.join(', ')}
                      </span>
                    </div>
                  )}
                  {r.error && (
                    <div className="strategy-error" role="status" data-testid="strategy-error">
                      <span className="chip chip-bad">{r.error}</span>
                    </div>
                  )}
                </td>
                <td className="c">
                  <input
                    type="checkbox"
                    aria-label={`Enable ${r.name}`}
                    checked={r.enabled}
                    disabled={!client || readOnly}
                    onChange={() => setPending({ kind: 'enable', row: r, enabled: !r.enabled })}
                  />
                </td>
                <td className="strategy-weight">
                  <input
                    className={`ctl-input weight-input ${bad ? 'invalid' : ''}`}
                    aria-label={`Base weight of ${r.name}`}
                    aria-invalid={bad || undefined}
                    inputMode="decimal"
                    autoComplete="off"
                    value={draft}
                    readOnly={readOnly}
                    onChange={(e) => setDrafts((d) => ({ ...d, [r.id]: e.target.value }))}
                    onKeyDown={(e) => e.key === 'Enter' && askWeight(r)}
                  />
                  <button type="button" className="btn btn-xs btn-primary" aria-label={`Set weight of ${r.name}`} disabled={!changed || !client || readOnly} onClick={() => askWeight(r)}>
                    Set
                  </button>
                  {bad && (
                    <div className="lim-error" role="alert" data-testid="weight-error">
                      Enter a number between 0 and 1
                    </div>
                  )}
                </td>
                <td data-testid="learned-weight" data-value={l.weight} title={l.regime ? `in ${readableRegime(l.regime)}` : 'no signal yet'}>
                  {w2(l.weight)}
                  {l.resolved === 0 && <span className="muted"> exploring</span>}
                </td>
                <td data-testid="influence" data-value={l.influence}>
                  {pct(l.influence)}
                </td>
                <td data-testid="accuracy" data-value={l.accuracy ?? ''} title={`${l.hits} of ${l.resolved} resolved; ${l.pending} pending`}>
                  {pct(l.accuracy)} <span className="muted">({l.resolved})</span>
                </td>
                <td className="l strategy-regimes">
                  {l.byRegime.length === 0 && <span className="muted">—</span>}
                  {l.byRegime.map((g) => (
                    <span key={g.regime} className="chip" data-testid="regime-accuracy" data-regime={g.regime} title={`weight ${w2(g.weight)}, influence ${pct(g.influence)}`}>
                      {readableRegime(g.regime)} {pct(g.accuracy)} ({g.resolved})
                    </span>
                  ))}
                </td>
                <td className="l" data-testid="last-signal">
                  {s ? (
                    <>
                      <b className={s.score > 0 ? 'up' : s.score < 0 ? 'down' : 'flat'}>{signed(s.score)}</b> <span className="sym">{s.symbol}</span>{' '}
                      <span className="muted">
                        {fmtStamp(s.ts)} · {s.horizonBars} bars · conf {pct(s.confidence)}
                      </span>
                    </>
                  ) : (
                    <span className="muted">none yet</span>
                  )}
                </td>
                <td className="l strategy-reasons" data-testid="signal-reasons">
                  {s?.reasons.join('; ') ?? ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {pending && (
        <ConfirmModal
          title={pending.kind === 'enable' ? `${pending.enabled ? 'Enable' : 'Disable'} ${pending.row.name}?` : `Re-weight ${pending.row.name}?`}
          tone={pending.kind === 'enable' && !pending.enabled ? 'warning' : 'primary'}
          confirmLabel={pending.kind === 'enable' ? (pending.enabled ? 'Enable' : 'Disable') : 'Set weight'}
          confirmTestId="strategy-confirm"
          reasonTestId="strategy-reason"
          reasonLabel="Reason (journaled with the change)"
          body={
            pending.kind === 'enable' ? (
              <p>{pending.enabled ? 'Its signals will count again from the next bar.' : 'Its signals stop counting from the next bar; open positions are not closed.'}</p>
            ) : (
              <p>
                Base weight <span className="mono">{w2(pending.row.baseWeight)}</span> → <span className="mono">{w2(pending.weight)}</span>. Learning blends it with the learned
                weight by the influence shown.
              </p>
            )
          }
          onConfirm={apply}
          onClose={() => setPending(null)}
        />
      )}
    </div>
  );
}
