// Top bar: product name, mode badge (PAPER / LIVE in red / BACKTEST), venue
// and profile, engine clock, connection indicator, the Settings button (risk
// limits, brokers, live trading), Reset layout, theme and shortcut help
// (ShellControls) and the trading-state controls, which never leave the screen
// (on narrower windows the rest compacts first: shell/shell.css).
import { useDesk } from '../store/desk-store.js';
import { openSettings } from '../store/risk-store.js';
import { ShellControls } from '../shell/ShellControls.js';
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
        <span
          className={`mode-badge mode-badge-lg mode-${mode}`}
          data-testid="mode-badge"
          data-mode={mode}
          title={mode === 'live' ? 'LIVE: orders go to a live venue with real money' : mode === 'paper' ? 'PAPER: no real money is at stake' : 'Backtest'}
        >
          {mode === 'live' && <span className="mode-dot" aria-hidden="true" />}
          {mode.toUpperCase()}
        </span>
      )}
      {venue && (
        <span className="meta meta-venue" data-testid="venue">
          <span className="meta-key">Venue</span> {venue}
        </span>
      )}
      {profile && (
        <span className="meta meta-profile">
          <span className="meta-key">Profile</span> {profile}
        </span>
      )}
      <SimClock />
      <div className="topbar-spacer" />
      <ConnectionIndicator />
      <ShellControls />
      <button type="button" className="btn btn-settings" data-testid="settings-button" onClick={() => openSettings()} aria-label="Settings" title="Settings: risk limits, broker keys, live trading">
        <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
          <path
            fill="currentColor"
            d="M6.6 1h2.8l.4 1.9 1.2.6 1.7-1 2 2-1 1.7.5 1.2 1.8.4v2.8l-1.8.4-.5 1.2 1 1.7-2 2-1.7-1-1.2.5-.4 1.8H6.6l-.4-1.8-1.2-.5-1.7 1-2-2 1-1.7-.5-1.2L0 9.4V6.6l1.8-.4.5-1.2-1-1.7 2-2 1.7 1 1.2-.6L6.6 1zM8 5.5a2.5 2.5 0 100 5 2.5 2.5 0 000-5z"
          />
        </svg>
        <span className="topbar-label">Settings</span>
      </button>
      <TradingControls />
    </header>
  );
}
