// One area of the workspace: a slim bar with a tab per panel the area holds
// (the shown one selected) and "Move to…" for the shown panel, over the shown
// panel itself. Only the shown panel is mounted. An empty area says how to
// fill it.
import type { ReactNode } from 'react';
import { AREA_LABEL, PANEL_LABEL, type AreaId, type PanelId } from './layout-model.js';
import { show, useLayout } from './layout-store.js';
import { MoveMenu } from './MoveMenu.js';

export function AreaFrame({ area, render }: { area: AreaId; render: (panel: PanelId) => ReactNode }) {
  const panels = useLayout((s) => s.areas[area]);
  const active = useLayout((s) => s.active[area]);
  return (
    <section className="area" data-testid={`area-${area}`} data-area={area} data-panels={panels.join(' ')} aria-label={AREA_LABEL[area]}>
      <div className="area-bar">
        <div className="area-tabs" role="tablist" aria-label={`Panels in the ${AREA_LABEL[area].toLowerCase()}`}>
          {panels.map((p) => (
            <button
              key={p}
              type="button"
              role="tab"
              className={`area-tab ${p === active ? 'area-tab-active' : ''}`}
              aria-selected={p === active}
              data-testid={`area-tab-${p}`}
              onClick={() => show(p)}
            >
              {PANEL_LABEL[p]}
            </button>
          ))}
        </div>
        {active && <MoveMenu panel={active} area={area} />}
      </div>
      <div className="area-body" data-panel={active ?? ''}>
        {active ? render(active) : <p className="area-empty">Empty area: use “Move to…” on another panel to put it here.</p>}
      </div>
    </section>
  );
}
