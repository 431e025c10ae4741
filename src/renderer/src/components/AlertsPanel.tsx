// Engine alerts, newest first: severity, time, code, message and source, an
// Acknowledge button on each open one (the engine journals it; a refusal shows
// its reason beside the button), acknowledged ones dimmed or hidden. The
// header counts open critical alerts and holds the notification settings
// (desktop notifications for critical alerts, an optional sound, off by default).
import { useMemo, useState } from 'react';
import type { Alert } from '../../../shared/domain.js';
import { fmtTime } from '../lib/format.js';
import { notificationPermission, notifierStats } from '../shell/alert-notifier.js';
import { setPref, usePrefs } from '../shell/prefs-store.js';
import { useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';
import { Panel } from './Panel.js';
import './alerts.css';

const MAX_ALERTS = 200;

export function AlertsPanel() {
  const alerts = useDesk((s) => s.alerts);
  const [showAcked, setShowAcked] = useState(true);
  const sorted = useMemo(
    () => [...alerts].filter((a) => showAcked || a.acknowledgedAt === undefined).sort((a, b) => b.ts - a.ts).slice(0, MAX_ALERTS),
    [alerts, showAcked],
  );
  const critical = alerts.filter((a) => a.level === 'critical' && a.acknowledgedAt === undefined).length;
  const open = alerts.filter((a) => a.acknowledgedAt === undefined).length;
  return (
    <Panel
      title="Alerts"
      extra={
        <span className="muted" data-testid="alerts-count" data-open={open} data-critical={critical}>
          {critical > 0 ? <b className="down">{critical} critical · </b> : null}
          {open} open / {alerts.length}
        </span>
      }
      className="area-alerts"
      testId="alerts"
    >
      <AlertSettings showAcked={showAcked} onShowAcked={setShowAcked} />
      <ul className="alerts" aria-label="Alerts, newest first">
        {sorted.map((a) => (
          <AlertRow key={`${a.id}@${a.ts}`} alert={a} />
        ))}
        {sorted.length === 0 && <li className="empty">No alerts</li>}
      </ul>
    </Panel>
  );
}

function AlertRow({ alert: a }: { alert: Alert }) {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acked = a.acknowledgedAt !== undefined;
  const ack = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await client.call('acknowledgeAlert', { id: a.id });
      useDesk.setState((s) => ({ alerts: s.alerts.map((x) => (x.id === updated.id && x.ts === updated.ts ? updated : x)) }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`alert alert-${a.level} ${acked ? 'alert-acked' : ''}`} data-testid="alert-row" data-level={a.level} data-alert-id={a.id} data-acked={acked}>
      <div className="alert-head">
        <span className="alert-level">{a.level}</span>
        <span className="alert-code">{a.code}</span>
        <time className="alert-time mono" dateTime={new Date(a.ts).toISOString()}>
          {fmtTime(a.ts)}
        </time>
      </div>
      <div className="alert-msg">{a.message}</div>
      <div className="alert-foot">
        <span className="alert-src muted">
          <span className="sr-label">Source: </span>
          {a.source}
        </span>
        {acked ? (
          <span className="alert-acked-at muted" data-testid="alert-acked">
            acknowledged {fmtTime(a.acknowledgedAt)}
          </span>
        ) : (
          <button type="button" className="alert-ack" data-testid="alert-ack" disabled={busy || !client || !connected} onClick={() => void ack()} aria-label={`Acknowledge ${a.level} alert ${a.code} at ${fmtTime(a.ts)}`}>
            {busy ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        )}
      </div>
      {error && (
        <div className="alert-ack-error" role="alert" data-testid="alert-ack-error">
          Not acknowledged: {error}
        </div>
      )}
    </li>
  );
}

function AlertSettings({ showAcked, onShowAcked }: { showAcked: boolean; onShowAcked: (v: boolean) => void }) {
  const sound = usePrefs((s) => s.alertSound);
  const desktop = usePrefs((s) => s.desktopNotifications);
  const transport = useDesk((s) => s.transport);
  const [permission, setPermission] = useState(notificationPermission());
  const ask = async () => {
    if (typeof Notification === 'undefined') return;
    setPermission(await Notification.requestPermission());
  };
  return (
    <div className="alert-settings" data-testid="alert-settings" data-notified={notifierStats.notified} data-sounded={notifierStats.sounded}>
      <label>
        <input type="checkbox" checked={showAcked} onChange={(e) => onShowAcked(e.target.checked)} /> Show acknowledged
      </label>
      <label title="A short tone when a critical alert arrives">
        <input type="checkbox" checked={sound} data-testid="alert-sound" onChange={(e) => setPref('alertSound', e.target.checked)} /> Sound for critical
      </label>
      {transport === 'WebSocket' && (
        <label title="Critical alerts as desktop notifications">
          <input type="checkbox" checked={desktop} data-testid="alert-desktop" onChange={(e) => setPref('desktopNotifications', e.target.checked)} /> Desktop notifications
        </label>
      )}
      {transport === 'WebSocket' && desktop && permission === 'default' && (
        <button type="button" className="link-btn" onClick={() => void ask()}>
          Allow notifications…
        </button>
      )}
      {transport === 'WebSocket' && desktop && permission === 'denied' && <span className="muted">Notifications are blocked by the browser.</span>}
    </div>
  );
}
