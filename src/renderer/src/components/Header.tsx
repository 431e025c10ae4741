// Top bar: product name, mode badge (PAPER...), venue and profile, engine clock,
// connection indicator, and the trading-state controls.
import { useDesk } from '../store/desk-store.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { SimClock } from './SimClock.js';
import { TradingControls } from './TradingControls.js';

export function Header() {
  const mode = useDesk((s) => s.status?.mode ?? null);
  const venue = useDesk((s) => s.status?.venue ?? null);
  const profile = useDesk((s) => s.status?.profile ?? null);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Tradedesk</span>
      </div>
      {mode && (
        <span className={`mode-badge mode-${mode}`} data-testid="mode-badge">
          {mode.toUpperCase()}
        </span>
      )}
      {venue && (
        <span className="meta" data-testid="venue">
          <span className="meta-key">Venue</span> {venue}
        </span>
      )}
      {profile && (
        <span className="meta">
          <span className="meta-key">Profile</span> {profile}
        </span>
      )}
      <SimClock />
      <div className="topbar-spacer" />
      <ConnectionIndicator />
      <TradingControls />
    </header>
  );
}
