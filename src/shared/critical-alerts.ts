// Which critical alerts to announce outside the window (the desktop app's
// native notifications, the served UI's browser notifications): each critical
// alert once, at most MAX_PER_BATCH per alerts event, the rest summed up in
// one, so a storm cannot flood the desktop.
import type { Alert } from './domain.js';

export const MAX_PER_BATCH = 3;

export type Notify = (title: string, body: string) => void;

/**
 * Returns the handler for 'alerts' event payloads (the recent alerts, newest
 * last or first). `key` tells alerts apart (the id by default; a renderer that
 * outlives an engine restart, where ids start again, adds the time).
 */
export function criticalAlertNotifier(notify: Notify, key: (a: Alert) => string = (a) => a.id): (alerts: readonly Alert[]) => void {
  const seen = new Set<string>();
  return (alerts) => {
    const fresh = alerts.filter((a) => a.level === 'critical' && !seen.has(key(a)));
    for (const a of fresh) seen.add(key(a));
    fresh.sort((a, b) => a.ts - b.ts);
    for (const a of fresh.slice(0, MAX_PER_BATCH)) notify(`Tradedesk: ${a.code}`, a.message);
    if (fresh.length > MAX_PER_BATCH) notify('Tradedesk: more critical alerts', `${fresh.length - MAX_PER_BATCH} more; see the Alerts panel`);
  };
}
