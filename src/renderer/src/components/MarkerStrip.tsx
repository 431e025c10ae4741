// A thin strip under the chart listing the decision markers drawn on it,
// newest first (▲ buy / ▼ sell, grey when denied): the same markers as DOM
// elements, each opening its decision's detail.
import type { DecisionMarker } from '../chart/decision-markers.js';
import { fmtDateTime, fmtQty, fmtStamp } from '../lib/format.js';
import { openDecision, useDecisionUi } from '../store/decision-store.js';

const MAX_CHIPS = 40;

export function MarkerStrip({ symbol, markers }: { symbol: string | null; markers: readonly DecisionMarker[] }) {
  const openId = useDecisionUi((s) => s.openId);
  const newest = markers.slice(-MAX_CHIPS).reverse();
  return (
    <div className="marker-strip" data-testid="chart-markers" data-count={markers.length}>
      <span className="marker-strip-label">Decisions{symbol ? ` · ${symbol}` : ''}</span>
      {newest.map((m) => {
        const d = m.decision;
        return (
          <button
            key={m.id}
            type="button"
            className={`marker-chip mk-${d.action} ${d.outcome === 'denied' ? 'mk-denied' : ''} ${m.id === openId ? 'mk-open' : ''}`}
            data-testid="chart-marker"
            data-decision-id={m.id}
            data-action={d.action}
            data-outcome={d.outcome}
            title={`${fmtDateTime(d.ts)} · ${d.action.toUpperCase()} ${fmtQty(d.qty)} · ${d.outcome} · ${d.status}\n${d.reason}`}
            onClick={() => openDecision(m.id)}
          >
            {d.action === 'buy' ? '▲' : '▼'} {fmtStamp(d.ts).slice(6)}
          </button>
        );
      })}
      {markers.length === 0 && <span className="muted">none yet</span>}
      {markers.length > MAX_CHIPS && <span className="muted">+{markers.length - MAX_CHIPS} older</span>}
    </div>
  );
}
