// Native notifications: every critical alert the engine raises (once per alert
// id; which ones is src/shared/critical-alerts.ts, shared with the served UI),
// and the kill switch's outcomes. Where the OS has no notification service,
// they are only logged.
import type { Notify } from '../shared/critical-alerts.js';
import type { ElectronMain } from './electron-api.js';
import type { Log } from './security.js';

export { criticalAlertNotifier, MAX_PER_BATCH, type Notify } from '../shared/critical-alerts.js';

export function nativeNotifier(electron: Pick<ElectronMain, 'Notification'>, log: Log): Notify {
  return (title, body) => {
    if (!electron.Notification.isSupported()) {
      log(`notification (not supported here): ${title}: ${body}`);
      return;
    }
    new electron.Notification({ title, body, urgency: 'critical' }).show();
  };
}
