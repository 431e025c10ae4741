// The workstation: header, connection, read-only and reconciliation banners,
// then the rearrangeable workspace (layout/Workspace.tsx: watchlist, chart and
// dashboard, the right column, alerts and the dock, each movable between
// areas); status bar at the bottom; the decision detail drawer, Settings and
// the shortcut help on top. Keyboard shortcuts are listened for here. A LIVE
// session gets a red edge on the window.
import { useEffect } from 'react';
import { useDesk } from '../store/desk-store.js';
import type { Boot } from '../transport/pick-client.js';
import { Workspace } from '../layout/Workspace.js';
import { HelpOverlay } from '../shell/HelpOverlay.js';
import { useShortcuts } from '../shell/use-shortcuts.js';
import { ConnectionBanner, NoticeToast, ReadOnlyBanner, ReconciliationBanner } from './Banners.js';
import { ClientContext } from './client-context.js';
import { DecisionDrawer } from './DecisionDrawer.js';
import { Header } from './Header.js';
import { SettingsDialog } from './SettingsDialog.js';
import { StatusBar } from './StatusBar.js';

/** Keeps the window title showing the trading state (visible in the taskbar). */
function useWindowTitle(): void {
  const state = useDesk((s) => s.status?.tradingState ?? null);
  const live = useDesk((s) => s.status?.mode === 'live');
  const connection = useDesk((s) => s.connection);
  useEffect(() => {
    const base = live ? 'Tradedesk · LIVE' : 'Tradedesk';
    document.title = connection !== 'open' ? `${base} · disconnected` : state ? `${base} · ${state}` : base;
  }, [state, connection, live]);
}

export function App({ boot }: { boot: Boot }) {
  useWindowTitle();
  useShortcuts();
  const mode = useDesk((s) => s.status?.mode ?? null);
  return (
    <ClientContext.Provider value={boot.ok ? boot.client : null}>
      <div className={`app ${mode === 'live' ? 'app-live' : ''}`} data-mode={mode ?? ''}>
        <Header />
        <ConnectionBanner bootError={boot.ok ? null : boot.error} />
        <ReadOnlyBanner />
        <ReconciliationBanner />
        <Workspace />
        <StatusBar />
        <DecisionDrawer />
        <SettingsDialog />
        <HelpOverlay />
        <NoticeToast />
      </div>
    </ClientContext.Provider>
  );
}
