// The bottom dock: tabs "Blotter | Decisions | Performance | Reconciliation |
// Health | Strategies" over one panel, the active tab's counts, and the journal export
// control on the right. Only the active tab is mounted, so the decision log,
// the account metrics and the health reports are queried only while shown
// (the reconciliation is kept by its store: its badge shows on every tab).
import { TabBar } from './TabBar.js';
import type { ReactNode } from 'react';
import { setDockTab, useDecisionUi, type DockTab } from '../store/decision-store.js';
import { DecisionLog, DecisionSummaryLine, useDecisionRows } from './DecisionLog.js';
import { ExportControl } from './ExportControl.js';
import { BlotterSummary, OrderBlotter } from './OrderBlotter.js';
import { BacktestSummaryLine, BacktestView } from './BacktestView.js';
import { HealthSummary, HealthView, useHealth } from './HealthView.js';
import { PerformanceSummary, PerformanceView, usePerformance } from './PerformanceView.js';
import { ReconciliationPanel, ReconSummary, ReconTabBadge } from './ReconciliationPanel.js';
import { StrategiesSummary, StrategiesView, useStrategies } from './StrategiesPanel.js';

const TABS: { id: DockTab; label: string; testId: string }[] = [
  { id: 'blotter', label: 'Blotter', testId: 'blotter-tab' },
  { id: 'decisions', label: 'Decisions', testId: 'decisions-tab' },
  { id: 'performance', label: 'Performance', testId: 'performance-tab' },
  { id: 'reconciliation', label: 'Reconciliation', testId: 'reconciliation-tab' },
  { id: 'health', label: 'Health', testId: 'health-tab' },
  { id: 'strategies', label: 'Strategies', testId: 'strategies-tab' },
  { id: 'backtest', label: 'Backtest', testId: 'backtest-tab' },
];

export function BottomDock() {
  const tab = useDecisionUi((s) => s.tab);
  if (tab === 'decisions') return <DecisionsDock />;
  if (tab === 'performance') return <PerformanceDock />;
  if (tab === 'reconciliation') return <DockFrame tab="reconciliation" summary={<ReconSummary />} body={<ReconciliationPanel />} />;
  if (tab === 'health') return <HealthDock />;
  if (tab === 'strategies') return <StrategiesDock />;
  if (tab === 'backtest') return <DockFrame tab="backtest" summary={<BacktestSummaryLine />} body={<BacktestView />} />;
  return <DockFrame tab="blotter" summary={<BlotterSummary />} body={<OrderBlotter />} />;
}

function PerformanceDock() {
  const q = usePerformance();
  return <DockFrame tab="performance" summary={<PerformanceSummary q={q} />} body={<PerformanceView q={q} />} />;
}

function HealthDock() {
  const q = useHealth();
  return <DockFrame tab="health" summary={<HealthSummary q={q} />} body={<HealthView q={q} />} />;
}

function StrategiesDock() {
  const q = useStrategies();
  return <DockFrame tab="strategies" summary={<StrategiesSummary q={q} />} body={<StrategiesView q={q} />} />;
}

/** The Decisions tab holds the query, so the header count and the table share one answer. */
function DecisionsDock() {
  const { data, error, loaded } = useDecisionRows();
  return (
    <DockFrame
      tab="decisions"
      summary={<DecisionSummaryLine shown={data.length} loaded={loaded} />}
      body={<DecisionLog rows={data} error={error} loaded={loaded} />}
    />
  );
}

function DockFrame({ tab, summary, body }: { tab: DockTab; summary: ReactNode; body: ReactNode }) {
  return (
    <section className="panel area-blotter dock" data-testid="dock" data-tab={tab}>
      <header className="panel-head dock-head">
        <TabBar
          tabs={TABS}
          active={tab}
          onSelect={setDockTab}
          label="Orders, decisions, performance, reconciliation, health and strategies"
          badge={(id) => (id === 'reconciliation' ? <ReconTabBadge /> : null)}
        />
        <div className="dock-summary">{summary}</div>
        <ExportControl />
      </header>
      <div className="panel-body" role="tabpanel" tabIndex={0}>
        {body}
      </div>
    </section>
  );
}
