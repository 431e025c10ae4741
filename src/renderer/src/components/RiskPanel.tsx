// The Risk tab of the right column: live gauges (from the coalesced 'risk'
// event, never polled), the monitors, strategy/instrument trading states and
// the on-demand portfolio analytics.
import { useDesk } from '../store/desk-store.js';
import { RiskAnalyticsView } from './RiskAnalyticsView.js';
import { RiskGauges, RiskMonitors } from './RiskGauges.js';
import { ScopedStates } from './ScopedStates.js';

export function RiskPanel() {
  const live = useDesk((s) => s.risk !== null);
  return (
    <div className="risk-panel" data-testid="risk-panel" data-live={live}>
      <section className="rsec rsec-gauges">
        <RiskGauges />
        {!live && <div className="rsec-note">Exposure from the account; drawdown, day P&amp;L and volatility appear with the first risk update (once the account holds a position).</div>}
      </section>
      <section className="rsec">
        <RiskMonitors />
      </section>
      <ScopedStates />
      <RiskAnalyticsView />
    </div>
  );
}

/** Tab header summary: the worst of the gauges' states, as a small dot. */
export function RiskTabBadge() {
  const blocking = useDesk((s) => s.risk?.volRegime.blocking ?? false);
  const scoped = useDesk((s) => (s.status?.scopedStates ?? []).filter((x) => x.scope !== 'account' && x.state !== 'ACTIVE').length);
  const stale = useDesk((s) => s.risk?.staleInstruments.length ?? 0);
  const n = scoped + stale + (blocking ? 1 : 0);
  if (n === 0) return null;
  return (
    <span className="tab-badge" title={`${scoped} scoped state(s), ${stale} stale instrument(s)${blocking ? ', volatility regime blocking' : ''}`}>
      {n}
    </span>
  );
}
