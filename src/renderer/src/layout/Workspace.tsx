// The rearrangeable workspace: two rows of resizable areas (react-resizable-
// panels): left | centre | right over bottom-left | bottom. Each area shows one
// of its panels (AreaFrame); the sizes and the panels' places are remembered
// (layout-store). Reset remounts the groups with the default sizes.
import type { ReactNode } from 'react';
import { Group, Panel, Separator, type Layout as GroupLayout } from 'react-resizable-panels';
import { AlertsPanel } from '../components/AlertsPanel.js';
import { BottomDock } from '../components/BottomDock.js';
import { CandleChart } from '../components/CandleChart.js';
import { Dashboard } from '../components/Dashboard.js';
import { SidePanel } from '../components/SidePanel.js';
import { Watchlist } from '../components/Watchlist.js';
import { AreaFrame } from './AreaFrame.js';
import type { AreaId, PanelId } from './layout-model.js';
import { setGroupSizes, useLayout } from './layout-store.js';
import './workspace.css';

function renderPanel(panel: PanelId): ReactNode {
  switch (panel) {
    case 'watchlist':
      return <Watchlist />;
    case 'chart':
      return <CandleChart />;
    case 'dashboard':
      return <Dashboard />;
    case 'side':
      return <SidePanel />;
    case 'alerts':
      return <AlertsPanel />;
    case 'dock':
      return <BottomDock />;
  }
}

function useGroup(id: string) {
  const sizes = useLayout((s) => s.sizes[id]);
  return {
    id,
    defaultLayout: sizes,
    onLayoutChanged: (layout: GroupLayout, meta: { isUserInteraction: boolean; requestedLayout?: GroupLayout }) => {
      if (meta.isUserInteraction) setGroupSizes(id, meta.requestedLayout ?? layout);
    },
  };
}

function Area({ area, size, min }: { area: AreaId; size: string; min: string }) {
  return (
    <Panel id={`pane-${area}`} defaultSize={size} minSize={min} className="pane">
      <AreaFrame area={area} render={renderPanel} />
    </Panel>
  );
}

function Handle({ label }: { label: string }) {
  return <Separator className="resize-handle" aria-label={label} />;
}

export function Workspace() {
  const epoch = useLayout((s) => s.epoch);
  const rows = useGroup('rows');
  const top = useGroup('top');
  const bottom = useGroup('bottom');
  return (
    <main className="ws-root" key={epoch} data-testid="workspace">
      <Group orientation="vertical" className="ws-group" {...rows}>
        <Panel id="row-top" defaultSize="57%" minSize="15%" className="pane">
          <Group orientation="horizontal" className="ws-group" {...top}>
            <Area area="left" size="17%" min="8%" />
            <Handle label="Resize the left column" />
            <Area area="center" size="51%" min="20%" />
            <Handle label="Resize the centre and right column" />
            <Area area="right" size="32%" min="12%" />
          </Group>
        </Panel>
        <Handle label="Resize the top and bottom rows" />
        <Panel id="row-bottom" defaultSize="43%" minSize="12%" className="pane">
          <Group orientation="horizontal" className="ws-group" {...bottom}>
            <Area area="bottomLeft" size="17%" min="8%" />
            <Handle label="Resize the bottom-left area" />
            <Area area="bottom" size="83%" min="30%" />
          </Group>
        </Panel>
      </Group>
    </main>
  );
}
