// The Settings dialog: tabs "Risk limits | Brokers | Live trading" over one
// pane, the session's mode in the title, pinned near the top so the tabs stay
// put while the pane's height changes. Only the active tab is mounted (each
// loads fresh from the engine when shown). Escape, the × and a click outside
// close it unless the tab is busy (saving, or its own confirmation is open).
import { TabBar } from './TabBar.js';
import { useCallback, useEffect, useState } from 'react';
import { useDesk } from '../store/desk-store.js';
import { closeSettings, setSettingsTab, useRiskUi, type SettingsTab } from '../store/risk-store.js';
import { BrokersSettings } from './BrokersSettings.js';
import { LiveTradingSettings } from './LiveTradingSettings.js';
import { RiskLimitsEditor } from './RiskLimitsEditor.js';

const TABS: { id: SettingsTab; label: string; testId: string }[] = [
  { id: 'limits', label: 'Risk limits', testId: 'settings-tab-limits' },
  { id: 'brokers', label: 'Brokers', testId: 'settings-tab-brokers' },
  { id: 'live', label: 'Live trading', testId: 'settings-tab-live' },
];

export function SettingsDialog() {
  const open = useRiskUi((s) => s.settingsOpen);
  return open ? <Dialog /> : null;
}

function Dialog() {
  const tab = useRiskUi((s) => s.settingsTab);
  const mode = useDesk((s) => s.status?.mode ?? null);
  const [busy, setBusy] = useState(false);
  const onBusy = useCallback((b: boolean) => setBusy(b), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) closeSettings();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy]);

  const select = (id: SettingsTab) => {
    if (busy || id === tab) return;
    setBusy(false);
    setSettingsTab(id);
  };

  return (
    <div className="modal-backdrop settings-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && closeSettings()}>
      <div className="modal modal-wide settings-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title" data-testid="settings-dialog" data-tab={tab}>
        <div className="settings-head">
          <h3 id="settings-title" className="modal-title">
            Settings
          </h3>
          {mode && <span className={`mode-badge mode-${mode}`}>{mode.toUpperCase()}</span>}
          <TabBar tabs={TABS} active={tab} onSelect={select} label="Settings" className="settings-tabs" disabled={(id) => busy && id !== tab} />
          <button type="button" className="drawer-close settings-close" aria-label="Close settings" data-testid="settings-close" disabled={busy} onClick={closeSettings}>
            ×
          </button>
        </div>
        <div className="settings-body" role="tabpanel">
          {tab === 'limits' && <RiskLimitsEditor onBusy={onBusy} />}
          {tab === 'brokers' && <BrokersSettings onBusy={onBusy} />}
          {tab === 'live' && <LiveTradingSettings onBusy={onBusy} />}
        </div>
      </div>
    </div>
  );
}
