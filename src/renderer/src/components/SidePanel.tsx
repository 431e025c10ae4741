// The right column: tabs "Account | Risk | Ticket" over one panel. Only the
// active tab is mounted; the risk gauges, analytics and the ticket's fields
// live in stores, so switching tabs loses nothing.
import { TabBar } from './TabBar.js';
import type { ReactNode } from 'react';
import { useDesk } from '../store/desk-store.js';
import { setSideTab, useRiskUi, type SideTab } from '../store/risk-store.js';
import { OrderTicket } from './OrderTicket.js';
import { PositionsTable } from './PositionsTable.js';
import { RiskPanel, RiskTabBadge } from './RiskPanel.js';

const TABS: { id: SideTab; label: string; testId: string }[] = [
  { id: 'account', label: 'Account & positions', testId: 'account-tab' },
  { id: 'risk', label: 'Risk', testId: 'risk-tab' },
  { id: 'ticket', label: 'Order ticket', testId: 'ticket-tab' },
];

function Extra({ tab }: { tab: SideTab }): ReactNode {
  const positions = useDesk((s) => s.positions.length);
  const live = useDesk((s) => s.risk !== null);
  if (tab === 'account') return <span className="muted">{positions} open</span>;
  if (tab === 'risk') return <span className={`live-dot ${live ? 'on' : ''}`} title={live ? 'Live risk updates' : 'No risk update yet'} />;
  return null;
}

export function SidePanel() {
  const tab = useRiskUi((s) => s.sideTab);
  return (
    <section className="panel area-positions side" data-testid="side-panel" data-tab={tab}>
      <header className="panel-head dock-head">
        <TabBar tabs={TABS} active={tab} onSelect={setSideTab} label="Account, risk and order entry" badge={(id) => (id === 'risk' ? <RiskTabBadge /> : null)} />
        <div className="panel-extra">
          <Extra tab={tab} />
        </div>
      </header>
      <div className="panel-body" role="tabpanel" tabIndex={0}>
        {tab === 'account' && <PositionsTable />}
        {tab === 'risk' && <RiskPanel />}
        {tab === 'ticket' && <OrderTicket />}
      </div>
    </section>
  );
}
