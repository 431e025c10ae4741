// Native notifications: every critical alert the engine raises (once per alert
// id), and the kill switch's outcomes. At most MAX_PER_BATCH notifications per
// alerts event; the rest are summed up in one, so a storm cannot flood the
// desktop. Where the OS has no notification service, they are only logged.
import type { Alert } from '../shared/domain.js';
import type { ElectronMain } from './electron-api.js';
import type { Log } from './security.js';

export const MAX_PER_BATCH = 3;

export type Notify = (title: string, body: string) => void;

export function nativeNotifier(electron: Pick<ElectronMain, 'Notification'>, log: Log): Notify {
  return (title, body) => {
    if (!electron.Notification.isSupported()) {
      log(`notification (not supported here): ${title}: ${body}`);
      return;
    }
    new electron.Notification({ title, body, urgency: 'critical' }).show();
  };
}

/** Returns the handler for 'alerts' event payloads (the recent alerts, newest last or first). */
export function criticalAlertNotifier(notify: Notify): (alerts: readonly Alert[]) => void {
  const seen = new Set<string>();
  return (alerts) => {
    const fresh = alerts.filter((a) => a.level === 'critical' && !seen.has(a.id));
    for (const a of fresh) seen.add(a.id);
    fresh.sort((a, b) => a.ts - b.ts);
    for (const a of fresh.slice(0, MAX_PER_BATCH)) notify(`Tradedesk: ${a.code}`, a.message);
    if (fresh.length > MAX_PER_BATCH) notify('Tradedesk: more critical alerts', `${fresh.length - MAX_PER_BATCH} more; see the Alerts panel`);
  };
}
