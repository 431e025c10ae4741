// The workstation layout: header, connection and read-only banners, then
// watchlist, chart, the right column (account & positions | risk | order
// ticket), alerts and the dock (blotter | decision log | performance); status
// bar at the bottom; the decision detail drawer and the limits editor on top.
import { useEffect } from 'react';
import { useDesk } from '../store/desk-store.js';
import type { Boot } from '../transport/pick-client.js';
import { AlertsPanel } from './AlertsPanel.js';
import { ConnectionBanner, NoticeToast, ReadOnlyBanner } from './Banners.js';
import { BottomDock } from './BottomDock.js';
import { CandleChart } from './CandleChart.js';
import { ClientContext } from './client-context.js';
import { DecisionDrawer } from './DecisionDrawer.js';
import { Header } from './Header.js';
import { RiskLimitsEditor } from './RiskLimitsEditor.js';
import { SidePanel } from './SidePanel.js';
import { StatusBar } from './StatusBar.js';
import { Watchlist } from './Watchlist.js';

/** Keeps the window title showing the trading state (visible in the taskbar). */
function useWindowTitle(): void {
  const state = useDesk((s) => s.status?.tradingState ?? null);
  const connection = useDesk((s) => s.connection);
  useEffect(() => {
    document.title = connection !== 'open' ? 'Tradedesk · disconnected' : state ? `Tradedesk · ${state}` : 'Tradedesk';
  }, [state, connection]);
}

export function App({ boot }: { boot: Boot }) {
  useWindowTitle();
  return (
    <ClientContext.Provider value={boot.ok ? boot.client : null}>
      <div className="app">
        <Header />
        <ConnectionBanner bootError={boot.ok ? null : boot.error} />
        <ReadOnlyBanner />
        <main className="workspace">
          <Watchlist />
          <CandleChart />
          <SidePanel />
          <AlertsPanel />
          <BottomDock />
        </main>
        <StatusBar />
        <DecisionDrawer />
        <RiskLimitsEditor />
        <NoticeToast />
      </div>
    </ClientContext.Provider>
  );
}
