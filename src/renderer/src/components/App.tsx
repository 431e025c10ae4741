// The workstation layout: header, connection, read-only and reconciliation
// banners, then watchlist, chart, the right column (account & positions | risk
// | order ticket), alerts and the dock (blotter | decision log | performance |
// reconciliation | health); status bar at the bottom; the decision detail
// drawer and Settings on top. A LIVE session gets a red edge on the window.
import { useEffect } from 'react';
import { useDesk } from '../store/desk-store.js';
import type { Boot } from '../transport/pick-client.js';
import { AlertsPanel } from './AlertsPanel.js';
import { ConnectionBanner, NoticeToast, ReadOnlyBanner, ReconciliationBanner } from './Banners.js';
import { BottomDock } from './BottomDock.js';
import { CandleChart } from './CandleChart.js';
import { ClientContext } from './client-context.js';
import { DecisionDrawer } from './DecisionDrawer.js';
import { Header } from './Header.js';
import { SettingsDialog } from './SettingsDialog.js';
import { SidePanel } from './SidePanel.js';
import { StatusBar } from './StatusBar.js';
import { Watchlist } from './Watchlist.js';

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
  const mode = useDesk((s) => s.status?.mode ?? null);
  return (
    <ClientContext.Provider value={boot.ok ? boot.client : null}>
      <div className={`app ${mode === 'live' ? 'app-live' : ''}`} data-mode={mode ?? ''}>
        <Header />
        <ConnectionBanner bootError={boot.ok ? null : boot.error} />
        <ReadOnlyBanner />
        <ReconciliationBanner />
        <main className="workspace">
          <Watchlist />
          <CandleChart />
          <SidePanel />
          <AlertsPanel />
          <BottomDock />
        </main>
        <StatusBar />
        <DecisionDrawer />
        <SettingsDialog />
        <NoticeToast />
      </div>
    </ClientContext.Provider>
  );
}
