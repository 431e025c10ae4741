// The bottom dock: tabs "Blotter | Decisions | Performance" over one panel,
// the active tab's counts, and the journal export control on the right. Only
// the active tab is mounted, so the decision log and the account metrics are
// queried only while shown.
import type { ReactNode } from 'react';
import { setDockTab, useDecisionUi, type DockTab } from '../store/decision-store.js';
import { DecisionLog, DecisionSummaryLine, useDecisionRows } from './DecisionLog.js';
import { ExportControl } from './ExportControl.js';
import { BlotterSummary, OrderBlotter } from './OrderBlotter.js';
import { PerformanceSummary, PerformanceView, usePerformance } from './PerformanceView.js';

const TABS: { id: DockTab; label: string; testId: string }[] = [
  { id: 'blotter', label: 'Blotter', testId: 'blotter-tab' },
  { id: 'decisions', label: 'Decisions', testId: 'decisions-tab' },
  { id: 'performance', label: 'Performance', testId: 'performance-tab' },
];

export function BottomDock() {
  const tab = useDecisionUi((s) => s.tab);
  if (tab === 'decisions') return <DecisionsDock />;
  if (tab === 'performance') return <PerformanceDock />;
  return <DockFrame tab="blotter" summary={<BlotterSummary />} body={<OrderBlotter />} />;
}

function PerformanceDock() {
  const q = usePerformance();
  return <DockFrame tab="performance" summary={<PerformanceSummary q={q} />} body={<PerformanceView q={q} />} />;
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
        <div className="tabs" role="tablist" aria-label="Orders, decisions and performance">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              className={`tab ${t.id === tab ? 'tab-active' : ''}`}
              aria-selected={t.id === tab}
              data-testid={t.testId}
              onClick={() => setDockTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <div className="dock-summary">{summary}</div>
        <ExportControl />
      </header>
      <div className="panel-body" role="tabpanel">
        {body}
      </div>
    </section>
  );
}
