// Engine alerts, newest first, colored by level.
import { useMemo } from 'react';
import { fmtTime } from '../lib/format.js';
import { useDesk } from '../store/desk-store.js';
import { Panel } from './Panel.js';

const MAX_ALERTS = 200;

export function AlertsPanel() {
  const alerts = useDesk((s) => s.alerts);
  const sorted = useMemo(() => [...alerts].sort((a, b) => b.ts - a.ts).slice(0, MAX_ALERTS), [alerts]);
  const critical = alerts.filter((a) => a.level === 'critical').length;
  return (
    <Panel
      title="Alerts"
      extra={<span className="muted">{critical > 0 ? <b className="down">{critical} critical · </b> : null}{alerts.length}</span>}
      className="area-alerts"
      testId="alerts"
    >
      <ul className="alerts">
        {sorted.map((a) => (
          <li key={a.id} className={`alert alert-${a.level}`} data-testid="alert-row" data-level={a.level}>
            <div className="alert-head">
              <span className="alert-level">{a.level}</span>
              <span className="alert-code">{a.code}</span>
              <span className="alert-time mono">{fmtTime(a.ts)}</span>
            </div>
            <div className="alert-msg">{a.message}</div>
            <div className="alert-src muted">{a.source}</div>
          </li>
        ))}
        {sorted.length === 0 && <li className="empty">No alerts</li>}
      </ul>
    </Panel>
  );
}
